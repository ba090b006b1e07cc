// The check engine: scan a workflow (directory or .zip), resolve every container reference through a map, report.
import { RegistryLocation } from "../policy-pack/rules/ecr-naming";
import { ContainerRegistryMapJson } from "../policy-pack/rules/image-resolution";
import { ParseProblem, scanWorkflow, WorkflowScan } from "../workflow-parsers";
import { WorkflowSourceError } from "../workflow-parsers/source";
import { evaluate } from "./evaluate-reference";
import { FixContext } from "./fix-text";
import { groupImages, registryFixes, summarize } from "./group-images";
import { CheckInputs, CheckProblem, CheckReport, FixStyle } from "./types";

export { summarize };

export interface CheckOptions {
    /** How fixes are written (default: stack-file YAML). */
    fixStyle?: FixStyle;
    /** Project namespace of stack-file keys (default `omics-registry-maps`). */
    namespace?: string;
    /** The stack file fixes go into, for the wording. */
    stackFile?: string;
    onProgress?: (filesDone: number, filesTotal: number) => void;
    /** Nextflow profiles whose profile-only images count in the verdict (`--profile`), as `nextflow run -profile`. */
    profiles?: readonly string[];
    /** Recorded in the report as `inputs`. */
    inputs?: CheckInputs;
    /** The main workflow file, relative to the root: only it and what it brings in are checked (see ScanOptions). */
    main?: string;
}

export const DEFAULT_NAMESPACE = "omics-registry-maps";

/** Throws when `root` is not a readable directory or .zip (bad input); problems inside files are reported. */
export async function checkWorkflow(
    root: string,
    map: ContainerRegistryMapJson,
    location: RegistryLocation,
    options: CheckOptions = {},
): Promise<CheckReport> {
    const scan = await scanWorkflow(root, {
        ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
        ...(options.main !== undefined ? { main: options.main } : {}),
    });
    const unknown = (options.profiles ?? []).filter(name => scan.profilesDefined?.includes(name) === false);
    if (scan.profilesDefined !== undefined && unknown.length > 0) {
        // `nextflow run -profile nosuch` fails with "Unknown configuration profile: 'nosuch'" before running anything.
        const defined = scan.profilesDefined;
        throw new WorkflowSourceError(
            `unknown configuration profile ${unknown.map(name => `'${name}'`).join(", ")}, as nextflow run -profile ` +
                `would fail: the pipeline's configs define ${defined.length > 0 ? defined.join(", ") : "no profile"}`,
        );
    }
    return reportFromScan(root, scan, map, location, options);
}

/** The report for references already found (what checkWorkflow does after scanning). */
export function reportFromScan(
    root: string,
    scan: Pick<WorkflowScan, "references" | "problems"> & Partial<Pick<WorkflowScan, "warnings" | "outsideRoot">>,
    map: ContainerRegistryMapJson,
    location: RegistryLocation,
    options: CheckOptions = {},
): CheckReport {
    const fix: FixContext = {
        style: options.fixStyle ?? "stack-yaml",
        namespace: options.namespace ?? DEFAULT_NAMESPACE,
        location,
        ...(options.stackFile !== undefined ? { stackFile: options.stackFile } : {}),
    };
    const evaluations = scan.references.map(reference =>
        evaluate(reference, { map, location, fix, profiles: options.profiles ?? [] }),
    );
    const images = evaluations.map(e => e.result);
    return {
        workflow: root,
        images,
        groups: groupImages(images),
        fixes: registryFixes(evaluations),
        summary: summarize(images),
        problems: scan.problems.map(asCheckProblem),
        warnings: (scan.warnings ?? []).map(asCheckProblem),
        importsOutsideRoot: scan.outsideRoot ?? [],
        ...(options.inputs !== undefined ? { inputs: options.inputs } : {}),
    };
}

function asCheckProblem(p: ParseProblem): CheckProblem {
    return p.line !== undefined
        ? { file: p.file, line: p.line, message: p.message }
        : { file: p.file, message: p.message };
}

export interface FindingCounts {
    errors: number;
    warnings: number;
}

/** Findings of the verdict's images (profile-only and test-only ones are left out unless selected). */
export function countFindings(report: CheckReport): FindingCounts {
    const all = report.images.filter(image => image.inVerdict).flatMap(image => image.findings);
    return {
        errors: all.filter(f => f.severity === "error").length,
        warnings: all.filter(f => f.severity === "warning").length,
    };
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
