// Checks the `registries` list: a pull-through cache rule per entry, or a registry HealthOmics copies from.
import {
    isValidPrefix,
    PREFIX_REFUSED_FORMS_REASON,
    PREFIX_RULE_TEXT,
    prefixesOverlap,
} from "../policy-pack/rules/ecr-naming";
import {
    COPY_HOSTS_TEXT,
    DOCKER_HUB_UPSTREAM,
    lookupUpstream,
    PULL_THROUGH_HOSTS_TEXT,
    UNDOCUMENTED_OPT_IN,
    UpstreamRegistry,
    upstreamUrlHint,
} from "../policy-pack/rules/registry-catalogue";
import { MAX_PULL_THROUGH_CACHE_RULES } from "../policy-pack/rules/service-limits";
import { checkKnownFields, describeType, isRecord, Problems, requireString } from "./problems";
import { CredentialContext, validateCredentials } from "./validate-credentials";
import { RegistryConfig } from "./types";

const REGISTRY_FIELDS = [
    "upstreamRegistryUrl",
    "ecrRepositoryPrefix",
    "credentials",
    "additionalHosts",
    UNDOCUMENTED_OPT_IN,
] as const;
const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d{1,5})?$/;

export interface ValidatedRegistries {
    /** The entries that passed every check. */
    registries: RegistryConfig[];
    /** Every well-formed prefix, also of entries with problems elsewhere, so image mappings are judged fairly. */
    prefixes: string[];
    /** The well-formed prefixes whose upstream is Docker Hub (official images need `library/` under them). */
    dockerHubPrefixes: string[];
}

interface SeenEntry {
    index: number;
    prefix?: string;
    url?: string;
    /** The upstream URL and every additional host of the entry. */
    hosts: string[];
}

export function validateRegistries(raw: unknown, context: CredentialContext, problems: Problems): ValidatedRegistries {
    if (raw === undefined) {
        problems.add(
            "registries",
            "is required: a list of upstream registries, each with upstreamRegistryUrl and ecrRepositoryPrefix",
        );
        return { registries: [], prefixes: [], dockerHubPrefixes: [] };
    }
    if (!Array.isArray(raw) || raw.length === 0) {
        problems.add(
            "registries",
            `must be a non-empty list of upstream registries, ` +
                `got ${Array.isArray(raw) ? "an empty list" : describeType(raw)}`,
        );
        return { registries: [], prefixes: [], dockerHubPrefixes: [] };
    }
    const valid: RegistryConfig[] = [];
    const seen: SeenEntry[] = [];
    let pullThroughRules = 0;
    raw.forEach((entry: unknown, index) => {
        const path = `registries[${index}]`;
        if (!isRecord(entry)) {
            problems.add(path, `must be an object with ${REGISTRY_FIELDS.join(", ")}, got ${describeType(entry)}`);
            return;
        }
        checkKnownFields(entry, REGISTRY_FIELDS, path, problems);
        const url = validateUpstreamUrl(entry, path, problems);
        const prefix = validatePrefix(entry, path, problems);
        const known = url === undefined ? undefined : lookupUpstream(url);
        const additionalHosts = validateAdditionalHosts(
            entry.additionalHosts,
            url,
            known?.defaultAliases ?? [],
            path,
            problems,
        );
        const hosts = [...(url !== undefined ? [url] : []), ...additionalHosts];
        checkAgainstEarlierEntries(path, prefix, hosts, seen, problems);
        seen.push({ index, prefix, url, hosts });
        if (known?.servedBy === "pull-through-cache") {
            pullThroughRules += 1;
        }
        if (known !== undefined && !checkOptIn(entry[UNDOCUMENTED_OPT_IN], known, url, path, problems)) {
            return;
        }
        if (url === undefined || known === undefined || prefix === undefined) {
            return;
        }
        const credentials = validateCredentials(
            entry.credentials,
            { ...known, upstreamUrl: url, prefix },
            `${path}.credentials`,
            context,
            problems,
        );
        valid.push({
            upstreamRegistryUrl: url,
            ecrRepositoryPrefix: prefix,
            servedBy: known.servedBy,
            additionalHosts,
            ...(credentials ? { credentials } : {}),
        });
    });
    if (pullThroughRules > MAX_PULL_THROUGH_CACHE_RULES) {
        problems.add(
            "registries",
            `declares ${pullThroughRules} pull-through cache rules; ECR allows at ` +
                `most ${MAX_PULL_THROUGH_CACHE_RULES} per registry (account and region), and the quota is ` +
                `not adjustable: split them across accounts or regions`,
        );
    }
    const prefixes = seen.map(s => s.prefix).filter((p): p is string => p !== undefined);
    const dockerHubPrefixes = seen
        .filter(s => s.url === DOCKER_HUB_UPSTREAM)
        .map(s => s.prefix)
        .filter((p): p is string => p !== undefined);
    return { registries: valid, prefixes, dockerHubPrefixes };
}

