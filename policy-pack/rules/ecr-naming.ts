// Naming rules shared by the program, the policy pack and the CLI: how pull-through cache prefixes, ECR
// repository names and ARNs, ECR image URIs per partition and credential secrets are spelled.
// Imports nothing, so the policy pack stays self-contained while everything else reuses the same rules.
// Sources: ECR API model 2026-04 (CreatePullThroughCacheRule.ecrRepositoryPrefix, CreateRepository.repositoryName,
// CredentialArn); see ../../README.md "Sources".

/** Secrets Manager name prefix that ECR requires for pull-through cache credentials (API pattern of CredentialArn). */
export const CREDENTIAL_SECRET_NAME_PREFIX = "ecr-pullthroughcache/";

/** The service principal HealthOmics uses towards ECR and IAM. */
export const OMICS_SERVICE_PRINCIPAL = "omics.amazonaws.com";

/** The service principal ECR assumes a repository creation template's custom role with. */
export const ECR_SERVICE_PRINCIPAL = "ecr.amazonaws.com";

/** One path segment: letters/digits joined by '.', '_', '__' or one or more '-' (ECR API 2026-04). */
const SEGMENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";

/**
 * A pull-through cache prefix or repository name: `/`-separated segments. The API also accepts `ROOT` and a
 * trailing `/` for prefixes; this project refuses both (see PREFIX_REFUSED_FORMS_REASON).
 */
export const ECR_PREFIX_PATTERN = new RegExp(`^${SEGMENT}(?:/${SEGMENT})*$`);
export const ECR_REPOSITORY_NAME_PATTERN = ECR_PREFIX_PATTERN;
export const ECR_PREFIX_MIN_LENGTH = 2;
export const ECR_PREFIX_MAX_LENGTH = 30;
export const ECR_REPOSITORY_NAME_MAX_LENGTH = 256;

/** Why `ROOT` and a trailing `/` are refused although the API accepts them. */
export const PREFIX_REFUSED_FORMS_REASON =
    "ROOT would cache every repository of the registry under one rule and a trailing '/' would give ARNs " +
    "with '//'; name a prefix such as docker-hub instead";

/** The prefix rule in words, for messages. */
export const PREFIX_RULE_TEXT =
    `${ECR_PREFIX_MIN_LENGTH}-${ECR_PREFIX_MAX_LENGTH} characters: lowercase letters and digits, separated ` +
    `by '.', '_', '__', one or more '-', or '/' between path segments (e.g. docker-hub)`;

export function isValidPrefix(prefix: string): boolean {
    return (
        prefix.length >= ECR_PREFIX_MIN_LENGTH &&
        prefix.length <= ECR_PREFIX_MAX_LENGTH &&
        ECR_PREFIX_PATTERN.test(prefix)
    );
}

/** True when `repository` is `prefix` itself or a repository path below it. */
export function isUnderPrefix(repository: string, prefix: string): boolean {
    return repository === prefix || repository.startsWith(`${prefix}/`);
}

/** Prefixes overlap when one is a path-segment prefix of the other (`quay` and `quay/bio`). */
export function prefixesOverlap(a: string, b: string): boolean {
    return isUnderPrefix(a, b) || isUnderPrefix(b, a);
}

/** ECR registry host suffix per partition: `<account>.dkr.ecr.<region>.<suffix>`. */
const ECR_HOST_SUFFIX: Readonly<Record<string, string>> = {
    aws: "amazonaws.com",
    "aws-us-gov": "amazonaws.com",
    "aws-cn": "amazonaws.com.cn",
};

/** The ECR host suffix of a partition, or undefined for a partition this project does not know. */
export function ecrHostSuffix(partition: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(ECR_HOST_SUFFIX, partition) ? ECR_HOST_SUFFIX[partition] : undefined;
}

/** The partition a region belongs to (cn-* is aws-cn, us-gov-* is aws-us-gov, everything else aws). */
export function partitionOfRegion(region: string): string {
    if (region.startsWith("cn-")) {
        return "aws-cn";
    }
    return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

export interface RegistryLocation {
    partition: string;
    region: string;
    account: string;
}

/** The registry host of an account and region: `<account>.dkr.ecr.<region>.<suffix of the partition>`. */
export function registryHost(location: RegistryLocation): string {
    const suffix = ecrHostSuffix(location.partition) ?? "amazonaws.com";
    return `${location.account}.dkr.ecr.${location.region}.${suffix}`;
}

/** `arn:<partition>:ecr:<region>:<account>:repository/<prefix>/*`: every repository under a prefix. */
export function prefixRepositoriesArn(registry: RegistryLocation, prefix: string): string {
    return `arn:${registry.partition}:ecr:${registry.region}:${registry.account}:repository/${prefix}/*`;
}

export interface PrefixArn extends RegistryLocation {
    prefix: string;
}

const PREFIX_ARN = /^arn:([a-z-]+):ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)\/\*$/;

