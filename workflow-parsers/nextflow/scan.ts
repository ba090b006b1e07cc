// Finds container images in Nextflow scripts (`container` directives in processes) and configs
// (`process.container`, `withName:`/`withLabel:` selectors, `docker.registry`, `params` defaults).
import { ContainerReference, SyntaxProblem } from "../types";
import { engineBranch, expressionEnd, GroovyEvaluator, matchingClose, textOf } from "./expression";
import { GroovyToken, tokenizeGroovy } from "./tokenizer";

/** What config files contribute to the whole workflow. */
export interface NextflowSettings {
    /** `params.x = '...'` string defaults seen so far (configs are scanned before scripts). */
    params: Map<string, string>;
    /** `docker.registry` values: outside any profile first, then inside profiles, in file order. */
    registries: Array<{ value: string; inProfile: boolean }>;
}

export function newNextflowSettings(): NextflowSettings {
    return { params: new Map(), registries: [] };
}

/** Container directives of the processes in a .nf file. */
export function scanNextflowScript(file: string, source: string, settings: NextflowSettings): ContainerReference[] {
    const tokens = tokenizeGroovy(source);
    const evaluator = new GroovyEvaluator(settings.params);
    const references: ContainerReference[] = [];
    // Each open brace records whether it is a process body and whether Docker skips it (the Singularity side of an `if`).
    const blocks: Array<{ process: boolean; skipped: boolean; elseSkipped?: boolean }> = [];
    let pendingBlock: { process: boolean; skipped: boolean; elseSkipped?: boolean } | undefined;
    let lastClosed: { elseSkipped?: boolean } | undefined;
    for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i];
        const inProcess = blocks.some((block) => block.process);
        const skipped = blocks.some((block) => block.skipped);
        if (token.kind === "punct" && token.text === "{") {
            blocks.push(pendingBlock ?? { process: false, skipped: false });
            pendingBlock = undefined;
            continue;
        }
        if (token.kind === "punct" && token.text === "}") {
            lastClosed = blocks.pop();
            continue;
        }
        if (token.kind !== "ident") continue;
        if (token.text === "process" && tokens[i + 1]?.kind === "ident" && tokens[i + 2]?.text === "{") {
            pendingBlock = { process: true, skipped: false };
            i++;
        } else if (inProcess && token.text === "if" && tokens[i + 1]?.text === "(") {
            const close = matchingClose(tokens, i + 1);
            if (close < 0) throw new SyntaxProblem("unclosed '(' after if", token.line);
            const branch = engineBranch(tokens.slice(i + 2, close));
            pendingBlock = { process: false, skipped: branch === "else", elseSkipped: branch === "then" };
            i = close;
        } else if (inProcess && token.text === "else" && tokens[i + 1]?.text === "{") {
            pendingBlock = { process: false, skipped: lastClosed?.elseSkipped === true };
        } else if (inProcess && token.text === "container" && tokens[i - 1]?.text !== "." && tokens[i - 1]?.text !== "?.") {
            const reference = directive(file, tokens, i, evaluator);
            if (reference && !skipped) references.push(reference);
        }
    }
    return references;
}

/** Container settings in a Nextflow config file; adds its params and docker.registry to the settings. */
export function scanNextflowConfig(file: string, source: string, settings: NextflowSettings): ContainerReference[] {
    const tokens = tokenizeGroovy(source);
    const evaluator = new GroovyEvaluator(settings.params);
    const references: ContainerReference[] = [];
    const scopes: string[][] = [];
    for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i];
        if (token.kind === "punct" && token.text === "}") {
            scopes.pop();
            continue;
        }
        if (token.kind === "punct" && token.text === "{") {
            scopes.push([]); // a block that is not a config scope: a closure, an `if`, a function body
            continue;
        }
        if (token.kind !== "ident") continue;
        // withName: 'FOO' {   withLabel: big_mem {
        if ((token.text === "withName" || token.text === "withLabel") && tokens[i + 1]?.text === ":") {
            let brace = i + 2;
            while (brace < tokens.length && tokens[brace].text !== "{") brace++;
            scopes.push([`${token.text}:${textOf(tokens.slice(i + 2, brace))}`]);
            i = brace;
            continue;
        }
        const pathStart = i;
        const path = [token.text];
        while (tokens[i + 1]?.text === "." && tokens[i + 2]?.kind === "ident") {
            path.push(tokens[i + 2].text);
            i += 2;
        }
        const after = tokens[i + 1];
        if (after?.text === "{" && !after.newlineBefore) {
            scopes.push(path);
            i++;
        } else if (after?.text === "=") {
            const end = expressionEnd(tokens, i + 2);
            const value = tokens.slice(i + 2, end);
            const fullPath = [...scopes.flat(), ...path];
            const setting = configSetting(fullPath);
            if (setting === "container") references.push(reference(file, tokens[pathStart].line, value, evaluator));
            else if (setting === "registry" || setting === "param") {
                const resolved = evaluator.evaluate(value);
                if ("value" in resolved) {
                    if (setting === "param") settings.params.set(fullPath[fullPath.length - 1], resolved.value);
                    else settings.registries.push({ value: resolved.value, inProfile: fullPath[0] === "profiles" });
                }
            }
            i = end - 1;
        } else {
            i = pathStart; // a statement such as includeConfig 'x'; the tokens after it are looked at one by one
        }
    }
    return references;
}

/** The registry to apply to this workflow's images: the one set outside profiles, else the first set in a profile. */
export function dockerRegistry(settings: NextflowSettings): string | undefined {
    return (settings.registries.find((entry) => !entry.inProfile) ?? settings.registries[0])?.value;
}

function configSetting(path: string[]): "container" | "registry" | "param" | undefined {
    const withoutProfile = path[0] === "profiles" ? path.slice(2) : path;
    const last = withoutProfile[withoutProfile.length - 1];
    if (last === "container" && withoutProfile.some((part) => part === "process" || part.startsWith("withName:") || part.startsWith("withLabel:"))) {
        return "container";
    }
    if (withoutProfile.length === 2 && withoutProfile[0] === "docker" && last === "registry") return "registry";
    if (withoutProfile.length === 2 && withoutProfile[0] === "params") return "param";
    return undefined;
}

/** `container 'x'`, `container "x"`, `container('x')`, `container = 'x'`, `container params.x`, `container { ... }`. */
function directive(file: string, tokens: GroovyToken[], at: number, evaluator: GroovyEvaluator): ContainerReference | undefined {
    let start = at + 1;
    const next = tokens[start];
    if (!next || next.newlineBefore) return undefined;
    if (next.text === "=") start++;
    if (next.text === "(") {
        const end = expressionEnd(tokens, start);
        return reference(file, tokens[at].line, tokens.slice(start + 1, end - 1), evaluator);
    }
    return reference(file, tokens[at].line, tokens.slice(start, expressionEnd(tokens, start)), evaluator);
}

function reference(file: string, line: number, value: GroovyToken[], evaluator: GroovyEvaluator): ContainerReference {
    // A multi-line value (the nf-core ternary) is kept as written, with each line break and its indent as one space.
    const image = (value.length === 1 && value[0].kind === "string" ? value[0].text : textOf(value)).replace(/\s*\n\s*/g, " ");
    const resolved = evaluator.evaluate(value);
    const base = { file, line, language: "nextflow" as const, image };
    return "value" in resolved ? { ...base, value: resolved.value } : { ...base, value: null, expression: resolved.unresolved };
}
