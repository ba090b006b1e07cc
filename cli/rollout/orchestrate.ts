// The rollout from start to end: read and plan, refuse what must not run (every problem in one round: the file's
// schema and rules, the plan's cross-target rules, the program's validation of each stack, the environment, the
// policy pack and the Pulumi CLI), run the stacks with bounded concurrency (progress on stderr), locally or on Pulumi
// Deployments, then print the closing summary (a table, or JSON). Resolves to the exit code: 0, 1 or 2.
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { readEscPulumiConfig } from "../../config/esc-environments";
import { checkRolloutDocument, readRolloutDocument } from "./load";
import { destroyConfirmationProblems, missingSecretProblems, planStacksChecked, selectStacks } from "./plan";
import { Mutex, runBounded } from "./pool";
import { EscReader, stackConfigProblems } from "./validate-stacks";
import { RolloutRefusal } from "./problems";
import { RemoteSource, remoteStackName, runStack } from "./run-stack";
import { Redactor, isSecretMarker, secretEnvNames, secretStrings } from "./secret-values";
import { StackLog } from "./stack-log";
import { summaryJson, summaryTable } from "./summary";
import { Operation, PlannedStack, StackRunResult } from "./types";

export const EXIT_OK = 0;
export const EXIT_TARGET_FAILED = 1;
export const EXIT_REFUSED = 2;

export interface RolloutOptions {
    /** rollout.yaml, relative to the current directory. */
    file: string;
    /** The Pulumi project directory (holds Pulumi.yaml). */
    workDir: string;
    operation: Operation;
    only?: string;
    concurrency: number;
    logDir: string;
    dryRun: boolean;
    /** The policy pack directory, relative to workDir unless absolute. */
    policyPack: string;
    /** A Pulumi CLI installation root (`<root>/bin/pulumi`); the `pulumi` on PATH when left out. */
    pulumiRoot?: string;
    /** The typed-back stack list for destroy (`--confirm`). */
    confirm?: string;
    /** Run the stacks on Pulumi Deployments from this repository and branch (RemoteWorkspace). */
    remote?: { url: string; branch: string; projectPath?: string; organization?: string };
    /** The closing summary: a table (default) or JSON on stdout. */
    format?: "table" | "json";
    /** Asks for the typed-back list when `confirm` is left out; only given on an interactive terminal. */
    askConfirmation?: (question: string) => Promise<string>;
    env: NodeJS.ProcessEnv;
    stdout: (text: string) => void;
    stderr: (text: string) => void;
}

function projectNameOf(workDir: string): string {
    const file = path.join(workDir, "Pulumi.yaml");
    let name: unknown;
    try {
        name = (parse(fs.readFileSync(file, "utf8")) as { name?: unknown } | null)?.name;
    } catch (error) {
        throw new RolloutRefusal([
            `${file}: cannot read the Pulumi project (${(error as Error).message}); use --work-dir`,
        ]);
    }
    if (typeof name !== "string") {
        throw new RolloutRefusal([`${file}: no project name`]);
    }
    return name;
}

/** The config as the dry run shows it: secrets as `[secret from $NAME]`. */
function showable(value: unknown): unknown {
    if (isSecretMarker(value)) {
        return `[secret from $${value.secretFromEnv}]`;
    }
    if (Array.isArray(value)) {
        return value.map(showable);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, showable(item)]));
    }
    return value;
}

/** How a planned stack's credentials are shown in the dry-run plan and the JSON plan: the profile or role, no more. */
function credentialsView(stack: PlannedStack): { profile: string } | { roleArn: string } {
    return stack.credentials.kind === "profile"
        ? { profile: stack.credentials.profile }
        : { roleArn: stack.credentials.roleArn };
}

