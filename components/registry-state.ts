// What the account's one registry scanning configuration and one registry policy become when this stack writes
// them: the live state (read before writing, see live-registry-reader.ts) joined with what this stack needs, so an
// account is never downgraded (ENHANCED stays ENHANCED, its rules stay) and no statement another owner put in the
// registry policy is lost. Plain data, no Pulumi and no SDK: the config checks and the program share it.
import { MAX_SCAN_FILTERS_PER_RULE, scanFilterForPrefix } from "../policy-pack/rules/scanning-filters";
import { ScanningFilterRule, ScanningSettings } from "../config/types";
import { PolicyDocument } from "./policy-documents";

/** The registry scanning configuration as GetRegistryScanningConfiguration returns it (WILDCARD filters only). */
export interface LiveScanning {
    scanType: "BASIC" | "ENHANCED";
    rules: ScanningFilterRule[];
}

/** What was read from the account before writing; a field is absent when it was not read (offline, or not needed). */
export interface LiveRegistryState {
    scanning?: LiveScanning;
    /** The registry policy's text; null when the account has none (RegistryPolicyNotFoundException). */
    registryPolicyText?: string | null;
}

export interface ScanningConfiguration {
    scanType: "BASIC" | "ENHANCED";
    rules: ScanningFilterRule[];
}

/**
 * One rule per scan frequency: this stack's prefixes (`<prefix>/*`, see scanFilterForPrefix), then the rules the
 * config keeps, then the live rules; filters deduplicated. The scan type is ENHANCED when the config or the account
 * says so: writing BASIC over ENHANCED would turn Amazon Inspector's ECR scanning off for the whole account.
 */
export function scanningConfiguration(
    scanning: ScanningSettings,
    prefixes: readonly string[],
    live?: LiveScanning,
): ScanningConfiguration {
    const own: ScanningFilterRule = {
        scanFrequency: scanning.scanFrequency,
        filters: prefixes.map(scanFilterForPrefix),
    };
    const merged = new Map<ScanningFilterRule["scanFrequency"], string[]>();
    for (const rule of [own, ...scanning.keepRules, ...(live?.rules ?? [])]) {
        const filters = merged.get(rule.scanFrequency) ?? [];
        merged.set(rule.scanFrequency, [
            ...filters,
            ...rule.filters.filter((f, i) => !filters.includes(f) && rule.filters.indexOf(f) === i),
        ]);
    }
    return {
        scanType: scanning.scanType === "ENHANCED" || live?.scanType === "ENHANCED" ? "ENHANCED" : "BASIC",
        rules: [...merged].map(([scanFrequency, filters]) => ({ scanFrequency, filters })),
    };
}

/** A sentence per rule with more filters than ECR takes (100 per rule). */
export function scanningLimitProblems(configuration: ScanningConfiguration): string[] {
    return configuration.rules
        .filter(rule => rule.filters.length > MAX_SCAN_FILTERS_PER_RULE)
        .map(
            rule =>
                `the ${rule.scanFrequency} scanning rule would have ${rule.filters.length} repository filters ` +
                "(this stack's prefixes, keepRules and the account's live rules); " +
                `ECR allows at most ${MAX_SCAN_FILTERS_PER_RULE} per rule: ` +
                "replace several filters by a shorter common one (e.g. team-*) in keepRules or in the account",
        );
}

/** A statement of a registry policy as JSON. */
export type StatementJson = Record<string, unknown>;

/** The statements of a registry policy text; throws with the reason when it is not a policy document. */
export function policyStatements(text: string): StatementJson[] {
    const parsed: unknown = JSON.parse(text);
    const statement =
        typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>).Statement : undefined;
    const list: unknown[] = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
    if (list.some(s => typeof s !== "object" || s === null || Array.isArray(s))) {
        throw new Error("its Statement is not a list of statement objects");
    }
    return list as StatementJson[];
}

/**
 * This stack's registry policy followed by every live statement it does not own, matched by Sid as the AWS
 * HealthOmics MCP server merges (awslabs/mcp aws-healthomics-mcp-server, tools/ecr_tools.py): the stack owns its
 * own statement and the `registryPolicyStatements` it lists; a live statement without a Sid is never the stack's.
 */
export function mergedRegistryPolicy(
    document: PolicyDocument,
    liveText: string | null | undefined,
): { document: PolicyDocument; keptSids: string[] } {
    if (liveText === null || liveText === undefined) {
        return { document, keptSids: [] };
    }
    const owned = new Set(document.Statement.map(s => s.Sid));
    const foreign = policyStatements(liveText).filter(s => typeof s.Sid !== "string" || !owned.has(s.Sid));
    return {
        document: {
            Version: document.Version,
            Statement: [...document.Statement, ...(foreign as PolicyDocument["Statement"])],
        },
        keptSids: foreign.map(s => (typeof s.Sid === "string" ? s.Sid : "(no Sid)")),
    };
}
