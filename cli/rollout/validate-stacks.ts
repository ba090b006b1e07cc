// Validates every planned stack's merged config with the program's own `validateConfig`, for the stack's account
// and region, before any Pulumi process runs: a bad target is refused with the messages `pulumi up` would print.
// A stack that imports ESC environments gets their `pulumiConfig` under its own keys (the rollout writes the target's
// config into the stack file, whose keys win) when `readEsc` is given; otherwise a secret key it does not set is taken
// as coming from ESC, and a missing required key is reported as possibly coming from the environment.
import { readProjectFile, rawConfigFromValues, evaluateStackFiles, StackFiles } from "../../config/stack-files";
import { isSecretMarker } from "./secret-values";
import { PlannedStack } from "./types";

/** A `{secretFromEnv}` marker stands for a secret whose value is not read here: a stack file's `{secure}` form. */
function asStackFileValue(value: unknown): unknown {
    if (isSecretMarker(value)) {
        return { secure: `from $${value.secretFromEnv}` };
    }
    if (Array.isArray(value)) {
        return value.map(asStackFileValue);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asStackFileValue(item)]));
    }
    return value;
}

/** Reads the merged `pulumiConfig` of ESC environments (config/esc-environments.ts `readEscPulumiConfig`). */
export type EscReader = (environments: readonly string[]) => Map<string, unknown>;

/** One problem line per configuration problem, prefixed with its stack's name. */
export function stackConfigProblems(stacks: readonly PlannedStack[], workDir: string, readEsc?: EscReader): string[] {
    const { namespace, defaults } = readProjectFile(workDir);
    return stacks.flatMap(stack => {
        const values = new Map(defaults);
        const hasEnvironments = stack.environments.length > 0;
        if (hasEnvironments && readEsc !== undefined) {
            try {
                for (const [key, value] of readEsc(stack.environments)) {
                    values.set(key.includes(":") ? key : `${namespace}:${key}`, value);
                }
            } catch (error) {
                return [`${stack.stackName}: ${(error as Error).message}`];
            }
        }
        for (const [key, value] of Object.entries(stack.config)) {
            values.set(key, asStackFileValue(value));
        }
        const files: StackFiles = {
            projectDir: workDir,
            namespace,
            stackFile: `rollout target ${stack.stackName}`,
            ...rawConfigFromValues(namespace, values),
            environments: { imports: stack.environments, inlineValues: false },
            escRead: readEsc !== undefined,
            stackKeys: Object.keys(stack.config),
        };
        const evaluated = evaluateStackFiles(files, {
            account: stack.accountId,
            assumeUnsetSecrets: hasEnvironments && readEsc === undefined,
        });
        return evaluated.ok
            ? []
            : evaluated.message
                  .split("\n")
                  .slice(1)
                  .filter(line => line.trim().startsWith("- "))
                  .map(line => `${stack.stackName}: ${line.trim().replace(/^- /, "")}`);
    });
}