function describePlan(stacks: PlannedStack[], options: RolloutOptions, policyPackDir: string): string {
    const pack =
        options.remote !== undefined
            ? ", policy pack: the stacks' Pulumi Cloud policy group (not passed per run)"
            : `, policy pack ${policyPackDir}`;
    const where =
        options.remote !== undefined
            ? `, on Pulumi Deployments from ${options.remote.url} (${options.remote.branch})`
            : "";
    const header =
        `Plan: ${options.operation} of ${stacks.length} stack(s), at most ${options.concurrency} at once${where}` +
        (options.operation === "destroy" ? "" : pack) +
        `, logs in ${options.logDir}\n`;
    return (
        header +
        stringify(
            {
                stacks: stacks.map(stack => ({
                    stack: stack.stackName,
                    account: stack.accountId,
                    region: stack.region,
                    credentials: credentialsView(stack),
                    ...(stack.environments.length > 0 ? { environments: stack.environments } : {}),
                    config: showable(stack.config),
                })),
            },
            { lineWidth: 0 },
        )
    );
}

async function confirmDestroy(stacks: PlannedStack[], options: RolloutOptions): Promise<void> {
    let typed = options.confirm;
    if (typed === undefined && options.askConfirmation !== undefined) {
        typed = await options.askConfirmation(
            `This destroys every resource of ${stacks.length} stack(s). Type their names, comma-separated, to go ` +
                `on:\n  ${stacks.map(stack => stack.stackName).join(",")}\n> `,
        );
    }
    if (typed === undefined) {
        throw new RolloutRefusal([
            `destroy refused: type the stacks back with --confirm ${stacks.map(stack => stack.stackName).join(",")} ` +
                `(or run on an interactive terminal to be asked)`,
        ]);
    }
    const problems = destroyConfirmationProblems(stacks, typed);
    if (problems.length > 0) {
        throw new RolloutRefusal(problems);
    }
}

const INSTALL_PULUMI =
    "install it (https://www.pulumi.com/docs/install/, e.g. `curl -fsSL https://get.pulumi.com | sh`) " +
    "or pass --pulumi-root <dir> of an installation";

/** The Pulumi CLI's path, found without running it (as a shell would), or a problem saying how to install it. */
function findPulumi(options: RolloutOptions): { command: string } | { problem: string } {
    if (options.pulumiRoot !== undefined) {
        const command = path.join(path.resolve(options.pulumiRoot), "bin", "pulumi");
        return fs.existsSync(command)
            ? { command }
            : { problem: `the Pulumi CLI was not found: ${command} does not exist; ${INSTALL_PULUMI}` };
    }
    const pathVariable = options.env.PATH ?? process.env.PATH ?? "";
    for (const dir of pathVariable.split(path.delimiter).filter(entry => entry !== "")) {
        const command = path.join(dir, "pulumi");
        try {
            fs.accessSync(command, fs.constants.X_OK);
            return { command };
        } catch {
            // not in this directory
        }
    }
    return { problem: `the Pulumi CLI was not found (no pulumi on PATH); ${INSTALL_PULUMI}` };
}

/** Runs `pulumi version` through the Automation API (it checks the minimum version); a refusal when that fails. */
async function pulumiCommandOf(options: RolloutOptions): Promise<PulumiCommand> {
    const where =
        options.pulumiRoot !== undefined ? `${path.resolve(options.pulumiRoot)}/bin/pulumi` : "pulumi on PATH";
    try {
        return await PulumiCommand.get(
            options.pulumiRoot !== undefined ? { root: path.resolve(options.pulumiRoot) } : undefined,
        );
    } catch (error) {
        throw new RolloutRefusal([
            `the Pulumi CLI (${where}) cannot be run: ${(error as Error).message.split("\n")[0] ?? ""}`,
        ]);
    }
}

async function runAll(
    stacks: PlannedStack[],
    options: RolloutOptions,
    policyPackDir: string,
    pulumiCommand: PulumiCommand,
    remote?: RemoteSource,
): Promise<StackRunResult[]> {
    const secretNames = stacks.flatMap(stack => Object.values(stack.config).flatMap(secretEnvNames));
    const redactor = new Redactor(secretStrings(options.env, secretNames));
    const context = {
        pulumiCommand,
        workDir: options.workDir,
        policyPackDir,
        env: options.env,
        redactor,
        setupLock: new Mutex(),
        ...(remote !== undefined ? { remote } : {}),
    };
    let done = 0;
    return runBounded(stacks, options.concurrency, async stack => {
        options.stderr(`started   ${stack.stackName}\n`);
        const log = new StackLog(options.logDir, stack.stackName, redactor);
        try {
            const result = await runStack(stack, options.operation, context, log);
            done++;
            options.stderr(
                `${result.succeeded ? "succeeded" : "failed   "} ${stack.stackName} [${done}/${stacks.length}]\n`,
            );
            return result;
        } finally {
            log.close();
        }
    });
}

