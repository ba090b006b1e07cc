// The HealthOmics container registry map, built from the same validated config as the resources.
import { OmicsRegistryConfig } from "../config/types";

export interface ContainerRegistryMap {
    registryMappings: { upstreamRegistryUrl: string; ecrRepositoryPrefix: string }[];
    imageMappings?: { sourceImage: string; destinationImage: string }[];
}

export function buildRegistryMap(config: Pick<OmicsRegistryConfig, "registries" | "imageMappings">): ContainerRegistryMap {
    const registryMappings = config.registries.map(r => ({
        upstreamRegistryUrl: r.upstreamRegistryUrl,
        ecrRepositoryPrefix: r.ecrRepositoryPrefix,
    }));
    if (config.imageMappings.length === 0) {
        return { registryMappings };
    }
    return {
        registryMappings,
        imageMappings: config.imageMappings.map(m => ({ sourceImage: m.sourceImage, destinationImage: m.destinationImage })),
    };
}
