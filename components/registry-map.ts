// The HealthOmics container registry maps, built from the same validated config as the resources.
// The map shape is plain JSON (not SDK types): `credentialArn` on copy-registry mappings is newer than the SDK models.
import { createHash } from "crypto";
import { MapConfig, OmicsRegistryConfig, RegistryConfig } from "../config/types";

export interface RegistryMapping {
    upstreamRegistryUrl: string;
    ecrRepositoryPrefix: string;
    /**
     * Registries HealthOmics copies from: the secret it signs in with (HealthOmics User Guide
     * containers-workflow-creation.html).
     */
    credentialArn?: string;
}

export interface ContainerRegistryMap {
    registryMappings: RegistryMapping[];
    imageMappings?: { sourceImage: string; destinationImage: string }[];
}

/** The credential ARN of each copy registry, by prefix (created secrets' ARNs are known only after they exist). */
export type CopyCredentialArns = Readonly<Partial<Record<string, string>>>;

function mappingsOf(registry: RegistryConfig, credentialArns: CopyCredentialArns): RegistryMapping[] {
    const credential =
        registry.servedBy === "healthomics-copy" && credentialArns[registry.ecrRepositoryPrefix] !== undefined
            ? { credentialArn: credentialArns[registry.ecrRepositoryPrefix] }
            : {};
    // One mapping per host workflows write for the registry: HealthOmics matches the host exactly.
    return [registry.upstreamRegistryUrl, ...registry.additionalHosts].map(host => ({
        upstreamRegistryUrl: host,
        ecrRepositoryPrefix: registry.ecrRepositoryPrefix,
        ...credential,
    }));
}

export function buildRegistryMap(
    config: Pick<OmicsRegistryConfig, "registries">,
    map: MapConfig,
    credentialArns: CopyCredentialArns,
): ContainerRegistryMap {
    const registryMappings = config.registries
        .filter(r => map.registryPrefixes.includes(r.ecrRepositoryPrefix))
        .flatMap(r => mappingsOf(r, credentialArns));
    if (map.imageMappings.length === 0) {
        return { registryMappings };
    }
    return {
        registryMappings,
        imageMappings: map.imageMappings.map(m => ({
            sourceImage: m.sourceImage,
            destinationImage: m.destinationImage,
        })),
    };
}

/** The map object's content, exactly as stored in S3. */
export function serializeRegistryMap(map: ContainerRegistryMap): string {
    return `${JSON.stringify(map, null, 2)}\n`;
}

/**
 * `<prefix>/<map name>/<sha256 of the content, 64 hex>.json`: a workflow keeps the map it was created with
 * (GetWorkflow returns it; UpdateWorkflow cannot change it), so each revision gets a key of its own and
 * every URI a workflow was created from keeps naming the same map. Releases before 0.2 used the first 16 hex
 * digits; their objects stay where they are (the map object is retained on delete), so no handed-out URI breaks.
 */
export function registryMapObjectKey(prefix: string, mapName: string, content: string): string {
    const digest = createHash("sha256").update(content).digest("hex");
    return `${prefix}/${mapName}/${digest}.json`;
}
