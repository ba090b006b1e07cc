// Shapes of the stack configuration: as read from Pulumi config, and once validated.

/** Where a registry's credentials come from. */
export type RegistryCredentials =
    | { kind: "pulumi-secret"; configKey: string }
    | { kind: "existing-secret"; secretArn: string };

export interface RegistryConfig {
    upstreamRegistryUrl: string;
    ecrRepositoryPrefix: string;
    credentials?: RegistryCredentials;
}

export interface ImageMapping {
    sourceImage: string;
    /** Full ECR image URI in this stack's account and region. */
    destinationImage: string;
}

/** The account, region and partition this stack deploys into. */
export interface DeploymentTarget {
    account: string;
    region: string;
    partition: string;
    dnsSuffix: string;
}

/** Everything the resources are declared from; only produced by `validateConfig`. */
export interface OmicsRegistryConfig {
    target: DeploymentTarget;
    registries: RegistryConfig[];
    imageMappings: ImageMapping[];
    workflowBuckets: string[];
    mapObjectKey: string;
    tags: Record<string, string>;
}

/** A Pulumi secret config value as the validator sees it; the value never reaches a message. */
export interface SecretConfigEntry {
    isSecret: boolean;
    value: unknown;
}

/** Raw configuration: parsed JSON, not yet checked. `undefined` means "not set". */
export interface RawConfig {
    region: string | undefined;
    registries: unknown;
    imageMappings: unknown;
    workflowBuckets: unknown;
    mapObjectKey: unknown;
    tags: unknown;
    /** Looks up a secret config key of this project named by a registry's credentials. */
    secretConfig(key: string): SecretConfigEntry | undefined;
}

/** One problem in the configuration: `path` uses `pulumi config set --path` syntax. */
export interface ConfigProblem {
    path: string;
    message: string;
}
