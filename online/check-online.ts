// `check --online`: ask each resolved image's upstream registry whether its tag exists, its digest, linux/amd64.
// Adds the answers to the report under the optional `online` key and as findings of the images.
import { runBounded } from "../cli/rollout/pool";
import { ContainerRegistryMapJson } from "../policy-pack/rules/image-resolution";
import { CheckReport, Finding, ImageResult } from "../workflow-check/types";
import { ManifestAnswer, RegistryClient, RegistryStats } from "./registry-client";
import { upstreamOf } from "./upstream-image";

export type OnlineStatus =
    "ok" | "missing" | "no-amd64" | "unauthorized" | "unreachable" | "rate-limited" | "not-checked";

export interface OnlineImage {
    /** Index of the image in the report's `images`. */
    image: number;
    written: string;
    status: OnlineStatus;
    registry: string | null;
    repository: string | null;
    /** The tag or digest asked for. */
    reference: string | null;
    tag: string | null;
    digest: string | null;
    mediaType: string | null;
    platforms: string[];
    amd64Digest: string | null;
    /** True when the registry refused although credentials were sent. */
    credentialsRefused: boolean;
    /** The ECR image URI the image resolves to, for pinning. */
    resolved: string | null;
    message: string;
}

export interface OnlineSummary {
    checked: number;
    ok: number;
    missing: number;
    noAmd64: number;
    unauthorized: number;
    unreachable: number;
    rateLimited: number;
    notChecked: number;
}

export interface OnlineReport {
    concurrency: number;
    /** One per place of the report's `images` (scripts read them by index). */
    images: OnlineImage[];
    registries: RegistryStats[];
    /** Counted in places (entries of `images`). */
    summary: OnlineSummary;
    /** The same counts in distinct images, as the table shows them (one row per distinct image). */
    distinct: OnlineSummary;
}

/** One distinct image of an online report: its first place's answer and how many places write it. */
export interface DistinctOnlineImage {
    /** The normalized reference (what the main table shows), else what is written. */
    image: string;
    answer: OnlineImage;
    places: number;
}

/** The online answers by distinct image (the normalized reference), in the order they first appear. */
export function distinctOnline(online: Pick<OnlineReport, "images">, report: CheckReport): DistinctOnlineImage[] {
    const byImage = new Map<string, DistinctOnlineImage>();
    for (const answer of online.images) {
        const image = report.images[answer.image]?.reference ?? answer.written;
        const known = byImage.get(image);
        if (known === undefined) {
            byImage.set(image, { image, answer, places: 1 });
        } else {
            known.places++;
        }
    }
    return [...byImage.values()];
}

function summarize(statuses: readonly OnlineStatus[]): OnlineSummary {
    const count = (status: OnlineStatus) => statuses.filter(s => s === status).length;
    return {
        checked: statuses.length - count("not-checked"),
        ok: count("ok"),
        missing: count("missing"),
        noAmd64: count("no-amd64"),
        unauthorized: count("unauthorized"),
        unreachable: count("unreachable"),
        rateLimited: count("rate-limited"),
        notChecked: count("not-checked"),
    };
}

export interface OnlineCheckOptions {
    concurrency: number;
    onProgress?: (done: number, total: number) => void;
}

function answerStatus(answer: ManifestAnswer): OnlineStatus {
    if (answer.kind === "found") {
        return answer.amd64Digest !== undefined ? "ok" : "no-amd64";
    }
    return answer.kind;
}

function answerMessage(answer: ManifestAnswer, ask: string): string {
    if (answer.kind !== "found") {
        return answer.message;
    }
    const platforms = answer.platforms.length > 0 ? answer.platforms.join(", ") : "platform unknown";
    return answer.amd64Digest !== undefined
        ? `${ask} exists upstream (${platforms})`
        : `${ask} exists upstream but has no linux/amd64 image (${platforms})`;
}

