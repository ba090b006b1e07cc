// Public types of the workflow parsers: container references found in a WDL, Nextflow or CWL workflow.

export type WorkflowLanguage = "wdl" | "nextflow" | "cwl";

export interface ContainerReference {
    /** Path relative to the workflow root, '/' separators. */
    file: string;
    /** 1-based line of the reference. */
    line: number;
    language: WorkflowLanguage;
    /** The text as written in the file (e.g. `"quay.io/x:1"`, `docker_image`, `"~{repo}:~{tag}"`). */
    image: string;
    /** The image string once statically resolved; null if it cannot be resolved statically. */
    value: string | null;
    /**
     * The whole expression as written, when it is more than the literal: the unresolved expression or placeholder
     * (value null), or the expression a value was chosen from statically (a ternary branch, an input default, a
     * concatenation). `line` is then the line of the chosen literal, `directiveLine` the directive's.
     */
    expression?: string;
    /** 1-based line of the directive or declaration that uses the value, when it differs from `line`. */
    directiveLine?: number;
    /** The reference applies only under this condition, e.g. one branch of a Nextflow `task.accelerator` ternary. */
    condition?: string;
    /** Nextflow profiles that bring this reference in (it comes from a config only these profiles include). */
    profiles?: string[];
    /** The reference comes only from test configuration (e.g. a `test` profile's config). */
    testOnly?: boolean;
    /**
     * A WDL 1.1 container URI with a protocol other than docker:// (e.g. `https` for `https://gcr.io/...`): an engine
     * ignores a URI whose protocol it does not support (WDL 1.1 SPEC.md, "container"), so it is not pulled.
     */
    ignoredProtocol?: string;
    /** With ignoredProtocol: how many other entries of the same `container` array an engine can still use. */
    otherEntries?: number;
    /** Nextflow `docker.registry` in force for this reference (e.g. "quay.io"). */
    defaultRegistry?: string;
}

export interface ParseProblem {
    file: string;
    line?: number;
    message: string;
}

export interface WorkflowScan {
    references: ContainerReference[];
    /** Files that cannot be parsed, and WDL imports that are missing (bad input). */
    problems: ParseProblem[];
    /** What was not followed: remote WDL imports, symbolic links out of the root or round a loop. */
    warnings: ParseProblem[];
    /**
     * Files reached through WDL imports that lie outside the workflow root (`../...`): the definition zip must carry
     * them.
     */
    outsideRoot: string[];
    /** Workflow files scanned, imported ones included. */
    files: number;
}

/** Thrown by a language scanner for a malformed file; becomes a ParseProblem for that file. */
export class SyntaxProblem extends Error {
    constructor(
        message: string,
        readonly line?: number,
    ) {
        super(message);
        this.name = "SyntaxProblem";
    }
}
