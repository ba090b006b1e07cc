// Static evaluation of a Nextflow container value: strings, `+`, `params.x` defaults, and the nf-core
// `workflow.containerEngine == 'singularity' ? <singularity> : <docker>` choice (taking the Docker branch).
import { GroovyToken, tokenAt } from "./tokenizer";

/** One value a container expression can take: a string (with the line of the literal it was chosen from) or not. */
export type Alternative =
    | { kind: "value"; value: string; line: number | undefined; conditions: string[] }
    | { kind: "unresolved"; text: string; conditions: string[] };

/** Which branch of a condition on workflow.containerEngine runs under Docker. */
export type EngineBranch = "then" | "else" | "unknown";

/** A param default as written in a config: a string, a number, true/false, or null (a value the user must give). */
export type ParamValue = string | number | boolean | null;

/** Alternatives kept for one expression (a concatenation of ternaries multiplies them). */
const MAX_ALTERNATIVES = 16;

const CONTINUATION = new Set([
    "?",
    ":",
    "+",
    "&&",
    "||",
    "==",
    "!=",
    ",",
    ".",
    "?.",
    "(",
    "[",
    "{",
    "=",
    "-",
    "*",
    "/",
    "?:",
]);
const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** Index just past the expression starting at `start`: Groovy ends it at a newline, unless an operator continues it. */
export function expressionEnd(tokens: GroovyToken[], start: number): number {
    let depth = 0;
    let i = start;
    for (; i < tokens.length; i++) {
        const token = tokens[i];
        if (i > start && depth === 0 && token.newlineBefore) {
            const previous = tokens[i - 1];
            const continues =
                (previous.kind === "punct" && CONTINUATION.has(previous.text)) ||
                (token.kind === "punct" &&
                    CONTINUATION.has(token.text) &&
                    token.text !== "(" &&
                    token.text !== "[" &&
                    token.text !== "{");
            if (!continues) break;
        }
        if (token.kind === "punct") {
            if (CLOSERS[token.text]) depth++;
            else if (token.text === ")" || token.text === "]" || token.text === "}") {
                if (depth === 0) break;
                depth--;
            } else if (token.text === ";" && depth === 0) break;
        }
    }
    return i;
}

/** Source-like text of tokens, for messages. */
export function textOf(tokens: GroovyToken[]): string {
    let text = "";
    tokens.forEach((token, k) => {
        const previous = tokenAt(tokens, k - 1);
        const tight =
            k === 0 ||
            [")", "]", ",", ";", ".", "?."].includes(token.text) ||
            (previous !== undefined && ["(", "[", ".", "?.", "!"].includes(previous.text)) ||
            ((token.text === "(" || token.text === "[") && previous?.kind === "ident");
        text += (tight ? "" : " ") + token.text;
    });
    return text;
}

/**
 * Evaluates a container expression statically, under Docker: a ternary on workflow.containerEngine takes the Docker
 * branch; any other ternary (`task.accelerator ? <gpu> : <cpu>`) gives both branches, each marked with its condition.
 */
export class GroovyEvaluator {
    constructor(private readonly params: ReadonlyMap<string, ParamValue>) {}

    /** The literal default of a param, for `params.x = <literal>`: undefined when the tokens are not one literal. */
    static literal(tokens: GroovyToken[]): ParamValue | undefined {
        if (tokens.length !== 1) return undefined;
        const [token] = tokens;
        if (token.kind === "number" && /^\d+(\.\d+)?$/.test(token.text)) return Number(token.text);
        if (token.kind === "ident" && (token.text === "true" || token.text === "false")) return token.text === "true";
        if (token.kind === "ident" && token.text === "null") return null;
        return undefined;
    }

    evaluate(tokens: GroovyToken[]): Alternative[] {
        return this.alternatives(tokens, []);
    }

    private alternatives(tokens: GroovyToken[], conditions: string[]): Alternative[] {
        const unresolved = (): Alternative[] => [{ kind: "unresolved", text: textOf(tokens), conditions }];
        if (tokens.length === 0) return unresolved();
        const first = tokens[0];
        if (first.kind === "punct" && first.text === "(" && matchingClose(tokens, 0) === tokens.length - 1) {
            return this.alternatives(tokens.slice(1, -1), conditions);
        }
        if (first.kind === "punct" && first.text === "{" && matchingClose(tokens, 0) === tokens.length - 1) {
            // A closure: evaluated when its body is one expression (`{ cond ? 'a' : 'b' }`).
            const body = tokens.slice(1, -1);
            const single =
                body.length > 0 &&
                expressionEnd(body, 0) === body.length &&
                !body.some(token => token.text === "return" || token.text === "->");
            return single ? this.alternatives(body, conditions) : unresolved();
        }
        const question = topLevelIndex(tokens, "?");
        if (question > 0) {
            const colon = topLevelIndex(tokens, ":", question + 1);
            if (colon > question) {
                return this.ternary(
                    tokens.slice(0, question),
                    tokens.slice(question + 1, colon),
                    tokens.slice(colon + 1),
                    conditions,
                );
            }
        }
        const plus = topLevelIndex(tokens, "+");
        if (plus > 0) return this.concatenate([tokens.slice(0, plus), tokens.slice(plus + 1)], conditions);
        if (tokens.length === 1 && first.kind === "string") return this.string(first, conditions);
        const param = paramName(tokens);
        const value = param === undefined ? undefined : this.params.get(param);
        if (value !== undefined && value !== null)
            return [{ kind: "value", value: String(value), line: undefined, conditions }];
        return unresolved();
    }