/** Why a stack cannot run on Pulumi Deployments as planned. */
function remoteProblems(stacks: readonly PlannedStack[], options: RolloutOptions): string[] {
    if (options.remote === undefined) {
        return [];
    }
    const problems: string[] = [];
    if (options.remote.organization === undefined) {
        problems.push(
            "--remote: give the Pulumi Cloud organization of the stacks with --remote-org <org> (remote stack names " +
                "are org/project/stack)",
        );
    }
    if (options.pulumiRoot !== undefined) {
        problems.push(
            "--remote runs the pulumi on PATH (the Automation API's RemoteWorkspace takes no CLI path); leave out " +
                "--pulumi-root",
        );
    }
    for (const stack of stacks) {
        for (const [key, value] of Object.entries(stack.config)) {
            if (secretEnvNames(value).length > 0) {
                problems.push(
                    `${stack.stackName}: config ${key} takes a secret from the environment (secretFromEnv); with ` +
                        "--remote, keep it in an ESC environment and name it in the target's environments (a secret " +
                        "passed to a remote " +
                        "run would be on the command line)",
                );
            }
        }
        if (stack.credentials.kind === "profile") {
            problems.push(
                `${stack.stackName}: profile "${stack.credentials.profile}" names credentials on this machine, which ` +
                    "Pulumi Deployments does not have; with --remote use roleArn, with base AWS credentials from an " +
                    "ESC environment " +
                    "(aws-login OIDC) or the stack's Deployments OIDC settings",
            );
        }
    }
    return [...new Set(problems)];
}

/** Every problem of the rollout at once; the stacks to run when there is none. */
function checkRollout(options: RolloutOptions): { stacks: PlannedStack[]; policyPackDir: string } {
    const projectName = projectNameOf(options.workDir);
    const checked = checkRolloutDocument(readRolloutDocument(options.file));
    const problems = checked.problems.map(problem => `${options.file}: ${problem}`);
    const planned = planStacksChecked(checked.file, projectName);
    problems.push(...planned.problems);
    let stacks = planned.stacks;
    try {
        stacks = selectStacks(planned.stacks, options.only);
    } catch (error) {
        if (!(error instanceof RolloutRefusal)) {
            throw error;
        }
        problems.push(...error.problems);
    }
    const policyPackDir = path.resolve(options.workDir, options.policyPack);
    const pulumi = findPulumi(options);
    if (!options.dryRun && "problem" in pulumi) {
        problems.push(pulumi.problem);
    }
    const pulumiPath = "command" in pulumi ? pulumi.command : undefined;
    if (options.operation !== "destroy") {
        if (checked.sharedValid) {
            // With a Pulumi CLI, the stacks' ESC environments are read (pulumi env open) so that their values are
            // validated too.
            // Read once per list of environments: many stacks usually share the same few.
            const read = new Map<string, Map<string, unknown>>();
            const readEsc: EscReader | undefined =
                pulumiPath === undefined
                    ? undefined
                    : environments => {
                          const key = environments.join("\n");
                          const cached =
                              read.get(key) ??
                              readEscPulumiConfig(environments, { ...process.env, ...options.env }, pulumiPath);
                          read.set(key, cached);
                          return cached;
                      };
            const configProblems = stackConfigProblems(stacks, options.workDir, readEsc);
            if (configProblems.length > 0) {
                problems.push(
                    "the config of these stacks would fail before anything is declared (the program's own validation):",
                    ...configProblems,
                );
            }
        }
        if (
            options.remote === undefined &&
            !(fs.existsSync(policyPackDir) && fs.existsSync(path.join(policyPackDir, "PulumiPolicy.yaml")))
        ) {
            problems.push(
                `--policy-pack: ${policyPackDir} is not a policy pack folder (no PulumiPolicy.yaml there); ` +
                    "give the pack's folder, relative to --work-dir (default: policy-pack)",
            );
        }
    }
    problems.push(...remoteProblems(stacks, options));
    if (options.remote === undefined) {
        problems.push(...missingSecretProblems(stacks, options.env));
    }
    if (problems.length > 0) {
        throw new RolloutRefusal(problems);
    }
    return { stacks, policyPackDir };
}

