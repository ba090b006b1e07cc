// Finds container images in Nextflow scripts (`container` directives in processes) and the statements of configs
// that matter (`includeConfig`, `process.container`, `withName:`/`withLabel:` selectors, `docker.registry`, `params`).
import { ContainerReference, SyntaxProblem } from "../types";
import { engineBranch, expressionEnd, GroovyEvaluator, matchingClose, ParamValue, textOf } from "./expression";
import { GroovyToken, tokenAt, tokenizeGroovy } from "./tokenizer";

/** What config files contribute to the whole workflow. */
export interface NextflowSettings {
    /** `params.x = ...` literal defaults (nested ones by dotted name, `wf.e2l_base_tag`); configs are read first. */
    params: Map<string, ParamValue>;
    /** `docker.registry` values: outside any profile first, then inside profiles, in file order. */
    registries: { value: string; inProfile: boolean }[];
}

export function newNextflowSettings(): NextflowSettings {
    return { params: new Map(), registries: [] };
}

/** Container directives of the processes in a .nf file. */
export function scanNextflowScript(file: string, source: string, settings: NextflowSettings): ContainerReference[] {
    const tokens = tokenizeGroovy(source);
    const references: ContainerReference[] = [];
    // Each open brace records whether it is a process body and whether Docker skips it (an `if`'s Singularity side).
    const blocks: { process: boolean; skipped: boolean; elseSkipped?: boolean }[] = [];
    let pendingBlock: { process: boolean; skipped: boolean; elseSkipped?: boolean } | undefined;
    let lastClosed: { elseSkipped?: boolean } | undefined;
    for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i];
        const inProcess = blocks.some(block => block.process);
        const skipped = blocks.some(block => block.skipped);
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
        } else if (
            inProcess &&
            token.text === "container" &&
            tokens[i - 1]?.text !== "." &&
            tokens[i - 1]?.text !== "?."
        ) {
            const found = directive(file, tokens, i, settings);
            if (!skipped) references.push(...found);
        }
    }
    return references;
}

/** One statement of a config file that matters here, with the profile whose block it is written in. */
export interface ConfigStatement {
    /** `profile`: the opening of a profile's block (`profiles { <profile> {`), whatever it sets. */
    kind: "include" | "param" | "registry" | "container" | "profile";
    line: number;
    /** The value (for includeConfig, the path expression). */
    tokens: GroovyToken[];
    /** `profiles { <profile> { ... } }` around the statement. */
    profile?: string;
    /** For params: the dotted name under `params` (`wf.e2l_base_tag` for `params { wf { e2l_base_tag = ... } }`). */
    name?: string;
}

/** The includeConfig, params, docker.registry and container statements of a Nextflow config file, in order. */
export function readConfigStatements(source: string): ConfigStatement[] {
    const tokens = tokenizeGroovy(source);
    const statements: ConfigStatement[] = [];
    const scopes: string[][] = [];
    const profileOf = (): string | undefined => {
        const flat = scopes.flat();
        return flat[0] === "profiles" ? flat[1] : undefined;
    };
    const push = (statement: ConfigStatement): void => {
        const profile = profileOf();
        statements.push(profile !== undefined ? { ...statement, profile } : statement);
    };
    /** Opens a config scope; a profile's block is recorded as a `profile` statement. */
    const enter = (scope: string[], line: number): void => {
        const before = scopes.flat().length;
        scopes.push(scope);
        const flat = scopes.flat();
        if (flat[0] === "profiles" && before < 2 && flat.length >= 2) push({ kind: "profile", line, tokens: [] });
    };
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
        if (token.kind === "string" && tokens[i + 1]?.text === "{" && !tokens[i + 1].newlineBefore) {
            // a quoted scope name: params { genomes { 'GRCh38' { fasta = ... } } }
            enter(
                [(token.parts ?? []).map(part => ("literal" in part ? part.literal : part.text)).join("")],
                token.line,
            );
            i++;
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
        if (token.text === "includeConfig" && tokenAt(tokens, i + 1)?.newlineBefore === false) {
            const end = expressionEnd(tokens, i + 1);
            push({ kind: "include", line: token.line, tokens: tokens.slice(i + 1, end) });
            i = end - 1;
            continue;
        }
        const pathStart = i;
        const path = [token.text];
        while (tokens[i + 1]?.text === "." && tokens[i + 2]?.kind === "ident") {
            path.push(tokens[i + 2].text);
            i += 2;
        }
        const after = tokenAt(tokens, i + 1);
        if (after?.text === "{" && !after.newlineBefore) {
            enter(path, token.line);
            i++;
        } else if (after?.text === "=") {
            const end = expressionEnd(tokens, i + 2);
            const value = tokens.slice(i + 2, end);
            const fullPath = [...scopes.flat(), ...path];
            const withoutProfile = fullPath[0] === "profiles" ? fullPath.slice(2) : fullPath;
            const setting = configSetting(withoutProfile);
            if (setting === "param")
                push({
                    kind: "param",
                    line: tokens[pathStart].line,
                    tokens: value,
                    name: withoutProfile.slice(1).join("."),
                });
            else if (setting !== undefined) push({ kind: setting, line: tokens[pathStart].line, tokens: value });
            i = end - 1;
        } else {
            i = pathStart; // some other statement; the tokens after it are looked at one by one
        }
    }
    return statements;
}

