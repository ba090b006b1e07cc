// The closing table of a rollout: target, result, changes, policy violations, duration.
import { StackRunResult } from "./types";

const CHANGE_ORDER = [
    "create",
    "update",
    "replace",
    "delete",
    "create-replacement",
    "delete-replaced",
    "import",
    "read",
    "refresh",
];

/** `create 3, update 1`; `no changes` when only `same` was counted; `-` when no summary arrived. */
export function describeChanges(changes: Record<string, number> | undefined): string {
    if (changes === undefined) {
        return "-";
    }
    const counted = Object.entries(changes).filter(([op, count]) => op !== "same" && count > 0);
    if (counted.length === 0) {
        return "no changes";
    }
    const rank = (op: string): number => (CHANGE_ORDER.includes(op) ? CHANGE_ORDER.indexOf(op) : CHANGE_ORDER.length);
    return counted
        .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
        .map(([op, count]) => `${op} ${count}`)
        .join(", ");
}

export function describeViolations(result: StackRunResult): string {
    const total = result.mandatoryViolations + result.advisoryViolations;
    if (total === 0) {
        return "0";
    }
    return `${total} (${result.mandatoryViolations} mandatory, ${result.advisoryViolations} advisory)`;
}

export function describeDuration(ms: number): string {
    const seconds = ms / 1000;
    return seconds < 60
        ? `${seconds.toFixed(1)}s`
        : `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
}

export function summaryTable(results: StackRunResult[]): string {
    const header = ["TARGET", "RESULT", "CHANGES", "POLICY VIOLATIONS", "DURATION"];
    const rows = results.map(result => [
        result.stackName,
        result.succeeded ? "succeeded" : "failed",
        describeChanges(result.changes),
        describeViolations(result),
        describeDuration(result.durationMs),
    ]);
    const widths = header.map((title, column) =>
        Math.max(title.length, ...rows.map(row => (row[column] ?? "").length)),
    );
    const format = (row: string[]): string =>
        row
            .map((cell, column) => cell.padEnd(widths[column] ?? 0))
            .join("  ")
            .trimEnd();
    const failures = results
        .filter(result => !result.succeeded)
        .map(result => `${result.stackName}: ${result.error ?? "failed"} (log: ${result.logFile})`);
    return [format(header), ...rows.map(format), ...(failures.length > 0 ? ["", ...failures] : [])].join("\n") + "\n";
}

/** The closing summary as JSON: one entry per stack, in plan order, with the same facts as the table. */
export function summaryJson(results: StackRunResult[], operation: string): string {
    return `${JSON.stringify(
        {
            operation,
            succeeded: results.every(result => result.succeeded),
            stacks: results.map(result => ({
                stack: result.stackName,
                result: result.succeeded ? "succeeded" : "failed",
                changes: result.changes ?? null,
                mandatoryViolations: result.mandatoryViolations,
                advisoryViolations: result.advisoryViolations,
                durationMs: result.durationMs,
                ...(result.error !== undefined ? { error: result.error } : {}),
                logFile: result.logFile,
            })),
        },
        null,
        2,
    )}\n`;
}
