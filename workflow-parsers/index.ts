// scanWorkflow: every container image reference in a HealthOmics workflow (WDL, Nextflow, CWL), from a directory or a
// .zip.
import { CwlScanner, looksLikeCwl } from "./cwl/scan";
import { entryConfig, scanNextflowConfigs } from "./nextflow/config";
import { dockerRegistry, newNextflowSettings, scanNextflowScript } from "./nextflow/scan";
import { openWorkflowSource, WorkflowSourceError } from "./source";
import { ContainerReference, ParseProblem, SyntaxProblem, WorkflowScan } from "./types";
import { followWdlImports } from "./wdl/imports";
import { WdlDocument } from "./wdl/model";
import { parseWdl } from "./wdl/parser";
import { resolveWdlContainers } from "./wdl/resolve";

export * from "./types";

type FileKind = "wdl" | "nextflow-script" | "cwl" | "cwl-candidate";

export interface ScanOptions {
    /** Called after each workflow file is scanned. */
    onProgress?: (filesDone: number, filesTotal: number) => void;
}

/**
 * Finds the container references of the workflow at `root` (a directory or a .zip), following WDL imports wherever
 * they point. Throws WorkflowSourceError when the root cannot be read, is refused, or holds no workflow file.
 */
export async function scanWorkflow(root: string, options: ScanOptions = {}): Promise<WorkflowScan> {
    const source = openWorkflowSource(root);
    const isNextflow = source.files.some(file => file.endsWith(".nf") || baseName(file) === "nextflow.config");
    const work = source.files
        .map(file => ({ file, kind: fileKind(file) }))
        .filter((entry): entry is { file: string; kind: FileKind } => entry.kind !== undefined)
        .sort(scanOrder);

    const references: ContainerReference[] = [];
    const problems: ParseProblem[] = [];
    const wdlDocuments = new Map<string, WdlDocument>();
    const nextflow = newNextflowSettings();
    const cwl = new CwlScanner(file => source.readText(file));
    let scanned = 0;
    // Nextflow configs first, only those Nextflow reads, so that params and docker.registry are known to the scripts.
    const nextflowEntry = isNextflow ? entryConfig(source.files) : undefined;
    if (nextflowEntry !== undefined) {
        const configs = scanNextflowConfigs(nextflowEntry, file => source.readText(file), nextflow);
        references.push(...configs.references);
        problems.push(...configs.problems);
        scanned += configs.files.length;
    }
    const configsRead = scanned;
    const total = configsRead + work.length;
    for (let done = 1; done <= configsRead; done++) options.onProgress?.(done, total);

    for (let done = 0; done < work.length; done++) {
        const { file, kind } = work[done];
        try {
            const text = source.readText(file) ?? "";
            if (kind !== "cwl-candidate" || looksLikeCwl(text)) {
                scanned++;
                if (kind === "wdl") wdlDocuments.set(file, parseWdl(file, text));
                else if (kind === "nextflow-script") references.push(...scanNextflowScript(file, text, nextflow));
                else cwl.scanFile(file, text);
            }
        } catch (error) {
            if (error instanceof WorkflowSourceError) throw error;
            problems.push(problemFor(file, error));
        }
        options.onProgress?.(configsRead + done + 1, total);
        if (done % 256 === 255) await new Promise(resolve => setImmediate(resolve));
    }

    const imports = followWdlImports(wdlDocuments, file => source.readText(file));
    scanned += imports.parsed;
    if (scanned === 0 && problems.length === 0) throw new WorkflowSourceError(noWorkflowMessage(root));
    references.push(...resolveWdlContainers(wdlDocuments), ...cwl.references);
    problems.push(...imports.problems, ...cwl.problems);
    const registry = dockerRegistry(nextflow);
    if (registry) {
        for (const reference of references) if (reference.language === "nextflow") reference.defaultRegistry = registry;
    }
    return {
        references: sortReferences(dedupe(references)),
        problems,
        warnings: [...source.warnings, ...imports.warnings],
        outsideRoot: imports.outsideRoot,
        files: scanned,
    };
}

function noWorkflowMessage(root: string): string {
    return (
        `No workflow file in ${root}: no .wdl, .nf, nextflow.config or CWL document (.cwl, or a .yml/.yaml/.json ` +
        `with ` +
        "cwlVersion and class); give the folder or .zip that holds the workflow"
    );
}

function fileKind(file: string): FileKind | undefined {
    const lower = file.toLowerCase();
    if (lower.endsWith(".wdl")) return "wdl";
    if (lower.endsWith(".nf")) return "nextflow-script";
    if (lower.endsWith(".cwl")) return "cwl";
    if (lower.endsWith(".yml") || lower.endsWith(".yaml") || lower.endsWith(".json")) return "cwl-candidate";
    return undefined;
}

function scanOrder(a: { file: string }, b: { file: string }): number {
    return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

function problemFor(file: string, error: unknown): ParseProblem {
    if (error instanceof SyntaxProblem)
        return error.line ? { file, line: error.line, message: error.message } : { file, message: error.message };
    return { file, message: `cannot read: ${(error as Error).message}` };
}

function baseName(file: string): string {
    return file.slice(file.lastIndexOf("/") + 1);
}

/** A file reached both on its own and through a CWL $import yields the same reference twice. */
function dedupe(references: ContainerReference[]): ContainerReference[] {
    const seen = new Set<string>();
    return references.filter(reference => {
        const key = [
            reference.file,
            reference.line,
            reference.image,
            reference.value,
            reference.expression,
            reference.condition,
        ].join("\u0000");
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}

function sortReferences(references: ContainerReference[]): ContainerReference[] {
    return references.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}
