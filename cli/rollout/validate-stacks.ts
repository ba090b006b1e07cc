// Validates every planned stack's merged config with the program's own `validateConfig`, for the stack's account
// and region, before any Pulumi process runs: a bad target is refused with the messages `pulumi up` would print.
import { evaluateStackFiles, readProjectFile, rawConfigFromValues } from "../../config/stack-files";
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

/** One problem line per configuration problem, prefixed with its stack's name. */
export function stackConfigProblems(stacks: readonly PlannedStack[], workDir: string): string[] {
    const { namespace, defaults } = readProjectFile(workDir);
    return stacks.flatMap(stack => {
        const values = new Map(defaults);
        for (const [key, value] of Object.entries(stack.config)) {
            values.set(key, asStackFileValue(value));
        }
        const files = { projectDir: workDir, namespace, stackFile: `rollout target ${stack.stackName}`, ...rawConfigFromValues(namespace, values) };
        const evaluated = evaluateStackFiles(files, { account: stack.accountId });
        return evaluated.ok ? [] : evaluated.message.split("\n").slice(1).map(line => `${stack.stackName}: ${line.trim().replace(/^- /, "")}`);
    });
}
