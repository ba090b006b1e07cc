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
