// One container reference found in a workflow → one image of the report: normalize, resolve, findings.
import { parseImageReference, pinning, ImageReference, writtenHost } from "../policy-pack/rules/docker-reference";
import { RegistryLocation } from "../policy-pack/rules/ecr-naming";
import { ContainerRegistryMapJson, resolveImage, ResolutionResult } from "../policy-pack/rules/image-resolution";
import { DOCKER_HUB_UPSTREAM } from "../policy-pack/rules/registry-catalogue";
import { ContainerReference } from "../workflow-parsers/types";
import { FixContext, imageMappingFix, registryFix, registryFixDetails, RegistryFixText } from "./fix-text";
import { briefExpression } from "./printable";
import { Finding, ImageResult, ImageStatus } from "./types";

export interface EvaluationContext {
    map: ContainerRegistryMapJson;
    location: RegistryLocation;
    fix: FixContext;
    /** Nextflow profiles selected with --profile: their profile-only (and, for `test`, test-only) images count. */
    profiles: readonly string[];
}

const LIBRARY_RULE =
    'ECR User Guide pull-through-cache-working.html: "For Docker Hub official images, the /library prefix must be ' +
    'included"';
const OFFICIAL_IMAGE_EVIDENCE =
    "AWS documents nothing on how HealthOmics treats a Docker Hub official image written without library/; " +
    "Docker's normalization adds library/, HealthOmics' ImageDetails \"transforms the URI to the corresponding ECR " +
    'path, using the pull-through cache mapping rules", ' +
    "and AWS's HealthOmics MCP server normalizes ubuntu:latest to registry-1.docker.io/library/ubuntu:latest";
const WDL_CONTAINER_RULE =
    'WDL 1.1 SPEC.md, runtime "container": "An execution engine should ignore any URI with a protocol it does not ' +
    'support"';

function normalizeOrUndefined(image: string): string | undefined {
    const parsed = parseImageReference(image);
    return parsed.ok ? parsed.reference.normalized : undefined;
}

/** Nextflow's docker.registry applies to images written without a registry host. */
function withDefaultRegistry(value: string, defaultRegistry: string | undefined): string {
    return defaultRegistry !== undefined && defaultRegistry !== "" && writtenHost(value) === undefined
        ? `${defaultRegistry.replace(/\/+$/, "")}/${value}`
        : value;
}

/** `"quay.io/x:~{tag}"` → `quay.io/x:~{tag}`: a quoted literal without its quotes; other text as it is. */
export function unquoted(text: string): string {
    const quote = text.slice(0, 1);
    return text.length >= 2 && (quote === '"' || quote === "'") && text.endsWith(quote) ? text.slice(1, -1) : text;
}

/**
 * The image a row shows and the expression it came from. A value chosen statically (a ternary's Docker branch, an
 * input default, a concatenation) is shown itself, its expression kept beside it; an image that cannot be chosen
 * is shown as written.
 */
function shownImage(found: ContainerReference): { image: string; expression?: string } {
    if (found.value === null) {
        return found.expression !== undefined && found.expression !== found.image
            ? { image: found.image, expression: found.expression }
            : { image: found.image };
    }
    if (found.expression !== undefined) {
        return { image: found.value, expression: found.expression };
    }
    if (unquoted(found.image) === found.value) {
        return { image: found.value };
    }
    return { image: found.value, expression: found.image };
}

/** Whether a reference counts in the verdict: profile-only and test-only ones count only when --profile names them. */
export function inVerdict(
    found: Pick<ContainerReference, "profiles" | "testOnly">,
    selected: readonly string[],
): boolean {
    const profiles = found.profiles ?? [];
    if (profiles.length > 0) {
        return profiles.some(profile => selected.includes(profile));
    }
    return found.testOnly !== true || selected.includes("test");
}

type Outcome = Pick<ImageResult, "reference" | "pinned" | "resolved" | "via" | "status" | "findings">;

/** An image without a reference (ignored, computed at run time, or invalid): no pinning, no resolved URI. */
function withoutImage(
    found: ContainerReference,
    status: ImageStatus,
    findings: Finding[],
    context: EvaluationContext,
): ImageResult {
    return imageResult(found, { reference: null, pinned: null, resolved: null, via: null, status, findings }, context);
}

