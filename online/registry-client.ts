// A small OCI distribution client: does a tag or digest exist upstream, its digest, its platforms (linux/amd64?).
//
// Why our own client and not @snyk/docker-registry-v2-client (4.0.5, read 2026-12): it is maintained and does the
// bearer challenge, but (1) it negotiates a new token on every call that meets a 401 (two more requests per image,
// against Docker Hub's anonymous limits), with no token cache; (2) its retry of 429/5xx is global (an environment
// variable, one retry by default), ignores Retry-After and does not tell the caller it backed off, so we could not
// wait per registry nor say so; (3) it asks for manifests with GET only and without the OCI index type unless
// configured; (4) it brings needle, psl, parse-link-header and tslib 1. What we need of the OCI distribution spec
// (github.com/opencontainers/distribution-spec, spec.md "Pulling manifests"; the token flow of
// distribution/docs/spec/auth/token.md) is small: GET /v2/<name>/manifests/<reference> with an Accept header naming
// the four manifest types, Docker-Content-Digest, the WWW-Authenticate challenge, GET of the config blob. Node's
// fetch does the HTTP.
import { createHash } from "crypto";

export const MEDIA_TYPES = {
    ociIndex: "application/vnd.oci.image.index.v1+json",
    ociManifest: "application/vnd.oci.image.manifest.v1+json",
    dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
    dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
} as const;

const ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerList, MEDIA_TYPES.dockerManifest].join(
    ", ",
);

export interface BasicCredentials {
    username: string;
    password: string;
}

/** What the registry said about one image reference. */
export type ManifestAnswer =
    | {
          kind: "found";
          digest: string;
          mediaType: string;
          /** `os/architecture[/variant]` of each image (attestation entries left out); empty when unknown. */
          platforms: string[];
          /** The digest of the linux/amd64 image (the index entry, or the manifest itself). */
          amd64Digest?: string;
      }
    | { kind: "missing"; message: string }
    | { kind: "unauthorized"; message: string; withCredentials: boolean }
    | { kind: "unreachable"; message: string }
    | { kind: "rate-limited"; message: string };

export interface BackOff {
    host: string;
    waitMs: number;
    status: number;
}

export interface RegistryStats {
    host: string;
    endpoint: string;
    requests: number;
    backOffs: number;
    waitedMs: number;
}

export interface RegistryClientOptions {
    /** Upstream host -> base URL (`quay.io` -> `http://127.0.0.1:5000`); others are `https://<host>`. */
    endpoints?: ReadonlyMap<string, string>;
    credentials?: (host: string) => BasicCredentials | undefined;
    /** Attempts per request on 429 and 5xx (default 4). */
    maxAttempts?: number;
    /** First back-off when the registry gives no Retry-After (default 1000 ms; doubles each attempt). */
    baseBackOffMs?: number;
    /** Longest single wait (default 30 s); a Retry-After beyond it gives up with "rate-limited". */
    maxBackOffMs?: number;
    timeoutMs?: number;
    onBackOff?: (backOff: BackOff) => void;
    sleep?: (ms: number) => Promise<void>;
}

interface Challenge {
    scheme: string;
    params: Partial<Record<string, string>>;
}

interface TokenEntry {
    token: string;
    expiresAt: number;
}

class HttpFailure extends Error {
    constructor(
        message: string,
        readonly answer: ManifestAnswer,
    ) {
        super(message);
    }
}

/** Parses `Bearer realm="https://auth.example",service="x",scope="repository:a:pull"` (RFC 7235 auth-params). */
export function parseChallenge(header: string): Challenge | undefined {
    const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
    if (!match) {
        return undefined;
    }
    const params: Partial<Record<string, string>> = {};
    const pattern = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/g;
    for (const param of match[2].matchAll(pattern)) {
        params[param[1].toLowerCase()] = (param.at(2) ?? param.at(3) ?? "").replace(/\\(.)/g, "$1");
    }
    return { scheme: match[1].toLowerCase(), params };
}

