// Reads the raw stack configuration from Pulumi config; `validateConfig` decides what it means.
import * as pulumi from "@pulumi/pulumi";
import { RawConfig, SecretConfigEntry } from "./types";

/** `isConfigSecret` is part of the runtime but not of its typings; checked at start-up. */
const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (fullKey: string) => boolean };

/** Objects and lists arrive as JSON text; anything that is not JSON stays the string it is. */
function parseValue(text: string | undefined): unknown {
    if (text === undefined) {
        return undefined;
    }
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

function isSecretKey(fullKey: string): boolean {
    if (typeof runtime.isConfigSecret !== "function") {
        throw new Error("this version of @pulumi/pulumi cannot tell secret config from plain config; use the version in package.json");
    }
    return runtime.isConfigSecret(fullKey);
}

export function readRawConfig(namespace: string): RawConfig {
    const config = new pulumi.Config(namespace);
    return {
        region: new pulumi.Config("aws").get("region"),
        registries: parseValue(config.get("registries")),
        imageMappings: parseValue(config.get("imageMappings")),
        workflowBuckets: parseValue(config.get("workflowBuckets")),
        mapObjectKey: config.get("mapObjectKey"),
        tags: parseValue(config.get("tags")),
        secretConfig(key: string): SecretConfigEntry | undefined {
            // Read in plain text only to validate its shape; resources get it through `requireSecretObject`.
            const text = config.get(key);
            return text === undefined ? undefined : { isSecret: isSecretKey(`${namespace}:${key}`), value: parseValue(text) };
        },
    };
}
