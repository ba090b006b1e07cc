// Static evaluation of WDL runtime container expressions: string defaults, `+` concatenation, placeholders,
// and values passed down by `call ... { input: docker = x }` from workflows in the same or an importing file.
import * as path from "path";
import { ContainerReference } from "../types";
import { WdlCall, WdlCallable, WdlDocument, WdlExpr, WdlWorkflow } from "./model";

/** One possible value of an expression: a static string, or the first part that could not be resolved. */
type Candidate = { value: string } | { unresolved: string };

interface Scope {
    doc: WdlDocument;
    callable: WdlCallable;
}

interface Caller {
    call: WdlCall;
    scope: Scope;
}

const MAX_DEPTH = 8;
const MAX_CANDIDATES = 16;

/** Container references of every task in the documents, resolved across the documents' imports. */
export function resolveWdlContainers(docs: Map<string, WdlDocument>): ContainerReference[] {
    const resolver = new WdlResolver(docs);
    const references: ContainerReference[] = [];
    for (const doc of docs.values()) {
        for (const task of doc.tasks.values()) {
            const scope = { doc, callable: task };
            for (const container of task.containers) {
                const items = container.expr.kind === "array" ? container.expr.items : [container.expr];
                for (const item of items) references.push(...resolver.references(item, scope));
            }
        }
    }
    return references;
}

class WdlResolver {
    private readonly callers = new Map<string, Caller[]>();

    constructor(docs: Map<string, WdlDocument>) {
        for (const doc of docs.values()) {
            for (const workflow of doc.workflows.values()) {
                for (const call of workflow.calls) this.indexCall(doc, workflow, call);
            }
        }
    }

    references(expr: WdlExpr, scope: Scope): ContainerReference[] {
        const seen = new Set<string>();
        const references: ContainerReference[] = [];
        for (const candidate of this.evaluate(expr, scope, 0)) {
            const key = "value" in candidate ? `v:${candidate.value}` : `u:${candidate.unresolved}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const base = { file: scope.doc.file, line: expr.line, language: "wdl" as const, image: expr.text };
            references.push("value" in candidate ? { ...base, value: candidate.value } : { ...base, value: null, expression: candidate.unresolved });
        }
        return references;
    }

    private indexCall(doc: WdlDocument, workflow: WdlWorkflow, call: WdlCall): void {
        const dot = call.target.lastIndexOf(".");
        let file = doc.file;
        if (dot >= 0) {
            const namespace = call.target.slice(0, dot);
            const imported = doc.imports.find((entry) => entry.namespace === namespace);
            if (!imported || /^[a-z]+:\/\//i.test(imported.uri)) return;
            file = path.posix.normalize(path.posix.join(path.posix.dirname(doc.file), imported.uri));
        }
        const key = `${file}\u0000${call.target.slice(dot + 1)}`;
        const list = this.callers.get(key) ?? [];
        list.push({ call, scope: { doc, callable: workflow } });
        this.callers.set(key, list);
    }

    private evaluate(expr: WdlExpr, scope: Scope, depth: number): Candidate[] {
        switch (expr.kind) {
            case "string": {
                let results: Candidate[] = [{ value: "" }];
                for (const part of expr.parts) {
                    results = concatenate(results, "literal" in part ? [{ value: part.literal }] : this.evaluate(part.expr, scope, depth));
                }
                return results;
            }
            case "concat":
                return concatenate(this.evaluate(expr.left, scope, depth), this.evaluate(expr.right, scope, depth));
            case "ident":
                return this.lookup(expr.text, scope, depth);
            default:
                return [{ unresolved: expr.text }];
        }
    }

    /** Values of a declaration: its default, or what each call of its task/workflow passes for it. */
    private lookup(name: string, scope: Scope, depth: number): Candidate[] {
        const declaration = scope.callable.declarations.get(name);
        if (!declaration || depth >= MAX_DEPTH) return [{ unresolved: name }];
        const results: Candidate[] = [];
        let usesDefault = true;
        if (declaration.isInput) {
            const callers = this.callers.get(`${scope.doc.file}\u0000${scope.callable.name}`) ?? [];
            usesDefault = callers.length === 0;
            for (const caller of callers) {
                const passed = caller.call.inputs.get(name);
                if (passed) results.push(...this.evaluate(passed, caller.scope, depth + 1));
                else usesDefault = true;
            }
        }
        if (usesDefault) results.push(...(declaration.expr ? this.evaluate(declaration.expr, scope, depth + 1) : [{ unresolved: name }]));
        return results.slice(0, MAX_CANDIDATES);
    }
}

function concatenate(left: Candidate[], right: Candidate[]): Candidate[] {
    const out: Candidate[] = [];
    for (const a of left) {
        for (const b of right) {
            if ("unresolved" in a) out.push(a);
            else if ("unresolved" in b) out.push(b);
            else out.push({ value: a.value + b.value });
            if (out.length >= MAX_CANDIDATES) return out;
        }
    }
    return out;
}