/** Builds the image in the key order of the issue's JSON shape, then the optional fields of issue 13. */
function imageResult(found: ContainerReference, outcome: Outcome, context: EvaluationContext): ImageResult {
    const shown = shownImage(found);
    return {
        file: found.file,
        line: found.line,
        language: found.language,
        image: shown.image,
        reference: outcome.reference,
        pinned: outcome.pinned,
        resolved: outcome.resolved,
        via: outcome.via,
        status: outcome.status,
        findings: outcome.findings,
        ...(shown.expression !== undefined ? { expression: shown.expression } : {}),
        ...(found.directiveLine !== undefined && found.directiveLine !== found.line
            ? { directiveLine: found.directiveLine }
            : {}),
        ...(found.condition !== undefined ? { condition: found.condition } : {}),
        ...(found.profiles !== undefined && found.profiles.length > 0 ? { profiles: [...found.profiles] } : {}),
        ...(found.testOnly === true ? { testOnly: true } : {}),
        inVerdict: inVerdict(found, context.profiles),
    };
}

/** A WDL 1.1 container URI such as `https://gcr.io/...`: ignored, as the spec says; an error only when no entry is left. */
function ignoredUri(found: ContainerReference, protocol: string, context: EvaluationContext): ImageResult {
    const others = found.otherEntries ?? 0;
    return withoutImage(
        found,
        "ignored",
        others > 0
            ? []
            : [
                  {
                      severity: "error",
                      message: `a ${protocol}:// container URI is not a Docker image reference, and HealthOmics pulls Docker images only (no protocol, or docker://); an engine ignores a URI whose protocol it does not support (${WDL_CONTAINER_RULE}), and this container names no other image, so the task would fail`,
                      fix:
                          "add a Docker image reference to the task's container (a registry/repository:tag string, " +
                          "or an array that includes one)",
                  },
              ],
        context,
    );
}

/** An evaluated reference and, when its host is unmapped, the registry fix that would map it. */
export interface Evaluation {
    result: ImageResult;
    registryFix?: RegistryFixText & { host: string };
}

export function evaluateReference(found: ContainerReference, context: EvaluationContext): ImageResult {
    return evaluate(found, context).result;
}

export function evaluate(found: ContainerReference, context: EvaluationContext): Evaluation {
    const result = evaluateOnly(found, context);
    if (result.status !== "unmapped" || result.reference === null) {
        return { result };
    }
    const parsed = parseImageReference(withDefaultRegistry(found.value ?? "", found.defaultRegistry));
    if (!parsed.ok) {
        return { result };
    }
    const { resolution } = resolveImage(parsed.reference, context.map, context.location, normalizeOrUndefined);
    return resolution.kind === "unmapped"
        ? { result, registryFix: { host: resolution.host, ...registryFixDetails(resolution.registry, context.fix) } }
        : { result };
}

function evaluateOnly(found: ContainerReference, context: EvaluationContext): ImageResult {
    if (found.ignoredProtocol !== undefined) {
        return ignoredUri(found, found.ignoredProtocol, context);
    }
    if (found.value === null) {
        return withoutImage(
            found,
            "unresolvable",
            [
                {
                    severity: "warning",
                    message:
                        `the image is computed at run time ` +
                        `(${briefExpression(found.expression ?? found.image)}), so it cannot be checked before the run`,
                    fix:
                        "write the image as a string literal, or give the input it comes from a string default, so " +
                        "that it can be checked; otherwise make sure every value it can take is mapped",
                },
            ],
            context,
        );
    }
    const effective = withDefaultRegistry(found.value, found.defaultRegistry);
    const parsed = parseImageReference(effective);
    if (!parsed.ok) {
        return withoutImage(
            found,
            "invalid",
            [
                {
                    severity: "error",
                    message: `${JSON.stringify(effective)} is not a valid image reference: ${parsed.error}`,
                    fix:
                        "write it as [registry-host/]repository[:tag][@sha256:<64 hex digits>], repository in " +
                        "lowercase, without spaces",
                },
            ],
            context,
        );
    }
    const reference = parsed.reference;
    const result = resolveImage(reference, context.map, context.location, normalizeOrUndefined);
    const findings = [...resolutionFindings(reference, result, context), ...pinningFindings(reference)];
    const { resolution } = result;
    const common = { reference: reference.normalized, pinned: pinning(reference), findings };
    switch (resolution.kind) {
        case "image-mapping":
            return imageResult(
                found,
                { ...common, resolved: resolution.resolved, via: "imageMapping", status: "mapped" },
                context,
            );
        case "registry-mapping":
            return imageResult(
                found,
                { ...common, resolved: resolution.resolved, via: "registryMapping", status: "mapped" },
                context,
            );
        case "private-ecr":
            return imageResult(
                found,
                { ...common, resolved: resolution.resolved, via: null, status: "mapped" },
                context,
            );
        default:
            return imageResult(found, { ...common, resolved: null, via: null, status: "unmapped" }, context);
    }
}

