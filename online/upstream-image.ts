// Where the image a resolved ECR URI names comes from upstream: registry host, repository and tag or digest.
// Built on the shared rules: the map's registry mappings (prefix -> upstream URL) and the registry catalogue.
import { parseEcrImageUri, isUnderPrefix } from "../policy-pack/rules/ecr-naming";
import { ContainerRegistryMapJson, RegistryMappingEntry } from "../policy-pack/rules/image-resolution";
import { ServedBy, serviceForHost } from "../policy-pack/rules/registry-catalogue";

export interface UpstreamImage {
    /** The upstream registry host to ask (`registry-1.docker.io` for Docker Hub and its aliases). */
    host: string;
    repository: string;
    /** The tag, or the digest when the resolved URI has one. */
    reference: string;
    tag?: string;
    digest?: string;
    /** The ECR repository the image is (or will be) in. */
    ecrRepository: string;
    ecrRepositoryPrefix: string;
    servedBy: ServedBy;
}

export type UpstreamLookup = { ok: true; image: UpstreamImage } | { ok: false; reason: string };

/** The registry mapping whose prefix holds `repository` (the longest prefix when several do). */
function mappingFor(repository: string, mappings: readonly RegistryMappingEntry[]): RegistryMappingEntry | undefined {
    return mappings
        .filter(m => isUnderPrefix(repository, m.ecrRepositoryPrefix) && repository !== m.ecrRepositoryPrefix)
        .sort((a, b) => b.ecrRepositoryPrefix.length - a.ecrRepositoryPrefix.length)[0];
}

/**
 * The upstream of a resolved image URI (`<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<path>[:tag][@digest]`):
 * the registry mapping of `<prefix>` names the upstream; `<path>` (under its upstreamRepositoryPrefix, if any) is the
 * upstream repository. A URI under no mapping's prefix is an image of the account's own, not checked upstream.
 */
export function upstreamOf(resolved: string, map: ContainerRegistryMapJson): UpstreamLookup {
    const ecr = parseEcrImageUri(resolved);
    if (ecr === undefined) {
        return { ok: false, reason: `${resolved} is not an ECR image URI` };
    }
    const mapping = mappingFor(ecr.repository, map.registryMappings ?? []);
    if (mapping === undefined) {
        return {
            ok: false,
            reason:
                "a private ECR repository of the account (no registry mapping's prefix holds it); verify or " +
                "warm checks the account",
        };
    }
    const service = serviceForHost(mapping.upstreamRegistryUrl);
    if (!service.servable) {
        return { ok: false, reason: service.reason };
    }
    const below = ecr.repository.slice(mapping.ecrRepositoryPrefix.length + 1);
    const repository =
        mapping.upstreamRepositoryPrefix !== undefined && mapping.upstreamRepositoryPrefix !== ""
            ? `${mapping.upstreamRepositoryPrefix.replace(/\/+$/, "")}/${below}`
            : below;
    const tag = ecr.tag ?? (ecr.digest === undefined ? "latest" : undefined);
    return {
        ok: true,
        image: {
            host: service.upstreamUrl,
            repository,
            reference: ecr.digest ?? tag ?? "latest",
            ...(tag !== undefined ? { tag } : {}),
            ...(ecr.digest !== undefined ? { digest: ecr.digest } : {}),
            ecrRepository: ecr.repository,
            ecrRepositoryPrefix: mapping.ecrRepositoryPrefix,
            servedBy: service.registry.servedBy,
        },
    };
}
