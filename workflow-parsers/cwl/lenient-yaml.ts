// Parses CWL YAML as leniently as cwltool (ruamel.yaml) does, with line positions: flow collections whose lines are
// not indented past their block parent (kf-alignment's `secondaryFiles: [...,\n    ^.dict]`) are accepted.
//
// The `yaml` package has no option for this: its lexer ends a flow collection at a line indented no more than the
// enclosing block (YAML 1.2 spec, 7.4 "flow content lines must be indented by at least n+1 spaces"), which
// ruamel.yaml and PyYAML do not enforce. So, only when a parse fails, the lines where the lexer cut a flow
// collection short (its FLOW_END error token) are indented one column past the line that opened it, and the text is
// parsed again. Only leading spaces are added, so line numbers do not change, and inside a flow collection leading
// spaces are folded away, so no value changes. If the repaired text still does not parse, the original error stands.
import { CST, Document, Lexer, LineCounter, parseDocument } from "yaml";

export interface ParsedYaml {
    doc: Document.Parsed;
    lines: LineCounter;
}

/** `strict: false` and duplicate keys allowed: the leniency of ruamel.yaml's round-trip loader that cwltool uses. */
const OPTIONS = { strict: false, uniqueKeys: false } as const;

export function parseLenientYaml(source: string): ParsedYaml {
    const first = parse(source);
    if (first.doc.errors.length === 0) return first;
    const repaired = indentCutFlowLines(source);
    if (repaired === source) return first;
    const second = parse(repaired);
    return second.doc.errors.length === 0 ? second : first;
}

function parse(source: string): ParsedYaml {
    const lines = new LineCounter();
    return { doc: parseDocument(source, { ...OPTIONS, lineCounter: lines }), lines };
}

/** Each repaired line costs one more lexing pass; a file needing more than this keeps its original error. */
const MAX_REPAIRED_LINES = 500;

/** Tokens the lexer emits that stand for no source text. */
const VIRTUAL_TOKENS = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

/** Indents each line where the lexer ends a flow collection early, one line per pass. */
function indentCutFlowLines(source: string): string {
    let text = source;
    const maxPasses = Math.min(source.split("\n").length, MAX_REPAIRED_LINES);
    for (let pass = 0; pass < maxPasses; pass++) {
        const cut = firstCutFlowLine(text);
        if (cut === undefined) return text;
        text = text.slice(0, cut.lineStart) + " ".repeat(cut.missing) + text.slice(cut.lineStart);
    }
    return text;
}

/** Where the first flow collection is cut short by indentation: the cut line's start and the spaces it lacks. */
function firstCutFlowLine(text: string): { lineStart: number; missing: number } | undefined {
    let offset = 0;
    let depth = 0;
    let openerIndent = 0;
    for (const token of new Lexer().lex(text)) {
        if (token === CST.FLOW_END) {
            if (depth === 0) return undefined;
            const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
            const indent = offset - lineStart;
            return { lineStart, missing: Math.max(1, openerIndent + 1 - indent) };
        }
        if (token === "[" || token === "{") {
            if (depth === 0) openerIndent = indentOfLineAt(text, offset);
            depth++;
        } else if ((token === "]" || token === "}") && depth > 0) {
            depth--;
        }
        if (!VIRTUAL_TOKENS.has(token)) offset += token.length;
    }
    return undefined;
}

function indentOfLineAt(text: string, offset: number): number {
    const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
    let indent = 0;
    while (text[lineStart + indent] === " ") indent++;
    return indent;
}
