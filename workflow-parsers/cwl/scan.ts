// Finds DockerRequirement images (dockerPull, dockerImageId) in CWL documents, following $import and $include.
//
// Why the `yaml` package and not cwl-ts-auto (the CWL project's TypeScript parser): cwl-ts-auto 0.1.3 loads
// documents with js-yaml's plain `load`, so the objects it returns carry no source positions (we must report
// lines), it rejects a whole document that does not validate (a tool that runs but does not validate
// against its CWL v1.2 schema would hide its images), and it resolves `$import`/`run` URIs through node-fetch, which
// has no place in an offline scan. `yaml` parses YAML and JSON with node ranges mapped to lines by LineCounter.
import * as path from "path";
import { isMap, isScalar, isSeq, LineCounter, Node, Scalar, YAMLMap } from "yaml";
import { ContainerReference, ParseProblem, SyntaxProblem } from "../types";
import { parseLenientYaml } from "./lenient-yaml";

/** Reads another file of the workflow root (for $import/$include); undefined when there is none. */
export type ReadFile = (relativePath: string) => string | undefined;

interface Context {
    file: string;
    source: string;
    lines: LineCounter;
    /** Files being imported, to stop import cycles. */
    importing: string[];
}

/** DockerRequirement fields that make the image on the runner rather than pull it (without a dockerPull). */
const BUILT_OR_LOADED = ["dockerFile", "dockerLoad"];

/** True when a .yml/.yaml/.json file's text looks like a CWL document worth parsing. */
export function looksLikeCwl(text: string): boolean {
    return text.includes("cwlVersion") || text.includes("$graph");
}

export class CwlScanner {
    readonly references: ContainerReference[] = [];
    readonly problems: ParseProblem[] = [];

    constructor(private readonly readFile: ReadFile) {}

    /** Files the `run:` fields of the file being scanned name (root-relative, local ones only). */
    private runs: string[] = [];

    /**
     * Scans one CWL file; a syntax error throws SyntaxProblem, problems in followed imports are collected. Returns
     * the files its steps' `run:` fields name (relative to the root), for a scan that follows a main file.
     */
    scanFile(file: string, source: string): string[] {
        this.runs = [];
        this.walk(this.parse(file, source, []), "");
        return this.runs;
    }

    private parse(file: string, source: string, importing: string[]): { context: Context; root: Node | null } {
        const { doc, lines } = parseLenientYaml(source);
        if (doc.errors.length > 0) {
            const error = doc.errors[0];
            const message = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
            throw new SyntaxProblem(`invalid YAML/JSON: ${message}`, error.linePos?.[0].line);
        }
        return { context: { file, source, lines, importing: [...importing, file] }, root: doc.contents };
    }

