// Registry credentials for `check --online` from the stack's own secret config: the value the stack file holds when
// readable, else `pulumi config get <key> --json --stack <name>` (the Pulumi CLI decrypts it; nothing is stored).
import { execFile } from "child_process";
import { RegistryConfig } from "../config/types";
import { BasicCredentials } from "./registry-client";

export interface StackCredentialSource {
    projectDir: string;
    stack: string;
    namespace: string;
    registries: readonly RegistryConfig[];
    /** The stack file's readable value of a secret config key, if any. */
    readable(key: string): unknown;
}

export interface LoadedCredentials {
    byHost: Map<string, BasicCredentials>;
    notes: string[];
}

function pulumiConfigGet(source: StackCredentialSource, key: string): Promise<unknown> {
    const args = [
        "config",
        "get",
        `${source.namespace}:${key}`,
        "--json",
        "--stack",
        source.stack,
        "--cwd",
        source.projectDir,
        "--non-interactive",
    ];
    return new Promise((resolve, reject) => {
        execFile("pulumi", args, { timeout: 60_000, maxBuffer: 1 << 20 }, (error, stdout) => {
            if (error !== null) {
                reject(
                    new Error(
                        (error as NodeJS.ErrnoException).code === "ENOENT"
                            ? "the Pulumi CLI is not on PATH"
                            : `pulumi config get failed (${error.message.split("\n")[0]})`,
                    ),
                );
                return;
            }
            try {
                const parsed = JSON.parse(stdout) as { value?: unknown; objectValue?: unknown };
                resolve(
                    parsed.objectValue ?? (typeof parsed.value === "string" ? JSON.parse(parsed.value) : parsed.value),
                );
            } catch {
                reject(new Error("pulumi config get printed no JSON value"));
            }
        });
    });
}

function asCredentials(value: unknown): BasicCredentials | undefined {
    if (typeof value !== "object" || value === null) {
        return undefined;
    }
    const record = value as Record<string, unknown>;
    return typeof record.accessToken === "string"
        ? { username: typeof record.username === "string" ? record.username : "", password: record.accessToken }
        : undefined;
}

/** The credentials of each credentialed registry, by the hosts it serves; what could not be read becomes a note. */
export async function loadStackCredentials(source: StackCredentialSource): Promise<LoadedCredentials> {
    const byHost = new Map<string, BasicCredentials>();
    const notes: string[] = [];
    for (const registry of source.registries) {
        const credentials = registry.credentials;
        if (credentials === undefined) {
            continue;
        }
        if (credentials.kind === "existing-secret") {
            notes.push(
                `${registry.upstreamRegistryUrl}: credentials are in ${credentials.secretArn}, which check does ` +
                    `not read; asking anonymously`,
            );
            continue;
        }
        let value = source.readable(credentials.configKey);
        if (value === undefined) {
            try {
                value = await pulumiConfigGet(source, credentials.configKey);
            } catch (error) {
                notes.push(
                    `${registry.upstreamRegistryUrl}: ${source.namespace}:${credentials.configKey} not read ` +
                        `(${error instanceof Error ? error.message : String(error)}); asking anonymously`,
                );
                continue;
            }
        }
        const parsed = asCredentials(value);
        if (parsed === undefined) {
            notes.push(
                `${registry.upstreamRegistryUrl}: ${source.namespace}:${credentials.configKey} has no ` +
                    `accessToken; asking anonymously`,
            );
            continue;
        }
        for (const host of [registry.upstreamRegistryUrl, ...registry.additionalHosts]) {
            byHost.set(host, parsed);
        }
    }
    return { byHost, notes };
}
