// Collects configuration problems so that every one of them is reported in a single error.
import { ConfigProblem } from "./types";

export class Problems {
    readonly list: ConfigProblem[] = [];

    add(path: string, message: string): void {
        this.list.push({ path, message });
    }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "a string", "a list", ... for messages about a value of the wrong type (never the value itself). */
export function describeType(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "a list";
    }
    return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Reports each field of `entry` that is not in `allowed` (catches typos such as `ecrRepositoryPrefx`). */
export function checkKnownFields(
    entry: Record<string, unknown>,
    allowed: readonly string[],
    path: string,
    problems: Problems,
): void {
    for (const field of Object.keys(entry)) {
        if (!allowed.includes(field)) {
            problems.add(`${path}.${field}`, `is not a known field; allowed fields: ${allowed.join(", ")}`);
        }
    }
}

/** The field as a non-empty string, or undefined after reporting why it is not one. */
export function requireString(
    entry: Record<string, unknown>,
    field: string,
    path: string,
    what: string,
    problems: Problems,
): string | undefined {
    const value = entry[field];
    if (value === undefined) {
        problems.add(`${path}.${field}`, `is required: ${what}`);
        return undefined;
    }
    if (typeof value !== "string" || value.trim() === "") {
        problems.add(
            `${path}.${field}`,
            `must be a non-empty string (${what}), ` +
                `got ${typeof value === "string" ? "an empty string" : describeType(value)}`,
        );
        return undefined;
    }
    return value;
}

/** A path that starts with its own namespace (`aws:region`) is already qualified; `tags.aws:x` is not. */
const QUALIFIED = /^[^.[\]]+:/;

/** One line per problem, each naming its fully qualified config key. */
export function formatProblems(namespace: string, problems: readonly ConfigProblem[]): string {
    const lines = problems.map(p => `  - ${QUALIFIED.test(p.path) ? p.path : `${namespace}:${p.path}`}: ${p.message}`);
    const count = problems.length === 1 ? "1 configuration error" : `${problems.length} configuration errors`;
    return `${count} in stack config; no resources were declared:\n${lines.join("\n")}`;
}
