// WDL 1.0/1.1 tokenizer: identifiers, numbers, operators, strings with ~{}/${} placeholders, comments, command
// sections.
// There is no maintained WDL parser on the npm registry (checked with `npm view`: `wdl-parser`, `wdlparse` and
// `@biowdl/wdl-parser` do not exist; `wdl@0.0.13` is an unrelated form-workflow framework), so this is hand-written.
import { SyntaxProblem } from "../types";

export type StringPart = { literal: string } | { placeholder: WdlToken[]; text: string; line: number };

export type WdlToken =
    | { kind: "ident"; text: string; line: number }
    | { kind: "number"; text: string; line: number }
    | { kind: "punct"; text: string; line: number }
    | { kind: "string"; text: string; line: number; parts: StringPart[] }
    | { kind: "command"; text: string; line: number };

const PUNCTUATION_3 = ["<<<"];
const PUNCTUATION_2 = ["==", "!=", "<=", ">=", "&&", "||"];
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r" };

function isIdentStart(c: string): boolean {
    return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}
function isIdentPart(c: string): boolean {
    return isIdentStart(c) || (c >= "0" && c <= "9");
}
function isDigit(c: string): boolean {
    return c >= "0" && c <= "9";
}

/**
 * Splits WDL source into tokens. Throws SyntaxProblem (with the line) on an unterminated string, placeholder or
 * command.
 */
export function tokenizeWdl(source: string): WdlToken[] {
    return new WdlTokenizer(source).run();
}

class WdlTokenizer {
    private pos = 0;
    private line = 1;

    constructor(private readonly src: string) {}

    run(): WdlToken[] {
        return this.tokens(false);
    }

    /** Tokens up to the end of input, or (inside a placeholder) up to its closing brace. */
    private tokens(inPlaceholder: boolean): WdlToken[] {
        const out: WdlToken[] = [];
        let depth = 0;
        const src = this.src;
        while (this.pos < src.length) {
            const c = src[this.pos];
            if (c === "\n") {
                this.line++;
                this.pos++;
            } else if (c === " " || c === "\t" || c === "\r") {
                this.pos++;
            } else if (c === "#") {
                const end = src.indexOf("\n", this.pos);
                this.pos = end < 0 ? src.length : end;
            } else if (c === '"' || c === "'") {
                out.push(this.string(c));
            } else if (isIdentStart(c)) {
                const start = this.pos;
                while (this.pos < src.length && isIdentPart(src[this.pos])) this.pos++;
                const text = src.slice(start, this.pos);
                out.push({ kind: "ident", text, line: this.line });
                if (text === "command" && !inPlaceholder) this.maybeCommand(out);
            } else if (isDigit(c)) {
                const start = this.pos;
                while (this.pos < src.length && (isIdentPart(src[this.pos]) || src[this.pos] === ".")) this.pos++;
                out.push({ kind: "number", text: src.slice(start, this.pos), line: this.line });
            } else {
                if (inPlaceholder && c === "}" && depth === 0) {
                    this.pos++;
                    return out;
                }
                if (c === "{") depth++;
                if (c === "}") depth--;
                const text =
                    PUNCTUATION_3.find(p => src.startsWith(p, this.pos)) ??
                    PUNCTUATION_2.find(p => src.startsWith(p, this.pos)) ??
                    c;
                out.push({ kind: "punct", text, line: this.line });
                this.pos += text.length;
            }
        }
        if (inPlaceholder) throw new SyntaxProblem("unterminated placeholder (missing '}')", this.line);
        return out;
    }

    private string(quote: string): WdlToken {
        const src = this.src;
        const startLine = this.line;
        const start = this.pos;
        this.pos++;
        const parts: StringPart[] = [];
        let literal = "";
        while (true) {
            if (this.pos >= src.length || src[this.pos] === "\n") {
                throw new SyntaxProblem(
                    `unterminated string starting ${src.slice(start, start + 30).split("\n")[0]}`,
                    startLine,
                );
            }
            const c = src[this.pos];
            if (c === quote) {
                this.pos++;
                break;
            }
            if (c === "\\" && this.pos + 1 < src.length) {
                const next = src[this.pos + 1];
                literal += ESCAPES[next] ?? next;
                this.pos += 2;
            } else if ((c === "~" || c === "$") && src[this.pos + 1] === "{") {
                if (literal) parts.push({ literal });
                literal = "";
                const line = this.line;
                const innerStart = this.pos + 2;
                this.pos = innerStart;
                const inner = this.tokens(true);
                parts.push({ placeholder: inner, text: src.slice(innerStart, this.pos - 1).trim(), line });
            } else {
                literal += c;
                this.pos++;
            }
        }
        if (literal) parts.push({ literal });
        return { kind: "string", text: src.slice(start, this.pos), line: startLine, parts };
    }

    /** After the `command` keyword: skips a `<<< ... >>>` or `{ ... }` body, whose text is shell, not WDL. */
    private maybeCommand(out: WdlToken[]): void {
        const src = this.src;
        let look = this.pos;
        while (look < src.length && /\s/.test(src[look])) look++;
        const keyword = out[out.length - 1];
        if (src.startsWith("<<<", look)) {
            const end = src.indexOf(">>>", look + 3);
            if (end < 0) throw new SyntaxProblem("unterminated command section (missing '>>>')", keyword.line);
            this.skipTo(end + 3);
        } else if (src[look] === "{") {
            // As in miniwdl's grammar (COMMAND1_CHAR: /[^~$}]/): a bare `{` is shell text, the first `}` that does
            // not close a ~{}/${} placeholder ends the section.
            let i = look + 1;
            while (i < src.length && src[i] !== "}") {
                i = (src[i] === "$" || src[i] === "~") && src[i + 1] === "{" ? placeholderEnd(src, i + 2) : i + 1;
            }
            if (i >= src.length) throw new SyntaxProblem("unterminated command section (missing '}')", keyword.line);
            this.skipTo(i + 1);
        } else {
            return;
        }
        out[out.length - 1] = { kind: "command", text: "command", line: keyword.line };
    }

    private skipTo(end: number): void {
        for (let i = this.pos; i < end; i++) if (this.src.charCodeAt(i) === 10) this.line++;
        this.pos = end;
    }
}

/** Index just past the `}` closing a placeholder whose expression starts at `from` (quoted strings skipped). */
function placeholderEnd(src: string, from: number): number {
    let depth = 0;
    for (let i = from; i < src.length; i++) {
        const c = src[i];
        if (c === '"' || c === "'") {
            i++;
            while (i < src.length && src[i] !== c && src[i] !== "\n") i += src[i] === "\\" ? 2 : 1;
        } else if (c === "{") {
            depth++;
        } else if (c === "}" && depth-- === 0) {
            return i + 1;
        }
    }
    return src.length;
}
