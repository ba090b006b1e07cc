// Builds the config map the Pulumi CLI would hand the program: Pulumi.yaml defaults + a stack file.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";

export const PROJECT = "omics-registry-maps";
const ROOT = path.join(__dirname, "..", "..");

export type ConfigMap = Record<string, string>;

interface ProjectFile {
    config: Record<string, { type?: string; default?: unknown; description?: string }>;
}

function encode(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

export function readProjectFile(): ProjectFile {
    return yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

/** Stack config as the CLI passes it: every value a string, objects and lists as JSON. */
export function stackConfig(stackFile: string): ConfigMap {
    const stack = yaml.load(fs.readFileSync(path.join(ROOT, stackFile), "utf8")) as { config: Record<string, unknown> };
    const config: ConfigMap = {};
    for (const [key, declared] of Object.entries(readProjectFile().config)) {
        if (declared.default !== undefined) {
            config[`${PROJECT}:${key}`] = encode(declared.default);
        }
    }
    for (const [key, value] of Object.entries(stack.config)) {
        config[key] = encode(value);
    }
    return config;
}

/** The dev stack with its Docker Hub credentials set as a secret, the way the README says. */
export const DOCKER_HUB_SECRET = { username: "octo-user", accessToken: "dckr_pat_not-a-real-token" };

export function devStackConfig(): { config: ConfigMap; secretKeys: string[] } {
    const key = `${PROJECT}:dockerHubCredentials`;
    return {
        config: { ...stackConfig("Pulumi.dev.yaml"), [key]: JSON.stringify(DOCKER_HUB_SECRET) },
        secretKeys: [key],
    };
}

/** A copy of `config` with `key` (without namespace) replaced by `value`, or removed when undefined. */
export function withConfig(config: ConfigMap, key: string, value: unknown): ConfigMap {
    const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (value === undefined) {
        const { [fullKey]: _removed, ...rest } = config;
        return rest;
    }
    return { ...config, [fullKey]: encode(value) };
}

/** The gatk stack's copy-registry credentials, set as secrets the way its stack file says. */
export const GATK_SECRETS = {
    googleRegistryCredentials: {
        username: "_json_key",
        accessToken: '{"type":"service_account","private_key":"not-a-real-key"}',
    },
    seqeraCredentials: { accessToken: "seqera-not-a-real-token" },
};

export function gatkStackConfig(): { config: ConfigMap; secretKeys: string[] } {
    const secrets: Record<string, unknown> = { dockerHubCredentials: DOCKER_HUB_SECRET, ...GATK_SECRETS };
    const config = stackConfig("Pulumi.gatk.yaml");
    for (const [key, value] of Object.entries(secrets)) {
        config[`${PROJECT}:${key}`] = JSON.stringify(value);
    }
    return { config, secretKeys: Object.keys(secrets).map(key => `${PROJECT}:${key}`) };
}
