// Which upstream registries HealthOmics can take images from, and how: through an ECR pull-through cache
// rule, or by HealthOmics copying the image itself on first use. Shared by the program (config checks),
// the policy pack (map entries) and the CLI (`check`). Imports nothing.
// Sources: ECR API model 2026-04 (UpstreamRegistry, CreatePullThroughCacheRule.upstreamRegistryUrl);
// ECR User Guide pull-through-cache.html (credentials per upstream); HealthOmics User Guide
// containers-ptc-registries.html and containers-non-ptc-registries.html (2026-10-14); containers-workflow-creation.html
// ("Mappings for registries HealthOmics copies from must include credentialArn"); AWS's HealthOmics agent guide
// (kirodotdev/powers aws-healthomics/steering/image-staging.md, "Supported Registries").
//
// Defaults are kept only with a source (README "Registries and defaults"):
// - HealthOmics lists for copying Seqera (community.wave.seqera.io, wave.seqera.io), nvcr.io, gcr.io and
//   `<region>-docker.pkg.dev`; the agent guide adds the multi-region Artifact Registry hosts (us-docker.pkg.dev).
// - us.gcr.io, eu.gcr.io, asia.gcr.io appear in neither: served only when the entry opts in (allowUndocumentedHost).
// - No HealthOmics page documents a registry mapping for `docker.io`, so it is no default alias of Docker Hub any
//   more; it stays a known alias, so `check` suggests adding it (additionalHosts) when a workflow writes it.

/** How HealthOmics gets an upstream's images into the account's private ECR registry. */
export type ServedBy = "pull-through-cache" | "healthomics-copy";

export type CredentialPolicy = "required" | "optional" | "not-accepted";

export interface UpstreamRegistry {
    /** Human name for messages. */
    name: string;
    servedBy: ServedBy;
    credentials: CredentialPolicy;
    /** The prefix this project suggests for the upstream (the guide's "consistent prefixes" practice). */
    suggestedPrefix: string;
    /** Other hosts workflows write for the same registry (each may get its own registry mapping). */
    aliases: readonly string[];
    /** Aliases mapped by default in addition to the upstream URL (only those a source documents). */
    defaultAliases: readonly string[];
    /** Set when no AWS source documents the host: why, and the registry entry must opt in (UNDOCUMENTED_OPT_IN). */
    undocumented?: string;
}

/** The registry-entry field that opts in to a host no AWS source documents. */
export const UNDOCUMENTED_OPT_IN = "allowUndocumentedHost";

const REGIONAL_GCR =
    "HealthOmics documents gcr.io and <region>-docker.pkg.dev (containers-non-ptc-registries.html), not " +
    "the regional Container Registry hosts; it may refuse the mapping at create-workflow";

const PTC: Readonly<Record<string, UpstreamRegistry>> = {
    "registry-1.docker.io": {
        name: "Docker Hub",
        servedBy: "pull-through-cache",
        credentials: "required",
        suggestedPrefix: "docker-hub",
        aliases: ["docker.io", "index.docker.io"],
        defaultAliases: [],
    },
    "quay.io": {
        name: "Quay",
        servedBy: "pull-through-cache",
        credentials: "optional",
        suggestedPrefix: "quay",
        aliases: [],
        defaultAliases: [],
    },
    "public.ecr.aws": {
        name: "Amazon ECR Public",
        servedBy: "pull-through-cache",
        credentials: "not-accepted",
        suggestedPrefix: "ecr-public",
        aliases: [],
        defaultAliases: [],
    },
    "ghcr.io": {
        name: "GitHub Container Registry",
        servedBy: "pull-through-cache",
        credentials: "required",
        suggestedPrefix: "ghcr",
        aliases: [],
        defaultAliases: [],
    },
    "registry.k8s.io": {
        name: "Kubernetes container image registry",
        servedBy: "pull-through-cache",
        credentials: "not-accepted",
        suggestedPrefix: "k8s",
        aliases: [],
        defaultAliases: [],
    },
    "registry.gitlab.com": {
        name: "GitLab Container Registry",
        servedBy: "pull-through-cache",
        credentials: "required",
        suggestedPrefix: "gitlab",
        aliases: [],
        defaultAliases: [],
    },
};

