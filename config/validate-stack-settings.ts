// Checks the settings around the registries: region, workflow buckets, map object prefix, tags, audit trail, workflow
// checks.
import { HEALTHOMICS_REGIONS, MAX_ECR_TAGS } from "../policy-pack/rules/service-limits";
import { describeType, isRecord, Problems } from "./problems";

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const DEFAULT_MAP_OBJECT_PREFIX = "container-registry-maps";

/** A well-formed region name; whether HealthOmics is offered there is `checkHealthOmicsRegion`'s job. */
export function validateRegion(raw: string | undefined, problems: Problems): string | undefined {
    if (raw === undefined || !REGION.test(raw)) {
        problems.add(
            "aws:region",
            raw === undefined
                ? "is required: the AWS region this stack deploys to; run: pulumi config set aws:region <region>"
                : `${JSON.stringify(raw)} is not an AWS region name such as us-east-1`,
        );
        return undefined;
    }
    return raw;
}

/** `additionalHealthOmicsRegions`: regions where HealthOmics became available after this project's list. */
export function validateExtraRegions(raw: unknown, problems: Problems): string[] {
    if (raw === undefined) {
        return [];
    }
    if (!Array.isArray(raw) || raw.some(r => typeof r !== "string" || !REGION.test(r))) {
        problems.add("additionalHealthOmicsRegions", "must be a list of AWS region names such as ca-central-1");
        return [];
    }
    return raw as string[];
}

export function checkHealthOmicsRegion(region: string, extra: readonly string[], problems: Problems): boolean {
    if (HEALTHOMICS_REGIONS.includes(region) || extra.includes(region)) {
        return true;
    }
    problems.add(
        "aws:region",
        `${region} does not offer AWS HealthOmics (HealthOmics regions in the 2026-07 API ` +
            `model: ${HEALTHOMICS_REGIONS.join(", ")}); if HealthOmics has since launched there, add it ` +
            `with: pulumi config set --path 'additionalHealthOmicsRegions[0]' ${region}`,
    );
    return false;
}

export function validateWorkflowBuckets(raw: unknown, problems: Problems): string[] {
    if (!Array.isArray(raw) || raw.length === 0) {
        problems.add(
            "workflowBuckets",
            `is required: a non-empty list of S3 bucket names the HealthOmics role may read and write, ` +
                `got ${raw === undefined ? "nothing" : Array.isArray(raw) ? "an empty list" : describeType(raw)}`,
        );
        return [];
    }
    const buckets: string[] = [];
    raw.forEach((bucket: unknown, index) => {
        const path = `workflowBuckets[${index}]`;
        if (typeof bucket !== "string") {
            problems.add(path, `must be an S3 bucket name, got ${describeType(bucket)}`);
        } else if (bucket.startsWith("s3://") || bucket.startsWith("arn:")) {
            problems.add(
                path,
                `${JSON.stringify(bucket)} must be the bare bucket name, without s3:// or arn: and without a key`,
            );
        } else if (!BUCKET.test(bucket) || bucket.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
            problems.add(
                path,
                `${JSON.stringify(bucket)} is not a valid S3 bucket name (3-63 lowercase letters, ` +
                    `digits, '.' and '-', starting and ending with a letter or digit)`,
            );
        } else if (buckets.includes(bucket)) {
            problems.add(path, `"${bucket}" is listed twice`);
        } else {
            buckets.push(bucket);
        }
    });
    return buckets;
}

export function validateMapObjectPrefix(raw: unknown, problems: Problems): string {
    if (raw === undefined) {
        return DEFAULT_MAP_OBJECT_PREFIX;
    }
    if (
        typeof raw !== "string" ||
        raw.length === 0 ||
        raw.length > 900 ||
        raw.startsWith("/") ||
        raw.endsWith("/") ||
        !/^[A-Za-z0-9!_.*'()/-]+$/.test(raw)
    ) {
        problems.add(
            "mapObjectPrefix",
            `must be an S3 key prefix of 1-900 letters, digits and ! _ . * ' ( ) / -, not starting or ` +
                `ending with '/', got ${typeof raw === "string" ? JSON.stringify(raw) : describeType(raw)}`,
        );
        return DEFAULT_MAP_OBJECT_PREFIX;
    }
    return raw;
}

export function validateTags(raw: unknown, problems: Problems): Record<string, string> {
    if (raw === undefined) {
        return {};
    }
    if (!isRecord(raw)) {
        problems.add("tags", `must be a map of tag names to string values, got ${describeType(raw)}`);
        return {};
    }
    const tags: Record<string, string> = {};
    const entries = Object.entries(raw);
    if (entries.length > MAX_ECR_TAGS) {
        problems.add(
            "tags",
            `has ${entries.length} tags; ECR repositories (and so the repository creation templates ` +
                `that tag them) take at most ${MAX_ECR_TAGS} tags`,
        );
    }
    for (const [key, value] of entries) {
        const path = `tags.${key}`;
        if (key.length === 0 || key.length > 128 || !TAG_CHARACTERS.test(key) || key.toLowerCase().startsWith("aws:")) {
            problems.add(
                path,
                "tag keys must be 1-128 letters, digits, spaces or _ . : / = + - @, and must not start with aws:",
            );
        } else if (typeof value !== "string" || value.length > 256 || !TAG_CHARACTERS.test(value)) {
            problems.add(
                path,
                `tag values must be strings of at most 256 letters, digits, spaces or _ . : / = + - @, ` +
                    `got ${typeof value === "string" ? JSON.stringify(value) : describeType(value)}`,
            );
        } else {
            tags[key] = value;
        }
    }
    return tags;
}

export function validateAuditTrail(raw: unknown, problems: Problems): { enabled: boolean } {
    if (raw === undefined) {
        return { enabled: false };
    }
    if (!isRecord(raw) || typeof raw.enabled !== "boolean" || Object.keys(raw).some(k => k !== "enabled")) {
        problems.add(
            "auditTrail",
            "must be {enabled: true|false}: an opt-in CloudTrail trail for this region (most " +
                "organizations already have an organization-wide trail)",
        );
        return { enabled: false };
    }
    return { enabled: raw.enabled };
}

export function validateWorkflowChecks(raw: unknown, problems: Problems): string[] {
    if (raw === undefined) {
        return [];
    }
    if (!Array.isArray(raw) || raw.some(p => typeof p !== "string" || p.trim() === "")) {
        problems.add(
            "workflowChecks",
            "must be a list of workflow directories or .zip files, relative to the project directory",
        );
        return [];
    }
    return raw as string[];
}
