// The small WDL document model the parser builds: tasks, workflows, declarations, runtime containers, calls, imports.

/** The expression forms that matter for resolving an image; everything else is "other". */
export type WdlExpr =
    | { kind: "string"; text: string; line: number; parts: Array<{ literal: string } | { expr: WdlExpr }> }
    | { kind: "ident"; text: string; line: number }
    | { kind: "concat"; text: string; line: number; left: WdlExpr; right: WdlExpr }
    | { kind: "array"; text: string; line: number; items: WdlExpr[] }
    | { kind: "other"; text: string; line: number };

export interface WdlDeclaration {
    name: string;
    isInput: boolean;
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
}

export interface WdlDocument {
    file: string;
    imports: WdlImport[];
    tasks: Map<string, WdlTask>;
    workflows: Map<string, WdlWorkflow>;
}