/** A host no AWS source documents is served only when the entry opts in; true when the entry may be used. */
function checkOptIn(
    raw: unknown,
    known: UpstreamRegistry,
    url: string | undefined,
    path: string,
    problems: Problems,
): boolean {
    const field = `${path}.${UNDOCUMENTED_OPT_IN}`;
    if (raw !== undefined && typeof raw !== "boolean") {
        problems.add(field, `must be true or false, got ${describeType(raw)}`);
        return false;
    }
    if (known.undocumented === undefined) {
        if (raw !== undefined) {
            problems.add(field, `is only for hosts no AWS source documents; ${String(url)} is documented: remove it`);
        }
        return true;
    }
    if (raw !== true) {
        problems.add(
            `${path}.upstreamRegistryUrl`,
            `${String(url)} is not documented for HealthOmics (${known.undocumented}); ` +
                `set ${UNDOCUMENTED_OPT_IN}: true on this entry to use it anyway, or use gcr.io or the ` +
                `image's <region>-docker.pkg.dev host`,
        );
        return false;
    }
    return true;
}

function validateUpstreamUrl(entry: Record<string, unknown>, path: string, problems: Problems): string | undefined {
    const url = requireString(
        entry,
        "upstreamRegistryUrl",
        path,
        `the upstream registry host: ${PULL_THROUGH_HOSTS_TEXT} (pull-through cache), ` +
            `or ${COPY_HOSTS_TEXT} (HealthOmics copies)`,
        problems,
    );
    if (url !== undefined && lookupUpstream(url) === undefined) {
        const hint = upstreamUrlHint(url);
        problems.add(
            `${path}.upstreamRegistryUrl`,
            `${JSON.stringify(url)} is neither an upstream registry ECR pull-through cache supports nor ` +
                `one HealthOmics copies from${hint ? ` (${hint})` : ""}; allowed: ${PULL_THROUGH_HOSTS_TEXT} ` +
                `(pull-through cache), or ${COPY_HOSTS_TEXT} (HealthOmics copies)`,
        );
        return undefined;
    }
    return url;
}

function validatePrefix(entry: Record<string, unknown>, path: string, problems: Problems): string | undefined {
    const prefix = requireString(
        entry,
        "ecrRepositoryPrefix",
        path,
        `the ECR repository prefix, ${PREFIX_RULE_TEXT}`,
        problems,
    );
    if (prefix === undefined) {
        return undefined;
    }
    if (prefix === "ROOT" || prefix.endsWith("/")) {
        problems.add(
            `${path}.ecrRepositoryPrefix`,
            `${JSON.stringify(prefix)} is accepted by ECR but not by this project: ${PREFIX_REFUSED_FORMS_REASON}`,
        );
        return undefined;
    }
    if (!isValidPrefix(prefix)) {
        problems.add(
            `${path}.ecrRepositoryPrefix`,
            `${JSON.stringify(prefix)} is not a valid ECR repository prefix; use ${PREFIX_RULE_TEXT}`,
        );
        return undefined;
    }
    return prefix;
}

/** `additionalHosts`: absent means the registry's default aliases (docker.io for Docker Hub); `[]` turns them off. */
function validateAdditionalHosts(
    raw: unknown,
    url: string | undefined,
    defaults: readonly string[],
    path: string,
    problems: Problems,
): string[] {
    if (raw === undefined) {
        return [...defaults];
    }
    const field = `${path}.additionalHosts`;
    if (!Array.isArray(raw)) {
        problems.add(
            field,
            `must be a list of registry hosts workflows write for this registry (e.g. [docker.io, ` +
                `index.docker.io]), or [] for none; got ${describeType(raw)}`,
        );
        return [];
    }
    const hosts: string[] = [];
    raw.forEach((host: unknown, index) => {
        const hostPath = `${field}[${index}]`;
        if (typeof host !== "string" || !HOST.test(host)) {
            problems.add(
                hostPath,
                `must be a lowercase registry host name such as docker.io, ` +
                    `got ${typeof host === "string" ? JSON.stringify(host) : describeType(host)}`,
            );
        } else if (host === url || hosts.includes(host)) {
            problems.add(hostPath, `"${host}" is listed twice for this registry`);
        } else if (lookupUpstream(host) !== undefined) {
            problems.add(
                hostPath,
                `"${host}" is a registry of its own (${lookupUpstream(host)?.name}); declare it as its ` +
                    `own registries entry`,
            );
        } else {
            hosts.push(host);
        }
    });
    return hosts;
}

function checkAgainstEarlierEntries(
    path: string,
    prefix: string | undefined,
    hosts: readonly string[],
    earlier: readonly SeenEntry[],
    problems: Problems,
): void {
    for (const other of earlier) {
        if (prefix !== undefined && other.prefix !== undefined) {
            if (prefix === other.prefix) {
                problems.add(
                    `${path}.ecrRepositoryPrefix`,
                    `"${prefix}" is already used by registries[${other.index}]; each registry needs its own prefix`,
                );
            } else if (prefixesOverlap(prefix, other.prefix)) {
                problems.add(
                    `${path}.ecrRepositoryPrefix`,
                    `"${prefix}" overlaps "${other.prefix}" of registries[${other.index}]; prefixes ` +
                        `must not contain one another, or one rule's repositories would fall under the ` +
                        `other's prefix`,
                );
            }
        }
        for (const host of hosts.filter(h => other.hosts.includes(h))) {
            problems.add(
                `${path}.upstreamRegistryUrl`,
                `"${host}" is already mapped by registries[${other.index}]; a container registry map ` +
                    `takes one prefix per registry host`,
            );
        }
    }
}