    /** Every combination of the parts' alternatives, joined; an unresolved part makes its combination unresolved. */
    private concatenate(parts: (GroovyToken[] | string)[], conditions: string[], line?: number): Alternative[] {
        let combined: Alternative[] = [{ kind: "value", value: "", line, conditions }];
        for (const part of parts) {
            const next: Alternative[] = [];
            for (const left of combined) {
                if (left.kind === "unresolved") {
                    next.push(left);
                    continue;
                }
                const rights: Alternative[] =
                    typeof part === "string"
                        ? [{ kind: "value", value: part, line: undefined, conditions: left.conditions }]
                        : this.alternatives(part, left.conditions);
                for (const right of rights) {
                    next.push(
                        right.kind === "unresolved"
                            ? right
                            : {
                                  kind: "value",
                                  value: left.value + right.value,
                                  line: right.line ?? left.line,
                                  conditions: right.conditions,
                              },
                    );
                }
            }
            combined = next.slice(0, MAX_ALTERNATIVES);
        }
        return combined;
    }

    private string(token: GroovyToken, conditions: string[]): Alternative[] {
        const parts = token.parts ?? [];
        const hasLiteral = parts.some(part => "literal" in part && part.literal.trim() !== "");
        return this.concatenate(
            parts.map(part =>
                "literal" in part
                    ? part.literal
                    : part.placeholder.length > 0
                      ? part.placeholder
                      : [{ kind: "ident" as const, text: part.text, line: token.line, newlineBefore: false }],
            ),
            conditions,
            hasLiteral ? token.line : undefined,
        );
    }

    private ternary(
        condition: GroovyToken[],
        whenTrue: GroovyToken[],
        whenFalse: GroovyToken[],
        conditions: string[],
    ): Alternative[] {
        let branch = engineBranch(condition);
        if (branch === "unknown") branch = this.paramBranch(condition);
        const thenValue = this.alternatives(whenTrue, conditions);
        const elseValue = this.alternatives(whenFalse, conditions);
        if (branch === "unknown") {
            // No engine test we recognise: prefer the branch that is plainly not a Singularity image.
            if (thenValue.every(isSingularityImage) && !elseValue.some(isSingularityImage)) branch = "else";
            else if (elseValue.every(isSingularityImage) && !thenValue.some(isSingularityImage)) branch = "then";
        }
        if (branch === "then") return thenValue;
        if (branch === "else") return elseValue;
        // Both branches can run (task.accelerator, task.ext.use_gpu, a param): each is an image of its own.
        const text = textOf(condition);
        const simple = condition.every((token, k) =>
            k % 2 === 0 ? token.kind === "ident" : token.text === "." || token.text === "?.",
        );
        const negated = simple ? `!${text}` : `!(${text})`;
        return [
            ...this.alternatives(whenTrue, [...conditions, text]),
            ...this.alternatives(whenFalse, [...conditions, negated]),
        ].slice(0, MAX_ALTERNATIVES);
    }

    /** `params.x ? a : b`, `!params.x ? a : b` with a known default, by Groovy truth (null, false, 0, '' are false). */
    private paramBranch(condition: GroovyToken[]): EngineBranch {
        const negated = condition[0]?.text === "!";
        const param = paramName(negated ? condition.slice(1) : condition);
        if (param === undefined || !this.params.has(param)) return "unknown";
        const value = this.params.get(param);
        const truth = value !== null && value !== undefined && value !== false && value !== 0 && value !== "";
        return truth !== negated ? "then" : "else";
    }
}

/**
 * Reads a condition on `workflow.containerEngine` as it evaluates under Docker (the engine HealthOmics runs):
 * `== 'singularity'`, `!= 'singularity'`, `== 'docker'`, `in ['singularity', 'apptainer']`,
 * `['singularity', 'apptainer'].contains(workflow.containerEngine)`, joined with `&&`, `||` and `!` to other tests
 * (`&& !task.ext.singularity_pull_docker_container`). A condition with no engine test is "unknown".
 */
export function engineBranch(condition: GroovyToken[]): EngineBranch {
    const truth = truthUnderDocker(condition);
    if (truth === undefined) {
        // An engine test combined with tests we cannot decide: the engine test alone chooses, as nf-core means it.
        const tests = engineTests(condition);
        if (tests.length === 0) return "unknown";
        return tests[0] ? "then" : "else";
    }
    return truth ? "then" : "else";
}

