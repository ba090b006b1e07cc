// Checks the settings around the registries: region, workflow buckets, map object key and tags.
import { describeType, isRecord, Problems } from "./problems";

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const DEFAULT_MAP_OBJECT_KEY = "container-registry-map.json";

export function validateRegion(raw: string | undefined, problems: Problems): string | undefined {
    if (raw === undefined || !REGION.test(raw)) {
        problems.add("aws:region", raw === undefined
            ? "is required: the AWS region this stack deploys to; run: pulumi config set aws:region <region>"
            : `${JSON.stringify(raw)} is not an AWS region name such as us-east-1`);
        return undefined;
    }
    return raw;
}

export function validateWorkflowBuckets(raw: unknown, problems: Problems): string[] {
    if (!Array.isArray(raw) || raw.length === 0) {
        problems.add("workflowBuckets", `is required: a non-empty list of S3 bucket names the HealthOmics role may read and write, got ${raw === undefined ? "nothing" : Array.isArray(raw) ? "an empty list" : describeType(raw)}`);
        return [];
    }
    const buckets: string[] = [];
    raw.forEach((bucket: unknown, index) => {
        const path = `workflowBuckets[${index}]`;
        if (typeof bucket !== "string") {
            problems.add(path, `must be an S3 bucket name, got ${describeType(bucket)}`);
        } else if (bucket.startsWith("s3://") || bucket.startsWith("arn:")) {
            problems.add(path, `${JSON.stringify(bucket)} must be the bare bucket name, without s3:// or arn: and without a key`);
        } else if (!BUCKET.test(bucket) || bucket.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
            problems.add(path, `${JSON.stringify(bucket)} is not a valid S3 bucket name (3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit)`);
        } else if (buckets.includes(bucket)) {
            problems.add(path, `"${bucket}" is listed twice`);
        } else {
            buckets.push(bucket);
        }
    });
    return buckets;
}

export function validateMapObjectKey(raw: unknown, problems: Problems): string {
    if (raw === undefined) {
        return DEFAULT_MAP_OBJECT_KEY;
    }
    if (typeof raw !== "string" || raw.length === 0 || raw.length > 1024 || raw.startsWith("/")) {
        problems.add("mapObjectKey", `must be an S3 object key of 1-1024 characters not starting with '/', got ${typeof raw === "string" ? JSON.stringify(raw) : describeType(raw)}`);
    }
    return typeof raw === "string" ? raw : DEFAULT_MAP_OBJECT_KEY;
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
    for (const [key, value] of Object.entries(raw)) {
        const path = `tags.${key}`;
        if (key.length === 0 || key.length > 128 || !TAG_CHARACTERS.test(key) || key.toLowerCase().startsWith("aws:")) {
            problems.add(path, "tag keys must be 1-128 letters, digits, spaces or _ . : / = + - @, and must not start with aws:");
        } else if (typeof value !== "string" || value.length > 256 || !TAG_CHARACTERS.test(value)) {
            problems.add(path, `tag values must be strings of at most 256 letters, digits, spaces or _ . : / = + - @, got ${typeof value === "string" ? JSON.stringify(value) : describeType(value)}`);
        } else {
            tags[key] = value;
        }
    }
    return tags;
}
