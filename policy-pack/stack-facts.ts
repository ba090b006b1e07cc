// Pulls the facts the policies compare out of a stack's resources, tolerating unknown values.
import { PolicyResource } from "@pulumi/policy";
import { OMICS_SERVICE_PRINCIPAL } from "./rules/ecr-naming";
import { parsePolicyDocument, Statement, grantsToService } from "./rules/iam-document";
import { isKnown, Known, readProp, readString, UNKNOWN } from "./known-value";

export const TYPES = {
    pullThroughCacheRule: "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
    repositoryCreationTemplate: "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
    registryPolicy: "aws:ecr/registryPolicy:RegistryPolicy",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    secret: "aws:secretsmanager/secret:Secret",
    bucketObjects: ["aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/bucketObject:BucketObject"],
} as const;

export interface RuleFact {
    resource: PolicyResource;
    prefix: Known<string | undefined>;
    upstreamUrl: Known<string | undefined>;
    credentialArn: Known<string | undefined>;
}

export function pullThroughCacheRules(resources: readonly PolicyResource[]): RuleFact[] {
    return resources.filter(r => r.type === TYPES.pullThroughCacheRule).map(resource => ({
        resource,
        prefix: readString(resource.props, "ecrRepositoryPrefix"),
        upstreamUrl: readString(resource.props, "upstreamRegistryUrl"),
        credentialArn: readString(resource.props, "credentialArn"),
    }));
}

/** The rules' prefixes, sorted; `complete` is false when some rule's prefix is not known yet. */
export function rulePrefixes(rules: readonly RuleFact[]): { prefixes: string[]; complete: boolean } {
    const prefixes = rules.map(r => r.prefix).filter((p): p is string => isKnown(p) && p !== undefined).sort();
    return { prefixes, complete: prefixes.length === rules.length };
}

/** Statements of a resource's policy document property; UNKNOWN during preview, undefined if unreadable. */
export function documentStatements(resource: PolicyResource, prop: string): Known<Statement[] | undefined> {
    const document = readProp(resource.props, prop);
    return isKnown(document) ? parsePolicyDocument(document) : UNKNOWN;
}

/** Whether `resource`'s property `prop` refers to `target`: by engine dependency, or by an equal known value. */
export function refersTo(resource: PolicyResource, prop: string, target: PolicyResource, targetValueProps: readonly string[]): boolean {
    if ((resource.propertyDependencies[prop] ?? []).some(d => d.urn === target.urn)) {
        return true;
    }
    const value = readString(resource.props, prop);
    return isKnown(value) && value !== undefined && targetValueProps.some(p => readString(target.props, p) === value);
}

export interface OmicsRoleFact {
    resource: PolicyResource;
    /** One entry per inline policy document attached to the role. */
    documents: Known<Statement[] | undefined>[];
}

/**
 * Roles HealthOmics may assume, with their inline policies (RolePolicy resources and `inlinePolicies`).
 * `complete` is false when some role's trust policy is unknown, so it may be one more such role.
 */
export function omicsRoles(resources: readonly PolicyResource[]): { roles: OmicsRoleFact[]; complete: boolean } {
    const rolePolicies = resources.filter(r => r.type === TYPES.rolePolicy);
    const trusts = resources.filter(r => r.type === TYPES.role)
        .map((role): { role: PolicyResource; trust: Known<Statement[] | undefined> } => ({ role, trust: documentStatements(role, "assumeRolePolicy") }));
    const roles = trusts
        .filter(({ trust }) => isKnown(trust) && (trust ?? []).some(s => grantsToService(s, OMICS_SERVICE_PRINCIPAL)))
        .map(({ role }) => {
            const attached = rolePolicies.filter(p => refersTo(p, "role", role, ["name", "id"]));
            // `inlinePolicies` is computed by the provider, so it is unknown in every preview of a new role;
            // reading that as "no inline policies" keeps the prefix checks useful in preview.
            // After an update it also lists the RolePolicy documents, and `{name: "", policy: ""}` when empty.
            const inline = readProp(role.props, "inlinePolicies");
            const inlineDocuments = (isKnown(inline) && Array.isArray(inline) ? inline as { policy?: unknown }[] : [])
                .filter(p => p.policy !== undefined && p.policy !== "")
                .map(p => parsePolicyDocument(p.policy));
            return { resource: role, documents: [...attached.map(p => documentStatements(p, "policy")), ...inlineDocuments] };
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
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value as MapEntry : {};
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
            maps.push({ resource, registryMappings: entries(map.registryMappings), imageMappings: entries(map.imageMappings) });
        }
    }
    return maps;
}

/** Short label for messages: the resource's logical name. */
export function label(resource: PolicyResource): string {
    return `'${resource.name}'`;
}
