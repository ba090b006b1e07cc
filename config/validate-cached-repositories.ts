// Checks `cachedRepositories`: lifecycle policy, optional KMS key, and registry scanning of the cached images.
import { isValidScanFilter } from "../policy-pack/rules/scanning-filters";
import { checkKnownFields, describeType, isRecord, Problems } from "./problems";
import {
    CachedRepositorySettings,
    DeploymentTarget,
    LifecycleSettings,
    ScanningFilterRule,
    ScanningSettings,
} from "./types";

const SETTINGS_FIELDS = ["lifecycle", "kmsKeyArn", "scanning"] as const;
const LIFECYCLE_FIELDS = ["enabled", "expireUntaggedAfterDays", "expireNotPulledForDays"] as const;
const SCANNING_FIELDS = ["enabled", "scanType", "scanFrequency", "keepRules"] as const;
const KEEP_RULE_FIELDS = ["scanFrequency", "filters"] as const;
const KMS_KEY_ARN = /^arn:(aws(?:-[a-z]+)*):kms:([a-z0-9-]+):(\d{12}):key\/[A-Za-z0-9-]+$/;

/** Cached images expire once not pulled for 90 days; untagged ones only when asked (see README "Cost"). */
export const DEFAULT_LIFECYCLE: LifecycleSettings = { enabled: true, expireNotPulledForDays: 90 };
export const DEFAULT_SCANNING: ScanningSettings = {
    enabled: true,
    scanType: "BASIC",
    scanFrequency: "SCAN_ON_PUSH",
    keepRules: [],
};

export function validateCachedRepositories(
    raw: unknown,
    target: DeploymentTarget | undefined,
    problems: Problems,
): CachedRepositorySettings {
    const defaults: CachedRepositorySettings = { lifecycle: DEFAULT_LIFECYCLE, scanning: DEFAULT_SCANNING };
    if (raw === undefined) {
        return defaults;
    }
    if (!isRecord(raw)) {
        problems.add(
            "cachedRepositories",
            `must be an object with ${SETTINGS_FIELDS.join(", ")}, got ${describeType(raw)}`,
        );
        return defaults;
    }
    checkKnownFields(raw, SETTINGS_FIELDS, "cachedRepositories", problems);
    const kmsKeyArn = validateKmsKey(
        raw.kmsKeyArn,
        "cachedRepositories.kmsKeyArn",
        "ECR encrypts with keys of the repository's region",
        target,
        problems,
    );
    return {
        lifecycle: validateLifecycle(raw.lifecycle, problems),
        scanning: validateScanning(raw.scanning, problems),
        ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}),
    };
}

function days(value: unknown, fallback: number, path: string, problems: Problems): number {
    if (value === undefined) {
        return fallback;
    }
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 3650) {
        problems.add(
            path,
            `must be a whole number of days from 1 to 3650, ` +
                `got ${typeof value === "number" ? value : describeType(value)}`,
        );
        return fallback;
    }
    return value;
}

function validateLifecycle(raw: unknown, problems: Problems): LifecycleSettings {
    const path = "cachedRepositories.lifecycle";
    if (raw === undefined) {
        return DEFAULT_LIFECYCLE;
    }
    if (!isRecord(raw)) {
        problems.add(
            path,
            `must be an object with ${LIFECYCLE_FIELDS.join(", ")} ({enabled: false} turns it off), ` +
                `got ${describeType(raw)}`,
        );
        return DEFAULT_LIFECYCLE;
    }
    checkKnownFields(raw, LIFECYCLE_FIELDS, path, problems);
    if (raw.enabled !== undefined && typeof raw.enabled !== "boolean") {
        problems.add(`${path}.enabled`, `must be true or false, got ${describeType(raw.enabled)}`);
    }
    const untagged =
        raw.expireUntaggedAfterDays === undefined
            ? undefined
            : days(raw.expireUntaggedAfterDays, 0, `${path}.expireUntaggedAfterDays`, problems);
    return {
        enabled: raw.enabled !== false,
        expireNotPulledForDays: days(
            raw.expireNotPulledForDays,
            DEFAULT_LIFECYCLE.expireNotPulledForDays,
            `${path}.expireNotPulledForDays`,
            problems,
        ),
        ...(untagged !== undefined && untagged > 0 ? { expireUntaggedAfterDays: untagged } : {}),
    };
}

