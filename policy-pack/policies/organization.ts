// Organization conventions, set through CrossGuard policy config (issue 8.3): the prefix each upstream uses,
// the allowed upstream hosts, and the allowed accounts and regions. Without config it checks nothing.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { parseEcrImageUri, parseSecretArn } from "../rules/ecr-naming";
import { rawStatements, parseStatement } from "../rules/iam-document";
import { isKnown, readProp } from "../known-value";
import { registries } from "../registries";
import { OrganizationConfig, ORGANIZATION_CONFIG_SCHEMA, readOrganizationConfig } from "../policy-config";
import { canonicalUpstream, label, pullThroughCacheRules, registryMaps, TYPES } from "../stack-facts";

/** An account and region some resource names, with where it was found. */
interface NamedLocation {
    account?: string;
    region?: string;
    where: string;
    urn?: string;
}

const ECR_ARN = /^arn:[a-z-]+:ecr:([a-z0-9-]+):(\d{12}):/;

/** Accounts and regions the stack's documents name: registry policy ARNs, image destinations, credential ARNs. */
function namedLocations(resources: readonly PolicyResource[]): NamedLocation[] {
    const found: NamedLocation[] = [];
    for (const policy of resources.filter(r => r.type === TYPES.registryPolicy)) {
        const document = readProp(policy.props, "policy");
        for (const statement of (isKnown(document) ? (rawStatements(document) ?? []) : []).map(parseStatement)) {
            for (const resource of statement.notResources ?? statement.resources) {
                const match = ECR_ARN.exec(resource);
                if (match !== null) {
                    found.push({
                        account: match[2],
                        region: match[1],
                        where: `Registry policy ${label(policy)} resource '${resource}'`,
                        urn: policy.urn,
                    });
                }
            }
        }
    }
    for (const map of registryMaps(resources)) {
        map.imageMappings.forEach((mapping, index) => {
            const image =
                typeof mapping.destinationImage === "string" ? parseEcrImageUri(mapping.destinationImage) : undefined;
            if (image !== undefined) {
                found.push({
                    account: image.account,
                    region: image.region,
                    where: `Container registry map ${label(map.resource)} imageMappings[${index}] destinationImage`,
                    urn: map.resource.urn,
                });
            }
        });
        map.registryMappings.forEach((mapping, index) => {
            const secret =
                typeof mapping.credentialArn === "string" ? parseSecretArn(mapping.credentialArn) : undefined;
            if (secret !== undefined) {
                found.push({
                    account: secret.account,
                    region: secret.region,
                    where: `Container registry map ${label(map.resource)} registryMappings[${index}] credentialArn`,
                    urn: map.resource.urn,
                });
            }
            if (typeof mapping.ecrAccountId === "string") {
                found.push({
                    account: mapping.ecrAccountId,
                    where: `Container registry map ${label(map.resource)} registryMappings[${index}] ecrAccountId`,
                    urn: map.resource.urn,
                });
            }
        });
    }
    for (const rule of pullThroughCacheRules(resources)) {
        const secret =
            isKnown(rule.credentialArn) && rule.credentialArn !== undefined
                ? parseSecretArn(rule.credentialArn)
                : undefined;
        if (secret !== undefined) {
            found.push({
                account: secret.account,
                region: secret.region,
                where: `Pull-through cache rule ${label(rule.resource)} credentialArn`,
                urn: rule.resource.urn,
            });
        }
    }
    return found;
}

function checkPrefixes(
    config: OrganizationConfig,
    resources: readonly PolicyResource[],
    report: (message: string, urn?: string) => void,
): void {
    const expected = config.upstreamPrefixes;
    if (expected === undefined) {
        return;
    }
    for (const rule of pullThroughCacheRules(resources)) {
        if (
            !isKnown(rule.upstreamUrl) ||
            rule.upstreamUrl === undefined ||
            !isKnown(rule.prefix) ||
            rule.prefix === undefined
        ) {
            continue;
        }
        const want = expected[rule.upstreamUrl.toLowerCase()];
        if (want !== undefined && want !== rule.prefix) {
            report(
                `Pull-through cache rule for '${rule.upstreamUrl}' uses prefix '${rule.prefix}', but ` +
                    `this organization's prefix for '${rule.upstreamUrl}' is '${want}'`,
                rule.resource.urn,
            );
        }
    }
    for (const map of registryMaps(resources)) {
        map.registryMappings.forEach((mapping, index) => {
            const url = mapping.upstreamRegistryUrl;
            if (typeof url !== "string" || typeof mapping.ecrRepositoryPrefix !== "string") {
                return;
            }
            const upstream = canonicalUpstream(url);
            const want = expected[url.toLowerCase()] ?? expected[upstream];
            if (want !== undefined && want !== mapping.ecrRepositoryPrefix) {
                report(
                    `Container registry map ${label(map.resource)} registryMappings[${index}] maps ` +
                        `'${url}' to prefix '${mapping.ecrRepositoryPrefix}', but this organization's prefix ` +
                        `for '${upstream}' is '${want}'`,
                    map.resource.urn,
                );
            }
        });
    }
}

