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
    /** When value is null: the unresolved expression or placeholder, for the message. */
    expression?: string;
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
    problems: ParseProblem[];
    files: number;
}

/** Thrown by a language scanner for a malformed file; becomes a ParseProblem for that file. */
export class SyntaxProblem extends Error {
    constructor(message: string, readonly line?: number) {
        super(message);
        this.name = "SyntaxProblem";
    }
}
