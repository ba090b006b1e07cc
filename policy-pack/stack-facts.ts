// Pulls the facts the policies compare out of a stack's resources, tolerating unknown values.
import { PolicyResource } from "@pulumi/policy";
import { OMICS_SERVICE_PRINCIPAL } from "./rules/ecr-naming";
import { lookupUpstream, upstreamOfAlias } from "./rules/registry-catalogue";
import { parsePolicyDocument, Statement, grantsToService } from "./rules/iam-document";
import { isKnown, Known, readProp, readString, UNKNOWN } from "./known-value";

export const TYPES = {
    pullThroughCacheRule: "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
    repositoryCreationTemplate: "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
    registryPolicy: "aws:ecr/registryPolicy:RegistryPolicy",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    managedPolicy: "aws:iam/policy:Policy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    scanningConfiguration: "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
    bucketObjects: ["aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/bucketObject:BucketObject"],
} as const;

export interface RuleFact {
    resource: PolicyResource;
    prefix: Known<string | undefined>;
    upstreamUrl: Known<string | undefined>;
    credentialArn: Known<string | undefined>;
}

export function pullThroughCacheRules(resources: readonly PolicyResource[]): RuleFact[] {
    return resources
        .filter(r => r.type === TYPES.pullThroughCacheRule)
        .map(resource => ({
            resource,
            prefix: readString(resource.props, "ecrRepositoryPrefix"),
            upstreamUrl: readString(resource.props, "upstreamRegistryUrl"),
            credentialArn: readString(resource.props, "credentialArn"),
        }));
}

/** The rules' prefixes, sorted; `complete` is false when some rule's prefix is not known yet. */
export function rulePrefixes(rules: readonly RuleFact[]): { prefixes: string[]; complete: boolean } {
    const prefixes = rules
        .map(r => r.prefix)
        .filter((p): p is string => isKnown(p) && p !== undefined)
        .sort();
    return { prefixes, complete: prefixes.length === rules.length };
}

/** Statements of a resource's policy document property; UNKNOWN during preview, undefined if unreadable. */
export function documentStatements(resource: PolicyResource, prop: string): Known<Statement[] | undefined> {
    const document = readProp(resource.props, prop);
    return isKnown(document) ? parsePolicyDocument(document) : UNKNOWN;
}

/** Whether `resource`'s property `prop` refers to `target`: by engine dependency, or by an equal known value. */
export function refersTo(
    resource: PolicyResource,
    prop: string,
    target: PolicyResource,
    targetValueProps: readonly string[],
): boolean {
    if ((resource.propertyDependencies[prop] ?? []).some(d => d.urn === target.urn)) {
        return true;
    }
    const value = readString(resource.props, prop);
    return isKnown(value) && value !== undefined && targetValueProps.some(p => readString(target.props, p) === value);
}

/** Whether the engine links `resource`'s property `prop` to any other resource. */
function dependsOnAnything(resource: PolicyResource, prop: string): boolean {
    return prop in resource.propertyDependencies && resource.propertyDependencies[prop].length > 0;
}

export interface OmicsRoleFact {
    resource: PolicyResource;
    /**
     * One entry per policy document that applies to the role: inline (RolePolicy, `inlinePolicies`) and managed
     * policies of the stack.
     */
    documents: Known<Statement[] | undefined>[];
}

/**
 * Whether `resource`'s list property `prop` names `target` (by dependency, or an element equal to one of the target's
 * values).
 */
function listRefersTo(
    resource: PolicyResource,
    prop: string,
    target: PolicyResource,
    targetValueProps: readonly string[],
): Known<boolean> {
    if ((resource.propertyDependencies[prop] ?? []).some(d => d.urn === target.urn)) {
        return true;
    }
    const values = readProp(resource.props, prop);
    if (!isKnown(values)) {
        return UNKNOWN;
    }
    const targetValues = targetValueProps
        .map(p => readString(target.props, p))
        .filter((v): v is string => isKnown(v) && v !== undefined);
    return Array.isArray(values) && values.some(v => typeof v === "string" && targetValues.includes(v));
}

/**
 * The managed policies (aws.iam.Policy of this stack) attached to `role`: through RolePolicyAttachment,
 * PolicyAttachment or the role's `managedPolicyArns`. A policy ARN that names no policy of the stack (an AWS managed
 * policy, or one made elsewhere) cannot be read and is left out.
 */
