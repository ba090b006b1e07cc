// Builds the RawConfig `validateConfig` takes from plain config text; no Pulumi import, so the CLI can read stack
// files offline (config/stack-files.ts) with the same key list and parsing as the program (config/read-config.ts).
import { RawConfig, SecretConfigEntry } from "./types";

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

/** The project config keys the program reads (besides the secret keys registries name). */
export const CONFIG_KEYS = [
    "registries",
    "imageMappings",
    "maps",
    "workflowBuckets",
    "mapObjectPrefix",
    "tags",
    "registryPolicyStatements",
    "cachedRepositories",
    "auditTrail",
    "workflowChecks",
    "additionalHealthOmicsRegions",
] as const;

/** Keys an earlier release read, with what replaced them: set in a stack, they are reported, never silently ignored. */
export const RETIRED_KEYS: Readonly<Record<string, string>> = {
    mapObjectKey:
        "was replaced by mapObjectPrefix: each map revision is now stored at <mapObjectPrefix>/<map " +
        "name>/<content hash>.json, so a workflow's map URI never changes meaning; remove mapObjectKey " +
        "(and set mapObjectPrefix for another prefix than container-registry-maps)",
};

/** Builds a RawConfig from a lookup of project keys (plain text as Pulumi passes it) and a secret-entry lookup. */
export function rawConfigFrom(
    region: string | undefined,
    get: (key: string) => string | undefined,
    secretConfig: (key: string) => SecretConfigEntry | undefined,
): RawConfig {
    const value = (key: (typeof CONFIG_KEYS)[number]) => parseConfigValue(get(key));
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
        retiredKeys: Object.keys(RETIRED_KEYS).filter(key => get(key) !== undefined),
        secretConfig,
    };
}
