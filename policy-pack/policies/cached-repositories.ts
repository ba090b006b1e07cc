// Policies on the repositories ECR creates for the cache: creation template role, tag mutability,
// lifecycle policy and image scanning (issues 5.1, 6.3, 6.4).
import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { isKnown, readProp, readString } from "../known-value";
import { registriesWith, registryLabel, scopeOf } from "../registries";
import { scanFilterForPrefix } from "../rules/scanning-filters";
import { appliesToPullThroughCache, creationTemplates, declaredPrefixes, label, TYPES } from "../stack-facts";

const KMS_ENCRYPTION_TYPES = ["KMS", "KMS_DSSE"];

function templatePrefix(prefix: unknown): string {
    return typeof prefix === "string" ? prefix : "(unknown prefix)";
}

/** Why a template needs a custom role (non-empty resourceTags, KMS encryption), from what is known. */
function customRoleReasons(props: Record<string, unknown>): string[] {
    const reasons: string[] = [];
    const tags = readProp(props, "resourceTags");
    if (isKnown(tags) && typeof tags === "object" && tags !== null && Object.keys(tags).length > 0) {
        reasons.push(`resourceTags (${Object.keys(tags).join(", ")})`);
    }
    const encryption = readProp(props, "encryptionConfigurations");
    if (isKnown(encryption) && Array.isArray(encryption)) {
        const kms = encryption
            .map(e => (typeof e === "object" && e !== null ? (e as Record<string, unknown>).encryptionType : undefined))
            .filter((t): t is string => typeof t === "string" && KMS_ENCRYPTION_TYPES.includes(t));
        if (kms.length > 0) {
            reasons.push(`${kms[0]} encryption`);
        }
    }
    return reasons;
}

export const templateHasCustomRole: StackValidationPolicy = {
    name: "creation-template-has-custom-role",
    description:
        "A repository creation template with resourceTags or KMS encryption names a customRoleArn: " +
        "without one ECR's service-linked role can only ecr:CreateRepository, and pulls through the " +
        "cache fail (aws/containers-roadmap#2398).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const template of creationTemplates(args.resources)) {
            const role = readString(template.resource.props, "customRoleArn");
            if (!isKnown(role) || (role !== undefined && role !== "")) {
                continue;
            }
            const reasons = customRoleReasons(template.resource.props);
            if (reasons.length > 0) {
                const kmsGrants = reasons.some(r => r.includes("encryption")) ? " and grants on the KMS key" : "";
                report(
                    `Repository creation template for prefix '${templatePrefix(template.prefix)}' ` +
                        `has ${reasons.join(" and ")} but no customRoleArn; ECR requires a role it can ` +
                        `assume (trusted by ecr.amazonaws.com, with ecr:CreateRepository and ` +
                        `ecr:TagResource${kmsGrants}) ` +
                        `to create repositories from it`,
                    template.resource.urn,
                );
            }
        }
    },
};

const IMMUTABLE = ["IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"];

export const pullThroughTagsMutable: StackValidationPolicy = {
    name: "pull-through-cache-tags-mutable",
    description:
        "Repository creation templates applied for PULL_THROUGH_CACHE keep image tags MUTABLE: " +
        "HealthOmics says the cache only stays synchronized with the upstream while tags are mutable.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const template of creationTemplates(args.resources).filter(t => appliesToPullThroughCache(t) === true)) {
            const mutability = readString(template.resource.props, "imageTagMutability");
            if (isKnown(mutability) && mutability !== undefined && IMMUTABLE.includes(mutability)) {
                report(
                    `Repository creation template for prefix '${templatePrefix(template.prefix)}' is ` +
                        `applied for PULL_THROUGH_CACHE with imageTagMutability ${mutability}; cached ` +
                        `repositories must keep tags MUTABLE or they stop following the upstream`,
                    template.resource.urn,
                );
            }
        }
    },
};

export const pullThroughTemplateHasLifecyclePolicy: StackValidationPolicy = {
    name: "pull-through-template-has-lifecycle-policy",
    description:
        "Every repository creation template applied for PULL_THROUGH_CACHE has a lifecycle policy, so " +
        "cached images do not pile up in ECR storage.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        for (const template of creationTemplates(args.resources).filter(t => appliesToPullThroughCache(t) === true)) {
            const policy = readString(template.resource.props, "lifecyclePolicy");
            if (!isKnown(policy)) {
                continue;
            }
            let rules: unknown;
            try {
                rules =
                    policy === undefined || policy === ""
                        ? undefined
                        : (JSON.parse(policy) as { rules?: unknown }).rules;
            } catch {
                rules = undefined;
            }
            if (!Array.isArray(rules) || rules.length === 0) {
                report(
                    `Repository creation template for prefix '${templatePrefix(template.prefix)}' has ` +
                        `no lifecycle policy with rules, so images cached under it are kept (and billed) ` +
                        `forever`,
                    template.resource.urn,
                );
            }
        }
    },
};

