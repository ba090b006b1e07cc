import { StackValidationPolicy } from "@pulumi/policy";
import { isKnown } from "../known-value";
import { label, pullThroughCacheRules, registryMaps, rulePrefixes } from "../stack-facts";

export const registryMapMatchesRules: StackValidationPolicy = {
    name: "registry-map-matches-pull-through-rules",
    description: "Every registryMappings entry of a container registry map stored in S3 names the prefix and upstream registry URL of a pull-through cache rule of the stack.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const rules = pullThroughCacheRules(args.resources);
        const { prefixes, complete } = rulePrefixes(rules);
        for (const map of registryMaps(args.resources)) {
            map.registryMappings.forEach((mapping, index) => {
                const where = `Container registry map ${label(map.resource)} registryMappings[${index}]`;
                const prefix = mapping.ecrRepositoryPrefix;
                const url = mapping.upstreamRegistryUrl;
                if (typeof prefix !== "string" || typeof url !== "string") {
                    report(`${where} must have string ecrRepositoryPrefix and upstreamRegistryUrl`, map.resource.urn);
                    return;
                }
                const rule = rules.find(r => r.prefix === prefix);
                if (rule === undefined) {
                    if (complete) {
                        report(`${where} names ecrRepositoryPrefix '${prefix}', which no pull-through cache rule declares (declared: ${prefixes.join(", ") || "none"})`, map.resource.urn);
                    }
                } else if (isKnown(rule.upstreamUrl) && rule.upstreamUrl !== url) {
                    report(`${where} maps prefix '${prefix}' to upstreamRegistryUrl '${url}', but the pull-through cache rule for '${prefix}' pulls from '${rule.upstreamUrl}'`, map.resource.urn);
                }
            });
        }
    },
};
