// Policies on the ECR registry policy: HealthOmics gets exactly what the cache needs, no statement lets anyone
// create or import repositories outside the declared prefixes, and the policy names this stack's registry only.
import { StackValidationPolicy } from "@pulumi/policy";
import { OMICS_SERVICE_PRINCIPAL } from "../rules/ecr-naming";
import { grantsToService, parseStatement, rawStatements, Statement, statementLabel } from "../rules/iam-document";
import { accountGrantOutsidePrefixes, statementOutsidePrefixes } from "../rules/registry-policy-scope";
import { isKnown, readProp } from "../known-value";
import { prefixCoverage, registriesOf, reportCoverage } from "../prefix-coverage";
import { registries, registriesWith, registryLabel, scopeOf } from "../registries";
import { declaredPrefixes, label, pullThroughCacheRules, rulePrefixes, TYPES } from "../stack-facts";

const REQUIRED_ACTIONS = ["ecr:createrepository", "ecr:batchimportupstreamimage"];

/** A statement for omics.amazonaws.com alone (no other principal beside it). */
function isOmicsOnly(statement: Statement): boolean {
    return (
        grantsToService(statement, OMICS_SERVICE_PRINCIPAL) &&
        !statement.principals.any &&
        statement.principals.aws.length === 0
    );
}

export const registryPolicyMatchesRules: StackValidationPolicy = {
    name: "registry-policy-matches-pull-through-rules",
    description:
        `The ECR registry policy lets ${OMICS_SERVICE_PRINCIPAL} CreateRepository and BatchImportUpstreamImage on ` +
        "exactly the pull-through cache rules' prefixes, nothing wider; other statements are kept, but none may let " +
        "a service, anyone (*) or an unknown principal create or import repositories outside the declared prefixes " +
        "(grants to specific other accounts, such as cross-account replication, are theirs to make).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const policies = args.resources.filter(r => r.type === TYPES.registryPolicy);
        const several = registries(args.resources).length > 1;
        for (const registry of registriesWith(args.resources, [TYPES.pullThroughCacheRule])) {
            const scope = scopeOf(args.resources, registry.resources[0]);
            const rules = pullThroughCacheRules(registry.resources);
            if (!policies.some(p => scope.possibly.includes(p))) {
                const where = several ? ` (${registryLabel(registry)})` : "";
                report(
                    `No ECR registry policy lets ${OMICS_SERVICE_PRINCIPAL} create repositories for the ` +
                        `pull-through cache ` +
                        `prefixes ${rulePrefixes(rules).prefixes.join(", ")}${where}`,
                    several ? rules[0].resource.urn : undefined,
                );
            }
        }
        for (const policy of policies) {
            // Judged by its own registry: it must grant what is surely there, and may name what is possibly there.
            const scope = scopeOf(args.resources, policy);
            const rules = pullThroughCacheRules(scope.surely);
            const { prefixes } = rulePrefixes(rules);
            const allowed = declaredPrefixes(scope.possibly);
            const subject = `Registry policy ${label(policy)}`;
            const sharing = policies.filter(p => scope.surely.includes(p));
            if (sharing.length > 1) {
                report(
                    `ECR keeps one registry policy per account and region, but the stack ` +
                        `declares ${sharing.length} ` +
                        `for ${registryLabel(scope.registry)}: ${sharing.map(label).join(", ")}`,
                    policy.urn,
                );
            }
            const document = readProp(policy.props, "policy");
            if (!isKnown(document)) {
                continue;
            }
            const raw = rawStatements(document);
            if (raw === undefined) {
                report(`${subject} is not a readable IAM policy document`, policy.urn);
                continue;
            }
            const statements = raw.map(parseStatement);
            const omics = statements.filter(isOmicsOnly);
            const coverage = prefixCoverage(omics);
            reportCoverage(
                {
                    subject: `${subject} (${OMICS_SERVICE_PRINCIPAL})`,
                    urn: policy.urn,
                    coverage,
                    rulePrefixes: prefixes,
                    allowed: { rules: allowed.rules, copies: [] },
                    rulesComplete: allowed.complete,
                    statementsComplete: true,
                },
                report,
            );
            const actions = omics.flatMap(s => s.actions);
            // A stack of registries HealthOmics copies from has no rule: its registry policy may hold kept statements
            // only.
            for (const missing of rules.length > 0 ? REQUIRED_ACTIONS.filter(a => !actions.includes(a)) : []) {
                report(
                    `${subject} does not allow ${missing} to ${OMICS_SERVICE_PRINCIPAL} for ` +
                        `prefixes ${prefixes.join(", ")}`,
                    policy.urn,
                );
            }
            for (const extra of [...new Set(actions.filter(a => !REQUIRED_ACTIONS.includes(a)))]) {
                report(
                    `${subject} allows ${extra} to ${OMICS_SERVICE_PRINCIPAL}; only ` +
                        `ecr:CreateRepository and ecr:BatchImportUpstreamImage are needed`,
                    policy.urn,
                );
            }
            const named = registriesOf(coverage);
            if (named.length > 1) {
                report(
                    `${subject} names repositories of several registries (${named.join(", ")}); it can ` +
                        `only grant on its own`,
                    policy.urn,
                );
            }
            if (allowed.complete) {
                // Statements for other principals (replication, cross-account pulls, ...) are kept, unless they let a
                // service, anyone or an unknown principal create or import repositories outside the prefixes; grants
                // to specific accounts are registry-policy-account-grants'. Omics-only statements are covered above.
                const declared = [...new Set([...allowed.rules, ...allowed.copies])].sort();
                raw.forEach((statement, index) => {
                    if (!isOmicsOnly(statements[index])) {
                        statementOutsidePrefixes(statement, index, declared, scope.registry).forEach(problem =>
                            report(`${subject}: ${problem}`, policy.urn),
                        );
                    }
                });
            }
        }
    },
};

