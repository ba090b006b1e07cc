// Pulumi ESC environments of a stack file (`environment:`), and reading their `pulumiConfig` with `pulumi env open`.
// Sources: a stack file's `environment:` is a list of environment names or an inline environment definition with
// `imports:` (pulumi/pulumi sdk/go/common/workspace/project.go, Environment.UnmarshalYAML and Imports, at 1b59498);
// the CLI takes each stack-file key over the environment's (pkg/workspace/config.go mergeConfig: "Prefers stack values
// over env values"); `pulumi env open <env> [property path] --format detailed` prints the evaluated values with a
// `secret` flag on each (pulumi/esc cmd/esc/cli/env_open.go at 5e20cf8). The output holds secrets in plain text: it is
// parsed here and every secret leaf is replaced by a `{secure}` placeholder at once; it is never printed or stored.
import { spawnSync } from "child_process";
import { isRecord } from "./problems";

export interface StackEnvironments {
    /** Imported environment names, in order (`project/env`, `org/project/env`, with an optional `@version`). */
    imports: string[];
    /**
     * True when the stack file defines values inline (`environment: {values: ...}`), which `pulumi env open` cannot
     * open.
     */
    inlineValues: boolean;
}

export class EscReadError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "EscReadError";
    }
}

/**
 * The `environment:` of a stack file: a list of names, or an inline definition with `imports:` (strings or `{name:
 * {...}}`).
 */
export function stackEnvironments(value: unknown): StackEnvironments {
    if (Array.isArray(value)) {
        return { imports: value.filter((name): name is string => typeof name === "string"), inlineValues: false };
    }
    if (!isRecord(value)) {
        return { imports: [], inlineValues: false };
    }
    const imports = Array.isArray(value.imports) ? value.imports : [];
    return {
        imports: imports.flatMap(entry =>
            typeof entry === "string" ? [entry] : isRecord(entry) ? Object.keys(entry) : [],
        ),
        inlineValues: value.values !== undefined,
    };
}

/** One value of `--format detailed`: `{value, secret?, unknown?, trace}`, objects and lists holding such values. */
function plainOf(detailed: unknown, environment: string): unknown {
    if (!isRecord(detailed)) {
        return detailed;
    }
    if (detailed.secret === true || detailed.unknown === true) {
        return { secure: `[from ESC environment ${environment}]` };
    }
    const inner = detailed.value;
    if (Array.isArray(inner)) {
        return inner.map(item => plainOf(item, environment));
    }
    if (isRecord(inner)) {
        return Object.fromEntries(Object.entries(inner).map(([key, item]) => [key, plainOf(item, environment)]));
    }
    return inner;
}

/** Deep merge of a later environment's object values over an earlier one's (ESC merges imports in order). */
function mergeValues(earlier: unknown, later: unknown): unknown {
    if (isRecord(earlier) && isRecord(later) && earlier.secure === undefined && later.secure === undefined) {
        const merged: Record<string, unknown> = { ...earlier };
        for (const [key, value] of Object.entries(later)) {
            merged[key] = mergeValues(earlier[key], value);
        }
        return merged;
    }
    return later;
}

/**
 * The `pulumiConfig` of each environment, merged in import order, by config key as written in the environment
 * (`registries`, `aws:region`); secret values become `{secure}` placeholders. Needs a Pulumi CLI on PATH and a login.
 */
export function readEscPulumiConfig(
    imports: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
    command = "pulumi",
): Map<string, unknown> {
    let merged: Record<string, unknown> = {};
    for (const name of imports) {
        const result = spawnSync(command, ["env", "open", name, "pulumiConfig", "--format", "detailed"], {
            encoding: "utf8",
            env,
            maxBuffer: 64 * 1024 * 1024,
            stdio: ["ignore", "pipe", "pipe"],
        });
        if (result.error !== undefined) {
            const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
            throw new EscReadError(
                missing
                    ? "--esc needs the Pulumi CLI on PATH (install: https://www.pulumi.com/docs/install/) and `pulumi login`"
                    : `pulumi env open ${name}: ${result.error.message}`,
            );
        }
        if (result.status !== 0) {
            const firstLine =
                result.stderr
                    .split("\n")
                    .map(line => line.trim())
                    .find(line => line !== "") ?? `exit code ${String(result.status)}`;
            throw new EscReadError(
                `pulumi env open ${name} failed: ${firstLine} (is \`pulumi login\` done, and is the ` +
                    `name org/project/env?)`,
            );
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(result.stdout);
        } catch {
            throw new EscReadError(`pulumi env open ${name} did not print JSON`);
        }
        const values = plainOf(parsed, name);
        if (isRecord(values) && values.secure === undefined) {
            merged = mergeValues(merged, values) as Record<string, unknown>;
        }
    }
    return new Map(Object.entries(merged));
}
