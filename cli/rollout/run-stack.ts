// Runs one stack through the Pulumi Automation API: create or select it, write its config and attach its ESC
// environments, then preview, up or destroy with the policy pack. With `remote`, the stack runs on Pulumi Deployments
// through RemoteWorkspace: its config and environments are written by pre-run commands in the deployment (the
// Deployments "pre-run commands" setting: "Generate configuration files",
// pulumi.com/docs/deployments/concepts/settings/
// pre-run-commands/), and only plain values go there. Turns every outcome into a StackRunResult; writes the log.
import {
    EngineEvent,
    LocalWorkspace,
    PulumiCommand,
    RemoteStack,
    RemoteWorkspace,
    Stack,
} from "@pulumi/pulumi/automation";
import { configJsonOf } from "./config-json";
import { setSecretConfig } from "./secret-config";
import { Mutex } from "./pool";
import { Redactor } from "./secret-values";
import { StackLog } from "./stack-log";
import { Operation, PlannedStack, StackRunResult } from "./types";

export interface StackRunContext {
    pulumiCommand: PulumiCommand;
    /** The Pulumi project directory (Pulumi.yaml); stack settings files are written there by the CLI. */
    workDir: string;
    /** Absolute path of the policy pack directory, passed as `--policy-pack` to preview and up. */
    policyPackDir: string;
    env: NodeJS.ProcessEnv;
    redactor: Redactor;
    /**
     * `stack select` records the current stack in the workspace and `config set-all` rewrites settings files:
     * both are run one stack at a time; the long operations (preview, up, destroy) run in parallel.
     */
    setupLock: Mutex;
    /** Run on Pulumi Deployments from this Git repository instead of the local project. */
    remote?: RemoteSource;
}

export interface RemoteSource {
    url: string;
    branch: string;
    /** The project's folder inside the repository. */
    projectPath?: string;
    /** The Pulumi Cloud organization of the stacks (remote stack names are fully qualified: org/project/stack). */
    organization: string;
    projectName: string;
}

/** `org/project/stack`, as RemoteWorkspace requires. */
export function remoteStackName(remote: RemoteSource, stackName: string): string {
    return `${remote.organization}/${remote.projectName}/${stackName}`;
}

/** A POSIX shell single-quoted word (each pre-run command line runs in its own shell). */
function shellQuote(text: string): string {
    return `'${text.replace(/'/g, "'\\''")}'`;
}

/** The pre-run commands that write a remote stack's config (plain values only) and attach its ESC environments. */
export function remotePreRunCommands(planned: PlannedStack, remote: RemoteSource, env: NodeJS.ProcessEnv): string[] {
    const name = remoteStackName(remote, planned.stackName);
    const config = configJsonOf(planned.config, env);
    if (Object.values(config).some(entry => entry.secret)) {
        // Refused before any stack runs (orchestrate.ts); this guards the rule where it matters.
        throw new Error("a remote stack's config must not hold secrets; attach them through ESC environments");
    }
    return [
        `pulumi config set-all --stack ${shellQuote(name)} --json ${shellQuote(JSON.stringify(config))}`,
        ...(planned.environments.length > 0
            ? [
                  `pulumi config env add ${planned.environments.map(shellQuote).join(" ")} --stack ` +
                      `${shellQuote(name)} --yes`,
              ]
            : []),
    ];
}

/**
 * Counts a stack's policy violations and changes from its engine events. Each engine event carries a unique
 * `sequence`; an event delivered twice (the Automation API's tail of an event-log file, used with CLIs of 3.205
 * and before, can hand over a line again while the file grows) is counted once.
 */
class EventTally {
    mandatoryViolations = 0;
    advisoryViolations = 0;
    changes?: Record<string, number>;
    private readonly seen = new Set<number>();

    readonly onEvent = (event: EngineEvent): void => {
        if (this.seen.has(event.sequence)) {
            return;
        }
        this.seen.add(event.sequence);
        if (event.policyEvent) {
            if (event.policyEvent.enforcementLevel === "mandatory") {
                this.mandatoryViolations++;
            } else {
                this.advisoryViolations++;
            }
        }
        if (event.summaryEvent) {
            this.changes = { ...event.summaryEvent.resourceChanges };
        }
    };
}

/** Attaches the stack's ESC environments that are not attached yet (`config env ls`, then `config env add`). */
async function attachEnvironments(stack: Stack, planned: PlannedStack, log: StackLog): Promise<void> {
    if (planned.environments.length === 0) {
        return;
    }
    const attached = new Set(await stack.listEnvironments());
    const missing = planned.environments.filter(name => !attached.has(name));
    if (missing.length > 0) {
        await stack.addEnvironments(...missing);
    }
    log.line(
        `ESC environments: ${planned.environments.join(", ")}` +
            (missing.length > 0 ? ` (attached now: ${missing.join(", ")})` : " (already attached)"),
    );
}