/** The finding an online answer adds to an image; undefined when all is well. */
export function onlineFinding(online: OnlineImage): Finding | undefined {
    const version = online.tag !== null && online.digest === null ? `:${online.tag}` : `@${online.digest ?? ""}`;
    const ask = `${online.registry ?? ""}/${online.repository ?? ""}${version}`;
    switch (online.status) {
        case "missing":
            return {
                severity: "error",
                message: `upstream has no ${ask}: ${online.message}; the run would fail`,
                fix: "use a tag or digest that exists upstream",
            };
        case "no-amd64":
            return {
                severity: "error",
                message:
                    `${online.message}; HealthOmics runs linux/amd64 containers only ("HealthOmics doesn't ` +
                    `support ARM containers", workflows-ecr.html)`,
                fix: "use a tag or digest that has a linux/amd64 image, or build and push one",
            };
        case "unauthorized":
            return {
                severity: online.credentialsRefused ? "error" : "warning",
                message: online.message,
                fix: "check the registry's credentials (the stack's secret config) and that the repository exists",
            };
        case "unreachable":
        case "rate-limited":
            return {
                severity: "warning",
                message: `not checked upstream: ${online.message}`,
                fix: "run check --online again later, or point the host at a mirror with --registry-endpoint host=url",
            };
        default:
            return undefined;
    }
}

function notChecked(index: number, image: ImageResult, reason: string): OnlineImage {
    return {
        image: index,
        written: image.image,
        status: "not-checked",
        registry: null,
        repository: null,
        reference: null,
        tag: null,
        digest: null,
        mediaType: null,
        platforms: [],
        amd64Digest: null,
        credentialsRefused: false,
        resolved: image.resolved,
        message: reason,
    };
}

async function checkOne(
    client: RegistryClient,
    map: ContainerRegistryMapJson,
    image: ImageResult,
    index: number,
): Promise<OnlineImage> {
    if (image.status !== "mapped" || image.resolved === null) {
        return notChecked(index, image, `not resolved (${image.status})`);
    }
    const lookup = upstreamOf(image.resolved, map);
    if (!lookup.ok) {
        return notChecked(index, image, lookup.reason);
    }
    const { host, repository, reference, tag, digest } = lookup.image;
    const answer = await client.manifest(host, repository, reference);
    const ask = `${host}/${repository}${digest !== undefined ? `@${digest}` : `:${reference}`}`;
    const withCredentials = answer.kind === "unauthorized" && answer.withCredentials;
    return {
        image: index,
        written: image.image,
        status: answerStatus(answer),
        registry: host,
        repository,
        reference,
        tag: tag ?? null,
        digest: answer.kind === "found" ? answer.digest : (digest ?? null),
        mediaType: answer.kind === "found" ? answer.mediaType : null,
        platforms: answer.kind === "found" ? answer.platforms : [],
        amd64Digest: answer.kind === "found" ? (answer.amd64Digest ?? null) : null,
        credentialsRefused: withCredentials,
        resolved: image.resolved,
        message: `${answerMessage(answer, ask)}${
            answer.kind === "unauthorized" ? (withCredentials ? " with " + "credentials" : " anonymously") : ""
        }`,
    };
}

/** Asks the upstreams of every resolved image (bounded concurrency) and adds findings to the report's images. */
export async function checkOnline(
    report: CheckReport,
    map: ContainerRegistryMapJson,
    client: RegistryClient,
    options: OnlineCheckOptions,
): Promise<OnlineReport> {
    let done = 0;
    const images = await runBounded(report.images, options.concurrency, async (image, index) => {
        const result = await checkOne(client, map, image, index);
        options.onProgress?.(++done, report.images.length);
        return result;
    });
    for (const online of images) {
        const finding = onlineFinding(online);
        if (finding !== undefined) {
            report.images[online.image].findings.push(finding);
        }
    }
    return {
        concurrency: options.concurrency,
        images,
        registries: client.registryStats(),
        summary: summarize(images.map(i => i.status)),
        distinct: summarize(distinctOnline({ images }, report).map(d => d.answer.status)),
    };
}
