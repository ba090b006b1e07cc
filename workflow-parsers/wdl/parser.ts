// Structural WDL parser over tokens: imports, tasks (input/runtime/declarations), workflows (declarations, calls).
import { SyntaxProblem } from "../types";
import { tokenizeWdl, WdlToken } from "./tokenizer";
import { WdlCall, WdlCallable, WdlDeclaration, WdlDocument, WdlExpr, WdlTask, WdlWorkflow } from "./model";

const BINARY_OPERATORS = new Set(["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||"]);
const CLOSERS: Record<string, string> = { "{": "}", "[": "]", "(": ")" };
const SKIPPED_TASK_SECTIONS = new Set(["output", "meta", "parameter_meta", "hints"]);
/** Sections whose `docker:`/`container:` entries name the image (`requirements` is WDL 1.2's name for `runtime`). */
const RUNTIME_SECTIONS = new Set(["runtime", "requirements"]);

export function parseWdl(file: string, source: string): WdlDocument {
    return new WdlParser(file, tokenizeWdl(source)).document();
}

/** A placeholder's expression; placeholders with options (`sep=`, `default=`) or that do not parse are "other". */
function placeholderExpression(file: string, part: { placeholder: WdlToken[]; text: string; line: number }): WdlExpr {
    const other: WdlExpr = { kind: "other", text: part.text, line: part.line };
    const tokens = part.placeholder;
    const hasOptions = tokens.length > 2 && tokens[1].kind === "punct" && tokens[1].text === "=";
    if (hasOptions || tokens.length === 0) return other;
    const inner = new WdlParser(file, tokens);
    try {
        const expr = inner.expression();
        return inner.atEnd() ? expr : other;
    } catch {
        return other;
    }
}

class WdlParser {
    private i = 0;

    constructor(
        private readonly file: string,
        private readonly tokens: WdlToken[],
    ) {}