const SCANNING_FREQUENCIES = ["SCAN_ON_PUSH", "CONTINUOUS_SCAN"];

/**
 * Whether a WILDCARD repository filter matches every repository under `prefix`: `*`, `<prefix>/*`, `<start of
 * prefix>*`, or the program's form for prefixes whose separators ECR's filter pattern refuses (`bio_*quay/*`).
 */
function filterCoversPrefix(filter: string, prefix: string): boolean {
    const head = filter.slice(0, -1);
    return (
        (filter.endsWith("*") && !/[*?]/.test(head) && `${prefix}/`.startsWith(head)) ||
        filter === scanFilterForPrefix(prefix)
    );
}

export const scanningCoversPrefixes: StackValidationPolicy = {
    name: "scanning-covers-prefixes",
    description:
        "The ECR registry scanning configuration scans (on push or continuously) every pull-through " +
        "cache and HealthOmics-copy prefix.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        // ECR keeps one scanning configuration per registry: two in the same one overwrite each other on every update
        for (const configuration of args.resources.filter(r => r.type === TYPES.scanningConfiguration)) {
            const scope = scopeOf(args.resources, configuration);
            const sharing = scope.surely.filter(r => r.type === TYPES.scanningConfiguration);
            if (sharing.length > 1) {
                report(
                    `ECR keeps one registry scanning configuration per account and region, but the ` +
                        `stack declares ${sharing.length} ` +
                        `for ${registryLabel(scope.registry)}: ${sharing.map(label).join(", ")}`,
                    configuration.urn,
                );
            }
        }
        // each registry's prefixes by its own configuration
        for (const registry of registriesWith(args.resources, [TYPES.pullThroughCacheRule, ...TYPES.bucketObjects])) {
            const scope = scopeOf(args.resources, registry.resources[0]);
            const declared = declaredPrefixes(scope.surely);
            const prefixes = [...new Set([...declared.rules, ...declared.copies])].sort();
            if (prefixes.length === 0) {
                continue;
            }
            const configurations = scope.possibly.filter(r => r.type === TYPES.scanningConfiguration);
            if (configurations.length === 0) {
                report(
                    `No ECR registry scanning configuration scans the prefixes ${prefixes.join(", ")}; ` +
                        `add an aws.ecr.RegistryScanningConfiguration with a rule per prefix (filter ` +
                        `'<prefix>/*', WILDCARD)`,
                );
                continue;
            }
            checkScanning(prefixes, configurations, report);
        }
    },
};

/**
 * Reports the prefixes that no rule of the registry's scanning configuration scans (nothing while a rule is unknown).
 */
function checkScanning(
    prefixes: readonly string[],
    configurations: readonly PolicyResource[],
    report: ReportViolation,
): void {
    const filters: string[] = [];
    for (const configuration of configurations) {
        const scanRules = readProp(configuration.props, "rules");
        if (!isKnown(scanRules)) {
            return; // an unknown rule may cover any prefix
        }
        for (const item of Array.isArray(scanRules) ? (scanRules as unknown[]) : []) {
            const rule = typeof item === "object" && item !== null ? (item as Record<string, unknown>) : undefined;
            if (rule === undefined || !SCANNING_FREQUENCIES.includes(String(rule.scanFrequency))) {
                continue;
            }
            const repositoryFilters = Array.isArray(rule.repositoryFilters)
                ? (rule.repositoryFilters as unknown[])
                : [];
            for (const entry of repositoryFilters) {
                const filter = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>) : {};
                if (filter.filterType === "WILDCARD" && typeof filter.filter === "string") {
                    filters.push(filter.filter);
                }
            }
        }
    }
    const uncovered = prefixes.filter(p => !filters.some(f => filterCoversPrefix(f, p)));
    if (uncovered.length > 0) {
        report(
            `Registry scanning configuration ${configurations.map(label).join(", ")} does not scan ` +
                `prefix${uncovered.length > 1 ? "es" : ""} ${uncovered.map(p => `'${p}'`).join(", ")} on ` +
                `push or continuously (add a rule with filter '<prefix>/*', WILDCARD)`,
            configurations[0].urn,
        );
    }
}