/** The registry to apply to this workflow's images: the one set outside profiles, else the first set in a profile. */
export function dockerRegistry(settings: NextflowSettings): string | undefined {
    return (settings.registries.find(entry => !entry.inProfile) ?? settings.registries.at(0))?.value;
}

export function evaluatorFor(settings: NextflowSettings): GroovyEvaluator {
    return new GroovyEvaluator(settings.params);
}

function configSetting(path: string[]): "container" | "registry" | "param" | undefined {
    const last = path[path.length - 1];
    if (
        last === "container" &&
        path.some(part => part === "process" || part.startsWith("withName:") || part.startsWith("withLabel:"))
    ) {
        return "container";
    }
    if (path.length === 2 && path[0] === "docker" && last === "registry") return "registry";
    if (path.length >= 2 && path[0] === "params") return "param";
    return undefined;
}

/** `container 'x'`, `container "x"`, `container('x')`, `container = 'x'`, `container params.x`, `container { ... }`. */
function directive(file: string, tokens: GroovyToken[], at: number, settings: NextflowSettings): ContainerReference[] {
    let start = at + 1;
    const next = tokenAt(tokens, start);
    if (!next || next.newlineBefore) return [];
    if (next.text === "=") start++;
    if (next.text === "(") {
        const end = expressionEnd(tokens, start);
        return nextflowReferences(file, tokens[at].line, tokens.slice(start + 1, end - 1), settings);
    }
    return nextflowReferences(file, tokens[at].line, tokens.slice(start, expressionEnd(tokens, start)), settings);
}

/**
 * The references of one container value: one per value it can take under Docker (both sides of a
 * `task.accelerator` ternary, each with its condition). A value chosen from more than one literal keeps the whole
 * expression, the chosen literal's line as `line` and the directive's as `directiveLine`.
 */
export function nextflowReferences(
    file: string,
    line: number,
    value: GroovyToken[],
    settings: NextflowSettings,
): ContainerReference[] {
    // A multi-line value (the nf-core ternary) is kept as written, with each line break and its indent as one space.
    const plain = value.length === 1 && value[0].kind === "string";
    const image = (plain ? value[0].text : textOf(value)).replace(/\s*\n\s*/g, " ");
    const chosen = !(plain && (value[0].parts ?? []).every(part => "literal" in part));
    return evaluatorFor(settings)
        .evaluate(value)
        .map(alternative => {
            const base: ContainerReference = { file, line, language: "nextflow", image, value: null };
            if (alternative.conditions.length > 0) base.condition = alternative.conditions.join(" && ");
            if (alternative.kind === "unresolved") return { ...base, expression: alternative.text };
            // Nextflow puts the image into the `docker run` command line, where surrounding blanks separate words.
            const resolved: ContainerReference = { ...base, value: alternative.value.trim() };
            if (!chosen) return resolved;
            resolved.expression = image;
            if (alternative.line !== undefined && alternative.line !== line) {
                resolved.line = alternative.line;
                resolved.directiveLine = line;
            }
            return resolved;
        });
}