const COPY: Readonly<Record<string, UpstreamRegistry>> = {
    "community.wave.seqera.io": {
        name: "Seqera Containers (community)",
        servedBy: "healthomics-copy",
        credentials: "required",
        suggestedPrefix: "seqera-community",
        aliases: [],
        defaultAliases: [],
    },
    "wave.seqera.io": {
        name: "Seqera Containers",
        servedBy: "healthomics-copy",
        credentials: "required",
        suggestedPrefix: "seqera",
        aliases: [],
        defaultAliases: [],
    },
    "nvcr.io": {
        name: "NVIDIA NGC",
        servedBy: "healthomics-copy",
        credentials: "required",
        suggestedPrefix: "nvcr",
        aliases: [],
        defaultAliases: [],
    },
    "gcr.io": {
        name: "Google Container Registry",
        servedBy: "healthomics-copy",
        credentials: "required",
        suggestedPrefix: "gcr",
        aliases: [],
        defaultAliases: [],
    },
    "us.gcr.io": {
        name: "Google Container Registry (US)",
        servedBy: "healthomics-copy",
        credentials: "required",
        suggestedPrefix: "us-gcr",
        aliases: [],
        defaultAliases: [],
        undocumented: REGIONAL_GCR,
    },
    "eu.gcr.io": {
        name: "Google Container Registry (EU)",
        servedBy: "healthomics-copy",
        credentials: "required",
        suggestedPrefix: "eu-gcr",
        aliases: [],
        defaultAliases: [],
        undocumented: REGIONAL_GCR,
    },
    "asia.gcr.io": {
        name: "Google Container Registry (Asia)",
        servedBy: "healthomics-copy",
        credentials: "required",
        suggestedPrefix: "asia-gcr",
        aliases: [],
        defaultAliases: [],
        undocumented: REGIONAL_GCR,
    },
};

const AZURE = /^([a-z0-9]{5,50})\.azurecr\.io$/;
/**
 * Regional (us-central1-docker.pkg.dev) and multi-region (us-, europe-, asia-docker.pkg.dev) Artifact Registry hosts.
 */
const ARTIFACT_REGISTRY = /^([a-z]+-[a-z]+\d+|us|europe|asia)-docker\.pkg\.dev$/;

/** Every host this project can serve, in words, for messages. */
export const PULL_THROUGH_HOSTS_TEXT = `${Object.keys(PTC).join(", ")} or <registry>.azurecr.io`;
export const COPY_HOSTS_TEXT = `${Object.entries(COPY)
    .filter(([, r]) => r.undocumented === undefined)
    .map(([host]) => host)
    .join(", ")}, <region>-docker.pkg.dev or us-, europe-, asia-docker.pkg.dev (${Object.entries(COPY)
    .filter(([, r]) => r.undocumented !== undefined)
    .map(([host]) => host)
    .join(", ")} with ${UNDOCUMENTED_OPT_IN}: true)`;

/** The upstream registry a registry host names (its upstream URL, not an alias), or undefined. */
export function lookupUpstream(host: string): UpstreamRegistry | undefined {
    if (Object.prototype.hasOwnProperty.call(PTC, host)) {
        return PTC[host];
    }
    if (Object.prototype.hasOwnProperty.call(COPY, host)) {
        return COPY[host];
    }
    const azure = AZURE.exec(host);
    if (azure) {
        return {
            name: "Azure Container Registry",
            servedBy: "pull-through-cache",
            credentials: "required",
            suggestedPrefix: `azure-${azure[1]}`,
            aliases: [],
            defaultAliases: [],
        };
    }
    const artifact = ARTIFACT_REGISTRY.exec(host);
    if (artifact) {
        return {
            name: "Google Artifact Registry",
            servedBy: "healthomics-copy",
            credentials: "required",
            suggestedPrefix: `gar-${artifact[1]}`,
            aliases: [],
            defaultAliases: [],
        };
    }
    return undefined;
}

/** The upstream URL a host is an alias of (`docker.io` -> `registry-1.docker.io`), or undefined. */
export function upstreamOfAlias(host: string): string | undefined {
    const lower = host.toLowerCase();
    return Object.entries(PTC).find(([, registry]) => registry.aliases.includes(lower))?.[0];
}