/** Retry-After as seconds or an HTTP date (RFC 9110 10.2.3), in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
    if (header === null || header.trim() === "") {
        return undefined;
    }
    if (/^\d+$/.test(header.trim())) {
        return Number(header.trim()) * 1000;
    }
    const date = Date.parse(header);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function platformText(platform: { os?: unknown; architecture?: unknown; variant?: unknown }): string | undefined {
    if (typeof platform.os !== "string" || typeof platform.architecture !== "string") {
        return undefined;
    }
    return [
        platform.os,
        platform.architecture,
        ...(typeof platform.variant === "string" ? [platform.variant] : []),
    ].join("/");
}

function isAmd64(platform: string | undefined): boolean {
    return platform === "linux/amd64" || (platform?.startsWith("linux/amd64/") ?? false);
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class RegistryClient {
    private readonly answers = new Map<string, Promise<ManifestAnswer>>();
    private readonly tokens = new Map<string, TokenEntry>();
    /** Per host: no request starts before this time (set by a 429). */
    private readonly gates = new Map<string, number>();
    private readonly stats = new Map<string, RegistryStats>();
    private readonly sleep: (ms: number) => Promise<void>;

    constructor(private readonly options: RegistryClientOptions = {}) {
        this.sleep = options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
    }

    endpointOf(host: string): string {
        return (this.options.endpoints?.get(host) ?? `https://${host}`).replace(/\/+$/, "");
    }

    /** Requests, back-offs and waiting per registry host, in the order the hosts were first asked. */
    registryStats(): RegistryStats[] {
        return [...this.stats.values()].map(s => ({ ...s }));
    }

    /** The manifest of `repository` at `reference` (a tag or a digest); answers are cached for the client's life. */
    manifest(host: string, repository: string, reference: string): Promise<ManifestAnswer> {
        const key = `${host}/${repository}@${reference}`;
        let answer = this.answers.get(key);
        if (answer === undefined) {
            answer = this.fetchManifest(host, repository, reference).catch((error: unknown) => {
                if (error instanceof HttpFailure) {
                    return error.answer;
                }
                return {
                    kind: "unreachable",
                    message: error instanceof Error ? error.message : String(error),
                } as const;
            });
            this.answers.set(key, answer);
        }
        return answer;
    }

    private statsOf(host: string): RegistryStats {
        let entry = this.stats.get(host);
        if (entry === undefined) {
            entry = { host, endpoint: this.endpointOf(host), requests: 0, backOffs: 0, waitedMs: 0 };
            this.stats.set(host, entry);
        }
        return entry;
    }

    private async fetchManifest(host: string, repository: string, reference: string): Promise<ManifestAnswer> {
        const path = `/v2/${repository}/manifests/${reference}`;
        const response = await this.request(host, repository, path, ACCEPT);
        if (response.status === 404) {
            return {
                kind: "missing",
                message: `${host}/${repository}: ${reference} not found (HTTP 404${await errorCode(response)})`,
            };
        }
        if (!response.ok) {
            throw new HttpFailure("", {
                kind: "unreachable",
                message: `${host}/${repository}:${reference}: HTTP ${response.status}`,
            });
        }
        const body = Buffer.from(await response.arrayBuffer());
        const digest =
            response.headers.get("docker-content-digest") ??
            `sha256:${createHash("sha256").update(body).digest("hex")}`;
        let document: unknown;
        try {
            document = JSON.parse(body.toString("utf8"));
        } catch {
            return { kind: "unreachable", message: `${host}/${repository}:${reference}: the manifest is not JSON` };
        }
        const mediaType =
            (isRecord(document) && typeof document.mediaType === "string" ? document.mediaType : undefined) ??
            response.headers.get("content-type")?.split(";")[0].trim() ??
            "";
        if (isRecord(document) && Array.isArray(document.manifests)) {
            return indexAnswer(digest, mediaType, document.manifests);
        }
        const config = isRecord(document) && isRecord(document.config) ? document.config : undefined;
        if (config === undefined || typeof config.digest !== "string") {
            return { kind: "found", digest, mediaType, platforms: [] };
        }
        const platform = await this.configPlatform(host, repository, config.digest);
        return {
            kind: "found",
            digest,
            mediaType,
            platforms: platform !== undefined ? [platform] : [],
            ...(isAmd64(platform) ? { amd64Digest: digest } : {}),
        };
    }

    /** An image manifest's platform, from its config blob (OCI image-spec config.md: os, architecture, variant). */
    private async configPlatform(host: string, repository: string, digest: string): Promise<string | undefined> {
        const response = await this.request(
            host,
            repository,
            `/v2/${repository}/blobs/${digest}`,
            "application/json, */*",
        );
        if (!response.ok) {
            return undefined;
        }
        try {
            const config: unknown = JSON.parse(Buffer.from(await response.arrayBuffer()).toString("utf8"));
            return isRecord(config) ? platformText(config) : undefined;
        } catch {
            return undefined;
        }
    }

    /** One request with the registry's auth challenge answered and 429/5xx backed off per host. */
    private async request(host: string, repository: string, path: string, accept: string): Promise<Response> {
        const maxAttempts = this.options.maxAttempts ?? 4;
        const stats = this.statsOf(host);
        let authorization = this.cachedAuthorization(host, repository);
        let answeredChallenge = false;
        for (let attempt = 1; ; attempt++) {
            await this.waitForGate(host);
            stats.requests++;
            let response: Response;
            try {
                response = await fetch(`${this.endpointOf(host)}${path}`, {
                    headers: {
                        Accept: accept,
                        ...(authorization !== undefined ? { Authorization: authorization } : {}),
                    },
                    redirect: "follow",
                    signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
                });
            } catch (error) {
                const cause =
                    error instanceof Error && isRecord(error.cause) && typeof error.cause.code === "string"
                        ? ` (${error.cause.code})`
                        : "";
                throw new HttpFailure("", {
                    kind: "unreachable",
                    message:
                        `${this.endpointOf(host)} cannot be reached: ` +
                        `${error instanceof Error ? error.message : String(error)}${cause}`,
                });
            }
            if (response.status === 401 && !answeredChallenge) {
                answeredChallenge = true;
                await response.body?.cancel();
                authorization = await this.answerChallenge(host, repository, response.headers.get("www-authenticate"));
                continue;
            }
            if (response.status === 401 || response.status === 403) {
                const withCredentials = this.options.credentials?.(host) !== undefined;
                throw new HttpFailure("", {
                    kind: "unauthorized",
                    withCredentials,
                    message:
                        `${host}/${repository}: access denied (HTTP ` +
                        `${response.status}${await errorCode(response)})`,
                });
            }
            if ((response.status === 429 || response.status >= 500) && attempt < maxAttempts) {
                const wait = this.backOffFor(response, attempt);
                await response.body?.cancel();
                if (wait === undefined) {
                    throw new HttpFailure("", {
                        kind: "rate-limited",
                        message:
                            `${host}: rate limited (HTTP 429) with Retry-After beyond ` +
                            `${this.options.maxBackOffMs ?? 30_000} ms`,
                    });
                }
                stats.backOffs++;
                stats.waitedMs += wait;
                this.gates.set(host, Math.max(this.gates.get(host) ?? 0, Date.now() + wait));
                this.options.onBackOff?.({ host, waitMs: wait, status: response.status });
                continue;
            }
            if (response.status === 429) {
                await response.body?.cancel();
                throw new HttpFailure("", {
                    kind: "rate-limited",
                    message: `${host}: still rate limited (HTTP 429) after ${attempt} attempts`,
                });
            }
            return response;
        }
    }

    private backOffFor(response: Response, attempt: number): number | undefined {
        const max = this.options.maxBackOffMs ?? 30_000;
        const given = retryAfterMs(response.headers.get("retry-after"));
        if (given !== undefined) {
            return given <= max ? given : undefined;
        }
        return Math.min(max, (this.options.baseBackOffMs ?? 1000) * 2 ** (attempt - 1));
    }

    /** Waits until the host's gate; again when another request moved the gate further meanwhile. */
    private async waitForGate(host: string): Promise<void> {
        let waitedFor = 0;
        for (;;) {
            const gate = this.gates.get(host) ?? 0;
            if (gate <= waitedFor || gate <= Date.now()) {
                return;
            }
            waitedFor = gate;
            await this.sleep(gate - Date.now());
        }
    }

    private cachedAuthorization(host: string, repository: string): string | undefined {
        const entry = this.tokens.get(`${host} ${repository}`) ?? this.tokens.get(host);
        return entry !== undefined && entry.expiresAt > Date.now() ? entry.token : undefined;
    }

    /** Answers a Basic or Bearer challenge (token.md: GET <realm>?service=<service>&scope=repository:<name>:pull). */
    private async answerChallenge(
        host: string,
        repository: string,
        header: string | null,
    ): Promise<string | undefined> {
        const challenge = header !== null ? parseChallenge(header) : undefined;
        const credentials = this.options.credentials?.(host);
        const basic =
            credentials !== undefined
                ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`
                : undefined;
        if (challenge === undefined || challenge.scheme === "basic") {
            if (basic !== undefined) {
                this.tokens.set(host, { token: basic, expiresAt: Number.POSITIVE_INFINITY });
            }
            return basic;
        }
        const realm = challenge.params.realm;
        if (challenge.scheme !== "bearer" || realm === undefined) {
            return undefined;
        }
        const url = new URL(realm);
        if (challenge.params.service !== undefined) {
            url.searchParams.set("service", challenge.params.service);
        }
        url.searchParams.set("scope", `repository:${repository}:pull`);
        this.statsOf(host).requests++;
        let response: Response;
        try {
            response = await fetch(url, {
                headers: basic !== undefined ? { Authorization: basic } : {},
                signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
            });
        } catch (error) {
            throw new HttpFailure("", {
                kind: "unreachable",
                message:
                    `token server ${url.origin} cannot be reached: ` +
                    (error instanceof Error ? error.message : String(error)),
            });
        }
        if (!response.ok) {
            throw new HttpFailure("", {
                kind: "unauthorized",
                withCredentials: credentials !== undefined,
                message:
                    `${host}/${repository}: the token server ${url.origin} refused a pull token (HTTP ` +
                    `${response.status})`,
            });
        }
        const body: unknown = await response.json().catch(() => undefined);
        const token = isRecord(body)
            ? typeof body.token === "string"
                ? body.token
                : typeof body.access_token === "string"
                  ? body.access_token
                  : undefined
            : undefined;
        if (token === undefined) {
            throw new HttpFailure("", {
                kind: "unauthorized",
                withCredentials: credentials !== undefined,
                message: `${host}: the token server's answer has no token`,
            });
        }
        // token.md: expires_in defaults to 60 seconds; keep a margin.
        const lifetime = isRecord(body) && typeof body.expires_in === "number" ? body.expires_in : 60;
        const entry = { token: `Bearer ${token}`, expiresAt: Date.now() + Math.max(0, lifetime - 10) * 1000 };
        this.tokens.set(`${host} ${repository}`, entry);
        return entry.token;
    }
}

