// Runs one stack through the Pulumi Automation API: create or select it, write its config, then preview, up or destroy
// with the policy pack. Turns every outcome into a StackRunResult; writes the stack's log as it goes.
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
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
}

class EventTally {
    mandatoryViolations = 0;
    advisoryViolations = 0;
    changes?: Record<string, number>;

    readonly onEvent = (event: EngineEvent): void => {
        if (event.policyEvent) {
            if (event.policyEvent.enforcementLevel === "mandatory") {
                this.mandatoryViolations++;
            } else {
                this.advisoryViolations++;
            }
        }
        if (event.summaryEvent) {
            this.changes = { ...event.summaryEvent.resourceChanges } as Record<string, number>;
        }
    };
}

async function openStack(planned: PlannedStack, operation: Operation, context: StackRunContext, log: StackLog): Promise<Stack> {
    return context.setupLock.run(async () => {
        const workspace = await LocalWorkspace.create({ workDir: context.workDir, pulumiCommand: context.pulumiCommand });
        // Destroy never creates a stack: a stack that does not exist has nothing to destroy.
        const stack = operation === "destroy"
            ? await Stack.select(planned.stackName, workspace)
            : await Stack.createOrSelect(planned.stackName, workspace);
        log.line(`stack ${planned.stackName} selected; writing ${Object.keys(planned.config).length} config keys`);
        const config = Object.entries(configJsonOf(planned.config, context.env));
        // Plain values in one call; each secret through standard input, so no secret is ever in a command line.
        await stack.setAllConfigJson(JSON.stringify(Object.fromEntries(config.filter(([, entry]) => !entry.secret))));
        for (const [key, entry] of config.filter(([, item]) => item.secret)) {
            await setSecretConfig({ pulumiCommand: context.pulumiCommand, workDir: context.workDir, stackName: planned.stackName, env: context.env }, key, entry.value);
        }
        return stack;
    });
}

async function runOperation(stack: Stack, operation: Operation, context: StackRunContext, log: StackLog, tally: EventTally): Promise<void> {
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
    const lines = text.split("\n").map(line => line.trim()).filter(line => line !== "");
    const meaningful = lines.find(line => /^error:/i.test(line)) ?? lines.find(line => !/^(code|stdout|stderr|err\?):?\s*-?\d*$/.test(line));
    return (meaningful ?? "failed").replace(/^(stderr|stdout):\s*/, "").slice(0, 300);
}

export async function runStack(planned: PlannedStack, operation: Operation, context: StackRunContext, log: StackLog): Promise<StackRunResult> {
    const started = Date.now();
    const tally = new EventTally();
    let error: string | undefined;
    log.line(`${operation} of ${planned.stackName} (account ${planned.accountId}, ${planned.region})`);
    try {
        const stack = await openStack(planned, operation, context, log);
        await runOperation(stack, operation, context, log, tally);
        log.line(`${operation} succeeded`);
    } catch (caught) {
        error = summarizeError(caught, context.redactor);
        log.line(`${operation} failed: ${context.redactor.redact(caught instanceof Error ? caught.message : String(caught))}`);
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
