// Checks the size limits of the documents the validated config produces, before anything is declared.
import { scanningConfiguration, scanningLimitProblems } from "../components/registry-state";
import { stackDocuments } from "../components/stack-documents";
import {
    MAX_REGISTRY_POLICY_CHARACTERS,
    MAX_ROLE_INLINE_POLICY_CHARACTERS,
    nonWhitespaceLength,
} from "../policy-pack/rules/service-limits";
import { Problems } from "./problems";
import { OmicsRegistryConfig } from "./types";

export function checkDocumentLimits(config: OmicsRegistryConfig, problems: Problems): void {
    const documents = stackDocuments(config);
    const roleSize = nonWhitespaceLength(JSON.stringify(documents.omicsRolePolicy));
    if (roleSize > MAX_ROLE_INLINE_POLICY_CHARACTERS) {
        problems.add(
            "workflowBuckets",
            `the HealthOmics role's inline policy would take ${roleSize} non-whitespace characters; IAM ` +
                `allows at most ${MAX_ROLE_INLINE_POLICY_CHARACTERS} for a role's inline policies (IAM ` +
                `quotas). Its size grows with workflowBuckets (${config.workflowBuckets.length}) and ` +
                `registries (${config.registries.length}): list fewer buckets (e.g. one bucket with ` +
                `per-workflow prefixes) or split the registries over two stacks in different regions`,
        );
    }
    const registrySize = JSON.stringify(documents.registryPolicy).length;
    if (registrySize > MAX_REGISTRY_POLICY_CHARACTERS) {
        problems.add(
            "registryPolicyStatements",
            `the ECR registry policy would take ${registrySize} characters; ECR allows at ` +
                `most ${MAX_REGISTRY_POLICY_CHARACTERS}: shorten the kept statements`,
        );
    }
    if (config.cachedRepositories.scanning.enabled) {
        // The account's live rules join these at deploy time and are checked again then (read-registry-state.ts).
        const scanning = scanningConfiguration(
            config.cachedRepositories.scanning,
            config.registries.map(r => r.ecrRepositoryPrefix),
        );
        for (const message of scanningLimitProblems(scanning)) {
            problems.add("cachedRepositories.scanning", message);
        }
    }
}
