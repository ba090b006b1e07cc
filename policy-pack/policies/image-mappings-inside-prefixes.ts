import { StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { OMICS_SERVICE_PRINCIPAL, isUnderPrefix, parseEcrImageUri } from "../rules/ecr-naming";
import { grantsToService } from "../rules/iam-document";
import { isKnown } from "../known-value";
import { prefixCoverage, registriesOf } from "../prefix-coverage";
import { documentStatements, label, pullThroughCacheRules, registryMaps, rulePrefixes, TYPES } from "../stack-facts";

/** `<account> in <region>` of the registry this stack's registry policy governs, when it can be read. */
function stackRegistries(args: StackValidationArgs): string[] {
    const statements = args.resources
        .filter(r => r.type === TYPES.registryPolicy)
        .map(r => documentStatements(r, "policy"))
        .filter(isKnown)
        .flatMap(s => s ?? [])
        .filter(s => grantsToService(s, OMICS_SERVICE_PRINCIPAL));
    return registriesOf(prefixCoverage(statements));
}

export const imageMappingsInsidePrefixes: StackValidationPolicy = {
    name: "image-mappings-inside-pull-through-prefixes",
    description: "Every imageMappings destination of a container registry map is an ECR image under a pull-through cache prefix, in this stack's account and region.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const { prefixes, complete } = rulePrefixes(pullThroughCacheRules(args.resources));
        const registries = stackRegistries(args);
        for (const map of registryMaps(args.resources)) {
            map.imageMappings.forEach((mapping, index) => {
                const destination = mapping.destinationImage;
                const where = `Container registry map ${label(map.resource)} imageMappings[${index}] destinationImage`;
                const image = typeof destination === "string" ? parseEcrImageUri(destination) : undefined;
                if (image === undefined) {
                    report(`${where} ${JSON.stringify(destination)} is not an ECR image URI <account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<repository>[:tag]`, map.resource.urn);
                    return;
                }
                const registry = `${image.account} in ${image.region}`;
                if (registries.length === 1 && registry !== registries[0]) {
                    report(`${where} '${destination}' points into account ${image.account} in ${image.region}, but this stack's registry is account ${registries[0]}`, map.resource.urn);
                }
                if (complete && !prefixes.some(p => isUnderPrefix(image.repository, p) && image.repository !== p)) {
                    report(`${where} '${destination}' is not under a pull-through cache prefix (declared: ${prefixes.join(", ") || "none"})`, map.resource.urn);
                }
            });
        }
    },
};