async function rolloutOrRefuse(options: RolloutOptions): Promise<number> {
    const { stacks, policyPackDir } = checkRollout(options);
    if (options.dryRun) {
        options.stdout(describePlan(stacks, options, policyPackDir));
        return EXIT_OK;
    }
    if (options.operation === "destroy") {
        await confirmDestroy(stacks, options);
    }
    const pulumiCommand = await pulumiCommandOf(options);
    const remote =
        options.remote !== undefined
            ? {
                  ...options.remote,
                  organization: options.remote.organization ?? "",
                  projectName: projectNameOf(options.workDir),
              }
            : undefined;
    const where = remote !== undefined ? ` on Pulumi Deployments (${remoteStackName(remote, "<stack>")})` : "";
    options.stderr(
        `${options.operation}: ${stacks.length} stack(s)${where}, at most ${options.concurrency} at once; logs in ` +
            `${options.logDir}\n`,
    );
    const results = await runAll(stacks, options, policyPackDir, pulumiCommand, remote);
    options.stdout(options.format === "json" ? summaryJson(results, options.operation) : summaryTable(results));
    return results.every(result => result.succeeded) ? EXIT_OK : EXIT_TARGET_FAILED;
}

export type PlanFormat = "yaml" | "json" | "github-matrix";

/**
 * The plan for CI: `github-matrix` is one line of JSON, `{"include": [{stack, alias, account, region}, ...]}`, for
 * `strategy.matrix: ${{ fromJSON(needs.<job>.outputs.<name>) }}` (GitHub Actions: "Using a matrix for your jobs", a
 * matrix may be given as JSON with `include`); `json` is every planned stack with its config (secrets as names).
 */
export function formatPlan(
    stacks: PlannedStack[],
    format: PlanFormat,
    options: RolloutOptions,
    policyPackDir: string,
): string {
    if (format === "github-matrix") {
        const include = stacks.map(stack => ({
            stack: stack.stackName,
            alias: stack.alias,
            account: stack.accountId,
            region: stack.region,
        }));
        return `${JSON.stringify({ include })}\n`;
    }
    if (format === "json") {
        return `${JSON.stringify(
            {
                operation: options.operation,
                stacks: stacks.map(stack => ({
                    stack: stack.stackName,
                    alias: stack.alias,
                    account: stack.accountId,
                    region: stack.region,
                    credentials: credentialsView(stack),
                    environments: stack.environments,
                    config: showable(stack.config),
                })),
            },
            null,
            2,
        )}\n`;
    }
    return describePlan(stacks, options, policyPackDir);
}

/** `rollout plan`: checks the rollout as --dry-run does and prints the plan in the given format; resolves to 0 or 2. */
export function rolloutPlan(options: RolloutOptions & { planFormat: PlanFormat }): number {
    try {
        const { stacks, policyPackDir } = checkRollout({ ...options, dryRun: true });
        options.stdout(formatPlan(stacks, options.planFormat, options, policyPackDir));
        return EXIT_OK;
    } catch (error) {
        if (error instanceof RolloutRefusal) {
            options.stderr(error.problems.map(problem => `rollout: ${problem}\n`).join(""));
            return EXIT_REFUSED;
        }
        throw error;
    }
}

/** Runs a rollout; resolves to its exit code. Refusals print every problem on stderr and resolve to 2. */
export async function rollout(options: RolloutOptions): Promise<number> {
    try {
        return await rolloutOrRefuse(options);
    } catch (error) {
        if (error instanceof RolloutRefusal) {
            options.stderr(error.problems.map(problem => `rollout: ${problem}\n`).join(""));
            return EXIT_REFUSED;
        }
        throw error;
    }
}
