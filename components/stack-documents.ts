// Everything a stack deploys that is plain data: the container registry maps and the IAM and ECR documents.
// The components declare resources from it, and `omics-registry-maps render` writes it out for review.
import { OmicsRegistryConfig, RegistryConfig } from "../config/types";
import { credentialSecretName } from "../config/validate-credentials";
import { secretGrantResource } from "../policy-pack/rules/ecr-naming";
import { LifecyclePolicy, lifecyclePolicyDocument } from "./lifecycle-policy";
import {
    omicsRunPolicyDocument,
    omicsTrustPolicyDocument,
    PolicyDocument,
    registryPolicyDocument,
    repositoryPolicyDocument,
    templateRolePolicyDocument,
    templateRoleTrustPolicyDocument,
} from "./policy-documents";
import {
    buildRegistryMap,
    ContainerRegistryMap,
    CopyCredentialArns,
    registryMapObjectKey,
    serializeRegistryMap,
} from "./registry-map";

export interface RenderedMap {
    name: string;
    map: ContainerRegistryMap;
    /** The object's content, byte for byte. */
    content: string;
    objectKey: string;
}

export interface StackDocuments {
    registryPolicy: PolicyDocument;
    templateRepositoryPolicy: PolicyDocument;
    templateLifecyclePolicy?: LifecyclePolicy;
    /** Present when the creation templates tag repositories or encrypt them with a KMS key. */
    templateRole?: { trust: PolicyDocument; policy: PolicyDocument };
    omicsTrustPolicy: PolicyDocument;
    omicsRolePolicy: PolicyDocument;
}

export interface RenderedStack {
    maps: RenderedMap[];
    documents: StackDocuments;
}

export function pullThroughRegistries(config: Pick<OmicsRegistryConfig, "registries">): RegistryConfig[] {
    return config.registries.filter(r => r.servedBy === "pull-through-cache");
}

export function copyRegistries(config: Pick<OmicsRegistryConfig, "registries">): RegistryConfig[] {
    return config.registries.filter(r => r.servedBy === "healthomics-copy");
}

/** True when creation templates need a custom role: ECR's service-linked role can only CreateRepository. */
export function templatesNeedRole(config: Pick<OmicsRegistryConfig, "tags" | "cachedRepositories">): boolean {
    return Object.keys(config.tags).length > 0 || config.cachedRepositories.kmsKeyArn !== undefined;
}

/**
 * The ARN the run role may read a copy registry's secret by: the given ARN (`<arn>-??????` when given without its
 * 6-character suffix, see secretGrantResource), or for a secret this stack creates the `<name>-??????` pattern IAM
 * documents for Secrets Manager (its random suffix is known only after creation).
 */
export function copySecretArnPattern(
    config: Pick<OmicsRegistryConfig, "target">,
    registry: RegistryConfig,
): string | undefined {
    const credentials = registry.credentials;
    if (credentials === undefined) {
        return undefined;
    }
    return credentials.kind === "existing-secret"
        ? secretGrantResource(credentials.secretArn)
        : createdSecretArn(config, registry, "??????");
}

/** The ARN of a secret this stack creates for `registry`, with `suffix` standing for the 6 characters AWS appends. */
function createdSecretArn(
    config: Pick<OmicsRegistryConfig, "target">,
    registry: RegistryConfig,
    suffix: string,
): string {
    const { partition, region, account } = config.target;
    const name = credentialSecretName(registry.servedBy, registry.ecrRepositoryPrefix);
    return `arn:${partition}:secretsmanager:${region}:${account}:secret:${name}-${suffix}`;
}

export function stackDocuments(config: OmicsRegistryConfig): StackDocuments {
    const { target } = config;
    const ptcPrefixes = pullThroughRegistries(config).map(r => r.ecrRepositoryPrefix);
    const copy = copyRegistries(config);
    const allPrefixes = config.registries.map(r => r.ecrRepositoryPrefix);
    const lifecycle = lifecyclePolicyDocument(config.cachedRepositories.lifecycle);
    return {
        registryPolicy: registryPolicyDocument(target, ptcPrefixes, config.registryPolicyStatements),
        templateRepositoryPolicy: repositoryPolicyDocument(),
        ...(lifecycle ? { templateLifecyclePolicy: lifecycle } : {}),
        ...(templatesNeedRole(config) && ptcPrefixes.length > 0
            ? {
                  templateRole: {
                      trust: templateRoleTrustPolicyDocument(),
                      policy: templateRolePolicyDocument(target, ptcPrefixes, config.cachedRepositories.kmsKeyArn),
                  },
              }
            : {}),
        omicsTrustPolicy: omicsTrustPolicyDocument(target),
        omicsRolePolicy: omicsRunPolicyDocument(target, allPrefixes, config.workflowBuckets, {
            prefixes: copy.map(r => r.ecrRepositoryPrefix),
            secretArns: copy.map(r => copySecretArnPattern(config, r)).filter((a): a is string => a !== undefined),
            kmsKeyArns: copy
                .map(r => (r.credentials?.kind === "existing-secret" ? r.credentials.kmsKeyArn : undefined))
                .filter((k): k is string => k !== undefined),
        }),
    };
}

/** The maps as stored, given the copy registries' credential ARNs. */
export function renderMaps(config: OmicsRegistryConfig, credentialArns: CopyCredentialArns): RenderedMap[] {
    return config.maps.map(mapConfig => {
        const map = buildRegistryMap(config, mapConfig, credentialArns);
        const content = serializeRegistryMap(map);
        return {
            name: mapConfig.name,
            map,
            content,
            objectKey: registryMapObjectKey(config.mapObjectPrefix, mapConfig.name, content),
        };
    });
}

/**
 * Offline rendering (`omics-registry-maps render`): secrets this stack would create get a placeholder ARN,
 * reported in `placeholders`, since their random suffix exists only once Secrets Manager made them.
 */
export function renderStack(config: OmicsRegistryConfig): RenderedStack & { placeholders: string[] } {
    const credentialArns: Record<string, string> = {};
    const placeholders: string[] = [];
    for (const registry of copyRegistries(config)) {
        const credentials = registry.credentials;
        if (credentials?.kind === "existing-secret") {
            credentialArns[registry.ecrRepositoryPrefix] = credentials.secretArn;
        } else if (credentials?.kind === "pulumi-secret") {
            const arn = createdSecretArn(config, registry, "XXXXXX");
            credentialArns[registry.ecrRepositoryPrefix] = arn;
            placeholders.push(
                `${arn} (the secret this stack creates; its 6-character suffix is known after pulumi up)`,
            );
        }
    }
    return { maps: renderMaps(config, credentialArns), documents: stackDocuments(config), placeholders };
}