async function openRemoteStack(
    planned: PlannedStack,
    operation: Operation,
    context: StackRunContext & { remote: RemoteSource },
    log: StackLog,
): Promise<RemoteStack> {
    const { remote } = context;
    const args = {
        stackName: remoteStackName(remote, planned.stackName),
        url: remote.url,
        branch: remote.branch,
        ...(remote.projectPath !== undefined ? { projectPath: remote.projectPath } : {}),
    };
    const options = { preRunCommands: remotePreRunCommands(planned, remote, context.env) };
    const stack =
        operation === "destroy"
            ? await RemoteWorkspace.selectStack(args, options)
            : await RemoteWorkspace.createOrSelectStack(args, options);
    log.line(
        `remote stack ${args.stackName} from ${remote.url} ` +
            `(${remote.branch}${remote.projectPath !== undefined ? `, ${remote.projectPath}` : ""}); ` +
            `config (${Object.keys(planned.config).length} keys) and ESC environments are written by pre-run ` +
            `commands on Pulumi Deployments`,
    );
    return stack;
}

async function openStack(
    planned: PlannedStack,
    operation: Operation,
    context: StackRunContext,
    log: StackLog,
): Promise<Stack> {
    return context.setupLock.run(async () => {
        const workspace = await LocalWorkspace.create({
            workDir: context.workDir,
            pulumiCommand: context.pulumiCommand,
        });
        // Destroy never creates a stack: a stack that does not exist has nothing to destroy.
        const stack =
            operation === "destroy"
                ? await Stack.select(planned.stackName, workspace)
                : await Stack.createOrSelect(planned.stackName, workspace);
        log.line(`stack ${planned.stackName} selected; writing ${Object.keys(planned.config).length} config keys`);
        const config = Object.entries(configJsonOf(planned.config, context.env));
        // Plain values in one call; each secret through standard input, so no secret is ever in a command line.
        await stack.setAllConfigJson(JSON.stringify(Object.fromEntries(config.filter(([, entry]) => !entry.secret))));
        for (const [key, entry] of config.filter(([, item]) => item.secret)) {
            await setSecretConfig(
                {
                    pulumiCommand: context.pulumiCommand,
                    workDir: context.workDir,
                    stackName: planned.stackName,
                    env: context.env,
                },
                key,
                entry.value,
            );
        }
        await attachEnvironments(stack, planned, log);
        return stack;
    });
}

/**
 * A remote operation: RemoteStack takes only output and event callbacks (remoteStack.d.ts of 3.248.0: no policyPacks).
 */
async function runRemoteOperation(
    stack: RemoteStack,
    operation: Operation,
    log: StackLog,
    tally: EventTally,
): Promise<void> {
    const streams = { onOutput: log.output, onEvent: tally.onEvent };
    switch (operation) {
        case "preview":
            await stack.preview(streams);
            return;
        case "up":
            await stack.up(streams);
            return;
        case "destroy":
            await stack.destroy(streams);
            return;
    }
}

async function runOperation(
    stack: Stack,
    operation: Operation,
    context: StackRunContext,
    log: StackLog,
    tally: EventTally,
): Promise<void> {
    const streams = { onOutput: log.output, onError: log.output, onEvent: tally.onEvent, color: "never" as const };
    switch (operation) {
        case "preview":
            await stack.preview({ ...streams, policyPacks: [context.policyPackDir] });
            return;
        case "up":
            await stack.up({ ...streams, policyPacks: [context.policyPackDir] });
            return;
        case "destroy":
            await stack.destroy(streams);
            return;
    }
}

/** First meaningful line of an Automation API error (its message repeats the whole command output). */
function summarizeError(error: unknown, redactor: Redactor): string {
    const text = redactor.redact(error instanceof Error ? error.message : String(error));
    const lines = text
        .split("\n")
        .map(line => line.trim())
        .filter(line => line !== "");
    const meaningful =
        lines.find(line => /^error:/i.test(line)) ??
        lines.find(line => !/^(code|stdout|stderr|err\?):?\s*-?\d*$/.test(line));
    return (meaningful ?? "failed").replace(/^(stderr|stdout):\s*/, "").slice(0, 300);
}

export async function runStack(
    planned: PlannedStack,
    operation: Operation,
    context: StackRunContext,
    log: StackLog,
): Promise<StackRunResult> {
    const started = Date.now();
    const tally = new EventTally();
    let error: string | undefined;
    log.line(`${operation} of ${planned.stackName} (account ${planned.accountId}, ${planned.region})`);
    try {
        const remote = context.remote;
        if (remote !== undefined) {
            const stack = await context.setupLock.run(() =>
                openRemoteStack(planned, operation, { ...context, remote }, log),
            );
            await runRemoteOperation(stack, operation, log, tally);
        } else {
            const stack = await openStack(planned, operation, context, log);
            await runOperation(stack, operation, context, log, tally);
        }
        log.line(`${operation} succeeded`);
    } catch (caught) {
        error = summarizeError(caught, context.redactor);
        log.line(
            `${operation} failed: ` +
                context.redactor.redact(caught instanceof Error ? caught.message : String(caught)),
        );
    }
    return {
        stackName: planned.stackName,
        succeeded: error === undefined,
        ...(tally.changes !== undefined ? { changes: tally.changes } : {}),
        mandatoryViolations: tally.mandatoryViolations,
        advisoryViolations: tally.advisoryViolations,
        durationMs: Date.now() - started,
        ...(error !== undefined ? { error } : {}),
        logFile: log.file,
    };
}
