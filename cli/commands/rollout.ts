// `rollout` subcommand: preview, up or destroy every stack listed in rollout.yaml (see docs/rollout.md), locally or on
// Pulumi Deployments (--remote); `rollout plan` prints the plan (YAML, JSON, or a GitHub Actions matrix).
import { Command, InvalidArgumentError, Option } from "commander";
import * as readline from "readline/promises";
import type { RolloutOptions } from "../rollout/orchestrate";
import type { Operation } from "../rollout/types";

interface CommonFlags {
    file: string;
    workDir: string;
    only?: string;
    policyPack: string;
    pulumiRoot?: string;
}

interface RolloutFlags extends CommonFlags {
    up?: boolean;
    destroy?: boolean;
    confirm?: string;
    concurrency: number;
    logDir: string;
    dryRun?: boolean;
    remote?: string;
    remoteBranch?: string;
    remoteProjectPath?: string;
    remoteOrg?: string;
    format: "table" | "json";
}

interface PlanFlags extends CommonFlags {
    format: "yaml" | "json" | "github-matrix";
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

function withCommonOptions(command: Command): Command {
    return command
        .option("-f, --file <path>", "the rollout file", "rollout.yaml")
        .option("--work-dir <dir>", "the Pulumi project directory", ".")
        .option("--only <targets>", "only these target aliases or stack names (<alias>-<region>), comma-separated")
        .option("--policy-pack <dir>", "policy pack for preview and up, relative to the work dir", "policy-pack")
        .option("--pulumi-root <dir>", "use the Pulumi CLI at <dir>/bin/pulumi instead of the one on PATH");
}

function baseOptions(flags: CommonFlags): Omit<RolloutOptions, "operation" | "concurrency" | "logDir" | "dryRun"> {
    return {
        file: flags.file,
        workDir: flags.workDir,
        ...(flags.only !== undefined ? { only: flags.only } : {}),
        policyPack: flags.policyPack,
        ...(flags.pulumiRoot !== undefined ? { pulumiRoot: flags.pulumiRoot } : {}),
        env: process.env,
        stdout: text => {
            process.stdout.write(text);
        },
        stderr: text => {
            process.stderr.write(text);
        },
    };
}

export function registerRollout(program: Command): void {
    // Positional options: `rollout --format json` is the summary's format, `rollout plan --format github-matrix` the
    // plan's.
    const rollout = withCommonOptions(
        program
            .command("rollout")
            .description(
                "Preview (default), update (--up) or destroy (--destroy) one stack per target and region of " +
                    "rollout.yaml, with the policy pack",
            )
            .enablePositionalOptions(),
    )
        .addOption(new Option("--up", "run `pulumi up` instead of a preview").conflicts("destroy"))
        .option("--destroy", "destroy the stacks' resources (also needs the stack list typed back)")
        .option("--confirm <stacks>", "for --destroy: the stacks to destroy, comma-separated, exactly as planned")
        .option("--concurrency <n>", "stacks run at once", positiveInteger, 4)
        .option("--log-dir <dir>", "one log file per stack goes here", ".rollout-logs")
        .option("--dry-run", "check everything, print the plan and stop; Pulumi is not run")
        .option(
            "--remote <git-url>",
            "run the stacks on Pulumi Deployments from this Git repository (Automation API RemoteWorkspace)",
        )
        .option("--remote-branch <branch>", "with --remote: the branch to deploy")
        .option(
            "--remote-project-path <dir>",
            "with --remote: the project's folder in the repository (default: its root)",
        )
        .option("--remote-org <org>", "with --remote: the Pulumi Cloud organization of the stacks")
        .addOption(new Option("--format <format>", "the closing summary").choices(["table", "json"]).default("table"))
        .action(async (flags: RolloutFlags) => {
            if (flags.confirm !== undefined && !flags.destroy) {
                process.stderr.write("rollout: --confirm goes with --destroy\n");
                process.exitCode = 2;
                return;
            }
            const remoteOnly = [flags.remoteBranch, flags.remoteProjectPath, flags.remoteOrg].some(
                value => value !== undefined,
            );
            if (flags.remote === undefined ? remoteOnly : flags.remoteBranch === undefined) {
                process.stderr.write(
                    flags.remote === undefined
                        ? "rollout: --remote-branch, --remote-project-path and --remote-org go with --remote " +
                              "<git-url>\n"
                        : "rollout: --remote needs --remote-branch <branch> (the branch Pulumi Deployments checks " +
                              "out)\n",
                );
                process.exitCode = 2;
                return;
            }
            const operation: Operation = flags.destroy ? "destroy" : flags.up ? "up" : "preview";
            // Loaded here, not at start-up: the Automation API is only needed by this command.
            const { rollout: run } = await import("../rollout/orchestrate");
            process.exitCode = await run({
                ...baseOptions(flags),
                operation,
                concurrency: flags.concurrency,
                logDir: flags.logDir,
                dryRun: flags.dryRun === true,
                format: flags.format,
                ...(flags.remote !== undefined && flags.remoteBranch !== undefined
                    ? {
                          remote: {
                              url: flags.remote,
                              branch: flags.remoteBranch,
                              ...(flags.remoteProjectPath !== undefined
                                  ? { projectPath: flags.remoteProjectPath }
                                  : {}),
                              ...(flags.remoteOrg !== undefined ? { organization: flags.remoteOrg } : {}),
                          },
                      }
                    : {}),
                ...(flags.confirm !== undefined ? { confirm: flags.confirm } : {}),
                ...(process.stdin.isTTY ? { askConfirmation: askOnTerminal } : {}),
            });
        });
    withCommonOptions(
        rollout
            .command("plan")
            .description(
                "check rollout.yaml as --dry-run does and print the plan: yaml, json, or a GitHub Actions matrix",
            ),
    )
        .addOption(
            new Option("--format <format>", "output format").choices(["yaml", "json", "github-matrix"]).default("yaml"),
        )
        .action(async (flags: PlanFlags) => {
            const { rolloutPlan } = await import("../rollout/orchestrate");
            process.exitCode = rolloutPlan({
                ...baseOptions(flags),
                operation: "preview",
                concurrency: 1,
                logDir: ".rollout-logs",
                dryRun: true,
                planFormat: flags.format,
            });
        });
}
