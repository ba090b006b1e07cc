// Static evaluation of WDL runtime container expressions: string defaults, `+` concatenation, placeholders,
// and values passed down by `call ... { input: docker = x }` from workflows in the same or an importing file.
import { ContainerReference } from "../types";
import { importedPath, isRemoteImport } from "./imports";
import { WdlCall, WdlCallable, WdlDocument, WdlExpr, WdlWorkflow } from "./model";

/**
 * One possible value of an expression: a static string, the first part that could not be resolved, or None (an
 * optional input nothing sets). `conditions` are the `if` conditions under which this value is the one taken.
 */
type Candidate = ({ value: string } | { unresolved: string } | { none: true } | { object: WdlObjectValue }) & {
    conditions: readonly string[];
    /** The `if ... then ... else ...` the value was chosen from, as written. */
    chosenFrom?: string;
};

/** An object, map or struct value: its fields, evaluated (lazily) in the scope that wrote them. */
interface WdlObjectValue {
    fields: Map<string, WdlExpr>;
    scope: Scope;
}

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

/** `protocol://rest` at the start of a WDL 1.1 container URI. */
const CONTAINER_PROTOCOL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/**
 * Container references of the tasks the workflows call, resolved across the documents' imports. WDL 1.1 (SPEC.md,
 * "container"): a URI is `protocol://location`, `docker://` when no protocol is given; "an execution engine should
 * ignore any URI with a protocol it does not support", and must fail the task when none of the entries resolves.
 * `docker://` is taken off; any other protocol is marked `ignoredProtocol`, with how many other entries remain.
 *
 * Only what a run can reach is checked, as miniwdl does: the call graph from the workflows of the `entries` documents
 * (the main file, or the files of the root when no main is given), through subworkflow calls, `call X as Y` and
 * `ns.Task`, calls inside `scatter` and `if` included. Documents with no workflow reached (a task library checked on
 * its own) have all their tasks checked. `entries` undefined: every document is an entry.
 */
export function resolveWdlContainers(
    docs: Map<string, WdlDocument>,
    entries?: ReadonlySet<string>,
): ContainerReference[] {
    const reachable = reachableCallables(docs, entries ?? new Set(docs.keys()));
    const resolver = new WdlResolver(docs, reachable);
    const references: ContainerReference[] = [];
    for (const doc of docs.values()) {
        for (const task of doc.tasks.values()) {
            if (reachable !== undefined && !reachable.has(callerKey(doc.file, "task", task.name))) continue;
            const scope = { doc, callable: task };
            for (const container of task.containers) {
                const items = container.expr.kind === "array" ? container.expr.items : [container.expr];
                const found = items.flatMap(item => resolver.references(item, scope));
                const usable = found.filter(reference => reference.ignoredProtocol === undefined).length;
                for (const reference of found) {
                    references.push(
                        reference.ignoredProtocol === undefined ? reference : { ...reference, otherEntries: usable },
                    );
                }
            }
        }
    }
    return references;
}

/** The task or workflow a call names: `callerKey`'s parts, or undefined when its import is remote or unknown. */
function callee(
    docs: Map<string, WdlDocument>,
    doc: WdlDocument,
    call: WdlCall,
): { file: string; kind: "task" | "workflow"; name: string } | undefined {
    const dot = call.target.lastIndexOf(".");
    let file = doc.file;
    if (dot >= 0) {
        const namespace = call.target.slice(0, dot);
        const imported = doc.imports.find(entry => entry.namespace === namespace);
        if (!imported || isRemoteImport(imported.uri)) return undefined;
        file = imported.resolved ?? importedPath(doc.file, imported.uri);
    }
    // A task and a workflow may share a name (warp's PeakCalling.wdl): a call from the same file names the task
    // (a workflow cannot call itself), a call from an importing file names the workflow when there is one.
    const name = call.target.slice(dot + 1);
    const callsWorkflow = file !== doc.file && docs.get(file)?.workflows.has(name) === true;
    return { file, kind: callsWorkflow ? "workflow" : "task", name };
}

/**
 * Keys (`callerKey`) of the workflows reached from the entries' workflows and of the tasks they call; undefined when
 * no entry has a workflow (a task library: every task counts). Documents that hold no workflow and that no other
 * document imports are task libraries given on their own: their tasks count too.
 */
