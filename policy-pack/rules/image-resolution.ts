// Resolves a container image through a HealthOmics container registry map, the way HealthOmics does, and says
// why an image would not resolve. Shared by the CLI (`check`), the program (preview checks) and the policy pack.
//
// Documented behaviour (HealthOmics User Guide containers-workflow-creation.html, workflows-ecr.html; the AWS
// guide "AWS HealthOmics Container Registry Maps", steps 5 and 8; ECR User Guide pull-through-cache-working.html):
// - image mappings take precedence over registry mappings;
// - a registry mapping applies when its upstreamRegistryUrl exactly matches the registry host at the start of the
//   image URI (a mapping for wave.seqera.io does not cover community.wave.seqera.io);
// - an image written without a host (`broadinstitute/gatk:4.6.0.2`) is a Docker Hub image and resolves through
//   the `registry-1.docker.io` mapping (the guide's WDL example);
// - images already in the account's private ECR need no mapping, but must be in the run's Region;
// - the resolved URI is `<ecr registry>/<ecrRepositoryPrefix>/<repository path as written>[:tag][@digest]`;
// - Docker Hub official images exist in the cache only under `library/`.
// This project's assumptions (not documented): an image mapping matches only the image exactly as written (a
// match after Docker normalization is reported, not relied on); `docker.io/...` and `index.docker.io/...` need
// a mapping for that exact host, like any other host; and a Docker Hub official image written without `library/`
// (`ubuntu:20.04`) resolves to `<prefix>/library/ubuntu:20.04`. No AWS document says how HealthOmics treats such a
// reference. What there is points that way: a host-less reference names Docker Hub only under Docker's
// normalization, which adds `library/` too (distribution/reference normalize.go); the HealthOmics API's
// ImageDetails.sourceImage: "HealthOmics transforms the URI to the corresponding ECR path, using the pull-through
// cache mapping rules"; and AWS's HealthOmics MCP server (awslabs/mcp, aws-healthomics-mcp-server tools/
// ecr_tools.py, _parse_container_image_reference) normalizes `ubuntu:latest` to
// `registry-1.docker.io/library/ubuntu:latest`. The resolution says so (`officialImage`), so the check can warn.
import { pathWithVersion, ImageReference, isDockerHubReference } from "./docker-reference";
import { parseEcrImageUri, registryHost, RegistryLocation } from "./ecr-naming";
import { CredentialPolicy, DOCKER_HUB_UPSTREAM, serviceForHost, UNDOCUMENTED_OPT_IN } from "./registry-catalogue";

/** A registry mapping of a container registry map, as plain JSON (HealthOmics API RegistryMapping). */
export interface RegistryMappingEntry {
    upstreamRegistryUrl: string;
    ecrRepositoryPrefix: string;
    credentialArn?: string;
    upstreamRepositoryPrefix?: string;
    ecrAccountId?: string;
}

export interface ImageMappingEntry {
    sourceImage: string;
    destinationImage: string;
}

/** A container registry map as plain JSON (HealthOmics API ContainerRegistryMap). */
export interface ContainerRegistryMapJson {
    registryMappings?: RegistryMappingEntry[];
    imageMappings?: ImageMappingEntry[];
}

/** The registry entry a stack would need so that a host is mapped. */
export interface SuggestedRegistry {
    upstreamRegistryUrl: string;
    ecrRepositoryPrefix: string;
    credentials: CredentialPolicy;
    /** The host as written when it is an alias of the upstream (`docker.io` for Docker Hub). */
    additionalHost?: string;
    /** True when the map already has a mapping for the upstream, so only `additionalHost` is missing. */
    upstreamAlreadyMapped: boolean;
    /** Fields the registry entry must also set: the opt-in of a host no AWS source documents. */
    entryFields?: Record<string, unknown>;
}

/** A Docker Hub official image written without `library/`, resolved with it (an assumption: see the file comment). */
export interface OfficialImageAssumption {
    /** The reference with `library/` written out (`library/ubuntu:20.04`), which needs no assumption. */
    writeAs: string;
    /** The image mapping that makes the resolution certain. */
    imageMapping: ImageMappingEntry;
}

export type Resolution =
    | { kind: "image-mapping"; resolved: string; mapping: ImageMappingEntry }
    | {
          kind: "registry-mapping";
          resolved: string;
          mapping: RegistryMappingEntry;
          officialImage?: OfficialImageAssumption;
      }
    | { kind: "private-ecr"; resolved: string }
    | { kind: "unmapped"; host: string; registry: SuggestedRegistry; imageMapping: ImageMappingEntry }
    | { kind: "unservable"; host: string; reason: string };