function indexAnswer(digest: string, mediaType: string, manifests: unknown[]): ManifestAnswer {
    const platforms: string[] = [];
    let amd64Digest: string | undefined;
    for (const entry of manifests) {
        if (!isRecord(entry) || !isRecord(entry.platform)) {
            continue;
        }
        const annotations = isRecord(entry.annotations) ? entry.annotations : {};
        // BuildKit's attestation manifests carry platform unknown/unknown and this annotation.
        if (annotations["vnd.docker.reference.type"] === "attestation-manifest") {
            continue;
        }
        const text = platformText(entry.platform);
        if (text === undefined || text === "unknown/unknown") {
            continue;
        }
        platforms.push(text);
        if (
            entry.platform.os === "linux" &&
            entry.platform.architecture === "amd64" &&
            amd64Digest === undefined &&
            typeof entry.digest === "string"
        ) {
            amd64Digest = entry.digest;
        }
    }
    return { kind: "found", digest, mediaType, platforms, ...(amd64Digest !== undefined ? { amd64Digest } : {}) };
}

async function errorCode(response: Response): Promise<string> {
    const body: unknown = await response.json().catch(() => undefined);
    const errors = isRecord(body) && Array.isArray(body.errors) ? body.errors : [];
    const first: unknown = errors[0];
    return isRecord(first) && typeof first.code === "string" ? `, ${first.code}` : "";
}
