// `rollout` subcommand: preview, up or destroy every stack listed in rollout.yaml (see docs/rollout.md).
import { Command, InvalidArgumentError, Option } from "commander";
import * as readline from "readline/promises";
import type { Operation } from "../rollout/types";

interface RolloutFlags {
    file: string;
    workDir: string;
    up?: boolean;
    destroy?: boolean;
    confirm?: string;
    only?: string;
    concurrency: number;
    logDir: string;
    dryRun?: boolean;
    policyPack: string;
    pulumiRoot?: string;
}

function positiveInteger(text: string): number {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 1) {
        throw new InvalidArgumentError("give a whole number of at least 1");
    }
    return value;
}

async function askOnTerminal(question: string): Promise<string> {
    const prompt = readline.createInterface({ input: process.stdin, output: process.stderr });
    try {
        return await prompt.question(question);
    } finally {
        prompt.close();
    }
}

export function registerRollout(program: Command): void {
    program.command("rollout")
        .description("Preview (default), update (--up) or destroy (--destroy) one stack per target and region of rollout.yaml, with the policy pack")
        .option("-f, --file <path>", "the rollout file", "rollout.yaml")
        .option("--work-dir <dir>", "the Pulumi project directory", ".")
        .addOption(new Option("--up", "run `pulumi up` instead of a preview").conflicts("destroy"))
        .option("--destroy", "destroy the stacks' resources (also needs the stack list typed back)")
        .option("--confirm <stacks>", "for --destroy: the stacks to destroy, comma-separated, exactly as planned")
        .option("--only <targets>", "only these target aliases or stack names (<alias>-<region>), comma-separated")
        .option("--concurrency <n>", "stacks run at once", positiveInteger, 4)
        .option("--log-dir <dir>", "one log file per stack goes here", ".rollout-logs")
        .option("--dry-run", "print the plan and stop; Pulumi is not run")
        .option("--policy-pack <dir>", "policy pack for preview and up, relative to the work dir", "policy-pack")
        .option("--pulumi-root <dir>", "use the Pulumi CLI at <dir>/bin/pulumi instead of the one on PATH")
        .action(async (flags: RolloutFlags) => {
            if (flags.confirm !== undefined && !flags.destroy) {
                process.stderr.write("rollout: --confirm goes with --destroy\n");
                process.exitCode = 2;
                return;
            }
            const operation: Operation = flags.destroy ? "destroy" : flags.up ? "up" : "preview";
            // Loaded here, not at start-up: the Automation API is only needed by this command.
            const { rollout } = await import("../rollout/orchestrate");
            process.exitCode = await rollout({
                file: flags.file,
                workDir: flags.workDir,
                operation,
                ...(flags.only !== undefined ? { only: flags.only } : {}),
                concurrency: flags.concurrency,
                logDir: flags.logDir,
                dryRun: flags.dryRun === true,
                policyPack: flags.policyPack,
                ...(flags.pulumiRoot !== undefined ? { pulumiRoot: flags.pulumiRoot } : {}),
                ...(flags.confirm !== undefined ? { confirm: flags.confirm } : {}),
                ...(process.stdin.isTTY ? { askConfirmation: askOnTerminal } : {}),
                env: process.env,
                stdout: text => { process.stdout.write(text); },
                stderr: text => { process.stderr.write(text); },
            });
        });
}
