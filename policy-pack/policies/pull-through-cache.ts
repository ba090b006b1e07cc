// Policies on pull-through cache rules: each has a repository creation template that applies to it.
import { StackValidationPolicy } from "@pulumi/policy";
import { isKnown } from "../known-value";
import { scopeOf } from "../registries";
import { appliesToPullThroughCache, creationTemplates, pullThroughCacheRules } from "../stack-facts";

export const ruleHasCreationTemplate: StackValidationPolicy = {
    name: "pull-through-rule-has-creation-template",
    description:
        "Every ECR pull-through cache rule has a repository creation template with the same prefix, " +
        "applied for PULL_THROUGH_CACHE, so HealthOmics can pull the repositories the cache creates.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const rule of pullThroughCacheRules(args.resources)) {
            // ECR applies the templates of the rule's own registry; those possibly there count
            const templates = creationTemplates(scopeOf(args.resources, rule.resource).possibly);
            if (!isKnown(rule.prefix) || rule.prefix === undefined || templates.some(t => !isKnown(t.prefix))) {
                continue; // an unknown template prefix may be the missing one
            }
            const same = templates.filter(t => t.prefix === rule.prefix);
            if (same.length === 0) {
                report(
                    `Pull-through cache rule for prefix '${rule.prefix}' has no repository creation ` +
                        `template with prefix '${rule.prefix}'; repositories it creates would not let ` +
                        `HealthOmics pull`,
                    rule.resource.urn,
                );
            } else if (same.every(t => appliesToPullThroughCache(t) === false)) {
                report(
                    `Repository creation template for prefix '${rule.prefix}' is not applied for ` +
                        `PULL_THROUGH_CACHE, so the pull-through cache rule for '${rule.prefix}' does not ` +
                        `use it`,
                    rule.resource.urn,
                );
            }
        }
    },
};
