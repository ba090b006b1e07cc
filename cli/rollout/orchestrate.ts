// The rollout from start to end: read and plan, refuse what must not run, run the stacks with bounded
// concurrency (progress on stderr), then print the closing table. Resolves to the exit code: 0, 1 or 2.
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { loadRolloutFile } from "./load";
import { destroyConfirmationProblems, missingSecretProblems, planStacks, selectStacks } from "./plan";
import { Mutex, runBounded } from "./pool";
import { stackConfigProblems } from "./validate-stacks";
import { RolloutRefusal } from "./problems";
import { runStack } from "./run-stack";
import { Redactor, isSecretMarker, secretEnvNames, secretStrings } from "./secret-values";
import { StackLog } from "./stack-log";
import { summaryTable } from "./summary";
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
        throw new RolloutRefusal([`${file}: cannot read the Pulumi project (${(error as Error).message}); use --work-dir`]);
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

function describePlan(stacks: PlannedStack[], options: RolloutOptions, policyPackDir: string): string {
    const header = `Plan: ${options.operation} of ${stacks.length} stack(s), at most ${options.concurrency} at once` +
        (options.operation === "destroy" ? "" : `, policy pack ${policyPackDir}`) + `, logs in ${options.logDir}\n`;
    return header + stringify({
        stacks: stacks.map(stack => ({
            stack: stack.stackName,
            account: stack.accountId,
            region: stack.region,
            credentials: stack.credentials.kind === "profile" ? { profile: stack.credentials.profile } : { roleArn: stack.credentials.roleArn },
            config: showable(stack.config),
        })),
    }, { lineWidth: 0 });
}

async function confirmDestroy(stacks: PlannedStack[], options: RolloutOptions): Promise<void> {
    let typed = options.confirm;
    if (typed === undefined && options.askConfirmation !== undefined) {
        typed = await options.askConfirmation(
            `This destroys every resource of ${stacks.length} stack(s). Type their names, comma-separated, to go on:\n  ${stacks.map(stack => stack.stackName).join(",")}\n> `);
    }
    if (typed === undefined) {
        throw new RolloutRefusal([`destroy refused: type the stacks back with --confirm ${stacks.map(stack => stack.stackName).join(",")} (or run on an interactive terminal to be asked)`]);
    }
    const problems = destroyConfirmationProblems(stacks, typed);
    if (problems.length > 0) {
        throw new RolloutRefusal(problems);
    }
}

async function pulumiCommandOf(options: RolloutOptions): Promise<PulumiCommand> {
    try {
        return await PulumiCommand.get(options.pulumiRoot !== undefined ? { root: path.resolve(options.pulumiRoot) } : undefined);
    } catch (error) {
        const where = options.pulumiRoot !== undefined ? `${path.resolve(options.pulumiRoot)}/bin/pulumi` : "pulumi on PATH";
        throw new RolloutRefusal([`the Pulumi CLI (${where}) cannot be run: ${(error as Error).message.split("\n")[0] ?? ""}`]);
    }
}

async function runAll(stacks: PlannedStack[], options: RolloutOptions, policyPackDir: string): Promise<StackRunResult[]> {
    const pulumiCommand = await pulumiCommandOf(options);
    const secretNames = stacks.flatMap(stack => Object.values(stack.config).flatMap(secretEnvNames));
    const redactor = new Redactor(secretStrings(options.env, secretNames));
    const context = { pulumiCommand, workDir: options.workDir, policyPackDir, env: options.env, redactor, setupLock: new Mutex() };
    let done = 0;
    return runBounded(stacks, options.concurrency, async stack => {
        options.stderr(`started   ${stack.stackName}\n`);
        const log = new StackLog(options.logDir, stack.stackName, redactor);
        try {
            const result = await runStack(stack, options.operation, context, log);
            done++;
            options.stderr(`${result.succeeded ? "succeeded" : "failed   "} ${stack.stackName} [${done}/${stacks.length}]\n`);
            return result;
        } finally {
            log.close();
        }
    });
}

async function rolloutOrRefuse(options: RolloutOptions): Promise<number> {
    const projectName = projectNameOf(options.workDir);
    const stacks = selectStacks(planStacks(loadRolloutFile(options.file), projectName), options.only);
    const policyPackDir = path.resolve(options.workDir, options.policyPack);
    const configProblems = options.operation === "destroy" ? [] : stackConfigProblems(stacks, options.workDir);
    if (configProblems.length > 0) {
        throw new RolloutRefusal(["the config of these stacks would fail before anything is declared (the program's own validation):", ...configProblems]);
    }
    if (options.dryRun) {
        options.stdout(describePlan(stacks, options, policyPackDir));
        return EXIT_OK;
    }
    if (options.operation === "destroy") {
        await confirmDestroy(stacks, options);
    }
    const missing = missingSecretProblems(stacks, options.env);
    if (missing.length > 0) {
        throw new RolloutRefusal(missing);
    }
    options.stderr(`${options.operation}: ${stacks.length} stack(s), at most ${options.concurrency} at once; logs in ${options.logDir}\n`);
    const results = await runAll(stacks, options, policyPackDir);
    options.stdout(summaryTable(results));
    return results.every(result => result.succeeded) ? EXIT_OK : EXIT_TARGET_FAILED;
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