export const registryPolicyAccountGrants: StackValidationPolicy = {
    name: "registry-policy-account-grants",
    description:
        "Information: statements of the ECR registry policy that let specific other AWS accounts or IAM ARNs create " +
        "or import repositories outside the declared prefixes (ECR's cross-account replication policy grants " +
        "ecr:CreateRepository on repository/*). They are kept and are their account owner's decision.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        for (const policy of args.resources.filter(r => r.type === TYPES.registryPolicy)) {
            const scope = scopeOf(args.resources, policy);
            const allowed = declaredPrefixes(scope.possibly);
            const document = readProp(policy.props, "policy");
            const raw = isKnown(document) && allowed.complete ? rawStatements(document) : undefined;
            const declared = [...new Set([...allowed.rules, ...allowed.copies])].sort();
            (raw ?? []).forEach((statement, index) => {
                for (const grant of accountGrantOutsidePrefixes(statement, index, declared, scope.registry)) {
                    report(
                        `Registry policy ${label(policy)}: ${grant}; kept: a grant to ` +
                            "specific accounts (e.g. cross-account replication) is their owner's decision",
                        policy.urn,
                    );
                }
            });
        }
    },
};

/** `arn:<partition>:ecr:<region>:<account>:...` parts of an ARN, when literal. */
function ecrArnRegistry(arn: string): { region: string; account: string } | undefined {
    const match = /^arn:[a-z-]+:ecr:([a-z0-9-]+):(\d{12}):/.exec(arn);
    return match === null ? undefined : { region: match[1], account: match[2] };
}

const GUIDE_PLACEHOLDER_ACCOUNT = "123456789012";

export const registryPolicyNamesOwnRegistry: StackValidationPolicy = {
    name: "registry-policy-names-own-registry",
    description:
        "Every repository ARN in the ECR registry policy names the stack's own account and region (when " +
        "the provider has told them): a registry policy can only grant on its own registry.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const policy of args.resources.filter(r => r.type === TYPES.registryPolicy)) {
            // each registry policy by its own registry: that of its provider, from provider-computed values
            const scope = scopeOf(args.resources, policy).registry;
            if (scope.account === undefined && scope.region === undefined) {
                continue;
            }
            const document = readProp(policy.props, "policy");
            const raw = isKnown(document) ? rawStatements(document) : undefined;
            (raw ?? []).map(parseStatement).forEach((statement, index) => {
                for (const resource of statement.notResources ?? statement.resources) {
                    const registry = ecrArnRegistry(resource);
                    if (registry === undefined) {
                        continue;
                    }
                    const statementName = statementLabel(statement, index);
                    const where = `Registry policy ${label(policy)} ${statementName} names '${resource}'`;
                    if (scope.account !== undefined && registry.account !== scope.account) {
                        const hint =
                            registry.account === GUIDE_PLACEHOLDER_ACCOUNT
                                ? " (123456789012 is the guide's placeholder account)"
                                : "";
                        report(
                            `${where}, in account ${registry.account}, but this stack's registry is in ` +
                                `account ${scope.account}${hint}`,
                            policy.urn,
                        );
                    } else if (scope.region !== undefined && registry.region !== scope.region) {
                        report(
                            `${where}, in region ${registry.region}, but this stack's registry is in ` +
                                `region ${scope.region}`,
                            policy.urn,
                        );
                    }
                }
            });
        }
    },
};
