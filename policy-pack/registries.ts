// Which ECR registry (account and region) each resource of a stack belongs to, so that a stack with several AWS
// providers (several accounts or regions) is judged registry by registry. A resource's registry is that of its
// provider, told only by provider-computed values (`registryId`, ARNs, `region`) and the provider's own config
// (`region`, `allowedAccountIds`, the role it assumes); never by what a user wrote into a document.
import { PolicyResource } from "@pulumi/policy";
import { isKnown, Known, readProp, readString, UNKNOWN } from "./known-value";

export interface Registry {
    /** Provider URNs whose resources are in this registry ("" stands for resources the engine gave no provider). */
    providers: string[];
    account?: string;
    region?: string;
    partition?: string;
    resources: PolicyResource[];
}

/** The registry of a subject resource and the resources around it. */
export interface RegistryScope {
    registry: Registry;
    /** Resources surely in the subject's registry. Use for what the subject must have (a partial list is safe). */
    surely: PolicyResource[];
    /** Resources that may be in it (also those of providers whose account or region is not known yet). Use for
     *  what the subject may name: a prefix is undeclared only if no resource of `possibly` declares it. */
    possibly: PolicyResource[];
}

const ARN = /^arn:(aws(?:-[a-z]+)*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}):/;
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\//;

/** A provider input: the engine sends the AWS provider's object and list settings as JSON text. */
function providerSetting(props: Record<string, unknown>, name: string): Known<unknown> {
    const value = readProp(props, name);
    if (typeof value !== "string") {
        return value;
    }
    try {
        return JSON.parse(value) as unknown;
    } catch {
        return value;
    }
}

/** The account an AWS provider is pinned to by its config: one `allowedAccountIds` entry, or the role it assumes. */
function providerAccounts(props: Record<string, unknown>): string[] {
    const accounts: string[] = [];
    const allowed = providerSetting(props, "allowedAccountIds");
    if (isKnown(allowed) && Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === "string") {
        accounts.push(allowed[0]);
    }
    const chain = providerSetting(props, "assumeRoles");
    const single = providerSetting(props, "assumeRole");
    const roles: unknown[] = [
        ...(isKnown(chain) && Array.isArray(chain) ? (chain as unknown[]) : []),
        ...(isKnown(single) && single !== undefined ? [single] : []),
    ];
    const last = roles[roles.length - 1];
    const roleArn = typeof last === "object" && last !== null ? (last as Record<string, unknown>).roleArn : undefined;
    const match = typeof roleArn === "string" ? ROLE_ARN.exec(roleArn) : null;
    if (match !== null) {
        accounts.push(match[1]);
    }
    return accounts;
}

function identity(
    resources: readonly PolicyResource[],
    provider: PolicyResource["provider"],
): Pick<Registry, "account" | "region" | "partition"> {
    const accounts = new Set<string>();
    const regions = new Set<string>();
    const partitions = new Set<string>();
    if (provider?.type === "pulumi:providers:aws") {
        const region = readString(provider.props, "region");
        if (isKnown(region) && region !== undefined && region !== "") {
            regions.add(region);
        }
        providerAccounts(provider.props).forEach(a => accounts.add(a));
    }
    for (const resource of resources) {
        const service = /^aws:(ecr|iam|secretsmanager)\//.exec(resource.type)?.[1];
        if (service === undefined) {
            continue;
        }
        const registryId = readString(resource.props, "registryId");
        if (service === "ecr" && isKnown(registryId) && registryId !== undefined && /^\d{12}$/.test(registryId)) {
            accounts.add(registryId);
        }
        const arn = readString(resource.props, "arn");
        const parsed = isKnown(arn) && arn !== undefined ? ARN.exec(arn) : null;
        if (parsed !== null && parsed[2] === service) {
            partitions.add(parsed[1]);
            accounts.add(parsed[4]);
            if (parsed[3] !== "") {
                regions.add(parsed[3]);
            }
        }
        const region = readString(resource.props, "region");
        if (service !== "iam" && isKnown(region) && region !== undefined && region !== "") {
            regions.add(region);
        }
    }
    const single = (values: Set<string>): string | undefined => (values.size === 1 ? [...values][0] : undefined);
    const account = single(accounts);
    const region = single(regions);
    const partition = single(partitions);
    return { ...(account ? { account } : {}), ...(region ? { region } : {}), ...(partition ? { partition } : {}) };
}

/** Whether two registries are the same: true, false, or UNKNOWN while an account or region is not known. */
function sameRegistry(a: Registry, b: Registry): Known<boolean> {
    if (a === b) {
        return true;
    }
    if (
        (a.account !== undefined && b.account !== undefined && a.account !== b.account) ||
        (a.region !== undefined && b.region !== undefined && a.region !== b.region)
    ) {
        return false;
    }
    return a.account !== undefined && a.region !== undefined && a.account === b.account && a.region === b.region
        ? true
        : UNKNOWN;
}

const cache = new WeakMap<readonly PolicyResource[], Registry[]>();

/** The stack's registries: one per AWS provider, providers known to share an account and region merged. */
export function registries(resources: readonly PolicyResource[]): Registry[] {
    const cached = cache.get(resources);
    if (cached !== undefined) {
        return cached;
    }
    const byProvider = new Map<string, PolicyResource[]>();
    for (const resource of resources) {
        const key = resource.provider?.urn ?? "";
        byProvider.set(key, [...(byProvider.get(key) ?? []), resource]);
    }
    const merged: Registry[] = [];
    for (const [urn, members] of byProvider) {
        const registry: Registry = { providers: [urn], resources: members, ...identity(members, members[0].provider) };
        const same = merged.find(r => sameRegistry(r, registry) === true);
        if (same === undefined) {
            merged.push(registry);
        } else {
            same.providers.push(urn);
            same.resources.push(...members);
        }
    }
    cache.set(resources, merged);
    return merged;
}

/** The registry `resource` belongs to, and the resources surely and possibly in it. */
export function scopeOf(resources: readonly PolicyResource[], resource: PolicyResource): RegistryScope {
    const all = registries(resources);
    const registry = all.find(r => r.resources.includes(resource)) ?? all[0];
    const possibly = all.filter(r => sameRegistry(r, registry) !== false).flatMap(r => r.resources);
    return { registry, surely: registry.resources, possibly };
}

/** Registries holding resources of `type` (those with something registry-scoped to judge). */
export function registriesWith(resources: readonly PolicyResource[], types: readonly string[]): Registry[] {
    return registries(resources).filter(r => r.resources.some(x => types.includes(x.type)));
}

/** `account A in region R`, with what is known, for messages. */
export function registryLabel(registry: Registry): string {
    return `account ${registry.account ?? "(unknown)"} in ${registry.region ?? "(unknown region)"}`;
}
