// Test helper: runs the real CLI entry (cli/main.ts `main(argv)`) in-process, capturing stdout, stderr and the exit
// code.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";

export interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
}

export async function runCli(argv: string[], cwd?: string): Promise<CliRun> {
    const out: string[] = [];
    const err: string[] = [];
    const originalOut = process.stdout.write.bind(process.stdout);
    const originalErr = process.stderr.write.bind(process.stderr);
    const originalCwd = process.cwd();
    process.stdout.write = (chunk: string | Uint8Array) => {
        out.push(String(chunk));
        return true;
    };
    process.stderr.write = (chunk: string | Uint8Array) => {
        err.push(String(chunk));
        return true;
    };
    process.exitCode = undefined;
    try {
        if (cwd !== undefined) {
            process.chdir(cwd);
        }
        const code = await main(argv);
        return { code, stdout: out.join(""), stderr: err.join("") };
    } finally {
        process.chdir(originalCwd);
        process.stdout.write = originalOut;
        process.stderr.write = originalErr;
        process.exitCode = undefined;
    }
}

/** Runs the CLI as if stdout were a terminal of `columns` columns (colour off, so widths are characters). */
export async function onTerminal(columns: number, argv: string[], cwd?: string): Promise<CliRun> {
    const streams = [process.stdout, process.stderr] as { isTTY?: boolean; columns?: number }[];
    const saved = streams.map(stream => ({ isTTY: stream.isTTY, columns: stream.columns }));
    const force = process.env.FORCE_COLOR;
    const set = (stream: object, key: string, value: unknown) =>
        Object.defineProperty(stream, key, { value, configurable: true, writable: true });
    streams.forEach(stream => {
        set(stream, "isTTY", true);
        set(stream, "columns", columns);
    });
    process.env.FORCE_COLOR = "0";
    try {
        return await runCli(argv, cwd);
    } finally {
        streams.forEach((stream, i) => {
            set(stream, "isTTY", saved[i].isTTY);
            set(stream, "columns", saved[i].columns);
        });
        if (force === undefined) {
            delete process.env.FORCE_COLOR;
        } else {
            process.env.FORCE_COLOR = force;
        }
    }
}

export const REPO_ROOT = path.join(__dirname, "..", "..");

/** A Pulumi project in a fresh temporary directory: this repository's Pulumi.yaml plus the given stack files. */
export function tempProject(stackFiles: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-project-"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    for (const [name, text] of Object.entries(stackFiles)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

/** For a describe block: makes temporary projects (see tempProject) and removes them after the block. */
export function suiteProjects(): (stackFiles: Record<string, string>) => string {
    const made: string[] = [];
    after(() => made.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));
    return stackFiles => {
        const dir = tempProject(stackFiles);
        made.push(dir);
        return dir;
    };
}
