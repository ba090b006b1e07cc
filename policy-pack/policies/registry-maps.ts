// Policies on the container registry maps stored in S3: every registry mapping names a rule of the stack (or a
// HealthOmics-copy registry with its credentials), every image mapping points into this registry under a declared
// prefix with its partition's host, and (advisory) image mappings are pinned.
import { StackValidationPolicy } from "@pulumi/policy";
import { hostSuffixMismatch, isUnderPrefix, officialImageWithoutLibrary, parseEcrImageUri } from "../rules/ecr-naming";
import { pinning } from "../rules/docker-reference";
import { DOCKER_HUB_UPSTREAM, upstreamOfAlias } from "../rules/registry-catalogue";
import { isKnown } from "../known-value";
import { readPinningConfig, PINNING_CONFIG_SCHEMA } from "../policy-config";
import { registryLabel, scopeOf } from "../registries";
import { declaredPrefixes, isCopyHost, label, pullThroughCacheRules, registryMaps, rulePrefixes } from "../stack-facts";

export const registryMapMatchesRules: StackValidationPolicy = {
    name: "registry-map-matches-pull-through-rules",
    description:
        "Every registryMappings entry of every container registry map stored in S3 names the prefix and " +
        "upstream registry URL of a pull-through cache rule of the stack (an alias host such as " +
        "docker.io may use its upstream's rule), or is a HealthOmics-copy registry (Seqera, NGC, GCR, " +
        "Artifact Registry) with a credentialArn.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const map of registryMaps(args.resources)) {
            // A mapping may name the rules possibly in the map's registry; a conflict needs a rule surely there.
            const scope = scopeOf(args.resources, map.resource);
            const rules = pullThroughCacheRules(scope.possibly);
            const sureRules = pullThroughCacheRules(scope.surely);
            const { prefixes, complete } = rulePrefixes(rules);
            map.registryMappings.forEach((mapping, index) => {
                const where = `Container registry map ${label(map.resource)} registryMappings[${index}]`;
                const prefix = mapping.ecrRepositoryPrefix;
                const url = mapping.upstreamRegistryUrl;
                if (typeof prefix !== "string" || typeof url !== "string") {
                    report(`${where} must have string ecrRepositoryPrefix and upstreamRegistryUrl`, map.resource.urn);
                    return;
                }
                const rule = sureRules.find(r => r.prefix === prefix);
                if (isCopyHost(url)) {
                    if (typeof mapping.credentialArn !== "string" || mapping.credentialArn === "") {
                        report(
                            `${where} maps HealthOmics-copy registry '${url}' to prefix '${prefix}' ` +
                                `without a credentialArn; HealthOmics copies from it only with a Secrets ` +
                                `Manager secret named in credentialArn`,
                            map.resource.urn,
                        );
                    }
                    if (rule !== undefined) {
                        report(
                            `${where} maps HealthOmics-copy registry '${url}' to prefix '${prefix}', ` +
                                `which the pull-through cache rule for ` +
                                `'${isKnown(rule.upstreamUrl) ? rule.upstreamUrl : prefix}' already uses; ` +
                                `give the copies a prefix of their own`,
                            map.resource.urn,
                        );
                    }
                    return;
                }
                const upstream = upstreamOfAlias(url) ?? url;
                if (rule === undefined) {
                    if (complete && !rules.some(r => r.prefix === prefix)) {
                        report(
                            `${where} names ecrRepositoryPrefix '${prefix}', which no pull-through ` +
                                `cache rule declares (declared: ${prefixes.join(", ") || "none"})`,
                            map.resource.urn,
                        );
                    }
                } else if (isKnown(rule.upstreamUrl) && rule.upstreamUrl !== url && rule.upstreamUrl !== upstream) {
                    report(
                        `${where} maps prefix '${prefix}' to upstreamRegistryUrl '${url}', but the ` +
                            `pull-through cache rule for '${prefix}' pulls from '${rule.upstreamUrl}'`,
                        map.resource.urn,
                    );
                }
            });
        }
    },
};

