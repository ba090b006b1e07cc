// The report `check` produces: the JSON shape of issue 7 (required keys exact) plus the parse problems, the grouped
// view of issue 13 (one entry per distinct image, by registry host), the fixes per missing registry and the inputs.
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
    /** The whole expression the image was chosen from (a ternary, an input default, a concatenation). */
    expression?: string;
    /** The line of the directive or declaration that uses the image, when it differs from `line`. */
    directiveLine?: number;
    /** The reference applies only under this condition (e.g. the GPU branch of a `task.accelerator` ternary). */
    condition?: string;
    /** Nextflow profiles that bring the reference in; it is outside the default verdict. */
    profiles?: string[];
    /** The reference comes only from test configuration; it is outside the default verdict. */
    testOnly?: boolean;
    /** Whether the image counts in the verdict (exit code, summary): false for profile-only and test-only images. */
    inVerdict: boolean;
}

/** One place a distinct image is written. */
export interface ImagePlace {
    file: string;
    line: number;
    profiles?: string[];
    testOnly?: boolean;
    condition?: string;
}

/** One distinct image of the grouped view: every place it is written, resolved once. */
export interface DistinctImage {
    /** What the table shows: the normalized reference, or what is known of an image that cannot be resolved. */
    image: string;
    reference: string | null;
    status: ImageStatus;
    resolved: string | null;
    via: ImageResult["via"];
    inVerdict: boolean;
    places: ImagePlace[];
}

/** The distinct images of one registry host (`(none)` for images whose host is not known). */
export interface HostGroup {
    host: string;
    images: DistinctImage[];
}

/** One change that makes a missing registry resolve: printed once, however many images need it. */
export interface RegistryFix {
    host: string;
    /** Distinct images of the verdict that need it. */
    images: number;
    servedBy: "pull-through-cache" | "healthomics-copy";
    /** Where the entry goes: the stack file's registries list, or the map's registryMappings. */
    style: FixStyle;
    /** The entry to add, as data (a stack `registries` entry, or a map `registryMappings` entry). */
    entry: Record<string, unknown>;
    /** The fix in words, with the entry as YAML or JSON, ready to paste. */
    text: string;
}

/** What the report was made from. */
export interface CheckInputs {
    tool: { name: string; version: string };
    map: { kind: "stack"; stack: string; stackFile: string; mapName: string } | { kind: "map-file"; file: string };
    account: string;
    accountIsPlaceholder: boolean;
    region: string;
    regionIsPlaceholder: boolean;
    partition: string;
    /** Nextflow profiles given with --profile (their images count in the verdict). */
    profiles: string[];
    /** When a single workflow file was given: that file (its folder is `workflow`). */
    workflowFile?: string;
    /**
     * The main workflow file, relative to `workflow` (`--main`, or the single WDL/CWL file given): only it and what it
     * brings in were checked.
     */
    main?: string;
}

export interface CheckSummary {
    /** Places in the verdict (profile-only and test-only ones left out unless their profile is selected). */
    images: number;
    /** Distinct images in the verdict. */
    distinct: number;
    /** Places left out of the verdict (profile-only or test-only). */
    excluded: number;
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
    /** One entry per place a reference is written (profile-only ones too, marked with inVerdict false). */
    images: ImageResult[];
    /** The grouped view: distinct images by registry host. */
    groups: HostGroup[];
    /** One fix per missing registry, for the verdict's images. */
    fixes: RegistryFix[];
    summary: CheckSummary;
    problems: CheckProblem[];
    /** What the scan did not follow (remote WDL imports, symbolic links out of the root): not checked. */
    warnings: CheckProblem[];
    /** Files reached through WDL imports outside the workflow root (relative to it): the definition zip must carry
     * them. */
    importsOutsideRoot: string[];
    inputs?: CheckInputs;
}

/** How fixes are written: entries for the stack file (YAML), or entries for a map JSON given with --map. */
export type FixStyle = "stack-yaml" | "map-json";
