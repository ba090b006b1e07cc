// Writes the "fix" of a finding: the stack-file YAML (or map JSON) entry that would make an image resolve.
import { stringify } from "yaml";
import { registryHost, RegistryLocation } from "../policy-pack/rules/ecr-naming";
import { ImageMappingEntry, SuggestedRegistry } from "../policy-pack/rules/image-resolution";
import { FixStyle } from "./types";

export interface FixContext {
    style: FixStyle;
    /** The Pulumi project namespace of the stack-file keys (`omics-registry-maps`). */
    namespace: string;
    /** The stack file fixes go into, for the wording (`Pulumi.dev.yaml`). */
    stackFile?: string;
    location: RegistryLocation;
}

/** `docker-hub` → `dockerHubCredentials`: the secret config key the README uses for Docker Hub. */
function credentialKeyFor(prefix: string): string {
    const words = prefix.split(/[^a-z0-9]+/).filter(word => word !== "");
    return `${words.map((word, i) => (i === 0 ? word : word[0].toUpperCase() + word.slice(1))).join("")}Credentials`;
}

function target(context: FixContext): string {
    return context.stackFile ?? "the stack file";
}

function yamlUnder(key: string, entries: unknown[]): string {
    return stringify({ [key]: entries }).trimEnd();
}

/** The entry to add for an image mapping; stack files take destinations relative to the stack's registry. */
export function imageMappingFix(mapping: ImageMappingEntry, context: FixContext): string {
    if (context.style === "map-json") {
        const destinationImage = `${registryHost(context.location)}/${mapping.destinationImage}`;
        return `add to imageMappings in the map: ${JSON.stringify({ sourceImage: mapping.sourceImage, destinationImage })}`;
    }
    return `add to ${target(context)}:\n${yamlUnder(`${context.namespace}:imageMappings`, [mapping])}`;
}

/** The registry entry (or additional host) to add so a host gets a registry mapping. */
export function registryFix(registry: SuggestedRegistry, context: FixContext): string {
    if (context.style === "map-json") {
        const entry = { upstreamRegistryUrl: registry.additionalHost ?? registry.upstreamRegistryUrl, ecrRepositoryPrefix: registry.ecrRepositoryPrefix };
        const rule = registry.upstreamAlreadyMapped ? "" : ` (and an ECR pull-through cache rule ${registry.ecrRepositoryPrefix} → ${registry.upstreamRegistryUrl})`;
        return `add to registryMappings in the map: ${JSON.stringify(entry)}${rule}`;
    }
    if (registry.additionalHost !== undefined && registry.upstreamAlreadyMapped) {
        return `in ${target(context)}, add ${registry.additionalHost} to the additionalHosts of the ${context.namespace}:registries entry for ${registry.upstreamRegistryUrl}:\n` +
            `  additionalHosts:\n    - ${registry.additionalHost}`;
    }
    const entry: Record<string, unknown> = { upstreamRegistryUrl: registry.upstreamRegistryUrl, ecrRepositoryPrefix: registry.ecrRepositoryPrefix };
    if (registry.credentials === "required") {
        entry.credentials = { secretConfigKey: credentialKeyFor(registry.ecrRepositoryPrefix) };
    }
    if (registry.additionalHost !== undefined) {
        entry.additionalHosts = [registry.additionalHost];
    }
    Object.assign(entry, registry.entryFields);
    const secretNote = registry.credentials === "required"
        ? `\n(then set the secret: pulumi config set --secret --path '${credentialKeyFor(registry.ecrRepositoryPrefix)}.username' <user>; and .accessToken)`
        : "";
    return `add to ${target(context)}:\n${yamlUnder(`${context.namespace}:registries`, [entry])}${secretNote}`;
}
