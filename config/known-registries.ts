// The upstream registries that ECR pull-through cache supports, and whether each needs credentials.

export type CredentialPolicy = "required" | "optional" | "not-accepted";

export interface KnownRegistry {
    /** Human name used in error messages. */
    name: string;
    credentials: CredentialPolicy;
}

const EXACT: Readonly<Record<string, KnownRegistry>> = {
    "registry-1.docker.io": { name: "Docker Hub", credentials: "required" },
    "quay.io": { name: "Quay", credentials: "optional" },
    "public.ecr.aws": { name: "Amazon ECR Public", credentials: "not-accepted" },
    "ghcr.io": { name: "GitHub Container Registry", credentials: "required" },
    "registry.k8s.io": { name: "Kubernetes container image registry", credentials: "not-accepted" },
    "registry.gitlab.com": { name: "GitLab Container Registry", credentials: "required" },
};

const AZURE = /^[a-z0-9]{5,50}\.azurecr\.io$/;

/** Hosts people write for Docker Hub that ECR does not accept as the upstream URL. */
const DOCKER_HUB_ALIASES = ["docker.io", "index.docker.io", "hub.docker.com", "registry.hub.docker.com"];

export const ALLOWED_UPSTREAMS_TEXT = `${Object.keys(EXACT).join(", ")} or <registry>.azurecr.io`;

export function lookupRegistry(url: string): KnownRegistry | undefined {
    if (Object.prototype.hasOwnProperty.call(EXACT, url)) {
        return EXACT[url];
    }
    return AZURE.test(url) ? { name: "Azure Container Registry", credentials: "required" } : undefined;
}

/** A hint for a near miss (scheme, path, Docker Hub alias), or undefined. */
export function upstreamHint(url: string): string | undefined {
    if (/^[a-z]+:\/\//i.test(url)) {
        return "give the host name only, without a scheme such as https://";
    }
    if (url.includes("/")) {
        return "give the registry host only, without a repository path";
    }
    if (DOCKER_HUB_ALIASES.includes(url.toLowerCase())) {
        return "Docker Hub's upstream URL for ECR is registry-1.docker.io";
    }
    return undefined;
}