    private walk(parsed: { context: Context; root: Node | null }, parentKey: string): void {
        const { context, root } = parsed;
        if (isSeq(root)) {
            for (const item of root.items) this.walk({ context, root: item as Node }, parentKey);
            return;
        }
        if (!isMap(root)) return;
        const imported = root.get("$import", true);
        if (isScalar(imported)) {
            const target = this.follow(context, imported);
            if (target) this.walk(target, parentKey);
            return;
        }
        if (mapValue(root, "class") === "DockerRequirement") this.dockerRequirement(context, root);
        for (const pair of root.items) {
            const key = isScalar(pair.key) ? String(pair.key.value) : "";
            const value = pair.value as Node | null;
            // Map form: requirements: { DockerRequirement: { dockerPull: ... } }
            if (
                (parentKey === "requirements" || parentKey === "hints") &&
                key === "DockerRequirement" &&
                isMap(value)
            ) {
                this.dockerRequirement(context, value);
            } else if (key === "run" && isScalar(value) && typeof value.value === "string") {
                const raw = value.value.replace(/#.*$/, "");
                if (raw !== "" && !/^[a-z][a-z0-9+.-]*:/i.test(raw) && !path.posix.isAbsolute(raw))
                    this.runs.push(path.posix.normalize(path.posix.join(path.posix.dirname(context.file), raw)));
            } else {
                this.walk({ context, root: value }, key);
            }
        }
    }

    private dockerRequirement(context: Context, requirement: YAMLMap): void {
        const pull = requirement.get("dockerPull", true) as Node | undefined;
        if (pull !== undefined) {
            this.reference(context, pull);
            return;
        }
        const imageId = requirement.get("dockerImageId", true) as Node | undefined;
        const source = BUILT_OR_LOADED.find(field => requirement.has(field));
        if (source !== undefined) {
            // cwltool builds (`docker build`) or loads (`docker load`) this image on the machine that runs the step; it
            // is not pulled from any registry, and HealthOmics, which only pulls from ECR, cannot build or load it.
            const node: Node = imageId ?? requirement.get(source, true) ?? requirement;
            const line = this.lineOf(context, node);
            const image = node.range ? context.source.slice(node.range[0], node.range[1]) : String(node);
            const what = imageId !== undefined ? `dockerImageId ${image}` : "the image";
            this.references.push({
                file: context.file,
                line,
                language: "cwl",
                image,
                value: null,
                expression:
                    `${what}, ${source === "dockerFile" ? "built from the dockerFile" : "loaded by dockerLoad"}` +
                    " at run time",
            });
            return;
        }
        if (imageId !== undefined) this.reference(context, imageId);
    }

    private reference(context: Context, node: Node): void {
        const line = this.lineOf(context, node);
        const image = node.range ? context.source.slice(node.range[0], node.range[1]) : String(node);
        const base = { file: context.file, line, language: "cwl" as const, image };
        if (isScalar(node) && (typeof node.value === "string" || typeof node.value === "number")) {
            const value = String(node.value);
            this.references.push(
                value.includes("$(") || value.includes("${")
                    ? { ...base, value: null, expression: value }
                    : { ...base, value },
            );
            return;
        }
        const included = isMap(node) ? node.get("$include", true) : undefined;
        if (isScalar(included)) {
            const target = this.resolvePath(context, included);
            const text = target === undefined ? undefined : this.readFile(target);
            if (text === undefined) {
                this.problems.push({
                    file: context.file,
                    line,
                    message: `$include target not found in the workflow: ${String(included.value)}`,
                });
            } else {
                this.references.push({ ...base, value: text.trim() });
            }
            return;
        }
        this.references.push({ ...base, value: null, expression: image });
    }

    /** Parses the file an `$import` names; records a problem and returns undefined when it cannot. */
    private follow(context: Context, uri: Scalar): { context: Context; root: Node | null } | undefined {
        const line = this.lineOf(context, uri);
        const target = this.resolvePath(context, uri);
        if (target === undefined) return undefined;
        if (context.importing.includes(target)) {
            this.problems.push({ file: context.file, line, message: `$import cycle through ${target}` });
            return undefined;
        }
        const text = this.readFile(target);
        if (text === undefined) {
            this.problems.push({
                file: context.file,
                line,
                message: `$import target not found in the workflow: ${String(uri.value)}`,
            });
            return undefined;
        }
        try {
            return this.parse(target, text, context.importing);
        } catch (error) {
            const problem = error as SyntaxProblem;
            this.problems.push({ file: target, line: problem.line, message: problem.message });
            return undefined;
        }
    }

    /** A $import/$include path relative to the including file, made root-relative; remote or outside: a problem. */
    private resolvePath(context: Context, uri: Scalar): string | undefined {
        const raw = String(uri.value).replace(/#.*$/, "");
        const line = this.lineOf(context, uri);
        if (/^[a-z][a-z0-9+.-]*:/i.test(raw) && !raw.startsWith("file:")) {
            this.problems.push({
                file: context.file,
                line,
                message: `cannot follow a remote reference offline: ${raw}`,
            });
            return undefined;
        }
        const relative = raw.replace(/^file:(\/\/)?/, "");
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(context.file), relative));
        if (target.startsWith("../") || path.posix.isAbsolute(relative)) {
            this.problems.push({ file: context.file, line, message: `reference outside the workflow root: ${raw}` });
            return undefined;
        }
        return target;
    }

    private lineOf(context: Context, node: Node): number {
        return node.range ? context.lines.linePos(node.range[0]).line : 0;
    }
}

function mapValue(map: YAMLMap, key: string): unknown {
    const node = map.get(key, true);
    return isScalar(node) ? node.value : undefined;
}