export interface ResolutionResult {
    resolution: Resolution;
    /** An image mapping that matches only after normalization (HealthOmics is documented to match as written). */
    normalizedImageMatch?: ImageMappingEntry;
}

/** Parses a map entry's source image for the normalized comparison; injected so this module stays pure. */
export type NormalizeImage = (image: string) => string | undefined;

/** The host an image is pulled from: as written, or Docker Hub's upstream URL for images written without one. */
export function effectiveHost(reference: Pick<ImageReference, "host">): string {
    return reference.host ?? DOCKER_HUB_UPSTREAM;
}

/** `<prefix>/<path>[:tag][@digest]`, with `:latest` when the reference has neither tag nor digest. */
function destinationUnder(prefix: string, path: string, reference: Pick<ImageReference, "tag" | "digest">): string {
    const version =
        reference.tag === undefined && reference.digest === undefined
            ? { tag: "latest", digest: undefined }
            : reference;
    return `${prefix}/${pathWithVersion({ path, tag: version.tag, digest: version.digest })}`;
}

export function resolveImage(
    reference: ImageReference,
    map: ContainerRegistryMapJson,
    location: RegistryLocation,
    normalize: NormalizeImage,
): ResolutionResult {
    const imageMappings = map.imageMappings ?? [];
    const exact = imageMappings.find(m => m.sourceImage === reference.written);
    if (exact !== undefined) {
        return { resolution: { kind: "image-mapping", resolved: exact.destinationImage, mapping: exact } };
    }
    const normalizedImageMatch = imageMappings.find(m => normalize(m.sourceImage) === reference.normalized);
    const resolution = resolveByRegistry(reference, map.registryMappings ?? [], location);
    return normalizedImageMatch !== undefined ? { resolution, normalizedImageMatch } : { resolution };
}

function resolveByRegistry(
    reference: ImageReference,
    mappings: readonly RegistryMappingEntry[],
    location: RegistryLocation,
): Resolution {
    const ecr = parseEcrImageUri(reference.written);
    if (ecr !== undefined) {
        return ecr.region === location.region
            ? { kind: "private-ecr", resolved: reference.written }
            : {
                  kind: "unservable",
                  host: reference.host ?? "",
                  reason:
                      `the image is in private ECR in ${ecr.region}, but HealthOmics runs ` +
                      `in ${location.region} use ECR repositories of their own Region only`,
              };
    }
    const host = effectiveHost(reference);
    const service = serviceForHost(host);
    if (!service.servable) {
        return { kind: "unservable", host, reason: service.reason };
    }
    const mapping = mappings.find(m => m.upstreamRegistryUrl === host);
    const officialDockerHubImage = isDockerHubReference(reference) && !reference.path.includes("/");
    const ecrRegistry = registryHost(location);
    if (mapping !== undefined) {
        if (officialDockerHubImage) {
            const libraryPath = `library/${reference.path}`;
            const libraryImage = pathWithVersion({ ...reference, path: libraryPath });
            return {
                kind: "registry-mapping",
                resolved: `${ecrRegistry}/${mapping.ecrRepositoryPrefix}/${libraryImage}`,
                mapping,
                officialImage: {
                    writeAs: `${reference.host !== undefined ? `${reference.host}/` : ""}${libraryImage}`,
                    imageMapping: {
                        sourceImage: reference.written,
                        destinationImage: destinationUnder(mapping.ecrRepositoryPrefix, libraryPath, reference),
                    },
                },
            };
        }
        return {
            kind: "registry-mapping",
            resolved: `${ecrRegistry}/${mapping.ecrRepositoryPrefix}/${pathWithVersion(reference)}`,
            mapping,
        };
    }
    const upstreamMapping = mappings.find(m => m.upstreamRegistryUrl === service.upstreamUrl);
    const prefix = upstreamMapping?.ecrRepositoryPrefix ?? service.registry.suggestedPrefix;
    const path = officialDockerHubImage ? `library/${reference.path}` : reference.path;
    return {
        kind: "unmapped",
        host,
        registry: {
            upstreamRegistryUrl: service.upstreamUrl,
            ecrRepositoryPrefix: prefix,
            credentials: service.registry.credentials,
            ...(service.isAlias ? { additionalHost: host } : {}),
            upstreamAlreadyMapped: upstreamMapping !== undefined,
            ...(service.registry.undocumented !== undefined ? { entryFields: { [UNDOCUMENTED_OPT_IN]: true } } : {}),
        },
        imageMapping: { sourceImage: reference.written, destinationImage: destinationUnder(prefix, path, reference) },
    };
}
