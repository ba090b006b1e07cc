// Shapes of the stack configuration: as read from Pulumi config, and once validated.
import { ServedBy } from "../policy-pack/rules/registry-catalogue";

/** Where a registry's credentials come from. */
export type RegistryCredentials =
    | { kind: "pulumi-secret"; configKey: string }
    | {
          kind: "existing-secret";
          secretArn: string;
          /** Customer KMS key encrypting it (copy registries only). */ kmsKeyArn?: string;
      };

export interface RegistryConfig {
    upstreamRegistryUrl: string;
    ecrRepositoryPrefix: string;
    /** Pull-through cache rule, or HealthOmics copies images itself on first use. */
    servedBy: ServedBy;
    /** Other hosts workflows write for this registry; each gets one more registry mapping to the same prefix. */
    additionalHosts: string[];
    credentials?: RegistryCredentials;
}

export interface ImageMapping {
    sourceImage: string;
    /** Full ECR image URI in this stack's account and region. */
    destinationImage: string;
}

/** One container registry map object: its registries (by prefix) and image mappings. */
export interface MapConfig {
    name: string;
    registryPrefixes: string[];
    imageMappings: ImageMapping[];
}

export interface LifecycleSettings {
    enabled: boolean;
    /**
     * Opt-in: untagged images are expired this many days after they were pushed (imported). Off by default: the
     * platform manifests of a cached multi-architecture image are untagged (see lifecycle-policy.ts).
     */
    expireUntaggedAfterDays?: number;
    /** Any image is expired when it was not pulled for this many days. */
    expireNotPulledForDays: number;
}

export interface ScanningFilterRule {
    scanFrequency: "SCAN_ON_PUSH" | "CONTINUOUS_SCAN" | "MANUAL";
    filters: string[];
}

export interface ScanningSettings {
    enabled: boolean;
    scanType: "BASIC" | "ENHANCED";
    /** How this stack's prefixes are scanned: SCAN_ON_PUSH (BASIC or ENHANCED) or CONTINUOUS_SCAN (ENHANCED). */
    scanFrequency: "SCAN_ON_PUSH" | "CONTINUOUS_SCAN";
    /** Repository filters the account already scans, kept in the registry-wide configuration. */
    keepRules: ScanningFilterRule[];
}

export interface CachedRepositorySettings {
    lifecycle: LifecycleSettings;
    /** Customer-managed KMS key for repositories the cache creates; AES256 when absent. */
    kmsKeyArn?: string;
    scanning: ScanningSettings;
}

/** The account, region and partition this stack deploys into. */
export interface DeploymentTarget {
    account: string;
    region: string;
    partition: string;
    dnsSuffix: string;
}

/** A registry policy statement kept beside this stack's own (validated JSON, unique Sid). */
export type PolicyStatementJson = Record<string, unknown> & { Sid: string };

/** Everything the resources are declared from; only produced by `validateConfig`. */
export interface OmicsRegistryConfig {
    target: DeploymentTarget;
    registries: RegistryConfig[];
    /** The container registry maps; the first one is the stack's default map. */
    maps: MapConfig[];
    workflowBuckets: string[];
    /** S3 key prefix under which each map revision is stored, content-addressed. */
    mapObjectPrefix: string;
    tags: Record<string, string>;
    registryPolicyStatements: PolicyStatementJson[];
    cachedRepositories: CachedRepositorySettings;
    /** Opt-in CloudTrail trail for this region. */
    auditTrail: { enabled: boolean };
    /** Workflow directories or zips `pulumi preview` checks against the default map. */
    workflowChecks: string[];
}

/** A Pulumi secret config value as the validator sees it; the value never reaches a message. */
export interface SecretConfigEntry {
    isSecret: boolean;
    /** The decrypted value, or undefined when it cannot be read here (offline rendering of an encrypted stack file). */
    value: unknown;
    readable: boolean;
}

/** Raw configuration: parsed JSON, not yet checked. `undefined` means "not set". */
export interface RawConfig {
    region: string | undefined;
    registries: unknown;
    imageMappings: unknown;
    maps: unknown;
    workflowBuckets: unknown;
    mapObjectPrefix: unknown;
    tags: unknown;
    registryPolicyStatements: unknown;
    cachedRepositories: unknown;
    auditTrail: unknown;
    workflowChecks: unknown;
    additionalHealthOmicsRegions: unknown;
    /** Keys of an earlier release that the stack still sets (see RETIRED_KEYS). */
    retiredKeys: string[];
    /** Looks up a secret config key of this project named by a registry's credentials. */
    secretConfig: (key: string) => SecretConfigEntry | undefined;
}

/** One problem in the configuration: `path` uses `pulumi config set --path` syntax. */
export interface ConfigProblem {
    path: string;
    message: string;
}
