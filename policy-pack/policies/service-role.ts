// Policies on the IAM role HealthOmics runs assume: its ECR grants, from every policy document that applies to
// it (inline, RolePolicy, managed policies of the stack), reach exactly the declared prefixes.
import { StackValidationPolicy } from "@pulumi/policy";
import { OMICS_SERVICE_PRINCIPAL } from "../rules/ecr-naming";
import { allowsEcr, Statement } from "../rules/iam-document";
import { isKnown } from "../known-value";
import { prefixCoverage, reportCoverage } from "../prefix-coverage";
import { registries, registriesWith, scopeOf } from "../registries";
import { declaredPrefixes, label, omicsRoles, pullThroughCacheRules, rulePrefixes, TYPES } from "../stack-facts";

/**
 * ECR actions that take no repository (IAM: Resource must be `*`), so a `*` grant of them is not wider than a prefix.
 */
const REGISTRY_WIDE_ACTIONS = ["ecr:getauthorizationtoken"];

function grantsRepositoryActions(statement: Statement): boolean {
    return (
        allowsEcr(statement) &&
        statement.actions.filter(a => a === "*" || a.startsWith("ecr:")).some(a => !REGISTRY_WIDE_ACTIONS.includes(a))
    );
}

export const omicsRoleMatchesRules: StackValidationPolicy = {
    name: "omics-role-ecr-matches-pull-through-rules",
    description:
        `The IAM role ${OMICS_SERVICE_PRINCIPAL} assumes may use ECR repositories under exactly the ` +
        `pull-through cache rules' and HealthOmics-copy registries' prefixes, nothing wider, counting inline ` +
        `policies and the stack's managed policies attached to it.`,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const { roles, complete: rolesComplete } = omicsRoles(args.resources);
        for (const registry of registriesWith(args.resources, [TYPES.pullThroughCacheRule])) {
            const scope = scopeOf(args.resources, registry.resources[0]);
            const rules = pullThroughCacheRules(registry.resources);
            if (roles.every(r => !scope.possibly.includes(r.resource)) && rolesComplete) {
                report(
                    `No IAM role trusts ${OMICS_SERVICE_PRINCIPAL}, so no HealthOmics run can pull from ` +
                        `the pull-through cache prefixes ${rulePrefixes(rules).prefixes.join(", ")}`,
                    registries(args.resources).length > 1 ? rules[0].resource.urn : undefined,
                );
            }
        }
        for (const role of roles) {
            // The role must cover what is surely in its registry, and may cover what is possibly there.
            const scope = scopeOf(args.resources, role.resource);
            const required = declaredPrefixes(scope.surely);
            const allowed = declaredPrefixes(scope.possibly);
            const known = role.documents.filter(isKnown);
            const unreadable = known.filter(d => d === undefined).length;
            if (unreadable > 0) {
                report(
                    `HealthOmics role ${label(role.resource)} has ${unreadable} policy that is not a ` +
                        `readable IAM policy document`,
                    role.resource.urn,
                );
            }
            const ecrStatements = known
                .filter((d): d is Statement[] => d !== undefined)
                .flat()
                .filter(grantsRepositoryActions);
            reportCoverage(
                {
                    subject: `HealthOmics role ${label(role.resource)} (ECR statements)`,
                    urn: role.resource.urn,
                    coverage: prefixCoverage(ecrStatements),
                    rulePrefixes: required.rules,
                    copyPrefixes: required.copies,
                    allowed: { rules: allowed.rules, copies: allowed.copies },
                    rulesComplete: allowed.complete,
                    statementsComplete: known.length === role.documents.length,
                },
                report,
            );
        }
    },
};
