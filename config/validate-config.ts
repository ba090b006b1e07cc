// Validates the whole stack configuration at once, before any resource is declared.
import { Problems } from "./problems";
import { ConfigProblem, DeploymentTarget, OmicsRegistryConfig, RawConfig } from "./types";
import { validateImageMappings } from "./validate-image-mappings";
import { validateRegistries } from "./validate-registries";
import { validateMapObjectKey, validateRegion, validateTags, validateWorkflowBuckets } from "./validate-stack-settings";

/** What `aws.getCallerIdentity` and `aws.getPartition` tell about the credentials in use. */
export type CallerIdentity = Omit<DeploymentTarget, "region">;

export type ValidationResult =
    | { ok: true; config: OmicsRegistryConfig }
    | { ok: false; problems: ConfigProblem[] };

/**
 * `caller` is undefined when aws:region is unusable (AWS cannot be asked who we are); the region problem is
 * then reported together with every check that does not need the account.
 */
export function validateConfig(namespace: string, raw: RawConfig, caller: CallerIdentity | undefined): ValidationResult {
    const problems = new Problems();
    const region = validateRegion(raw.region, problems);
    const target: DeploymentTarget | undefined = region !== undefined && caller !== undefined ? { ...caller, region } : undefined;
    const { registries, prefixes } = validateRegistries(raw.registries, { namespace, target, secretConfig: raw.secretConfig }, problems);
    const imageMappings = validateImageMappings(raw.imageMappings, prefixes, target, problems);
    const workflowBuckets = validateWorkflowBuckets(raw.workflowBuckets, problems);
    const mapObjectKey = validateMapObjectKey(raw.mapObjectKey, problems);
    const tags = validateTags(raw.tags, problems);
    if (problems.list.length > 0 || target === undefined) {
        return { ok: false, problems: problems.list };
    }
    return { ok: true, config: { target, registries, imageMappings, workflowBuckets, mapObjectKey, tags } };
}

/** True when aws:region can be used to ask AWS for the caller identity. */
export function isUsableRegion(region: string | undefined): boolean {
    return validateRegion(region, new Problems()) !== undefined;
}