function checkUpstreamHosts(
    config: OrganizationConfig,
    resources: readonly PolicyResource[],
    report: (message: string, urn?: string) => void,
): void {
    const allowed = config.allowedUpstreamHosts;
    if (allowed === undefined) {
        return;
    }
    const allowedText = allowed.join(", ") || "none";
    for (const rule of pullThroughCacheRules(resources)) {
        if (
            isKnown(rule.upstreamUrl) &&
            rule.upstreamUrl !== undefined &&
            !allowed.includes(rule.upstreamUrl.toLowerCase())
        ) {
            report(
                `Pull-through cache rule ${label(rule.resource)} pulls from '${rule.upstreamUrl}', ` +
                    `which is not an allowed upstream host (allowed: ${allowedText})`,
                rule.resource.urn,
            );
        }
    }
    for (const map of registryMaps(resources)) {
        map.registryMappings.forEach((mapping, index) => {
            const url = mapping.upstreamRegistryUrl;
            if (
                typeof url === "string" &&
                !allowed.includes(url.toLowerCase()) &&
                !allowed.includes(canonicalUpstream(url))
            ) {
                report(
                    `Container registry map ${label(map.resource)} registryMappings[${index}] names ` +
                        `upstream '${url}', which is not an allowed upstream host (allowed: ${allowedText})`,
                    map.resource.urn,
                );
            }
        });
    }
}

function checkLocations(
    config: OrganizationConfig,
    resources: readonly PolicyResource[],
    report: (message: string, urn?: string) => void,
): void {
    const { allowedAccounts, allowedRegions } = config;
    if (allowedAccounts === undefined && allowedRegions === undefined) {
        return;
    }
    // every registry the stack deploys to (one per AWS provider), from provider-computed values and provider config
    const known = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => v !== undefined))];
    const deployed: NamedLocation[] = [
        ...known(registries(resources).map(r => r.account)).map(account => ({
            account,
            where: "This stack deploys to",
        })),
        ...known(registries(resources).map(r => r.region)).map(region => ({ region, where: "This stack deploys to" })),
    ];
    for (const location of [...deployed, ...namedLocations(resources)]) {
        const subject = deployed.includes(location) ? "This stack deploys to" : `${location.where} names`;
        if (
            allowedAccounts !== undefined &&
            location.account !== undefined &&
            !allowedAccounts.includes(location.account)
        ) {
            report(
                `${subject} account ${location.account}, which is not an allowed account ` +
                    `(allowed: ${allowedAccounts.join(", ") || "none"})`,
                location.urn,
            );
        }
        if (
            allowedRegions !== undefined &&
            location.region !== undefined &&
            !allowedRegions.includes(location.region)
        ) {
            report(
                `${subject} region ${location.region}, which is not an allowed region ` +
                    `(allowed: ${allowedRegions.join(", ") || "none"})`,
                location.urn,
            );
        }
    }
}

export const organizationConventions: StackValidationPolicy = {
    name: "organization-conventions",
    description:
        "The organization's conventions from policy config: the prefix each upstream host uses " +
        "(upstreamPrefixes), the allowed upstream hosts, and the allowed accounts and regions. Checks " +
        "nothing when not configured.",
    enforcementLevel: "mandatory",
    configSchema: ORGANIZATION_CONFIG_SCHEMA,
    validateStack: (args, report) => {
        const config = readOrganizationConfig(args.getConfig());
        checkPrefixes(config, args.resources, report);
        checkUpstreamHosts(config, args.resources, report);
        checkLocations(config, args.resources, report);
    },
};