/** A customer-managed KMS key ARN in the stack's partition and region (`raw` undefined: none). */
export function validateKmsKey(
    raw: unknown,
    path: string,
    regionReason: string,
    target: DeploymentTarget | undefined,
    problems: Problems,
): string | undefined {
    if (raw === undefined) {
        return undefined;
    }
    const match = typeof raw === "string" ? KMS_KEY_ARN.exec(raw) : null;
    if (typeof raw !== "string" || match === null) {
        problems.add(
            path,
            "must be the full ARN of a customer-managed KMS key, " +
                "arn:<partition>:kms:<region>:<account>:key/<key id> (repository creation templates and IAM " +
                "grants take no aliases)",
        );
        return undefined;
    }
    if (target && (match[1] !== target.partition || match[2] !== target.region)) {
        problems.add(
            path,
            `must be a key in this stack's region ${target.region} (${regionReason}), got region ${match[2]}`,
        );
        return undefined;
    }
    return raw;
}

function validateScanning(raw: unknown, problems: Problems): ScanningSettings {
    const path = "cachedRepositories.scanning";
    if (raw === undefined) {
        return DEFAULT_SCANNING;
    }
    if (!isRecord(raw)) {
        problems.add(path, `must be an object with ${SCANNING_FIELDS.join(", ")}, got ${describeType(raw)}`);
        return DEFAULT_SCANNING;
    }
    checkKnownFields(raw, SCANNING_FIELDS, path, problems);
    if (raw.enabled !== undefined && typeof raw.enabled !== "boolean") {
        problems.add(`${path}.enabled`, `must be true or false, got ${describeType(raw.enabled)}`);
    }
    const scanType = raw.scanType ?? "BASIC";
    if (scanType !== "BASIC" && scanType !== "ENHANCED") {
        problems.add(
            `${path}.scanType`,
            `must be BASIC (ECR's own scan on push) or ENHANCED (Amazon Inspector), got ${JSON.stringify(scanType)}`,
        );
    }
    const scanFrequency = raw.scanFrequency ?? "SCAN_ON_PUSH";
    if (scanFrequency !== "SCAN_ON_PUSH" && !(scanFrequency === "CONTINUOUS_SCAN" && scanType === "ENHANCED")) {
        problems.add(
            `${path}.scanFrequency`,
            `must be SCAN_ON_PUSH, or CONTINUOUS_SCAN with scanType ENHANCED, got ${JSON.stringify(scanFrequency)}`,
        );
    }
    const keepRules = validateKeepRules(raw.keepRules, `${path}.keepRules`, scanType === "ENHANCED", problems);
    return {
        enabled: raw.enabled !== false,
        scanType: scanType === "ENHANCED" ? "ENHANCED" : "BASIC",
        scanFrequency: scanFrequency === "CONTINUOUS_SCAN" ? "CONTINUOUS_SCAN" : "SCAN_ON_PUSH",
        keepRules,
    };
}

/** Scanning rules the account already has: kept, because the registry scanning configuration is one per registry. */
function validateKeepRules(raw: unknown, path: string, enhanced: boolean, problems: Problems): ScanningFilterRule[] {
    if (raw === undefined) {
        return [];
    }
    if (!Array.isArray(raw)) {
        problems.add(path, `must be a list of {scanFrequency, filters}, got ${describeType(raw)}`);
        return [];
    }
    const allowed = enhanced ? ["SCAN_ON_PUSH", "CONTINUOUS_SCAN"] : ["SCAN_ON_PUSH"];
    const rules: ScanningFilterRule[] = [];
    raw.forEach((rule: unknown, index) => {
        const rulePath = `${path}[${index}]`;
        if (!isRecord(rule)) {
            problems.add(rulePath, `must be {scanFrequency, filters}, got ${describeType(rule)}`);
            return;
        }
        checkKnownFields(rule, KEEP_RULE_FIELDS, rulePath, problems);
        const frequency = rule.scanFrequency;
        if (typeof frequency !== "string" || !allowed.includes(frequency)) {
            problems.add(
                `${rulePath}.scanFrequency`,
                `must be ${allowed.join(" or ")} with scanType ${enhanced ? "ENHANCED" : "BASIC"}, ` +
                    `got ${JSON.stringify(frequency)}`,
            );
            return;
        }
        const filters = rule.filters;
        if (
            !Array.isArray(filters) ||
            filters.length === 0 ||
            filters.some(f => typeof f !== "string" || !isValidScanFilter(f))
        ) {
            problems.add(
                `${rulePath}.filters`,
                "must be a non-empty list of ECR wildcard repository filters (lowercase letters, digits, " +
                    ". _ - / and *, e.g. team-a/*)",
            );
            return;
        }
        rules.push({ scanFrequency: frequency as ScanningFilterRule["scanFrequency"], filters: filters as string[] });
    });
    return rules;
}
