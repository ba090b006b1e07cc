// Validates the whole stack configuration at once, before any resource is declared.
import { Problems } from "./problems";
import { RETIRED_KEYS } from "./raw-config";
import { ConfigProblem, DeploymentTarget, OmicsRegistryConfig, RawConfig } from "./types";
import { validateCachedRepositories } from "./validate-cached-repositories";
import { checkDocumentLimits } from "./validate-document-limits";
import { validateMaps } from "./validate-maps";
import { validateRegistries } from "./validate-registries";
import { validateRegistryPolicyStatements } from "./validate-registry-policy-statements";
import {
    checkHealthOmicsRegion,
    validateAuditTrail,
    validateExtraRegions,
    validateMapObjectPrefix,
    validateRegion,
    validateTags,
    validateWorkflowBuckets,
    validateWorkflowChecks,
} from "./validate-stack-settings";

/** What `aws.getCallerIdentity` and `aws.getPartition` tell about the credentials in use. */
export type CallerIdentity = Omit<DeploymentTarget, "region">;

export type ValidationResult = { ok: true; config: OmicsRegistryConfig } | { ok: false; problems: ConfigProblem[] };

/**
 * `caller` is undefined when aws:region is unusable (AWS cannot be asked who we are); the region problem is
 * then reported together with every check that does not need the account.
 */
export function validateConfig(
    namespace: string,
    raw: RawConfig,
    caller: CallerIdentity | undefined,
): ValidationResult {
    const problems = new Problems();
    for (const key of raw.retiredKeys) {
        problems.add(key, RETIRED_KEYS[key]);
    }
    const region = validateRegion(raw.region, problems);
    const extraRegions = validateExtraRegions(raw.additionalHealthOmicsRegions, problems);
    if (region !== undefined) {
        checkHealthOmicsRegion(region, extraRegions, problems);
    }
    const target: DeploymentTarget | undefined =
        region !== undefined && caller !== undefined ? { ...caller, region } : undefined;
    const { registries, prefixes, dockerHubPrefixes } = validateRegistries(
        raw.registries,
        { namespace, target, secretConfig: raw.secretConfig },
        problems,
    );
    const maps = validateMaps(raw.maps, raw.imageMappings, { prefixes, dockerHubPrefixes, target }, problems);
    // Kept statements may create or import under any declared prefix (the policy pack draws the same line).
    const registryPolicyStatements = validateRegistryPolicyStatements(
        raw.registryPolicyStatements,
        prefixes,
        target,
        problems,
    );
    const config: Omit<OmicsRegistryConfig, "target"> = {
        registries,
        maps,
        workflowBuckets: validateWorkflowBuckets(raw.workflowBuckets, problems),
        mapObjectPrefix: validateMapObjectPrefix(raw.mapObjectPrefix, problems),
        tags: validateTags(raw.tags, problems),
        registryPolicyStatements,
        cachedRepositories: validateCachedRepositories(raw.cachedRepositories, target, problems),
        auditTrail: validateAuditTrail(raw.auditTrail, problems),
        workflowChecks: validateWorkflowChecks(raw.workflowChecks, problems),
    };
    if (problems.list.length > 0 || target === undefined) {
        return { ok: false, problems: problems.list };
    }
    const complete = { target, ...config };
    checkDocumentLimits(complete, problems);
    return problems.list.length > 0 ? { ok: false, problems: problems.list } : { ok: true, config: complete };
}

/** True when aws:region can be used to ask AWS for the caller identity. */
export function isUsableRegion(region: string | undefined): boolean {
    return validateRegion(region, new Problems()) !== undefined;
}
