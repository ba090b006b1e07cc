// Checks the `registries` list: one pull-through cache rule per entry.
import { ECR_PREFIX_MAX_LENGTH, ECR_PREFIX_MIN_LENGTH, ECR_PREFIX_PATTERN, prefixesOverlap } from "../policy-pack/rules/ecr-naming";
import { PULL_THROUGH_HOSTS_TEXT as ALLOWED_UPSTREAMS_TEXT, lookupUpstream as lookupRegistry, upstreamUrlHint as upstreamHint } from "../policy-pack/rules/registry-catalogue";
import { checkKnownFields, describeType, isRecord, Problems, requireString } from "./problems";
import { CredentialContext, validateCredentials } from "./validate-credentials";
import { RegistryConfig } from "./types";

const REGISTRY_FIELDS = ["upstreamRegistryUrl", "ecrRepositoryPrefix", "credentials"] as const;
const PREFIX_RULE = `${ECR_PREFIX_MIN_LENGTH}-${ECR_PREFIX_MAX_LENGTH} characters of lowercase letters and digits, separated by single '.', '_', '-' or '/' (e.g. docker-hub)`;

export interface ValidatedRegistries {
    /** The entries that passed every check. */
    registries: RegistryConfig[];
    /** Every well-formed prefix, also of entries with problems elsewhere, so image mappings are judged fairly. */
    prefixes: string[];
}

export function validateRegistries(raw: unknown, context: CredentialContext, problems: Problems): ValidatedRegistries {
    if (raw === undefined) {
        problems.add("registries", "is required: a list of upstream registries, each with upstreamRegistryUrl and ecrRepositoryPrefix");
        return { registries: [], prefixes: [] };
    }
    if (!Array.isArray(raw) || raw.length === 0) {
        problems.add("registries", `must be a non-empty list of upstream registries, got ${Array.isArray(raw) ? "an empty list" : describeType(raw)}`);
        return { registries: [], prefixes: [] };
    }
    const valid: RegistryConfig[] = [];
    const seen: { index: number; url?: string; prefix?: string }[] = [];
    raw.forEach((entry: unknown, index) => {
        const path = `registries[${index}]`;
        if (!isRecord(entry)) {
            problems.add(path, `must be an object with ${REGISTRY_FIELDS.join(", ")}, got ${describeType(entry)}`);
            return;
        }
        checkKnownFields(entry, REGISTRY_FIELDS, path, problems);
        const url = validateUpstreamUrl(entry, path, problems);
        const prefix = validatePrefix(entry, path, problems);
        checkAgainstEarlierEntries(path, url, prefix, seen, problems);
        seen.push({ index, url, prefix });
        const known = url === undefined ? undefined : lookupRegistry(url);
        if (url === undefined || known === undefined || prefix === undefined) {
            return;
        }
        const credentials = validateCredentials(entry.credentials, known, url, `${path}.credentials`, context, problems);
        valid.push({ upstreamRegistryUrl: url, ecrRepositoryPrefix: prefix, ...(credentials ? { credentials } : {}) });
    });
    const prefixes = seen.map(s => s.prefix).filter((p): p is string => p !== undefined);
    return { registries: valid, prefixes };
}

function validateUpstreamUrl(entry: Record<string, unknown>, path: string, problems: Problems): string | undefined {
    const url = requireString(entry, "upstreamRegistryUrl", path, `the upstream registry host: ${ALLOWED_UPSTREAMS_TEXT}`, problems);
    if (url !== undefined && lookupRegistry(url) === undefined) {
        const hint = upstreamHint(url);
        problems.add(`${path}.upstreamRegistryUrl`, `${JSON.stringify(url)} is not an upstream registry ECR pull-through cache supports${hint ? ` (${hint})` : ""}; allowed: ${ALLOWED_UPSTREAMS_TEXT}`);
    }
    return url;
}

function validatePrefix(entry: Record<string, unknown>, path: string, problems: Problems): string | undefined {
    const prefix = requireString(entry, "ecrRepositoryPrefix", path, `the ECR repository prefix, ${PREFIX_RULE}`, problems);
    if (prefix === undefined) {
        return undefined;
    }
    if (prefix.length < ECR_PREFIX_MIN_LENGTH || prefix.length > ECR_PREFIX_MAX_LENGTH || !ECR_PREFIX_PATTERN.test(prefix)) {
        problems.add(`${path}.ecrRepositoryPrefix`, `${JSON.stringify(prefix)} is not a valid ECR repository prefix; use ${PREFIX_RULE}`);
        return undefined;
    }
    return prefix;
}

function checkAgainstEarlierEntries(
    path: string,
    url: string | undefined,
    prefix: string | undefined,
    earlier: readonly { index: number; url?: string; prefix?: string }[],
    problems: Problems,
): void {
    for (const other of earlier) {
        if (prefix !== undefined && other.prefix !== undefined) {
            if (prefix === other.prefix) {
                problems.add(`${path}.ecrRepositoryPrefix`, `"${prefix}" is already used by registries[${other.index}]; each registry needs its own prefix`);
            } else if (prefixesOverlap(prefix, other.prefix)) {
                problems.add(`${path}.ecrRepositoryPrefix`, `"${prefix}" overlaps "${other.prefix}" of registries[${other.index}]; prefixes must not contain one another, or one rule's repositories would fall under the other's prefix`);
            }
        }
        if (url !== undefined && url === other.url) {
            problems.add(`${path}.upstreamRegistryUrl`, `"${url}" is already mapped by registries[${other.index}]; the container registry map takes one prefix per upstream registry`);
        }
    }
}
