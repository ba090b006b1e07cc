// Reads the raw stack configuration from Pulumi config; `validateConfig` decides what it means.
import * as pulumi from "@pulumi/pulumi";
import { parseConfigValue, rawConfigFrom } from "./raw-config";
import { RawConfig } from "./types";

/** `isConfigSecret` is part of the runtime but not of its typings; checked at start-up. */
const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (fullKey: string) => boolean };

function isSecretKey(fullKey: string): boolean {
    if (typeof runtime.isConfigSecret !== "function") {
        throw new Error(
            "this version of @pulumi/pulumi cannot tell secret config from plain config; use the version " +
                "in package.json",
        );
    }
    return runtime.isConfigSecret(fullKey);
}

export function readRawConfig(namespace: string): RawConfig {
    const config = new pulumi.Config(namespace);
    return rawConfigFrom(
        new pulumi.Config("aws").get("region"),
        key => config.get(key),
        key => {
            // Read in plain text only to validate its shape; resources get it through `requireSecretObject`.
            const text = config.get(key);
            return text === undefined
                ? undefined
                : { isSecret: isSecretKey(`${namespace}:${key}`), value: parseConfigValue(text), readable: true };
        },
    );
}