function managedPolicyDocuments(
    resources: readonly PolicyResource[],
    role: PolicyResource,
): Known<Statement[] | undefined>[] {
    const policies = resources.filter(r => r.type === TYPES.managedPolicy);
    const attached = new Set<PolicyResource>();
    const attachments = [
        ...resources.filter(r => r.type === TYPES.rolePolicyAttachment && refersTo(r, "role", role, ["name", "id"])),
        ...resources.filter(
            r => r.type === TYPES.policyAttachment && listRefersTo(r, "roles", role, ["name", "id"]) === true,
        ),
    ];
    for (const attachment of attachments) {
        policies.filter(p => refersTo(attachment, "policyArn", p, ["arn", "id"])).forEach(p => attached.add(p));
    }
    policies
        .filter(p => listRefersTo(role, "managedPolicyArns", p, ["arn", "id"]) === true)
        .forEach(p => attached.add(p));
    return [...attached].map(p => documentStatements(p, "policy"));
}

/**
 * Roles HealthOmics may assume, with every policy document of the stack that applies to them.
 * `complete` is false when some role's trust policy is unknown, so it may be one more such role.
 */
export function omicsRoles(resources: readonly PolicyResource[]): { roles: OmicsRoleFact[]; complete: boolean } {
    const rolePolicies = resources.filter(r => r.type === TYPES.rolePolicy);
    const trusts = resources
        .filter(r => r.type === TYPES.role)
        .map((role): { role: PolicyResource; trust: Known<Statement[] | undefined> } => ({
            role,
            trust: documentStatements(role, "assumeRolePolicy"),
        }));
    const roles = trusts
        .filter(({ trust }) => isKnown(trust) && (trust ?? []).some(s => grantsToService(s, OMICS_SERVICE_PRINCIPAL)))
        .map(({ role }) => {
            const attached = rolePolicies.filter(p => refersTo(p, "role", role, ["name", "id"]));
            // `inlinePolicies` is computed by the provider, so it is unknown in every preview of a new role;
            // reading that as "no inline policies" keeps the prefix checks useful in preview.
            // After an update it also lists the RolePolicy documents, and `{name: "", policy: ""}` when empty.
            const inline = readProp(role.props, "inlinePolicies");
            const inlineDocuments = (
                isKnown(inline) && Array.isArray(inline) ? (inline as { name?: unknown; policy?: unknown }[]) : []
            )
                .filter(p => p.policy !== undefined && p.policy !== "")
                // the same document as a RolePolicy of the stack is counted once
                .filter(
                    p =>
                        !attached.some(
                            rp =>
                                readString(rp.props, "name") === p.name && readString(rp.props, "policy") === p.policy,
                        ),
                )
                .map(p => parsePolicyDocument(p.policy));
            // a RolePolicy or attachment whose role is unknown and not linked by the engine's dependencies may be this
            // role's
            const unresolved = [...rolePolicies, ...resources.filter(r => r.type === TYPES.rolePolicyAttachment)]
                .filter(p => !isKnown(readString(p.props, "role")) && !dependsOnAnything(p, "role"))
                .map((): Known<Statement[] | undefined> => UNKNOWN);
            return {
                resource: role,
                documents: [
                    ...attached.map(p => documentStatements(p, "policy")),
                    ...inlineDocuments,
                    ...managedPolicyDocuments(resources, role),
                    ...unresolved,
                ],
            };
        });
    return { roles, complete: trusts.every(({ trust }) => isKnown(trust)) };
}

/** A map entry's fields; an entry that is not an object reads as one without fields. */
export type MapEntry = Record<string, unknown>;

export interface RegistryMapFact {
    resource: PolicyResource;
    registryMappings: MapEntry[];
    imageMappings: MapEntry[];
}

function asEntry(value: unknown): MapEntry {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as MapEntry) : {};
}

function entries(value: unknown): MapEntry[] {
    return Array.isArray(value) ? value.map(asEntry) : [];
}

/** S3 objects whose content is a HealthOmics container registry map. Unknown contents are skipped. */
export function registryMaps(resources: readonly PolicyResource[]): RegistryMapFact[] {
    const maps: RegistryMapFact[] = [];
    for (const resource of resources.filter(r => (TYPES.bucketObjects as readonly string[]).includes(r.type))) {
        const content = readString(resource.props, "content");
        if (!isKnown(content) || content === undefined) {
            continue;
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(content);
        } catch {
            continue;
        }
        const map = asEntry(parsed);
        if (Array.isArray(map.registryMappings) || Array.isArray(map.imageMappings)) {
            maps.push({
                resource,
                registryMappings: entries(map.registryMappings),
                imageMappings: entries(map.imageMappings),
            });
        }
    }
    return maps;
}

