// Reads the raw stack configuration from Pulumi config; `validateConfig` decides what it means.
import * as pulumi from "@pulumi/pulumi";
import { RawConfig, SecretConfigEntry } from "./types";

/** `isConfigSecret` is part of the runtime but not of its typings; checked at start-up. */
const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (fullKey: string) => boolean };

/** Objects and lists arrive as JSON text; anything that is not JSON stays the string it is. */
export function parseConfigValue(text: string | undefined): unknown {
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

/** The project config keys the program reads (besides the secret keys registries name). */
export const CONFIG_KEYS = [
    "registries", "imageMappings", "maps", "workflowBuckets", "mapObjectPrefix", "tags", "registryPolicyStatements",
    "cachedRepositories", "auditTrail", "workflowChecks", "additionalHealthOmicsRegions",
] as const;

/** Builds a RawConfig from a lookup of project keys (plain text as Pulumi passes it) and a secret-entry lookup. */
export function rawConfigFrom(region: string | undefined, get: (key: string) => string | undefined, secretConfig: (key: string) => SecretConfigEntry | undefined): RawConfig {
    const value = (key: typeof CONFIG_KEYS[number]) => parseConfigValue(get(key));
    return {
        region,
        registries: value("registries"),
        imageMappings: value("imageMappings"),
        maps: value("maps"),
        workflowBuckets: value("workflowBuckets"),
        mapObjectPrefix: get("mapObjectPrefix"),
        tags: value("tags"),
        registryPolicyStatements: value("registryPolicyStatements"),
        cachedRepositories: value("cachedRepositories"),
        auditTrail: value("auditTrail"),
        workflowChecks: value("workflowChecks"),
        additionalHealthOmicsRegions: value("additionalHealthOmicsRegions"),
        secretConfig,
    };
}

export function readRawConfig(namespace: string): RawConfig {
    const config = new pulumi.Config(namespace);
    return rawConfigFrom(new pulumi.Config("aws").get("region"), key => config.get(key), key => {
        // Read in plain text only to validate its shape; resources get it through `requireSecretObject`.
        const text = config.get(key);
        return text === undefined ? undefined : { isSecret: isSecretKey(`${namespace}:${key}`), value: parseConfigValue(text), readable: true };
    });
}