export const imageMappingsInsidePrefixes: StackValidationPolicy = {
    name: "image-mappings-inside-pull-through-prefixes",
    description:
        "Every imageMappings destination of every container registry map is an ECR image under a " +
        "pull-through cache or HealthOmics-copy prefix, in this stack's account and region, with its " +
        "partition's host suffix; Docker Hub official images keep their library/ path.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const map of registryMaps(args.resources)) {
            // The map's registry is its provider's, told by provider-computed values; its prefixes are those possibly
            // there.
            const scope = scopeOf(args.resources, map.resource);
            const { account, region } = scope.registry;
            const declared = declaredPrefixes(scope.possibly);
            const prefixes = [...new Set([...declared.rules, ...declared.copies])].sort();
            const dockerHubPrefixes = pullThroughCacheRules(scope.surely)
                .filter(r => r.upstreamUrl === DOCKER_HUB_UPSTREAM)
                .map(r => r.prefix)
                .filter((p): p is string => isKnown(p) && p !== undefined);
            map.imageMappings.forEach((mapping, index) => {
                const destination = mapping.destinationImage;
                const where = `Container registry map ${label(map.resource)} imageMappings[${index}] destinationImage`;
                const text = typeof destination === "string" ? destination : undefined;
                const image = text !== undefined ? parseEcrImageUri(text) : undefined;
                if (text === undefined || image === undefined) {
                    report(
                        `${where} ${JSON.stringify(destination)} is not an ECR image URI ` +
                            `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<repository>[:tag]`,
                        map.resource.urn,
                    );
                    return;
                }
                const suffixProblem = hostSuffixMismatch(image);
                if (suffixProblem !== undefined) {
                    report(`${where} '${text}' has the wrong host: ${suffixProblem}`, map.resource.urn);
                }
                if (
                    (account !== undefined && image.account !== account) ||
                    (region !== undefined && image.region !== region)
                ) {
                    report(
                        `${where} '${text}' points into account ${image.account} in ${image.region}, ` +
                            `but this stack's registry is ${registryLabel(scope.registry)}`,
                        map.resource.urn,
                    );
                }
                if (
                    declared.complete &&
                    !prefixes.some(p => isUnderPrefix(image.repository, p) && image.repository !== p)
                ) {
                    report(
                        `${where} '${text}' is not under a pull-through cache prefix ` +
                            `(declared: ${prefixes.join(", ") || "none"})`,
                        map.resource.urn,
                    );
                }
                const official = officialImageWithoutLibrary(image.repository, dockerHubPrefixes);
                if (official !== undefined) {
                    const { prefix: officialPrefix, name } = official;
                    const tag = image.tag !== undefined ? `:${image.tag}` : "";
                    const version = `${tag}${image.digest !== undefined ? `@${image.digest}` : ""}`;
                    report(
                        `${where} '${text}' names Docker Hub image '${name}' without its namespace; the ` +
                            `cache keeps official images under library/, so use ` +
                            `'${officialPrefix}/library/${name}${version}'`,
                        map.resource.urn,
                    );
                }
            });
        }
    },
};

export const imageMappingsPinned: StackValidationPolicy = {
    name: "image-mappings-pinned",
    description:
        "Every imageMappings destination is pinned by digest (@sha256:...) or by an explicit tag other " +
        "than 'latest' (with requireDigest: by digest), so runs are reproducible.",
    enforcementLevel: "advisory",
    configSchema: PINNING_CONFIG_SCHEMA,
    validateStack: (args, report) => {
        const { requireDigest } = readPinningConfig(args.getConfig());
        for (const map of registryMaps(args.resources)) {
            map.imageMappings.forEach((mapping, index) => {
                const destination = mapping.destinationImage;
                const image = typeof destination === "string" ? parseEcrImageUri(destination) : undefined;
                if (typeof destination !== "string" || image === undefined) {
                    return; // image-mappings-inside-pull-through-prefixes reports it
                }
                const pinned = pinning({ tag: image.tag, digest: image.digest });
                const where =
                    `Container registry map ${label(map.resource)} imageMappings[${index}] destinationImage ` +
                    `'${destination}'`;
                if (pinned === "unpinned") {
                    report(
                        `${where} is not pinned: give a digest (@sha256:...) or a tag other than 'latest'`,
                        map.resource.urn,
                    );
                } else if (requireDigest && pinned !== "digest") {
                    report(
                        `${where} is pinned by tag only; this organization requires a digest (@sha256:...)`,
                        map.resource.urn,
                    );
                }
            });
        }
    },
};
