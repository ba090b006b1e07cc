// `warm`: fill the pull-through cache before a run. For each pull-through image of a workflow, one
// ecr:BatchGetImage by tag on the cached repository (the call with which ECR pulls an image through the cache, as the
// AWS HealthOmics MCP server's CheckContainerAvailability does), retried while the upstream is unavailable or
// throttled, up to a deadline. Only tags: pull-through cache cannot fill the cache on a first pull by digest
// (aws/containers-roadmap#2837). Registries HealthOmics copies from fill on the run's first use.
import { BatchGetImageCommand, ECRClient } from "@aws-sdk/client-ecr";
import { runBounded } from "../cli/rollout/pool";
import { ContainerRegistryMapJson } from "../policy-pack/rules/image-resolution";
import { MEDIA_TYPES } from "../online/registry-client";
import { upstreamOf } from "../online/upstream-image";
import { ImageResult } from "../workflow-check/types";

export type WarmStatus = "cached" | "copied-on-first-use" | "failed" | "timed-out" | "skipped";

export interface WarmRow {
    image: string;
    repository: string | null;
    tag: string | null;
    status: WarmStatus;
    digest: string | null;
    /** ECR's failure code (ImageNotFound, UpstreamAccessDenied, ...) or exception name. */
    code: string | null;
    detail: string;
    attempts: number;
}

export interface WarmReport {
    workflow: string;
    concurrency: number;
    rows: WarmRow[];
    summary: Record<WarmStatus, number>;
}

export interface WarmOptions {
    registryId?: string;
    concurrency: number;
    /** Longest wait for one image, all retries included. */
    timeoutMs: number;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
    onProgress?: (done: number, total: number) => void;
}

const RETRYABLE = new Set(["UpstreamUnavailable", "UpstreamTooManyRequests", "ThrottlingException", "ServerException"]);

const FAILURE_WORDS: Readonly<Partial<Record<string, string>>> = {
    ImageNotFound: "the tag does not exist upstream (or not yet in the cache)",
    UpstreamAccessDenied:
        "the upstream refused the pull-through rule's credentials (check its secret; verify runs " +
        "validate-pull-through-cache-rule)",
    UpstreamTooManyRequests: "the upstream rate-limited the pull (Docker Hub's limits apply to the rule's account)",
    UpstreamUnavailable: "the upstream registry is unavailable",
    RepositoryNotFoundException:
        "no such repository and no pull-through rule created it (is the stack deployed in this region?)",
    KmsError: "the repository's KMS key cannot be used",
};

function skipped(image: ImageResult, detail: string, status: WarmStatus = "skipped"): WarmRow {
    return { image: image.image, repository: null, tag: null, status, digest: null, code: null, detail, attempts: 0 };
}

interface Target {
    image: string;
    repository: string;
    tag: string;
}

async function warmOne(ecr: ECRClient, target: Target, options: WarmOptions): Promise<WarmRow> {
    const sleep = options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
    const now = options.now ?? Date.now;
    const deadline = now() + options.timeoutMs;
    const base = { image: target.image, repository: target.repository, tag: target.tag };
    for (let attempt = 1; ; attempt++) {
        let code: string;
        let detail: string;
        try {
            const answer = await ecr.send(
                new BatchGetImageCommand({
                    ...(options.registryId !== undefined ? { registryId: options.registryId } : {}),
                    repositoryName: target.repository,
                    imageIds: [{ imageTag: target.tag }],
                    acceptedMediaTypes: [
                        MEDIA_TYPES.ociIndex,
                        MEDIA_TYPES.dockerList,
                        MEDIA_TYPES.ociManifest,
                        MEDIA_TYPES.dockerManifest,
                    ],
                }),
            );
            const image = answer.images?.[0];
            if (image !== undefined) {
                return {
                    ...base,
                    status: "cached",
                    digest: image.imageId?.imageDigest ?? null,
                    code: null,
                    detail: "in the cache",
                    attempts: attempt,
                };
            }
            const failure = answer.failures?.[0];
            code = failure?.failureCode ?? "NoImage";
            detail = failure?.failureReason ?? "BatchGetImage returned no image";
        } catch (error) {
            code = error instanceof Error ? error.name : "Error";
            detail = error instanceof Error ? error.message : String(error);
        }
        const wait = Math.min(30_000, 2000 * 2 ** (attempt - 1));
        if (!RETRYABLE.has(code)) {
            return {
                ...base,
                status: "failed",
                digest: null,
                code,
                detail: `${FAILURE_WORDS[code] ?? detail}${FAILURE_WORDS[code] !== undefined ? ` (${detail})` : ""}`,
                attempts: attempt,
            };
        }
        if (now() + wait > deadline) {
            return {
                ...base,
                status: "timed-out",
                digest: null,
                code,
                detail: `${FAILURE_WORDS[code] ?? detail}; gave up after ${attempt} attempts`,
                attempts: attempt,
            };
        }
        await sleep(wait);
    }
}

/** Warms every pull-through image of the report once (by ECR repository and tag), with bounded concurrency. */
export async function warmImages(
    workflow: string,
    images: readonly ImageResult[],
    map: ContainerRegistryMapJson,
    ecr: ECRClient,
    options: WarmOptions,
): Promise<WarmReport> {
    const rows: (WarmRow | number)[] = [];
    const targets: Target[] = [];
    const seen = new Set<string>();
    for (const image of images) {
        if (image.status !== "mapped" || image.resolved === null) {
            rows.push(skipped(image, `not resolved (${image.status}); run check`));
            continue;
        }
        const lookup = upstreamOf(image.resolved, map);
        if (!lookup.ok) {
            rows.push(skipped(image, lookup.reason));
            continue;
        }
        const upstream = lookup.image;
        if (upstream.servedBy === "healthomics-copy") {
            rows.push({
                ...skipped(
                    image,
                    "copied on first use: HealthOmics copies images of this registry itself at the run's first pull",
                    "copied-on-first-use",
                ),
                repository: upstream.ecrRepository,
                tag: upstream.tag ?? null,
            });
            continue;
        }
        if (upstream.digest !== undefined) {
            rows.push({
                ...skipped(
                    image,
                    "referenced by digest: pull-through cache cannot fill the cache on a first pull by digest " +
                        "(aws/containers-roadmap#2837); warm the tag it was pinned from",
                ),
                repository: upstream.ecrRepository,
            });
            continue;
        }
        const tag = upstream.tag ?? "latest";
        const key = `${upstream.ecrRepository}:${tag}`;
        if (seen.has(key)) {
            continue;
        }
        seen.add(key);
        rows.push(targets.length);
        targets.push({ image: image.image, repository: upstream.ecrRepository, tag });
    }
    let done = 0;
    const warmed = await runBounded(targets, options.concurrency, async target => {
        const result = await warmOne(ecr, target, options);
        options.onProgress?.(++done, targets.length);
        return result;
    });
    const finished = rows.map(r => (typeof r === "number" ? warmed[r] : r));
    const summary: Record<WarmStatus, number> = {
        cached: 0,
        "copied-on-first-use": 0,
        failed: 0,
        "timed-out": 0,
        skipped: 0,
    };
    finished.forEach(r => summary[r.status]++);
    return { workflow, concurrency: options.concurrency, rows: finished, summary };
}
