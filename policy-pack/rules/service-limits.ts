// AWS limits this project checks before anything is declared, with where each comes from. Imports nothing.

/** ECR: pull-through cache rules per registry, not adjustable (ECR User Guide service-quotas.html). */
export const MAX_PULL_THROUGH_CACHE_RULES = 50;
/** ECR: tags per repository (ECR API TooManyTagsException); creation templates apply the tags to each repository. */
export const MAX_ECR_TAGS = 50;
/**
 * IAM: aggregate inline policy size of a role, non-whitespace characters (IAM User Guide reference_iam-quotas.html).
 */
export const MAX_ROLE_INLINE_POLICY_CHARACTERS = 10240;
/** IAM: managed policy document size, non-whitespace characters (same page). */
export const MAX_MANAGED_POLICY_CHARACTERS = 6144;
/**
 * HealthOmics: sourceImage / destinationImage of an image mapping, and upstreamRegistryUrl (omics API model 2026-07,
 * Uri 1-750).
 */
export const MAX_MAP_URI_LENGTH = 750;
/** ECR: registry policy text (ECR API RegistryPolicyText). */
export const MAX_REGISTRY_POLICY_CHARACTERS = 10240;
/** ECR: lifecycle policy rules per policy (ECR User Guide service-quotas.html). */
export const MAX_LIFECYCLE_RULES = 50;

/** Regions that offer HealthOmics in the omics API model of 2026-07 (botocore endpoints.json). */
export const HEALTHOMICS_REGIONS: readonly string[] = [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "il-central-1",
    "us-east-1",
    "us-east-2",
    "us-west-2",
];

/** IAM counts policy size without whitespace. */
export function nonWhitespaceLength(text: string): number {
    return text.replace(/\s+/g, "").length;
}