/** Parses an ARN of the `prefixRepositoriesArn` form; anything else (`*`, `repository/*`, ...) gives undefined. */
export function parsePrefixArn(arn: string): PrefixArn | undefined {
    const match = PREFIX_ARN.exec(arn);
    if (!match || !ECR_PREFIX_PATTERN.test(match[4])) {
        return undefined;
    }
    return { partition: match[1], region: match[2], account: match[3], prefix: match[4] };
}

export interface EcrImageUri {
    account: string;
    region: string;
    /** The host suffix as written: `amazonaws.com` or `amazonaws.com.cn`. */
    hostSuffix: string;
    /** Repository path, without tag or digest. */
    repository: string;
    tag?: string;
    digest?: string;
}

const ECR_IMAGE_URI = new RegExp(
    String.raw`^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.(amazonaws\.com(?:\.cn)?)\/([^:@\s]+)` +
        String.raw`(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`,
);

/** Parses `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag][@sha256:digest]`. */
export function parseEcrImageUri(uri: string): EcrImageUri | undefined {
    const match = ECR_IMAGE_URI.exec(uri);
    if (!match) {
        return undefined;
    }
    return {
        account: match[1],
        region: match[2],
        hostSuffix: match[3],
        repository: match[4],
        // Optional groups: `.at()` is typed `string | undefined`, as an unmatched group is.
        ...(match.at(5) !== undefined ? { tag: match[5] } : {}),
        ...(match.at(6) !== undefined ? { digest: match[6] } : {}),
    };
}

/** Why an ECR image URI's host does not fit the partition of its region, or undefined when it does. */
export function hostSuffixMismatch(image: EcrImageUri): string | undefined {
    const partition = partitionOfRegion(image.region);
    const expected = ecrHostSuffix(partition);
    return expected !== undefined && expected !== image.hostSuffix
        ? `ECR hosts in partition ${partition} (region ${image.region}) end in .${expected}, not .${image.hostSuffix}`
        : undefined;
}

export interface SecretArn {
    partition: string;
    region: string;
    account: string;
    /** The secret name, without the 6-character suffix when it has one. */
    name: string;
}

const SECRET_ARN = /^arn:(aws(?:-[a-z]+)*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:([A-Za-z0-9/_+=.@-]+)$/;

/**
 * Parses a Secrets Manager secret ARN; the `-XXXXXX` suffix AWS appends is optional (the ECR API pattern does not
 * require it).
 */
export function parseSecretArn(arn: string): SecretArn | undefined {
    const match = SECRET_ARN.exec(arn);
    if (!match) {
        return undefined;
    }
    const full = match[4];
    const name = /^(.+)-[A-Za-z0-9]{6}$/.exec(full)?.[1] ?? full;
    return { partition: match[1], region: match[2], account: match[3], name };
}

/** Whether a secret ARN ends in the `-XXXXXX` suffix AWS appends (a name that itself ends so looks the same). */
export function secretArnHasSuffix(arn: string): boolean {
    const match = SECRET_ARN.exec(arn);
    return match !== null && /-[A-Za-z0-9]{6}$/.test(match[4]);
}

/**
 * The Resource an IAM statement names to reach a secret given by ARN. IAM matches the whole ARN and every secret's ARN
 * ends in 6 random characters, so an ARN given without them becomes `<arn>-??????`, the form Secrets Manager's User
 * Guide gives for a secret known by name (auth-and-access_iam-policies.html, "-??????").
 */
export function secretGrantResource(arn: string): string {
    return secretArnHasSuffix(arn) ? arn : `${arn}-??????`;
}

/** The secret name inside a Secrets Manager ARN (without the 6-character suffix AWS appends). */
export function secretNameFromArn(arn: string): string | undefined {
    return parseSecretArn(arn)?.name;
}

/**
 * A repository directly under a Docker Hub pull-through prefix (`docker-hub/ubuntu`) names an official image without
 * `library/`, which the cache never has ("For Docker Hub official images, the /library prefix must be included",
 * ECR User Guide pull-through-cache-working.html). Gives that prefix and the image name, or undefined.
 */
export function officialImageWithoutLibrary(
    repository: string,
    dockerHubPrefixes: readonly string[],
): { prefix: string; name: string } | undefined {
    const prefix = dockerHubPrefixes.find(
        p => repository.startsWith(`${p}/`) && !repository.slice(p.length + 1).includes("/"),
    );
    return prefix === undefined ? undefined : { prefix, name: repository.slice(prefix.length + 1) };
}
