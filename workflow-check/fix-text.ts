// Writes the "fix" of a finding: the stack-file YAML (or map JSON) entry that would make an image resolve.
import { stringify } from "yaml";
import { CREDENTIAL_SECRET_NAME_PREFIX, registryHost, RegistryLocation } from "../policy-pack/rules/ecr-naming";
import { ImageMappingEntry, SuggestedRegistry } from "../policy-pack/rules/image-resolution";
import {
    COPY_CREDENTIAL_SECRET_NAME_PREFIX,
    credentialSecretShape,
    lookupUpstream,
    SecretField,
    UNDOCUMENTED_OPT_IN,
    UpstreamRegistry,
} from "../policy-pack/rules/registry-catalogue";
import { FixStyle, RegistryFix } from "./types";

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
        return (
            `add to imageMappings in the map: ` + JSON.stringify({ sourceImage: mapping.sourceImage, destinationImage })
        );
    }
    return `add to ${target(context)}:\n${yamlUnder(`${context.namespace}:imageMappings`, [mapping])}`;
}

/** A registry fix before it is counted: the entry and its text. */
export type RegistryFixText = Pick<RegistryFix, "servedBy" | "style" | "entry" | "text">;

/** `'$oauthtoken'` for a value the registry fixes (single-quoted for the shell), the placeholder otherwise. */
function secretValueArgument(field: SecretField): string {
    return field.fixedValue !== undefined ? `'${field.fixedValue}'` : field.placeholder;
}

function secretShapeWords(fields: readonly SecretField[]): string {
    return `{${fields.map(f => (f.fixedValue !== undefined ? `${f.key}: "${f.fixedValue}"` : f.key)).join(", ")}}`;
}

/** The fix for an unmapped host, in words: what registryFixDetails says, as printed. */
export function registryFix(registry: SuggestedRegistry, context: FixContext): string {
    return registryFixDetails(registry, context).text;
}

/** The registry entry (or additional host) to add so a host gets a registry mapping; the right shape for its kind. */
export function registryFixDetails(registry: SuggestedRegistry, context: FixContext): RegistryFixText {
    const upstream = lookupUpstream(registry.upstreamRegistryUrl);
    const servedBy = upstream?.servedBy ?? "pull-through-cache";
    const shape = credentialSecretShape(registry.upstreamRegistryUrl);
    if (context.style === "map-json") {
        return { servedBy, style: "map-json", ...mapEntryFix(registry, servedBy, shape, context) };
    }
    if (registry.additionalHost !== undefined && registry.upstreamAlreadyMapped) {
        const entry = { upstreamRegistryUrl: registry.upstreamRegistryUrl, additionalHosts: [registry.additionalHost] };
        const text =
            `in ${target(context)}, add ${registry.additionalHost} to the additionalHosts of the ` +
            `${context.namespace}:registries entry for ${registry.upstreamRegistryUrl}:\n` +
            `  additionalHosts:\n    - ${registry.additionalHost}`;
        return { servedBy, style: "stack-yaml", entry, text };
    }
    const entry: Record<string, unknown> = {
        upstreamRegistryUrl: registry.upstreamRegistryUrl,
        ecrRepositoryPrefix: registry.ecrRepositoryPrefix,
    };
    const key = credentialKeyFor(registry.ecrRepositoryPrefix);
    if (registry.credentials === "required") {
        entry.credentials = { secretConfigKey: key };
    }
    if (registry.additionalHost !== undefined) {
        entry.additionalHosts = [registry.additionalHost];
    }
    Object.assign(entry, registry.entryFields);
    const secretNote =
        registry.credentials === "required"
            ? `\nthen set the secret, ${secretShapeWords(shape)}:\n` +
              shape
                  .map(
                      field =>
                          `  pulumi config set --secret --path '${key}.${field.key}' ${secretValueArgument(field)}`,
                  )
                  .join("\n")
            : "";
    const yaml = yamlUnder(`${context.namespace}:registries`, [entry]);
    return {
        servedBy,
        style: "stack-yaml",
        entry,
        text: `add to ${target(context)}:\n${yaml}${secretNote}${undocumentedNote(upstream)}`,
    };
}

/** Why a host's entry must opt in (no AWS source documents it), as a line of its own; empty otherwise. */
function undocumentedNote(upstream: UpstreamRegistry | undefined): string {
    return upstream?.undocumented !== undefined ? `\n${UNDOCUMENTED_OPT_IN}: ${upstream.undocumented}` : "";
}

function mapEntryFix(
    registry: SuggestedRegistry,
    servedBy: RegistryFix["servedBy"],
    shape: readonly SecretField[],
    context: FixContext,
): Pick<RegistryFix, "entry" | "text"> {
    const { account, region, partition } = context.location;
    const host = registry.additionalHost ?? registry.upstreamRegistryUrl;
    const prefix = registry.ecrRepositoryPrefix;
    if (servedBy === "healthomics-copy") {
        // HealthOmics copies from these hosts itself; ECR cannot serve them, so no pull-through cache rule
        // (HealthOmics User Guide containers-non-ptc-registries.html; containers-workflow-creation.html: mappings
        // for registries HealthOmics copies from must include credentialArn).
        const secretName = `${COPY_CREDENTIAL_SECRET_NAME_PREFIX}${prefix}`;
        const entry = {
            upstreamRegistryUrl: host,
            ecrRepositoryPrefix: prefix,
            credentialArn: `arn:${partition}:secretsmanager:${region}:${account}:secret:${secretName}`,
        };
        return {
            entry,
            text:
                `add to registryMappings in the map:\n${JSON.stringify(entry, null, 2)}\n` +
                `HealthOmics copies images from ${host} itself (no ECR pull-through cache rule can serve it). ` +
                `credentialArn is ` +
                `the full ARN of a Secrets Manager secret (here named ${secretName}) in account ${account}, ` +
                `${region}, holding ` +
                `${secretShapeWords(shape)}, which the run's HealthOmics role may read ` +
                `(secretsmanager:GetSecretValue).` +
                undocumentedNote(lookupUpstream(registry.upstreamRegistryUrl)),
        };
    }
    const entry = { upstreamRegistryUrl: host, ecrRepositoryPrefix: prefix };
    const rule = registry.upstreamAlreadyMapped
        ? ""
        : `\nand an ECR pull-through cache rule for prefix ${prefix} from ${registry.upstreamRegistryUrl}` +
          (registry.credentials === "required"
              ? `, with a Secrets Manager secret named ${CREDENTIAL_SECRET_NAME_PREFIX}${prefix} holding ` +
                secretShapeWords(shape)
              : "") +
          " (with its repository creation template and registry policy; a stack of this project declares them all)";
    return { entry, text: `add to registryMappings in the map:\n${JSON.stringify(entry, null, 2)}${rule}` };
}