    document(): WdlDocument {
        const doc: WdlDocument = { file: this.file, imports: [], tasks: new Map(), workflows: new Map() };
        while (this.i < this.tokens.length) {
            const keyword = this.expectKind("ident", "'version', 'import', 'struct', 'task' or 'workflow'");
            if (keyword.text === "version") {
                this.next("a version"); // 1.0, 1.1, development, development-1.1
                while (this.tokens[this.i]?.kind === "number" || this.tokens[this.i]?.kind === "punct") this.i++;
            } else if (keyword.text === "import") {
                const uri = this.expectKind("string", "an import path");
                let namespace = uri.text
                    .slice(1, -1)
                    .replace(/^.*\//, "")
                    .replace(/\.wdl$/, "");
                if (this.isIdent("as")) {
                    this.next();
                    namespace = this.expectKind("ident", "a namespace").text;
                }
                while (this.isIdent("alias")) this.i += 4; // alias Struct as OtherName
                doc.imports.push({ uri: uri.text.slice(1, -1), namespace, line: uri.line });
            } else if (keyword.text === "struct") {
                this.expectKind("ident", "a struct name");
                this.skipBalanced();
            } else if (keyword.text === "task") {
                const task = this.task(this.expectKind("ident", "a task name").text);
                doc.tasks.set(task.name, task);
            } else if (keyword.text === "workflow") {
                const workflow: WdlWorkflow = {
                    name: this.expectKind("ident", "a workflow name").text,
                    declarations: new Map(),
                    calls: [],
                };
                this.expectPunct("{");
                this.workflowBody(workflow);
                doc.workflows.set(workflow.name, workflow);
            } else {
                throw this.problem(`unexpected '${keyword.text}' at top level`, keyword);
            }
        }
        return doc;
    }

    private task(name: string): WdlTask {
        const task: WdlTask = { name, declarations: new Map(), containers: [] };
        this.expectPunct("{");
        while (!this.isPunct("}")) {
            const token = this.peek("'}' closing task " + name);
            if (token.kind === "command") {
                this.next();
            } else if (token.kind === "ident" && this.isPunctAt(this.i + 1, "{") && token.text === "input") {
                this.i++;
                this.declarationBlock(task, true);
            } else if (token.kind === "ident" && this.isPunctAt(this.i + 1, "{") && RUNTIME_SECTIONS.has(token.text)) {
                this.i++;
                this.runtime(task);
            } else if (
                token.kind === "ident" &&
                this.isPunctAt(this.i + 1, "{") &&
                SKIPPED_TASK_SECTIONS.has(token.text)
            ) {
                this.i++;
                this.skipBalanced();
            } else {
                this.declaration(task, false);
            }
        }
        this.next();
        return task;
    }

    private runtime(task: WdlTask): void {
        this.expectPunct("{");
        while (!this.isPunct("}")) {
            const key = this.expectKind("ident", "a runtime key");
            this.expectPunct(":");
            const expr = this.expression();
            if (key.text === "docker" || key.text === "container") task.containers.push({ key: key.text, expr });
            if (this.isPunct(",")) this.next();
        }
        this.next();
    }

    private declarationBlock(owner: WdlCallable, isInput: boolean): void {
        this.expectPunct("{");
        while (!this.isPunct("}")) this.declaration(owner, isInput);
        this.next();
    }

    /** `Type name` or `Type name = expression`. */
    private declaration(owner: WdlCallable, isInput: boolean): void {
        this.expectKind("ident", "a declaration type");
        if (this.isPunct("[")) this.skipBalanced();
        let optional = false;
        while (this.isPunct("?") || this.isPunct("+")) optional = this.next().text === "?" || optional;
        const name = this.expectKind("ident", "a declaration name").text;
        const declaration: WdlDeclaration = { name, isInput, optional };
        if (this.isPunct("=")) {
            this.next();
            declaration.expr = this.expression();
        }
        owner.declarations.set(name, declaration);
    }

    private workflowBody(workflow: WdlWorkflow): void {
        while (!this.isPunct("}")) {
            const token = this.peek(`'}' closing workflow ${workflow.name}`);
            const opensBlock = token.kind === "ident" && this.isPunctAt(this.i + 1, "{");
            if (opensBlock && token.text === "input") {
                this.i++;
                this.declarationBlock(workflow, true);
            } else if (
                opensBlock &&
                (token.text === "output" || token.text === "meta" || token.text === "parameter_meta")
            ) {
                this.i++;
                this.skipBalanced();
            } else if (token.kind === "ident" && token.text === "call") {
                this.next();
                workflow.calls.push(this.call());
            } else if (
                token.kind === "ident" &&
                (token.text === "scatter" || token.text === "if") &&
                this.isPunctAt(this.i + 1, "(")
            ) {
                this.i++;
                this.skipBalanced();
                this.expectPunct("{");
                this.workflowBody(workflow);
            } else {
                this.declaration(workflow, false);
            }
        }
        this.next();
    }

    /** After `call`: `name[.name] [as alias] [after x]* [{ [input:] a = expr, b }]`. */
    private call(): WdlCall {
        let target = this.expectKind("ident", "a task or workflow name").text;
        while (this.isPunct(".")) {
            this.next();
            target += "." + this.expectKind("ident", "a name after '.'").text;
        }
        while (this.isIdent("as") || this.isIdent("after")) {
            this.next();
            this.expectKind("ident", "a call name");
        }
        const call: WdlCall = { target, inputs: new Map() };
        if (!this.isPunct("{")) return call;
        this.next();
        if (this.isIdent("input") && this.isPunctAt(this.i + 1, ":")) this.i += 2;
        while (!this.isPunct("}")) {
            const name = this.expectKind("ident", "a call input name");
            if (this.isPunct("=")) {
                this.next();
                call.inputs.set(name.text, this.expression());
            } else {
                call.inputs.set(name.text, { kind: "ident", text: name.text, line: name.line });
            }
            if (this.isPunct(",")) this.next();
        }
        this.next();
        return call;
    }

    // ---- expressions -------------------------------------------------------------------------

    expression(): WdlExpr {
        const start = this.i;
        let left = this.operand();
        let onlyConcatenation = true;
        while (
            this.i < this.tokens.length &&
            this.tokens[this.i].kind === "punct" &&
            BINARY_OPERATORS.has(this.tokens[this.i].text)
        ) {
            const operator = this.next().text;
            const right = this.operand();
            if (operator !== "+") onlyConcatenation = false;
            left = { kind: "concat", text: "", line: left.line, left, right };
        }
        if (left.kind === "concat") {
            const text = this.textOf(start, this.i);
            left = onlyConcatenation ? { ...left, text } : { kind: "other", text, line: left.line };
        }
        return left;
    }

    private operand(): WdlExpr {
        const start = this.i;
        const token = this.next("an expression");
        const line = token.line;
        if (token.kind === "string") return this.stringExpr(token);
        if (token.kind === "number") return { kind: "other", text: token.text, line };
        if (token.kind === "punct") {
            if (token.text === "[") {
                const items: WdlExpr[] = [];
                while (!this.isPunct("]")) {
                    items.push(this.expression());
                    if (this.isPunct(",")) this.next();
                    else if (!this.isPunct("]")) throw this.problem("expected ',' or ']' in array", this.peek("']'"));
                }
                this.next();
                return { kind: "array", text: this.textOf(start, this.i), line, items };
            }
            if (token.text === "(") {
                const inner = this.expression();
                if (this.isPunct(")")) {
                    this.next();
                    return inner;
                }
                this.i = start;
                this.skipBalanced(); // a pair literal
                return { kind: "other", text: this.textOf(start, this.i), line };
            }
            if (token.text === "{") {
                this.i = start;
                return this.objectLiteral(start, line); // a map literal, `{"docker": "x", ...}`
            }
            if (token.text === "!" || token.text === "-") {
                this.operand();
                return { kind: "other", text: this.textOf(start, this.i), line };
            }
            throw this.problem(`unexpected '${token.text}' in an expression`, token);
        }
        if (token.kind === "ident") {
            if (token.text === "if") {
                const condition = this.expression();
                this.expectIdent("then");
                const then = this.expression();
                this.expectIdent("else");
                const otherwise = this.expression();
                return { kind: "if", text: this.textOf(start, this.i), line, condition, then, otherwise };
            }
            if (token.text === "None") return { kind: "none", text: token.text, line };
            if (token.text === "select_first" && this.isPunct("(") && this.isPunctAt(this.i + 1, "[")) {
                const selectFirst = this.selectFirst(start, line);
                if (selectFirst) return selectFirst;
            }
            if (this.isPunct("{") && (token.text === "object" || this.isPunctAt(this.i + 2, ":"))) {
                // `object { a: 1 }`, or a WDL 1.1 struct literal `Name { a: 1 }`
                return this.objectLiteral(start, line);
            }
            let simple = true;
            const members: string[] = [];
            while (this.isPunct(".") || this.isPunct("[") || this.isPunct("(") || this.isPunct("{")) {
                if (this.isPunct(".")) {
                    this.next();
                    members.push(this.expectKind("ident", "a member name").text);
                } else {
                    simple = false;
                    this.skipBalanced();
                }
            }
            const text = this.textOf(start, this.i);
            if (simple && members.length > 0) {
                const base: WdlExpr = { kind: "ident", text: token.text, line };
                return { kind: "member", text, line, base, members };
            }
            return simple && !["true", "false", "None"].includes(text)
                ? { kind: "ident", text, line }
                : { kind: "other", text, line };
        }
        throw this.problem(`unexpected ${token.kind} in an expression`, token);
    }

    /**
     * `{ key: value, ... }` (after `object` or a struct name when the cursor is there): fields with static keys (names
     * or plain strings). Anything else is skipped and "other".
     */
    private objectLiteral(start: number, line: number): WdlExpr {
        if (!this.isPunct("{")) this.i++;
        const open = this.i;
        this.i++;
        const fields = new Map<string, WdlExpr>();
        try {
            while (!this.isPunct("}")) {
                const key = this.next("a key");
                const name =
                    key.kind === "ident"
                        ? key.text
                        : key.kind === "string" && key.parts.every(part => "literal" in part)
                          ? key.parts.map(part => ("literal" in part ? part.literal : "")).join("")
                          : undefined;
                if (name === undefined || !this.isPunct(":")) throw this.problem("not a static key", key);
                this.next();
                fields.set(name, this.expression());
                if (this.isPunct(",")) this.next();
                else if (!this.isPunct("}")) throw this.problem("expected ',' or '}'", this.peek("'}'"));
            }
            this.next();
            return { kind: "object", text: this.textOf(start, this.i), line, fields };
        } catch {
            this.i = open;
            this.skipBalanced();
            return { kind: "other", text: this.textOf(start, this.i), line };
        }
    }

    /** After `select_first`: `([a, b, ...])`; undefined (cursor back at `(`) when the argument is anything else. */
    private selectFirst(start: number, line: number): WdlExpr | undefined {
        const open = this.i;
        this.i += 2;
        const items: WdlExpr[] = [];
        while (!this.isPunct("]")) {
            items.push(this.expression());
            if (this.isPunct(",")) this.next();
            else if (!this.isPunct("]")) break;
        }
        if (!this.isPunct("]") || !this.isPunctAt(this.i + 1, ")")) {
            this.i = open;
            return undefined;
        }
        this.i += 2;
        if (this.isPunct(".") || this.isPunct("[")) {
            this.i = open;
            return undefined;
        }
        return { kind: "selectFirst", text: this.textOf(start, this.i), line, items };
    }

    private stringExpr(token: Extract<WdlToken, { kind: "string" }>): WdlExpr {
        const parts: ({ literal: string } | { expr: WdlExpr })[] = [];
        for (const part of token.parts) {
            if ("literal" in part) {
                parts.push({ literal: part.literal });
                continue;
            }
            parts.push({ expr: placeholderExpression(this.file, part) });
        }
        return { kind: "string", text: token.text, line: token.line, parts };
    }

    // ---- token helpers -----------------------------------------------------------------------

    atEnd(): boolean {
        return this.i >= this.tokens.length;
    }

    /** Skips from an opening bracket at the cursor to just after its matching closer. */
    private skipBalanced(): void {
        const open = this.next("a block");
        const close = CLOSERS[open.text];
        if (open.kind !== "punct" || !close) throw this.problem(`expected a block, found '${open.text}'`, open);
        const stack = [close];
        while (stack.length > 0) {
            const token = this.next(`'${stack[stack.length - 1]}' to close the block opened on line ${open.line}`);
            if (token.kind !== "punct") continue;
            if (CLOSERS[token.text]) stack.push(CLOSERS[token.text]);
            else if (token.text === stack[stack.length - 1]) stack.pop();
            else if (token.text === "}" || token.text === "]" || token.text === ")") {
                throw this.problem(`'${token.text}' does not match the block opened on line ${open.line}`, token);
            }
        }
    }

    private textOf(start: number, end: number): string {
        let text = "";
        for (let k = start; k < end; k++) {
            const t = this.tokens[k].text;
            const previous = k > start ? this.tokens[k - 1].text : "";
            const tight =
                k === start ||
                t === ")" ||
                t === "]" ||
                t === "," ||
                t === "." ||
                previous === "(" ||
                previous === "[" ||
                previous === "." ||
                ((t === "(" || t === "[") && this.tokens[k - 1].kind === "ident");
            text += (tight ? "" : " ") + t;
        }
        return text;
    }

    private peek(expected: string): WdlToken {
        const token = this.tokens.at(this.i);
        if (!token)
            throw this.problem(`unexpected end of file, expected ${expected}`, this.tokens[this.tokens.length - 1]);
        return token;
    }

    private next(expected = "more input"): WdlToken {
        const token = this.peek(expected);
        this.i++;
        return token;
    }

    private isPunct(text: string): boolean {
        return this.isPunctAt(this.i, text);
    }

    private isPunctAt(index: number, text: string): boolean {
        const token = this.tokens.at(index);
        return token?.kind === "punct" && token.text === text;
    }

    private isIdent(text: string): boolean {
        const token = this.tokens.at(this.i);
        return token?.kind === "ident" && token.text === text;
    }

    private expectPunct(text: string): WdlToken {
        const token = this.next(`'${text}'`);
        if (token.kind !== "punct" || token.text !== text)
            throw this.problem(`expected '${text}', found '${token.text}'`, token);
        return token;
    }

    private expectIdent(text: string): void {
        const token = this.next(`'${text}'`);
        if (token.kind !== "ident" || token.text !== text)
            throw this.problem(`expected '${text}', found '${token.text}'`, token);
    }

    private expectKind<K extends WdlToken["kind"]>(kind: K, expected: string): Extract<WdlToken, { kind: K }> {
        const token = this.next(expected);
        if (token.kind !== kind) throw this.problem(`expected ${expected}, found '${token.text}'`, token);
        return token as Extract<WdlToken, { kind: K }>;
    }

    private problem(message: string, token: WdlToken | undefined): SyntaxProblem {
        return new SyntaxProblem(message, token?.line);
    }
}