/** The upstream URL of Docker Hub, which images written without a registry host come from. */
export const DOCKER_HUB_UPSTREAM = "registry-1.docker.io";

/** How a host found in an image reference can be served: its upstream URL and registry, or why it cannot. */
export type HostService =
    | { servable: true; upstreamUrl: string; registry: UpstreamRegistry; isAlias: boolean }
    | { servable: false; reason: string };

export function serviceForHost(host: string): HostService {
    const direct = lookupUpstream(host);
    if (direct !== undefined) {
        return { servable: true, upstreamUrl: host, registry: direct, isAlias: false };
    }
    const upstream = upstreamOfAlias(host);
    if (upstream !== undefined) {
        return { servable: true, upstreamUrl: upstream, registry: PTC[upstream], isAlias: true };
    }
    return {
        servable: false,
        reason:
            `host ${host} can be served neither by ECR pull-through cache (${PULL_THROUGH_HOSTS_TEXT}) nor ` +
            `by HealthOmics copy (${COPY_HOSTS_TEXT})`,
    };
}

/** A hint for a near miss in an upstream URL (scheme, path), or undefined. */
export function upstreamUrlHint(url: string): string | undefined {
    if (/^[a-z]+:\/\//i.test(url)) {
        return "give the host name only, without a scheme such as https://";
    }
    if (url.includes("/")) {
        return "give the registry host only, without a repository path";
    }
    const upstream =
        upstreamOfAlias(url) ??
        (["hub.docker.com", "registry.hub.docker.com"].includes(url.toLowerCase()) ? DOCKER_HUB_UPSTREAM : undefined);
    return upstream !== undefined
        ? `the upstream URL is ${upstream}; list ${url} under its additionalHosts instead`
        : undefined;
}

/**
 * Name prefix this project gives the secrets of registries HealthOmics copies from. HealthOmics' own example
 * names one `omics-registry/seqera-EXAMPLE` (User Guide containers-workflow-creation.html); unlike ECR's
 * `ecr-pullthroughcache/`, no API pattern is known to require it, so existing secrets may be named otherwise.
 */
export const COPY_CREDENTIAL_SECRET_NAME_PREFIX = "omics-registry/";

/** One field of the secret value a registry's credentials hold: its key, and its value when the registry fixes it. */
export interface SecretField {
    key: "username" | "accessToken";
    /** The value the registry requires (NGC's `$oauthtoken`, Google's `_json_key`), or undefined for the user's own. */
    fixedValue?: string;
    /** What the user puts there, for messages (`<NGC API key>`). */
    placeholder: string;
}

/**
 * The secret value a registry's credentials hold (Secrets Manager JSON keys). ECR pull-through cache and HealthOmics
 * both read `username` and `accessToken` (ECR User Guide pull-through-cache-creating-secret.html). Per registry kind
 * (docs/check-and-render.md lists the sources): Seqera Containers take an access token alone; NVIDIA NGC's username
 * is the literal `$oauthtoken` with an NGC API key as the token; Google Container Registry and Artifact Registry take
 * the username `_json_key` with a service account key (its JSON) as the token.
 */
export function credentialSecretShape(upstreamUrl: string): readonly SecretField[] {
    const host = upstreamUrl.toLowerCase();
    if (host === "community.wave.seqera.io" || host === "wave.seqera.io") {
        return [{ key: "accessToken", placeholder: "<Seqera access token>" }];
    }
    if (host === "nvcr.io") {
        return [
            { key: "username", fixedValue: "$oauthtoken", placeholder: "$oauthtoken" },
            { key: "accessToken", placeholder: "<NGC API key>" },
        ];
    }
    if (/(^|\.)gcr\.io$/.test(host) || ARTIFACT_REGISTRY.test(host)) {
        return [
            { key: "username", fixedValue: "_json_key", placeholder: "_json_key" },
            { key: "accessToken", placeholder: "<service account key JSON>" },
        ];
    }
    return [
        { key: "username", placeholder: "<username>" },
        { key: "accessToken", placeholder: "<access token>" },
    ];
}
