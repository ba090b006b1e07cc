// The plan: one stack per target and region (`<alias>-<region>`), its config, `--only`, and the refusals.
import { RolloutRefusal } from "./problems";
import { secretEnvNames } from "./secret-values";
import { ConfigMap, PlannedStack, RolloutFile, RolloutTarget, TargetCredentials } from "./types";

export function stackNameOf(alias: string, region: string): string {
    return `${alias}-${region}`;
}

/** `registries` -> `omics-registry-maps:registries`; keys that already name a namespace stay as they are. */
export function qualifyKey(key: string, projectName: string): string {
    return key.includes(":") ? key : `${projectName}:${key}`;
}

function qualify(config: ConfigMap, projectName: string): ConfigMap {
    return Object.fromEntries(Object.entries(config).map(([key, value]) => [qualifyKey(key, projectName), value]));
}

/**
 * The AWS provider settings of a target: `aws:region`, `aws:allowedAccountIds` (the provider then refuses any
 * other account), and either `aws:profile` or `aws:assumeRoles` (a list in @pulumi/aws 7, see its config/vars.d.ts).
 */
export function awsConfigOf(accountId: string, region: string, credentials: TargetCredentials): ConfigMap {
    const config: ConfigMap = { "aws:region": region, "aws:allowedAccountIds": [accountId] };
    if (credentials.kind === "profile") {
        config["aws:profile"] = credentials.profile;
    } else {
        const { roleArn, externalId, sessionName } = credentials;
        config["aws:assumeRoles"] = [
            {
                roleArn,
                ...(externalId !== undefined ? { externalId } : {}),
                ...(sessionName !== undefined ? { sessionName } : {}),
            },
        ];
    }
    return config;
}

/**
 * The stack config of one target in one region: shared config, then the target's own keys, then its `regionConfig` for
 * the region (each replaces the key before it whole), then AWS settings.
 */
export function stackConfigOf(
    shared: ConfigMap,
    target: RolloutTarget,
    region: string,
    projectName: string,
): ConfigMap {
    return {
        ...qualify(shared, projectName),
        ...qualify(target.config, projectName),
        ...qualify(target.regionConfig[region] ?? {}, projectName),
        ...awsConfigOf(target.accountId, region, target.credentials),
    };
}

/**
 * Refuses two stacks in one account and region: ECR's registry policy and scanning configuration are one per account
 * and region, and each stack would overwrite the other's.
 */
function sameAccountRegionProblems(stacks: PlannedStack[]): string[] {
    const byPlace = new Map<string, PlannedStack>();
    const problems: string[] = [];
    for (const stack of stacks) {
        const place = `${stack.accountId}/${stack.region}`;
        const first = byPlace.get(place);
        if (first !== undefined) {
            problems.push(
                `targets "${first.alias}" and "${stack.alias}" both deploy to account ${stack.accountId} in ` +
                    `${stack.region} (stacks ${first.stackName} and ${stack.stackName}); the ECR registry policy ` +
                    "and registry scanning configuration are one per account and region, so only one stack may own " +
                    "them: keep one target there and merge " +
                    "the other's registries into it",
            );
        } else {
            byPlace.set(place, stack);
        }
    }
    return problems;
}

/**
 * Refuses a workflow bucket granted to stacks in more than one region. A bucket lives in one region, and HealthOmics
 * reads a run's inputs and writes its outputs in its own Region only: "The input and output locations must be in the
 * same Region as the workflow" (AWS HealthOmics User Guide, "HealthOmics workflow definition requirements",
 * https://docs.aws.amazon.com/omics/latest/dev/workflow-defn-requirements.html). So at least one of the grants is for a
 * bucket that region's runs cannot use: give each region its own bucket.
 */
