import { StackValidationPolicy } from "@pulumi/policy";
import { OMICS_SERVICE_PRINCIPAL } from "../rules/ecr-naming";
import { allowsEcr, Statement } from "../rules/iam-document";
import { isKnown } from "../known-value";
import { prefixCoverage, reportCoverage } from "../prefix-coverage";
import { label, omicsRoles, pullThroughCacheRules, rulePrefixes } from "../stack-facts";

export const omicsRoleMatchesRules: StackValidationPolicy = {
    name: "omics-role-ecr-matches-pull-through-rules",
    description: `The IAM role ${OMICS_SERVICE_PRINCIPAL} assumes may read ECR images under exactly the pull-through cache rules' prefixes, nothing wider.`,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const rules = pullThroughCacheRules(args.resources);
        const { prefixes, complete } = rulePrefixes(rules);
        const { roles, complete: rolesComplete } = omicsRoles(args.resources);
        if (rules.length > 0 && roles.length === 0 && rolesComplete) {
            report(`No IAM role trusts ${OMICS_SERVICE_PRINCIPAL}, so no HealthOmics run can pull from the pull-through cache prefixes ${prefixes.join(", ")}`);
        }
        for (const role of roles) {
            const known = role.documents.filter(isKnown);
            const unreadable = known.filter(d => d === undefined).length;
            if (unreadable > 0) {
                report(`HealthOmics role ${label(role.resource)} has ${unreadable} inline policy that is not a readable IAM policy document`, role.resource.urn);
            }
            const ecrStatements = known.filter((d): d is Statement[] => d !== undefined).flat().filter(allowsEcr);
            reportCoverage({
                subject: `HealthOmics role ${label(role.resource)} (ECR statements)`,
                urn: role.resource.urn,
                coverage: prefixCoverage(ecrStatements),
                rulePrefixes: prefixes,
                rulesComplete: complete,
                statementsComplete: known.length === role.documents.length,
            }, report);
        }
    },
};
