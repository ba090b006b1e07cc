// Test harness: a Pulumi "installation root" whose bin/pulumi is the recorded stand-in (pulumi.js), a scratch project
// directory, and a way to run the real CLI entry (`main` of cli/main.ts) capturing stdout, stderr and exit code.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { main } from "../../../cli/main";

const STAND_IN = path.join(__dirname, "pulumi.js");
const REPO_ROOT = path.join(__dirname, "..", "..", "..");

export interface Scenario {
    version?: string;
    /** Recording names for every stack without its own entry. */
    default?: { preview?: string; up?: string; destroy?: string };
    stacks?: Record<string, { preview?: string; up?: string; destroy?: string; configFails?: boolean }>;
    /** Each preview/up/destroy waits (up to timeoutMs) until `size` of them run at once. */
    barrier?: { size: number; timeoutMs?: number };
    /** ESC environments `env open` knows, as `--format detailed` prints their pulumiConfig. */
    esc?: Record<string, unknown>;
}

export interface RecordedCall {
    args: string[];
    startedAt: number;
    endedAt: number;
    pid: number;
    exitCode: number;
    automationApi?: string;
    runningSeen?: number;
}

/** One key of the JSON document `config set-all --json` receives. */
export interface StoredConfigValue {
    value: string;
    objectValue?: unknown;
    secret: boolean;
}

export class StandInPulumi {
    readonly root: string;

    constructor(scenario: Scenario, existingStacks: string[] = []) {
        this.root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-stand-in-"));
        fs.mkdirSync(path.join(this.root, "bin"));
        fs.mkdirSync(path.join(this.root, "stacks"));
        for (const stack of existingStacks) {
            fs.writeFileSync(path.join(this.root, "stacks", stack), "");
        }
        fs.writeFileSync(path.join(this.root, "scenario.json"), JSON.stringify(scenario));
        const shim = path.join(this.root, "bin", "pulumi");
        fs.writeFileSync(
            shim,
            `#!/bin/sh\nFAKE_PULUMI_ROOT='${this.root}' exec '${process.execPath}' '${STAND_IN}' "$@"\n`,
        );
        fs.chmodSync(shim, 0o755);
    }

    calls(): RecordedCall[] {
        const file = path.join(this.root, "calls.jsonl");
        if (!fs.existsSync(file)) {
            return [];
        }
        return fs
            .readFileSync(file, "utf8")
            .split("\n")
            .filter(line => line !== "")
            .map(line => JSON.parse(line) as RecordedCall);
    }

    /** Calls whose argv starts with these words (e.g. "config", "set-all"). */
    callsOf(...words: string[]): RecordedCall[] {
        return this.calls().filter(call => words.every((word, index) => call.args[index] === word));
    }

    /** The JSON document `config set-all --json` received for a stack; a key the rollout did not set is undefined. */
    storedConfig(stack: string): Partial<Record<string, StoredConfigValue>> {
        const file = path.join(this.root, "config", `${stack}.json`);
        return JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Record<string, StoredConfigValue>>;
    }

    /** The ESC environments `config env add` attached to a stack, in order. */
    environmentsOf(stack: string): string[] {
        const file = path.join(this.root, "config", `${stack}.environments.json`);
        return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as string[]) : [];
    }

    stackExists(stack: string): boolean {
        return fs.existsSync(path.join(this.root, "stacks", stack.replace(/\//g, "~")));
    }
}

/**
 * A scratch project: the repository's Pulumi.yaml, the given rollout file, and a policy-pack/ folder holding only a
 * PulumiPolicy.yaml (the rollout checks the folder is a pack; the stand-in CLI never loads it).
 */
export function scratchProject(rollout: unknown): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-project-"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.mkdirSync(path.join(dir, "policy-pack"));
    fs.copyFileSync(
        path.join(REPO_ROOT, "policy-pack", "PulumiPolicy.yaml"),
        path.join(dir, "policy-pack", "PulumiPolicy.yaml"),
    );
    fs.writeFileSync(path.join(dir, "rollout.yaml"), typeof rollout === "string" ? rollout : stringify(rollout));
    return dir;
}

export interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs the real CLI entry in this process, capturing its output; restores process.exitCode afterwards. */
export async function runCli(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
    // The streams' own write methods, kept only to be put back on the same streams afterwards (never called from
    // here, so never called unbound); a bound copy would not be the method the streams had.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
    const savedExitCode = process.exitCode;
    const savedEnv = Object.fromEntries(Object.keys(env).map(key => [key, process.env[key]]));
    const stdin = process.stdin as { isTTY?: boolean };
    const savedIsTTY = stdin.isTTY;
    let stdout = "";
    let stderr = "";
    process.exitCode = undefined;
    // As in CI: no terminal, so `--destroy` never waits for a typed answer even when the tests run in one.
    stdin.isTTY = false;
    Object.assign(process.env, env);
    process.stdout.write = (chunk: string | Uint8Array) => {
        stdout += chunk.toString();
        return true;
    };
    process.stderr.write = (chunk: string | Uint8Array) => {
        stderr += chunk.toString();
        return true;
    };
    try {
        const code = await main(argv);
        return { code, stdout, stderr };
    } finally {
        process.stdout.write = writes.stdout;
        process.stderr.write = writes.stderr;
        process.exitCode = savedExitCode;
        stdin.isTTY = savedIsTTY;
        for (const [key, value] of Object.entries(savedEnv)) {
            if (value === undefined) {
                // Unsetting a variable is deleting it from Node's process.env (assigning undefined stores "undefined");
                // it is not a map of ours that could be a Map instead.
                Reflect.deleteProperty(process.env, key);
            } else {
                process.env[key] = value;
            }
        }
    }
}
