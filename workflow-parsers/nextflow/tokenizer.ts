// Groovy tokenizer for Nextflow scripts and configs: strings (single, double, triple-quoted, slashy) with
// ${...}/$name interpolation, comments, brackets, and whether a newline precedes each token (Groovy statement ends).
import { SyntaxProblem } from "../types";

export type GroovyStringPart = { literal: string } | { placeholder: GroovyToken[]; text: string };

export interface GroovyToken {
    kind: "ident" | "number" | "punct" | "string";
    text: string;
    line: number;
    /** A newline separates this token from the previous one. */
    newlineBefore: boolean;
    /** For strings: literal text and interpolations (single-quoted strings have one literal part). */
    parts?: GroovyStringPart[];
}

const OPERATORS = [
    "==~",
    "=~",
    "?.",
    "?:",
    "==",
    "!=",
    "<=",
    ">=",
    "&&",
    "||",
    "->",
    "<<",
    "++",
    "--",
    "+=",
    "-=",
    "**",
];
/** After these, a `/` starts a slashy string rather than a division. */
const BEFORE_SLASHY = new Set(["(", ",", "=", "~", "=~", "==~", ":", "[", "{", "!", "&&", "||", "?", "return"]);
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r" };

function isIdentStart(c: string): boolean {
    return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}
function isIdentPart(c: string): boolean {
    return isIdentStart(c) || (c >= "0" && c <= "9");
}

/** The token at `index`, or undefined past either end (index arithmetic at the edges of a token list). */
export function tokenAt(tokens: readonly GroovyToken[], index: number): GroovyToken | undefined {
    return index >= 0 && index < tokens.length ? tokens[index] : undefined;
}

export function tokenizeGroovy(source: string): GroovyToken[] {
    return new GroovyTokenizer(source).tokens(false);
}

class GroovyTokenizer {
    private pos = 0;
    private line = 1;
    private newline = true;

    constructor(private readonly src: string) {}

    tokens(inPlaceholder: boolean): GroovyToken[] {
        const out: GroovyToken[] = [];
        const src = this.src;
        let depth = 0;
        while (this.pos < src.length) {
            const c = src[this.pos];
            const next = src[this.pos + 1];
            if (c === "\n") {
                this.line++;
                this.pos++;
                this.newline = true;
            } else if (c === " " || c === "\t" || c === "\r" || c === "\f") {
                this.pos++;
            } else if (c === "\\" && (next === "\n" || next === "\r")) {
                this.pos++; // line continuation
                while (src[this.pos] === "\r") this.pos++;
                this.pos++;
                this.line++;
            } else if (c === "/" && next === "/") {
                const end = src.indexOf("\n", this.pos);
                this.pos = end < 0 ? src.length : end;
            } else if (c === "/" && next === "*") {
                const end = src.indexOf("*/", this.pos + 2);
                if (end < 0) throw new SyntaxProblem("unterminated /* comment", this.line);
                this.advanceTo(end + 2);
            } else if (c === "#" && next === "!" && this.pos === 0) {
                const end = src.indexOf("\n");
                this.pos = end < 0 ? src.length : end;
            } else if (c === "'" || c === '"') {
                out.push(this.string(c));
            } else if (
                c === "/" &&
                next !== " " &&
                next !== "=" &&
                BEFORE_SLASHY.has(out[out.length - 1]?.text ?? "(")
            ) {
                out.push(this.slashy());
            } else if (isIdentStart(c) || c === "$") {
                const start = this.pos;
                this.pos++;
                while (this.pos < src.length && isIdentPart(src[this.pos])) this.pos++;
                out.push(this.token("ident", src.slice(start, this.pos)));
            } else if (c >= "0" && c <= "9") {
                const start = this.pos;
                while (
                    this.pos < src.length &&
                    (isIdentPart(src[this.pos]) || (src[this.pos] === "." && /[0-9]/.test(src[this.pos + 1] ?? "")))
                )
                    this.pos++;
                out.push(this.token("number", src.slice(start, this.pos)));
            } else {
                if (inPlaceholder && c === "}" && depth === 0) {
                    this.pos++;
                    return out;
                }
                if (c === "{") depth++;
                if (c === "}") depth--;
                const text = OPERATORS.find(op => src.startsWith(op, this.pos)) ?? c;
                out.push(this.token("punct", text));
                this.pos += text.length;
            }
        }
        if (inPlaceholder) throw new SyntaxProblem("unterminated ${...} in a string", this.line);
        return out;
    }

