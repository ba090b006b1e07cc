// Every policy of the pack, exported so that tests call them directly; `policies` is the pack's list, in order.
import { StackValidationPolicy } from "@pulumi/policy";
import {
    pullThroughTagsMutable,
    pullThroughTemplateHasLifecyclePolicy,
    scanningCoversPrefixes,
    templateHasCustomRole,
} from "./policies/cached-repositories";
import { copyRegistryCredentials, credentialSecretNames } from "./policies/credentials";
import { organizationConventions } from "./policies/organization";
import { ruleHasCreationTemplate } from "./policies/pull-through-cache";
import { imageMappingsInsidePrefixes, imageMappingsPinned, registryMapMatchesRules } from "./policies/registry-maps";
import {
    registryPolicyAccountGrants,
    registryPolicyMatchesRules,
    registryPolicyNamesOwnRegistry,
} from "./policies/registry-policy";
import { omicsRoleMatchesRules } from "./policies/service-role";

export {
    copyRegistryCredentials,
    credentialSecretNames,
    imageMappingsInsidePrefixes,
    imageMappingsPinned,
    omicsRoleMatchesRules,
    organizationConventions,
    pullThroughTagsMutable,
    pullThroughTemplateHasLifecyclePolicy,
    registryMapMatchesRules,
    registryPolicyAccountGrants,
    registryPolicyMatchesRules,
    registryPolicyNamesOwnRegistry,
    ruleHasCreationTemplate,
    scanningCoversPrefixes,
    templateHasCustomRole,
};

export const policies: StackValidationPolicy[] = [
    // the first six keep their names and order from the first release (CI previews may reference them)
    ruleHasCreationTemplate,
    registryPolicyMatchesRules,
    omicsRoleMatchesRules,
    registryMapMatchesRules,
    imageMappingsInsidePrefixes,
    credentialSecretNames,
    templateHasCustomRole,
    pullThroughTagsMutable,
    registryPolicyNamesOwnRegistry,
    copyRegistryCredentials,
    organizationConventions,
    pullThroughTemplateHasLifecyclePolicy,
    scanningCoversPrefixes,
    imageMappingsPinned,
    registryPolicyAccountGrants,
];
