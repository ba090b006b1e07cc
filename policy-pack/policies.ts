// Every policy of the pack, exported so that tests call them directly.
import { StackValidationPolicy } from "@pulumi/policy";
import { credentialSecretNames } from "./policies/credential-secret-names";
import { imageMappingsInsidePrefixes } from "./policies/image-mappings-inside-prefixes";
import { omicsRoleMatchesRules } from "./policies/omics-role-matches-rules";
import { registryMapMatchesRules } from "./policies/registry-map-matches-rules";
import { registryPolicyMatchesRules } from "./policies/registry-policy-matches-rules";
import { ruleHasCreationTemplate } from "./policies/rule-has-creation-template";

export {
    credentialSecretNames,
    imageMappingsInsidePrefixes,
    omicsRoleMatchesRules,
    registryMapMatchesRules,
    registryPolicyMatchesRules,
    ruleHasCreationTemplate,
};

export const policies: StackValidationPolicy[] = [
    ruleHasCreationTemplate,
    registryPolicyMatchesRules,
    omicsRoleMatchesRules,
    registryMapMatchesRules,
    imageMappingsInsidePrefixes,
    credentialSecretNames,
];
