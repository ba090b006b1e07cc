// The check engine: scan a workflow (directory or .zip), resolve every container reference through a map, report.
import { RegistryLocation } from "../policy-pack/rules/ecr-naming";
import { ContainerRegistryMapJson } from "../policy-pack/rules/image-resolution";
import { ParseProblem, scanWorkflow } from "../workflow-parsers";
import { evaluateReference } from "./evaluate-reference";
import { FixContext } from "./fix-text";
import { CheckProblem, CheckReport, CheckSummary, FixStyle, ImageResult } from "./types";

export interface CheckOptions {
    /** How fixes are written (default: stack-file YAML). */
    fixStyle?: FixStyle;
    /** Project namespace of stack-file keys (default `omics-registry-maps`). */
    namespace?: string;
    /** The stack file fixes go into, for the wording. */
    stackFile?: string;
    onProgress?: (filesDone: number, filesTotal: number) => void;
}

export const DEFAULT_NAMESPACE = "omics-registry-maps";

/** Throws when `root` is not a readable directory or .zip (bad input); problems inside files are reported. */
export async function checkWorkflow(root: string, map: ContainerRegistryMapJson, location: RegistryLocation, options: CheckOptions = {}): Promise<CheckReport> {
    const scan = await scanWorkflow(root, options.onProgress !== undefined ? { onProgress: options.onProgress } : {});
    const fix: FixContext = {
        style: options.fixStyle ?? "stack-yaml",
        namespace: options.namespace ?? DEFAULT_NAMESPACE,
        location,
        ...(options.stackFile !== undefined ? { stackFile: options.stackFile } : {}),
    };
    const images = scan.references.map(reference => evaluateReference(reference, { map, location, fix }));
    return {
        workflow: root,
        images,
        summary: summarize(images),
        problems: scan.problems.map(asCheckProblem),
        warnings: scan.warnings.map(asCheckProblem),
        importsOutsideRoot: scan.outsideRoot,
    };
}

function asCheckProblem(p: ParseProblem): CheckProblem {
    return p.line !== undefined ? { file: p.file, line: p.line, message: p.message } : { file: p.file, message: p.message };
}

export function summarize(images: readonly ImageResult[]): CheckSummary {
    const count = (predicate: (image: ImageResult) => boolean) => images.filter(predicate).length;
    return {
        images: images.length,
        mapped: count(i => i.status === "mapped"),
        unmapped: count(i => i.status === "unmapped"),
        unresolvable: count(i => i.status === "unresolvable"),
        unpinned: count(i => i.pinned === "unpinned"),
    };
}

export interface FindingCounts {
    errors: number;
    warnings: number;
}

export function countFindings(report: CheckReport): FindingCounts {
    const all = report.images.flatMap(image => image.findings);
    return { errors: all.filter(f => f.severity === "error").length, warnings: all.filter(f => f.severity === "warning").length };
}

/**
 * 2 when a file could not be parsed or an import is missing (bad input), 1 when a run would fail (or, with strict,
 * on any warning, a scan warning such as a remote import included), else 0.
 */
export function exitCodeFor(report: CheckReport, strict: boolean): 0 | 1 | 2 {
    if (report.problems.length > 0) {
        return 2;
    }
    const { errors, warnings } = countFindings(report);
    return errors > 0 || (strict && (warnings > 0 || report.warnings.length > 0)) ? 1 : 0;
}