function hostWords(reference: ImageReference, host: string): string {
    return reference.host === undefined
        ? `Docker Hub (${DOCKER_HUB_UPSTREAM}), where an image written without a registry host comes from`
        : `host ${host}`;
}

function resolutionFindings(
    reference: ImageReference,
    result: ResolutionResult,
    context: EvaluationContext,
): Finding[] {
    const findings: Finding[] = [];
    const { resolution } = result;
    switch (resolution.kind) {
        case "unmapped":
            findings.push({
                severity: "error",
                message:
                    `no mapping for ${hostWords(reference, resolution.host)}: the map has no registryMappings ` +
                    `entry whose upstreamRegistryUrl is exactly ${resolution.host}, and no imageMappings entry for ` +
                    `this image; the run would fail`,
                // An image mapping alone would point at a repository nothing fills (and outside the stack's prefixes):
                // the registry entry is the fix.
                fix: registryFix(resolution.registry, context.fix),
            });
            break;
        case "unservable":
            findings.push({
                severity: "error",
                message: `${resolution.reason}; the run would fail`,
                fix:
                    "copy the image into this account's private ECR in the run's Region (or into a registry " +
                    "HealthOmics can serve) and refer to it there, or map it there with an imageMappings entry",
            });
            break;
        case "registry-mapping":
            if (resolution.officialImage !== undefined) {
                findings.push({
                    severity: "warning",
                    message:
                        `Docker Hub official image written without library/: resolved as ` +
                        `${resolution.resolved}, under library/ where the pull-through cache keeps official images ` +
                        `(${LIBRARY_RULE}); ${OFFICIAL_IMAGE_EVIDENCE}`,
                    fix:
                        `to make it certain, write it as ${resolution.officialImage.writeAs}\nor ` +
                        imageMappingFix(resolution.officialImage.imageMapping, context.fix),
                });
            }
            break;
        default:
            break;
    }
    if (result.normalizedImageMatch !== undefined) {
        const source = result.normalizedImageMatch.sourceImage;
        findings.push({
            severity: "warning",
            message:
                `imageMappings entry ${JSON.stringify(source)} matches this image only after Docker ` +
                `normalization (${reference.normalized}); HealthOmics is documented to match sourceImage against the ` +
                `image as written, so this check does not rely on it`,
            fix:
                `write the image exactly as ${JSON.stringify(source)}, or ` +
                imageMappingFix(
                    {
                        sourceImage: reference.written,
                        destinationImage: result.normalizedImageMatch.destinationImage.replace(
                            /^\d{12}\.dkr\.ecr\.[^/]+\//,
                            "",
                        ),
                    },
                    context.fix,
                ),
        });
    }
    return findings;
}

function pinningFindings(reference: ImageReference): Finding[] {
    if (pinning(reference) !== "unpinned") {
        return [];
    }
    const how =
        reference.tag === "latest" ? "its tag is latest" : "it has no tag or digest (Docker reads it as :latest)";
    return [
        {
            severity: "warning",
            message:
                `the image is not pinned: ${how}, so runs may use different images as the upstream changes ` +
                `(guide best practice: "Version Pinning")`,
            fix:
                `pin a version tag or a digest, e.g. ` +
                `${reference.host !== undefined ? `${reference.host}/` : ""}${reference.path}:<version> or ` +
                `${reference.host !== undefined ? `${reference.host}/` : ""}${reference.path}@sha256:<digest>`,
        },
    ];
}
