// The small WDL document model the parser builds: tasks, workflows, declarations, runtime containers, calls, imports.

/** The expression forms that matter for resolving an image; everything else is "other". */
export type WdlExpr =
    | { kind: "string"; text: string; line: number; parts: ({ literal: string } | { expr: WdlExpr })[] }
    | { kind: "ident"; text: string; line: number }
    | { kind: "concat"; text: string; line: number; left: WdlExpr; right: WdlExpr }
    | { kind: "array"; text: string; line: number; items: WdlExpr[] }
    | { kind: "if"; text: string; line: number; condition: WdlExpr; then: WdlExpr; otherwise: WdlExpr }
    /** `select_first([...])`, the one function whose value is statically useful for an image. */
    | { kind: "selectFirst"; text: string; line: number; items: WdlExpr[] }
    /** A map, `object { }` or struct literal with static keys. */
    | { kind: "object"; text: string; line: number; fields: Map<string, WdlExpr> }
    /** `name.member[.member...]`: a struct or object field (or a call output, which stays unresolved). */
    | { kind: "member"; text: string; line: number; base: WdlExpr; members: string[] }
    /** The literal `None` (WDL 1.1). */
    | { kind: "none"; text: string; line: number }
    | { kind: "other"; text: string; line: number };

export interface WdlDeclaration {
    name: string;
    isInput: boolean;
    /** Declared with `?`: without a default or a value passed in, it is None. */
    optional: boolean;
    expr?: WdlExpr;
}

/** A task or a workflow: both have declarations that runtime values and call inputs can refer to. */
export interface WdlCallable {
    name: string;
    declarations: Map<string, WdlDeclaration>;
}

export interface WdlRuntimeContainer {
    key: "docker" | "container";
    expr: WdlExpr;
}

export interface WdlTask extends WdlCallable {
    containers: WdlRuntimeContainer[];
}

export interface WdlCall {
    /** The callee as written: `Task`, or `namespace.Task` for an imported file. */
    target: string;
    inputs: Map<string, WdlExpr>;
}

export interface WdlWorkflow extends WdlCallable {
    calls: WdlCall[];
}

export interface WdlImport {
    uri: string;
    namespace: string;
    /** 1-based line of the import statement. */
    line: number;
    /** The imported document's key once the import is followed (its real path relative to the root). */
    resolved?: string;
}

export interface WdlDocument {
    file: string;
    imports: WdlImport[];
    tasks: Map<string, WdlTask>;
    workflows: Map<string, WdlWorkflow>;
}
