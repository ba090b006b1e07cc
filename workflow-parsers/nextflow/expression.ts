// Static evaluation of a Nextflow container value: strings, `+`, `params.x` defaults, and the nf-core
// `workflow.containerEngine == 'singularity' ? <singularity> : <docker>` choice (taking the Docker branch).
import { GroovyToken } from "./tokenizer";

export type Resolution = { value: string } | { unresolved: string };

/** Which branch of a condition on workflow.containerEngine runs under Docker. */
export type EngineBranch = "then" | "else" | "unknown";

const CONTINUATION = new Set(["?", ":", "+", "&&", "||", "==", "!=", ",", ".", "?.", "(", "[", "{", "=", "-", "*", "/", "?:"]);
const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
const SINGULARITY_ENGINES = new Set(["singularity", "apptainer"]);

/** Index just past the expression starting at `start`: Groovy ends it at a newline, unless an operator continues it. */
export function expressionEnd(tokens: GroovyToken[], start: number): number {
    let depth = 0;
    let i = start;
    for (; i < tokens.length; i++) {
        const token = tokens[i];
        if (i > start && depth === 0 && token.newlineBefore) {
            const previous = tokens[i - 1];
            const continues = (previous.kind === "punct" && CONTINUATION.has(previous.text)) ||
                (token.kind === "punct" && CONTINUATION.has(token.text) && token.text !== "(" && token.text !== "[" && token.text !== "{");
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
        const previous = tokens[k - 1];
        const tight = k === 0 || [")", "]", ",", ";", ".", "?."].includes(token.text) || (previous && ["(", "[", ".", "?.", "!"].includes(previous.text)) ||
            ((token.text === "(" || token.text === "[") && previous?.kind === "ident");
        text += (tight ? "" : " ") + token.text;
    });
    return text;
}

export class GroovyEvaluator {
    constructor(private readonly params: ReadonlyMap<string, string>) {}

    evaluate(tokens: GroovyToken[]): Resolution {
        if (tokens.length === 0) return { unresolved: "" };
        const first = tokens[0];
        if (first.kind === "punct" && first.text === "(" && matchingClose(tokens, 0) === tokens.length - 1) return this.evaluate(tokens.slice(1, -1));
        if (first.kind === "punct" && first.text === "{" && matchingClose(tokens, 0) === tokens.length - 1) {
            // A closure: evaluated when its body is one expression (`{ cond ? 'a' : 'b' }`).
            const body = tokens.slice(1, -1);
            const single = body.length > 0 && expressionEnd(body, 0) === body.length && !body.some((token) => token.text === "return" || token.text === "->");
            return single ? this.evaluate(body) : { unresolved: textOf(tokens) };
        }
        const question = topLevelIndex(tokens, "?");
        if (question > 0) {
            const colon = topLevelIndex(tokens, ":", question + 1);
            if (colon > question) return this.ternary(tokens.slice(0, question), tokens.slice(question + 1, colon), tokens.slice(colon + 1));
        }
        const plus = topLevelIndex(tokens, "+");
        if (plus > 0) {
            const left = this.evaluate(tokens.slice(0, plus));
            if ("unresolved" in left) return left;
            const right = this.evaluate(tokens.slice(plus + 1));
            return "unresolved" in right ? right : { value: left.value + right.value };
        }
        if (tokens.length === 1 && first.kind === "string") return this.string(first);
        const param = paramName(tokens);
        if (param !== undefined && this.params.has(param)) return { value: this.params.get(param)! };
        return { unresolved: textOf(tokens) };
    }

    private string(token: GroovyToken): Resolution {
        let value = "";
        for (const part of token.parts ?? []) {
            if ("literal" in part) {
                value += part.literal;
                continue;
            }
            const inner = part.placeholder.length > 0 ? this.evaluate(part.placeholder) : { unresolved: part.text };
            if ("unresolved" in inner) return inner;
            value += inner.value;
        }
        return { value };
    }

    private ternary(condition: GroovyToken[], whenTrue: GroovyToken[], whenFalse: GroovyToken[]): Resolution {
        let branch = engineBranch(condition);
        const thenValue = this.evaluate(whenTrue);
        const elseValue = this.evaluate(whenFalse);
        if (branch === "unknown") {
            // No engine test we recognise: prefer the branch that is plainly not a Singularity image.
            if (looksLikeSingularityImage(thenValue) && !looksLikeSingularityImage(elseValue)) branch = "else";
            else if (looksLikeSingularityImage(elseValue) && !looksLikeSingularityImage(thenValue)) branch = "then";
        }
        if (branch === "then") return thenValue;
        if (branch === "else") return elseValue;
        return { unresolved: textOf([...condition, { kind: "punct", text: "?", line: 0, newlineBefore: false }, ...whenTrue,
            { kind: "punct", text: ":", line: 0, newlineBefore: false }, ...whenFalse]) };
    }
}

/**
 * Reads a condition on `workflow.containerEngine`: `== 'singularity'` (also with `&& !task.ext.singularity_pull_docker_container`),
 * `in ['singularity', 'apptainer']`,
 * `['singularity','apptainer'].contains(workflow.containerEngine)`, `== 'docker'`, `!= 'singularity'`.
 */
export function engineBranch(condition: GroovyToken[]): EngineBranch {
    for (let i = 0; i < condition.length; i++) {
        if (condition[i].text !== "containerEngine") continue;
        const operator = condition[i + 1];
        const engine = condition[i + 2];
        // workflow.containerEngine in ['singularity', 'apptainer']   (nf-core modules since 2025)
        if (operator?.text === "in" && engine?.text === "[") {
            const close = matchingClose(condition, i + 2);
            const listed = condition.slice(i + 3, close < 0 ? condition.length : close).filter((token) => token.kind === "string").map(stringLiteral);
            return listed.some((engineName) => SINGULARITY_ENGINES.has(engineName)) ? "else" : "then";
        }
        if (operator && engine?.kind === "string" && (operator.text === "==" || operator.text === "!=")) {
            const singularity = SINGULARITY_ENGINES.has(stringLiteral(engine));
            return (operator.text === "==") === singularity ? "else" : "then";
        }
        // ['singularity', 'apptainer'].contains(workflow.containerEngine)
        const listed = condition.slice(0, i).filter((token) => token.kind === "string").map(stringLiteral);
        if (condition.slice(0, i).some((token) => token.text === "contains") && listed.length > 0) {
            return listed.some((engineName) => SINGULARITY_ENGINES.has(engineName)) ? "else" : "then";
        }
    }
    return "unknown";
}

function looksLikeSingularityImage(resolution: Resolution): boolean {
    if ("unresolved" in resolution) return false;
    const value = resolution.value;
    return /^(https?|oras|library|shub):\/\//.test(value) || value.endsWith(".sif") || value.endsWith(".img") || value === "";
}

function stringLiteral(token: GroovyToken): string {
    return (token.parts ?? []).map((part) => ("literal" in part ? part.literal : "")).join("");
}

function paramName(tokens: GroovyToken[]): string | undefined {
    if (tokens.length === 3 && tokens[0].text === "params" && tokens[1].text === "." && tokens[2].kind === "ident") return tokens[2].text;
    return undefined;
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
