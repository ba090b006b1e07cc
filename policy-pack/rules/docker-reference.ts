// Container image references as workflows write them: the parts as written, the normalized Docker form, pinning.
// Shared by the program, the policy pack and the CLI; its only import is @swimlane/docker-reference, which
// implements distribution's reference grammar (github.com/distribution/reference, normalize.go).
import { parseFamiliarName } from "@swimlane/docker-reference";

export interface ImageReference {
    /** The reference exactly as written. */
    written: string;
    /**
     * The registry host as written (`quay.io`, `docker.io`, `localhost:5000`), or undefined when the reference
     * names none and so means Docker Hub. Distribution's rule: the first `/`-component is a host when it
     * contains '.' or ':' or is `localhost`.
     */
    host: string | undefined;
    /** The repository path as written, after the host (`ubuntu`, `biocontainers/samtools`). */
    path: string;
    tag: string | undefined;
    digest: string | undefined;
    /** Docker's normalized form: `docker.io/library/ubuntu:latest` for `ubuntu` (`:latest` only without a digest). */
    normalized: string;
    /** The normalized repository without tag or digest (`docker.io/library/ubuntu`). */
    normalizedRepository: string;
}

export type ParsedImageReference = { ok: true; reference: ImageReference } | { ok: false; error: string };

export type Pinning = "digest" | "tag" | "unpinned";

/** The host Docker uses for Docker Hub in normalized references, and the forms that mean the same registry. */
export const DOCKER_HUB_NORMALIZED_HOST = "docker.io";
export const DOCKER_HUB_HOST_FORMS: readonly string[] = ["docker.io", "index.docker.io", "registry-1.docker.io"];

/** The registry host written at the start of a reference, by distribution's rule; undefined means Docker Hub. */
export function writtenHost(reference: string): string | undefined {
    const slash = reference.indexOf("/");
    if (slash < 0) {
        return undefined;
    }
    const first = reference.slice(0, slash);
    return first.includes(".") || first.includes(":") || first === "localhost" ? first : undefined;
}

/** Parses a reference as written; malformed ones (uppercase path, spaces, bad digest, ...) give the reason. */
export function parseImageReference(written: string): ParsedImageReference {
    if (written.trim() !== written || written === "") {
        return {
            ok: false,
            error:
                written === "" ? "the image reference is empty" : "the image reference has leading or trailing spaces",
        };
    }
    let parsed: ReturnType<typeof parseFamiliarName>;
    try {
        parsed = parseFamiliarName(written);
    } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (!parsed.domain || !parsed.repository) {
        return { ok: false, error: "invalid reference format" };
    }
    const host = writtenHost(written);
    const { tag, digest } = parsed;
    const afterHost = host === undefined ? written : written.slice(host.length + 1);
    const path = afterHost.slice(0, afterHost.length - suffixLength(tag, digest));
    const normalizedRepository = `${parsed.domain}/${parsed.repository}`;
    const normalizedTag = tag !== undefined ? `:${tag}` : digest === undefined ? ":latest" : "";
    const normalized = `${normalizedRepository}${normalizedTag}${digest !== undefined ? `@${digest}` : ""}`;
    return { ok: true, reference: { written, host, path, tag, digest, normalized, normalizedRepository } };
}

function suffixLength(tag: string | undefined, digest: string | undefined): number {
    return (tag !== undefined ? tag.length + 1 : 0) + (digest !== undefined ? digest.length + 1 : 0);
}

/** How reproducible a reference is: a digest, a tag other than `latest`, or neither. */
export function pinning(reference: Pick<ImageReference, "tag" | "digest">): Pinning {
    if (reference.digest !== undefined) {
        return "digest";
    }
    return reference.tag !== undefined && reference.tag !== "latest" ? "tag" : "unpinned";
}

/** True when the reference names Docker Hub: no host, or one of Docker Hub's host forms. */
export function isDockerHubReference(reference: Pick<ImageReference, "host">): boolean {
    return reference.host === undefined || DOCKER_HUB_HOST_FORMS.includes(reference.host.toLowerCase());
}

/** `path[:tag][@digest]` as written, the part of a reference after its host. */
export function pathWithVersion(reference: Pick<ImageReference, "path" | "tag" | "digest">): string {
    const tag = reference.tag !== undefined ? `:${reference.tag}` : "";
    return `${reference.path}${tag}${reference.digest !== undefined ? `@${reference.digest}` : ""}`;
}