/** true/false when the condition's value under Docker is known, undefined when it depends on something else. */
function truthUnderDocker(tokens: GroovyToken[]): boolean | undefined {
    if (tokens.length === 0) return undefined;
    if (tokens[0].text === "(" && matchingClose(tokens, 0) === tokens.length - 1)
        return truthUnderDocker(tokens.slice(1, -1));
    for (const operator of ["||", "&&"]) {
        const parts = splitTopLevel(tokens, operator);
        if (parts.length < 2) continue;
        const values = parts.map(truthUnderDocker);
        const decisive = operator === "||";
        if (values.includes(decisive)) return decisive;
        return values.every(value => value === !decisive) ? !decisive : undefined;
    }
    if (tokens[0].text === "!") {
        const inner = truthUnderDocker(tokens.slice(1));
        return inner === undefined ? undefined : !inner;
    }
    const tests = engineTests(tokens);
    return tests.length === 1 ? tests[0] : undefined;
}

/** The value under Docker of each engine test in the tokens, in order. */
function engineTests(condition: GroovyToken[]): boolean[] {
    const tests: boolean[] = [];
    for (let i = 0; i < condition.length; i++) {
        if (condition[i].text !== "containerEngine") continue;
        const operator = tokenAt(condition, i + 1);
        const engine = tokenAt(condition, i + 2);
        if (operator?.text === "in" && engine?.text === "[") {
            // workflow.containerEngine in ['singularity', 'apptainer']   (nf-core modules since 2025)
            const close = matchingClose(condition, i + 2);
            tests.push(stringsIn(condition.slice(i + 3, close < 0 ? condition.length : close)).includes("docker"));
        } else if (operator && engine?.kind === "string" && (operator.text === "==" || operator.text === "!=")) {
            tests.push((stringLiteral(engine) === "docker") === (operator.text === "=="));
        } else if (condition.slice(0, i).some(token => token.text === "contains")) {
            // ['singularity', 'apptainer'].contains(workflow.containerEngine)
            const listed = stringsIn(condition.slice(0, i));
            if (listed.length > 0) tests.push(listed.includes("docker"));
        }
    }
    return tests;
}

function stringsIn(tokens: GroovyToken[]): string[] {
    return tokens.filter(token => token.kind === "string").map(stringLiteral);
}

function splitTopLevel(tokens: GroovyToken[], operator: string): GroovyToken[][] {
    const parts: GroovyToken[][] = [];
    let start = 0;
    for (let at = topLevelIndex(tokens, operator); at >= 0; at = topLevelIndex(tokens, operator, start)) {
        parts.push(tokens.slice(start, at));
        start = at + 1;
    }
    parts.push(tokens.slice(start));
    return parts;
}

function isSingularityImage(alternative: Alternative): boolean {
    return alternative.kind === "value" && (isSingularityValue(alternative.value) || alternative.value === "");
}

/** A Singularity/Apptainer image location (a SIF file over https, oras://, library://, shub://), not a Docker image. */
export function isSingularityValue(value: string): boolean {
    return /^(https?|oras|library|shub):\/\//.test(value) || value.endsWith(".sif") || value.endsWith(".img");
}

function stringLiteral(token: GroovyToken): string {
    return (token.parts ?? []).map(part => ("literal" in part ? part.literal : "")).join("");
}

/** `params.x` → "x"; nested `params.wf.tag` (or `params?.wf?.tag`) → "wf.tag". */
function paramName(tokens: GroovyToken[]): string | undefined {
    if (tokens.length < 3 || tokens.length % 2 === 0 || tokens[0].text !== "params") return undefined;
    const names: string[] = [];
    for (let i = 1; i < tokens.length; i += 2) {
        if ((tokens[i].text !== "." && tokens[i].text !== "?.") || tokens[i + 1].kind !== "ident") return undefined;
        names.push(tokens[i + 1].text);
    }
    return names.join(".");
}

function topLevelIndex(tokens: GroovyToken[], text: string, from = 0): number {
    let depth = 0;
    for (let i = from; i < tokens.length; i++) {
        const token = tokens[i];
        if (token.kind !== "punct") continue;
        if (CLOSERS[token.text]) depth++;
        else if (token.text === ")" || token.text === "]" || token.text === "}") depth--;
        else if (depth === 0 && token.text === text) return i;
    }
    return -1;
}

/** Index of the bracket closing the one at `open`, or -1. */
export function matchingClose(tokens: GroovyToken[], open: number): number {
    let depth = 0;
    for (let i = open; i < tokens.length; i++) {
        if (tokens[i].kind !== "punct") continue;
        if (CLOSERS[tokens[i].text]) depth++;
        else if (tokens[i].text === ")" || tokens[i].text === "]" || tokens[i].text === "}") {
            if (--depth === 0) return i;
        }
    }
    return -1;
}
