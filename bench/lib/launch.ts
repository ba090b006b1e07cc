// Child processes timed from spawn: until a line on stdout (a plugin's port) or until exit.
import { ChildProcess, spawn, SpawnOptions } from "child_process";

export interface Launch {
    readonly command: string;
    readonly args: readonly string[];
    readonly options: SpawnOptions;
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
    });
    return { stdout: () => stdout, stderr: () => stderr };
}

/** Milliseconds from spawn until stdout carries a line matching `ready`; the process is then killed. */
export function timeUntilLine(launch: Launch, ready: RegExp, timeoutMs = 120_000): Promise<number> {
    return new Promise((resolve, reject) => {
        const start = process.hrtime.bigint();
        const child = spawn(launch.command, [...launch.args], { ...launch.options, stdio: ["ignore", "pipe", "pipe"] });
        const output = collect(child);
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`no ready line after ${timeoutMs} ms: ${output.stderr()}`));
        }, timeoutMs);
        const isReady = () =>
            output
                .stdout()
                .split("\n")
                .some(line => ready.test(line.trim()));
        child.stdout.on("data", () => {
            if (isReady()) {
                const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
                clearTimeout(timer);
                child.once("exit", () => resolve(elapsed));
                child.kill("SIGKILL");
            }
        });
        child.once("exit", code => {
            clearTimeout(timer);
            if (!isReady()) {
                reject(new Error(`exited (${code}) before the ready line:\n${output.stdout()}\n${output.stderr()}`));
            }
        });
    });
}

/** Milliseconds from spawn until the process exits; it must exit 0. */
export function timeUntilExit(launch: Launch, timeoutMs = 180_000): Promise<number> {
    return new Promise((resolve, reject) => {
        const start = process.hrtime.bigint();
        const child = spawn(launch.command, [...launch.args], { ...launch.options, stdio: ["ignore", "pipe", "pipe"] });
        const output = collect(child);
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`still running after ${timeoutMs} ms`));
        }, timeoutMs);
        child.once("exit", code => {
            clearTimeout(timer);
            const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
            if (code === 0) {
                resolve(elapsed);
            } else {
                reject(new Error(`exited ${code}:\n${output.stdout()}\n${output.stderr()}`));
            }
        });
    });
}
