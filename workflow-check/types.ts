// The report `check` produces: the JSON shape of issue 7 (required keys exact) plus the parse problems.
import { WorkflowLanguage } from "../workflow-parsers/types";

export type Severity = "error" | "warning";
/** `ignored`: a WDL 1.1 container URI with a protocol other than docker://, which an engine ignores. */
export type ImageStatus = "mapped" | "unmapped" | "unresolvable" | "invalid" | "ignored";

export interface Finding {
    severity: Severity;
    message: string;
    fix: string;
}

export interface ImageResult {
    file: string;
    line: number;
    language: WorkflowLanguage;
    /** The image as written in the file. */
    image: string;
    /** Docker's normalized reference, or null when the image cannot be resolved or parsed. */
    reference: string | null;
    pinned: "digest" | "tag" | "unpinned" | null;
    resolved: string | null;
    via: "imageMapping" | "registryMapping" | null;
    status: ImageStatus;
    findings: Finding[];
}

export interface CheckSummary {
    images: number;
    mapped: number;
    unmapped: number;
    unresolvable: number;
    unpinned: number;
}

/** A file the parsers could not read; reported beside the images (an addition to the shape). */
export interface CheckProblem {
    file: string;
    line?: number;
    message: string;
}

export interface CheckReport {
    workflow: string;
    images: ImageResult[];
    summary: CheckSummary;
    problems: CheckProblem[];
    /** What the scan did not follow (remote WDL imports, symbolic links out of the root): not checked. */
    warnings: CheckProblem[];
    /** Files reached through WDL imports outside the workflow root (relative to it): the definition zip must carry them. */
    importsOutsideRoot: string[];
}

/** How fixes are written: entries for the stack file (YAML), or entries for a map JSON given with --map. */
export type FixStyle = "stack-yaml" | "map-json";