function reachableCallables(docs: Map<string, WdlDocument>, entries: ReadonlySet<string>): Set<string> | undefined {
    const queue: string[] = [];
    for (const file of entries) {
        for (const name of docs.get(file)?.workflows.keys() ?? []) queue.push(callerKey(file, "workflow", name));
    }
    if (queue.length === 0) return undefined;
    const reached = new Set<string>(queue);
    for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
        const [file, , name] = key.split("\u0000");
        const doc = docs.get(file);
        const workflow = doc?.workflows.get(name);
        if (doc === undefined || workflow === undefined) continue;
        for (const call of workflow.calls) {
            const target = callee(docs, doc, call);
            if (target === undefined) continue;
            const targetKey = callerKey(target.file, target.kind, target.name);
            if (reached.has(targetKey)) continue;
            reached.add(targetKey);
            if (target.kind === "workflow") queue.push(targetKey);
        }
    }
    const imported = new Set(
        [...docs.values()].flatMap(doc =>
            doc.imports.map(entry => entry.resolved ?? importedPath(doc.file, entry.uri)),
        ),
    );
    for (const file of entries) {
        const doc = docs.get(file);
        if (doc === undefined || doc.workflows.size > 0 || imported.has(file)) continue;
        for (const name of doc.tasks.keys()) reached.add(callerKey(file, "task", name));
    }
    return reached;
}

/** The reference for one candidate value: `docker://` taken off, any other protocol marked as one to ignore. */
function withProtocol(reference: ContainerReference & { value: string }): ContainerReference {
    const protocol = CONTAINER_PROTOCOL.exec(reference.value);
    if (protocol === null) return reference;
    if (protocol[1].toLowerCase() === "docker")
        return { ...reference, value: reference.value.slice(protocol[0].length) };
    return { ...reference, ignoredProtocol: protocol[1] };
}

class WdlResolver {
    private readonly callers = new Map<string, Caller[]>();

    /** `reachable`: the workflows whose calls pass values (undefined: every workflow). */
    constructor(
        private readonly docs: Map<string, WdlDocument>,
        reachable: ReadonlySet<string> | undefined,
    ) {
        for (const doc of docs.values()) {
            for (const workflow of doc.workflows.values()) {
                if (reachable !== undefined && !reachable.has(callerKey(doc.file, "workflow", workflow.name))) continue;
                for (const call of workflow.calls) this.indexCall(doc, workflow, call);
            }
        }
    }

