// Shapes shared by the rollout modules: the parsed rollout.yaml, the planned stacks, and per-stack results.

/** A config value in rollout.yaml: any YAML value; `{secretFromEnv: NAME}` anywhere inside marks a secret. */
export type ConfigMap = Record<string, unknown>;

export interface ProfileCredentials {
    kind: "profile";
    profile: string;
}

export interface RoleCredentials {
    kind: "role";
    roleArn: string;
    externalId?: string;
    sessionName?: string;
}

export type TargetCredentials = ProfileCredentials | RoleCredentials;

/** One `targets[]` entry of rollout.yaml, after validation. */
export interface RolloutTarget {
    alias: string;
    accountId: string;
    credentials: TargetCredentials;
    regions: string[];
    config: ConfigMap;
    /** Per region: keys that replace the target's `config` in that region's stack. */
    regionConfig: Record<string, ConfigMap>;
    /** Pulumi ESC environments to attach (`pulumi config env add`): the file's shared ones, then the target's own. */
    environments: string[];
}

/** rollout.yaml after validation. */
export interface RolloutFile {
    config: ConfigMap;
    /** ESC environments every target's stacks import. */
    environments: string[];
    targets: RolloutTarget[];
}

/** One stack to create or select: a target in one region. */
export interface PlannedStack {
    stackName: string;
    alias: string;
    accountId: string;
    region: string;
    credentials: TargetCredentials;
    /** Fully qualified config keys (`project:key`, `aws:region`, ...) to their rollout.yaml values. */
    config: ConfigMap;
    /** Pulumi ESC environments the stack imports, in order. */
    environments: string[];
}

export type Operation = "preview" | "up" | "destroy";

export interface StackRunResult {
    stackName: string;
    succeeded: boolean;
    /**
     * Resource changes by operation (`create`, `update`, `delete`, `replace`, `same`, ...), from the engine's summary
     * event.
     */
    changes?: Record<string, number>;
    mandatoryViolations: number;
    advisoryViolations: number;
    durationMs: number;
    /** First line of the failure, secrets removed. */
    error?: string;
    logFile: string;
}