/** Short label for messages: the resource's logical name. */
export function label(resource: PolicyResource): string {
    return `'${resource.name}'`;
}

/** The name of a Secret resource (`name`, else `namePrefix`); UNKNOWN or undefined when it cannot be told. */
export function secretName(secret: PolicyResource): Known<string | undefined> {
    const name = readString(secret.props, "name");
    return isKnown(name) && name === undefined ? readString(secret.props, "namePrefix") : name;
}

/**
 * The Secret resources `resource.props[prop]` (a secret ARN) comes from: directly, or through a SecretVersion
 * whose `secretId` names the secret (`credentialArn: version.arn`). Links are followed by engine property
 * dependency first, then by equal known values (a SecretVersion's `arn` is its secret's ARN).
 */
export function linkedSecrets(
    resources: readonly PolicyResource[],
    resource: PolicyResource,
    prop: string,
): PolicyResource[] {
    const secrets = resources.filter(r => r.type === TYPES.secret);
    const versions = resources.filter(r => r.type === TYPES.secretVersion);
    const found = new Set<PolicyResource>(secrets.filter(s => refersTo(resource, prop, s, ["arn", "id"])));
    for (const version of versions.filter(v => refersTo(resource, prop, v, ["arn"]))) {
        secrets.filter(s => refersTo(version, "secretId", s, ["arn", "id", "name"])).forEach(s => found.add(s));
    }
    return [...found];
}

/** Whether a registry host is one HealthOmics copies from itself (no pull-through cache rule). */
export function isCopyHost(host: string): boolean {
    return lookupUpstream(host.toLowerCase())?.servedBy === "healthomics-copy";
}

/** The upstream a registry mapping's host stands for: itself, or the upstream it is an alias of (`docker.io`). */
export function canonicalUpstream(host: string): string {
    return upstreamOfAlias(host) ?? host.toLowerCase();
}

/**
 * Prefixes the stack's registry maps give to HealthOmics-copy registries (entries whose host HealthOmics copies from).
 */
export function copyPrefixes(maps: readonly RegistryMapFact[]): string[] {
    const prefixes = maps
        .flatMap(m => m.registryMappings)
        .filter(
            e =>
                typeof e.upstreamRegistryUrl === "string" &&
                isCopyHost(e.upstreamRegistryUrl) &&
                typeof e.ecrRepositoryPrefix === "string",
        )
        .map(e => e.ecrRepositoryPrefix as string);
    return [...new Set(prefixes)].sort();
}

/** Whether every S3 object that may hold a registry map has known content. False in a first preview of a stack whose
 *  maps name what does not exist yet (copy-registry secret ARNs): then the maps' entries are not all known. */
export function registryMapsComplete(resources: readonly PolicyResource[]): boolean {
    return resources
        .filter(r => (TYPES.bucketObjects as readonly string[]).includes(r.type))
        .every(r => isKnown(readString(r.props, "content")));
}

export interface DeclaredPrefixes {
    rules: string[];
    copies: string[];
    /** False when a rule's prefix or a map's content is unknown: the lists may then miss prefixes. */
    complete: boolean;
}

/** Prefixes the rules and HealthOmics-copy registry mappings among `resources` declare. */
export function declaredPrefixes(resources: readonly PolicyResource[]): DeclaredPrefixes {
    const { prefixes, complete } = rulePrefixes(pullThroughCacheRules(resources));
    return {
        rules: prefixes,
        copies: copyPrefixes(registryMaps(resources)),
        complete: complete && registryMapsComplete(resources),
    };
}

export interface TemplateFact {
    resource: PolicyResource;
    prefix: Known<unknown>;
    appliedFor: Known<unknown>;
}

export function creationTemplates(resources: readonly PolicyResource[]): TemplateFact[] {
    return resources
        .filter(r => r.type === TYPES.repositoryCreationTemplate)
        .map(resource => ({
            resource,
            prefix: readProp(resource.props, "prefix"),
            appliedFor: readProp(resource.props, "appliedFors"),
        }));
}

/** Whether a template applies to PULL_THROUGH_CACHE; UNKNOWN when `appliedFors` is unknown. */
export function appliesToPullThroughCache(template: TemplateFact): Known<boolean> {
    return isKnown(template.appliedFor)
        ? Array.isArray(template.appliedFor) && template.appliedFor.includes("PULL_THROUGH_CACHE")
        : UNKNOWN;
}
