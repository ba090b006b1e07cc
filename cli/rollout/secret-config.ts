// Writes a stack's secret config values through the Pulumi CLI's standard input, never its command line: the
// Automation API's setConfig/setAllConfig/setAllConfigJson all put the value in argv, where other users of the
// machine can read it in the process list. `pulumi config set <key>` without a value reads it from standard input
// ("Multi-line values may be set by piping a file to standard in", pulumi config set reference).
import { spawn } from "child_process";
import { PulumiCommand } from "@pulumi/pulumi/automation";

export interface SecretConfigTarget {
    pulumiCommand: PulumiCommand;
    workDir: string;
    stackName: string;
    env: NodeJS.ProcessEnv;
}

/** Sets `key` to `value` as a secret of the stack; rejects with the CLI's (value-free) error output on failure. */
export function setSecretConfig(target: SecretConfigTarget, key: string, value: string): Promise<void> {
    const args = ["config", "set", key, "--secret", "--stack", target.stackName, "--non-interactive"];
    return new Promise((resolve, reject) => {
        const child = spawn(target.pulumiCommand.command, args, {
            cwd: target.workDir,
            env: { ...process.env, ...target.env },
            stdio: ["pipe", "pipe", "pipe"],
        });
        const output: string[] = [];
        child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
        child.on("error", reject);
        child.on("close", code =>
            code === 0
                ? resolve()
                : reject(
                      new Error(
                          `pulumi ${args.join(" ")} (value on standard input) exited with ${code}: ` +
                              output.join("").trim(),
                      ),
                  ),
        );
        child.stdin.end(value);
    });
}