    references(expr: WdlExpr, scope: Scope): ContainerReference[] {
        const seen = new Set<string>();
        const references: ContainerReference[] = [];
        const candidates = this.evaluate(expr, scope, 0);
        for (const candidate of candidates) {
            const condition = candidate.conditions.length > 0 ? candidate.conditions.join(" && ") : undefined;
            const text =
                "value" in candidate
                    ? `v:${candidate.value}`
                    : "unresolved" in candidate
                      ? `u:${candidate.unresolved}`
                      : "none" in candidate
                        ? "n:"
                        : `o:${expr.text}`;
            const key = `${text}\u0000${condition ?? ""}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const base: ContainerReference = {
                file: scope.doc.file,
                line: expr.line,
                language: "wdl",
                image: expr.text,
                value: null,
            };
            if (condition !== undefined) base.condition = condition;
            if (candidate.chosenFrom !== undefined) base.expression = candidate.chosenFrom;
            if ("value" in candidate) references.push(withProtocol({ ...base, value: candidate.value }));
            else if ("unresolved" in candidate) references.push({ ...base, expression: candidate.unresolved });
            else if ("none" in candidate)
                references.push({ ...base, expression: `${expr.text}, an optional input nothing sets` });
            else references.push({ ...base, expression: `${expr.text}, an object rather than a string` });
        }
        // A value some path gives unconditionally is needed whatever the conditions: one reference, without them.
        const unconditional = new Set(
            references.filter(r => r.condition === undefined && r.value !== null).map(r => r.value),
        );
        return references.filter(r => r.condition === undefined || r.value === null || !unconditional.has(r.value));
    }

    private indexCall(doc: WdlDocument, workflow: WdlWorkflow, call: WdlCall): void {
        const target = callee(this.docs, doc, call);
        if (target === undefined) return;
        const key = callerKey(target.file, target.kind, target.name);
        const list = this.callers.get(key) ?? [];
        list.push({ call, scope: { doc, callable: workflow } });
        this.callers.set(key, list);
    }

    private evaluate(expr: WdlExpr, scope: Scope, depth: number): Candidate[] {
        switch (expr.kind) {
            case "string": {
                let results: Candidate[] = [{ value: "", conditions: [] }];
                for (const part of expr.parts) {
                    const next =
                        "literal" in part
                            ? [{ value: part.literal, conditions: [] }]
                            : this.evaluate(part.expr, scope, depth);
                    results = concatenate(results, next);
                }
                return results;
            }
            case "concat":
                return concatenate(this.evaluate(expr.left, scope, depth), this.evaluate(expr.right, scope, depth));
            case "ident":
                return this.lookup(expr.text, scope, depth);
            case "if": {
                const condition = expr.condition.text;
                const branch = (branchExpr: WdlExpr, when: string): Candidate[] =>
                    this.evaluate(branchExpr, scope, depth).map(c => ({
                        ...c,
                        conditions: [...c.conditions, when],
                        chosenFrom: c.chosenFrom ?? expr.text,
                    }));
                return [...branch(expr.then, condition), ...branch(expr.otherwise, `!(${condition})`)].slice(
                    0,
                    MAX_CANDIDATES,
                );
            }
            case "selectFirst":
                return this.selectFirst(expr.items, scope, depth);
            case "none":
                return [{ none: true, conditions: [] }];
            case "object":
                return [{ object: { fields: expr.fields, scope }, conditions: [] }];
            case "member":
                return this.member(expr, scope, depth);
            default:
                return [{ unresolved: expr.text, conditions: [] }];
        }
    }

    /** `a.b.c`: the field of each object value `a` may have; a field an object does not set is None. */
    private member(expr: Extract<WdlExpr, { kind: "member" }>, scope: Scope, depth: number): Candidate[] {
        let candidates = this.evaluate(expr.base, scope, depth);
        for (const name of expr.members) {
            const next: Candidate[] = [];
            for (const candidate of candidates) {
                if (!("object" in candidate)) {
                    next.push(
                        "none" in candidate ? candidate : { unresolved: expr.text, conditions: candidate.conditions },
                    );
                    continue;
                }
                const field = candidate.object.fields.get(name);
                const values =
                    field === undefined || depth >= MAX_DEPTH
                        ? [
                              field === undefined
                                  ? { none: true as const, conditions: [] }
                                  : { unresolved: expr.text, conditions: [] },
                          ]
                        : this.evaluate(field, candidate.object.scope, depth + 1);
                for (const value of values) {
                    const chosenFrom = value.chosenFrom ?? candidate.chosenFrom;
                    next.push({
                        ...value,
                        conditions: [...candidate.conditions, ...value.conditions],
                        ...(chosenFrom !== undefined ? { chosenFrom } : {}),
                    });
                }
            }
            candidates = next.slice(0, MAX_CANDIDATES);
        }
        return candidates;
    }

    /** `select_first([a, b, ...])`: the values each item may have, up to the first item that is never None. */
    private selectFirst(items: readonly WdlExpr[], scope: Scope, depth: number): Candidate[] {
        const results: Candidate[] = [];
        for (const item of items) {
            const candidates = this.evaluate(item, scope, depth);
            results.push(...candidates.filter(candidate => !("none" in candidate)));
            if (!candidates.some(candidate => "none" in candidate)) return results.slice(0, MAX_CANDIDATES);
        }
        return results.length > 0
            ? results.slice(0, MAX_CANDIDATES)
            : [{ unresolved: `select_first of values that are all None`, conditions: [] }];
    }

    /** Values of a declaration: its default, or what each call of its task/workflow passes for it. */
    private lookup(name: string, scope: Scope, depth: number): Candidate[] {
        const declaration = scope.callable.declarations.get(name);
        if (!declaration || depth >= MAX_DEPTH) return [{ unresolved: name, conditions: [] }];
        const results: Candidate[] = [];
        // Draft-2 WDL (no `version`, no input block) lets a call set any declaration of a task or workflow, and a
        // declaration without a value is an input; in 1.x a call can only set inputs. Asking the callers for every
        // declaration covers both, since a valid 1.x call never passes a non-input.
        const isInput = declaration.isInput || declaration.expr === undefined;
        const kind = scope.doc.workflows.get(scope.callable.name) === scope.callable ? "workflow" : "task";
        const callers = this.callers.get(callerKey(scope.doc.file, kind, scope.callable.name)) ?? [];
        let usesDefault = callers.length === 0;
        for (const caller of callers) {
            const passed = caller.call.inputs.get(name);
            if (passed) results.push(...this.evaluate(passed, caller.scope, depth + 1));
            else usesDefault = true;
        }
        if (usesDefault) {
            if (declaration.expr) results.push(...this.evaluate(declaration.expr, scope, depth + 1));
            else
                results.push(
                    declaration.optional && isInput
                        ? { none: true, conditions: [] }
                        : { unresolved: name, conditions: [] },
                );
        }
        return results.slice(0, MAX_CANDIDATES);
    }
}

function callerKey(file: string, kind: "task" | "workflow", name: string): string {
    return `${file}\u0000${kind}\u0000${name}`;
}

function concatenate(left: Candidate[], right: Candidate[]): Candidate[] {
    const out: Candidate[] = [];
    for (const a of left) {
        for (const b of right) {
            const conditions = [...a.conditions, ...b.conditions];
            const chosenFrom = a.chosenFrom ?? b.chosenFrom;
            const from = chosenFrom !== undefined ? { chosenFrom } : {};
            if ("object" in a || "object" in b) out.push({ unresolved: "an object in a string", conditions, ...from });
            else if (!("value" in a)) out.push({ ...a, conditions, ...from });
            else if (!("value" in b)) out.push({ ...b, conditions, ...from });
            else out.push({ value: a.value + b.value, conditions, ...from });
            if (out.length >= MAX_CANDIDATES) return out;
        }
    }
    return out;
}
