// Naming rules shared by the Pulumi program and the policy pack: how pull-through cache prefixes,
// ECR repository ARNs, ECR image URIs and credential secrets are spelled. This file imports
// nothing, so the policy pack stays self-contained while the program reuses the same rules.

/** Secrets Manager name prefix that ECR requires for pull-through cache credentials. */
export const CREDENTIAL_SECRET_NAME_PREFIX = "ecr-pullthroughcache/";

/** The service principal HealthOmics uses towards ECR and IAM. */
export const OMICS_SERVICE_PRINCIPAL = "omics.amazonaws.com";

/** ECR repository prefix: lowercase path segments of letters/digits joined by '.', '_' or '-'. */
export const ECR_PREFIX_PATTERN = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
export const ECR_PREFIX_MIN_LENGTH = 2;
export const ECR_PREFIX_MAX_LENGTH = 30;

/** True when `repository` is `prefix` itself or a repository path below it. */
export function isUnderPrefix(repository: string, prefix: string): boolean {
    return repository === prefix || repository.startsWith(`${prefix}/`);
}

/** Prefixes overlap when one is a path-segment prefix of the other (`quay` and `quay/bio`). */
export function prefixesOverlap(a: string, b: string): boolean {
    return isUnderPrefix(a, b) || isUnderPrefix(b, a);
}

export interface RegistryLocation {
    partition: string;
    region: string;
    account: string;
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
    /** Repository path, without tag or digest. */
    repository: string;
}

const ECR_IMAGE_URI = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@\s]+)(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})?$/;

/** Parses `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@sha256:digest]`. */
export function parseEcrImageUri(uri: string): EcrImageUri | undefined {
    const match = ECR_IMAGE_URI.exec(uri);
    return match ? { account: match[1], region: match[2], repository: match[3] } : undefined;
}

/** The registry host of an account and region: `<account>.dkr.ecr.<region>.<dnsSuffix>`. */
export function registryHost(account: string, region: string, dnsSuffix: string): string {
    return `${account}.dkr.ecr.${region}.${dnsSuffix}`;
}

/** The secret name inside a Secrets Manager ARN (without the 6-character suffix AWS appends). */
export function secretNameFromArn(arn: string): string | undefined {
    const match = /^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:(.+?)(?:-[A-Za-z0-9]{6})?$/.exec(arn);
    return match ? match[1] : undefined;
}