export function bucketRegionProblems(stacks: readonly PlannedStack[], projectName: string): string[] {
    const byBucket = new Map<string, Map<string, string[]>>();
    for (const stack of stacks) {
        const buckets = stack.config[qualifyKey("workflowBuckets", projectName)];
        for (const bucket of Array.isArray(buckets)
            ? buckets.filter((item): item is string => typeof item === "string")
            : []) {
            const regions = byBucket.get(bucket) ?? new Map<string, string[]>();
            regions.set(stack.region, [...(regions.get(stack.region) ?? []), stack.stackName]);
            byBucket.set(bucket, regions);
        }
    }
    return [...byBucket.entries()]
        .filter(([, regions]) => regions.size > 1)
        .map(
            ([bucket, regions]) =>
                `workflowBuckets: bucket "${bucket}" is granted in ${regions.size} regions (` +
                [...regions.entries()].map(([region, names]) => `${region}: ${names.join(", ")}`).join("; ") +
                "); an S3 bucket is in one region and HealthOmics reads run inputs and writes outputs only in the " +
                "run's own Region (HealthOmics User Guide, workflow definition requirements): give each region's " +
                "stack a bucket of that region (a target's regionConfig.<region>.workflowBuckets)",
        );
}

/** Every stack of the rollout file, in file order, with the problems of the plan (same account and region, buckets). */
export function planStacksChecked(
    file: RolloutFile,
    projectName: string,
): { stacks: PlannedStack[]; problems: string[] } {
    const stacks = file.targets.flatMap(target =>
        target.regions.map((region): PlannedStack => ({
            stackName: stackNameOf(target.alias, region),
            alias: target.alias,
            accountId: target.accountId,
            region,
            credentials: target.credentials,
            config: stackConfigOf(file.config, target, region, projectName),
            environments: [...target.environments],
        })),
    );
    return { stacks, problems: [...sameAccountRegionProblems(stacks), ...bucketRegionProblems(stacks, projectName)] };
}

/** Every stack of the rollout file, in file order; refuses same account+region pairs and multi-region buckets. */
export function planStacks(file: RolloutFile, projectName: string): PlannedStack[] {
    const { stacks, problems } = planStacksChecked(file, projectName);
    if (problems.length > 0) {
        throw new RolloutRefusal(problems);
    }
    return stacks;
}

/** `--only a,b-us-east-1`: each item is a target alias (all its regions) or a stack name; unknown items are refused. */
export function selectStacks(stacks: PlannedStack[], only: string | undefined): PlannedStack[] {
    if (only === undefined) {
        return stacks;
    }
    const wanted = only
        .split(",")
        .map(item => item.trim())
        .filter(item => item !== "");
    if (wanted.length === 0) {
        throw new RolloutRefusal(["--only: give target aliases or stack names, comma-separated"]);
    }
    const known = new Set(stacks.flatMap(stack => [stack.alias, stack.stackName]));
    const unknown = wanted.filter(item => !known.has(item));
    if (unknown.length > 0) {
        throw new RolloutRefusal(
            unknown.map(
                item =>
                    `--only: "${item}" is neither a target alias nor a stack name; known: ` +
                    [...known].sort().join(", "),
            ),
        );
    }
    return stacks.filter(stack => wanted.includes(stack.alias) || wanted.includes(stack.stackName));
}

/** Environment variables named by `secretFromEnv` in the selected stacks that are not set. */
export function missingSecretProblems(stacks: PlannedStack[], env: NodeJS.ProcessEnv): string[] {
    const problems: string[] = [];
    for (const stack of stacks) {
        for (const [key, value] of Object.entries(stack.config)) {
            for (const name of secretEnvNames(value)) {
                if (env[name] === undefined || env[name] === "") {
                    problems.push(
                        `${stack.stackName}: config ${key} takes a secret from environment variable ${name}, which ` +
                            `is not set`,
                    );
                }
            }
        }
    }
    return [...new Set(problems)];
}

/** Destroy runs only when the typed-back list is exactly the selected stacks (any order). */
export function destroyConfirmationProblems(stacks: PlannedStack[], typed: string): string[] {
    const expected = stacks.map(stack => stack.stackName).sort();
    const given = [
        ...new Set(
            typed
                .split(",")
                .map(item => item.trim())
                .filter(item => item !== ""),
        ),
    ].sort();
    if (expected.join(",") === given.join(",")) {
        return [];
    }
    return [
        `destroy refused: the confirmation "${given.join(",")}" does not list exactly the stacks to destroy: ` +
            expected.join(","),
    ];
}