    private token(kind: GroovyToken["kind"], text: string, line = this.line): GroovyToken {
        const token: GroovyToken = { kind, text, line, newlineBefore: this.newline };
        this.newline = false;
        return token;
    }

    private string(quote: string): GroovyToken {
        const src = this.src;
        const startLine = this.line;
        const start = this.pos;
        const triple = src.startsWith(quote.repeat(3), this.pos);
        const delimiter = triple ? quote.repeat(3) : quote;
        const interpolates = quote === '"';
        this.pos += delimiter.length;
        const parts: GroovyStringPart[] = [];
        let literal = "";
        for (;;) {
            if (this.pos >= src.length || (!triple && src[this.pos] === "\n")) {
                throw new SyntaxProblem(
                    `unterminated string starting ${src.slice(start, start + 30).split("\n")[0]}`,
                    startLine,
                );
            }
            const c = src[this.pos];
            if (src.startsWith(delimiter, this.pos)) {
                this.pos += delimiter.length;
                break;
            }
            if (c === "\\" && this.pos + 1 < src.length) {
                const escaped = src[this.pos + 1];
                if (escaped === "\n") this.line++;
                literal += ESCAPES[escaped] ?? escaped;
                this.pos += 2;
            } else if (interpolates && c === "$" && src[this.pos + 1] === "{") {
                if (literal) parts.push({ literal });
                literal = "";
                const innerStart = this.pos + 2;
                this.pos = innerStart;
                const savedNewline = this.newline;
                const inner = this.tokens(true);
                this.newline = savedNewline;
                parts.push({ placeholder: inner, text: src.slice(innerStart, this.pos - 1).trim() });
            } else if (interpolates && c === "$" && isIdentStart(src[this.pos + 1] ?? "")) {
                if (literal) parts.push({ literal });
                literal = "";
                let end = this.pos + 1;
                while (
                    end < src.length &&
                    (isIdentPart(src[end]) || (src[end] === "." && isIdentStart(src[end + 1] ?? "")))
                )
                    end++;
                const text = src.slice(this.pos + 1, end);
                const line = this.line;
                parts.push({
                    placeholder: text
                        .split(".")
                        .flatMap((name, k) => [
                            ...(k > 0 ? [{ kind: "punct" as const, text: ".", line, newlineBefore: false }] : []),
                            { kind: "ident" as const, text: name, line, newlineBefore: false },
                        ]),
                    text,
                });
                this.pos = end;
            } else {
                if (c === "\n") this.line++;
                literal += c;
                this.pos++;
            }
        }
        if (literal) parts.push({ literal });
        const token = this.token("string", src.slice(start, this.pos), startLine);
        token.parts = parts;
        return token;
    }

    /** A /slashy/ string (a regex, usually); its text is kept, interpolation is not evaluated. */
    private slashy(): GroovyToken {
        const src = this.src;
        const start = this.pos;
        this.pos++;
        while (this.pos < src.length && src[this.pos] !== "/") {
            if (src[this.pos] === "\\") this.pos++;
            if (src[this.pos] === "\n") this.line++;
            this.pos++;
        }
        if (this.pos >= src.length) throw new SyntaxProblem("unterminated /slashy/ string", this.line);
        this.pos++;
        const text = src.slice(start, this.pos);
        const token = this.token("string", text);
        token.parts = [{ placeholder: [], text }];
        return token;
    }

    private advanceTo(end: number): void {
        for (let i = this.pos; i < end; i++) if (this.src.charCodeAt(i) === 10) this.line++;
        this.pos = end;
    }
}
