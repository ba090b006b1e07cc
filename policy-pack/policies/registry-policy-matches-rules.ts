import { StackValidationPolicy } from "@pulumi/policy";
import { OMICS_SERVICE_PRINCIPAL } from "../rules/ecr-naming";
import { grantsToService } from "../rules/iam-document";
import { isKnown } from "../known-value";
import { prefixCoverage, registriesOf, reportCoverage } from "../prefix-coverage";
import { documentStatements, label, pullThroughCacheRules, rulePrefixes, TYPES } from "../stack-facts";

const REQUIRED_ACTIONS = ["ecr:createrepository", "ecr:batchimportupstreamimage"];

export const registryPolicyMatchesRules: StackValidationPolicy = {
    name: "registry-policy-matches-pull-through-rules",
    description: `The ECR registry policy lets ${OMICS_SERVICE_PRINCIPAL} CreateRepository and BatchImportUpstreamImage on exactly the pull-through cache rules' prefixes, nothing wider.`,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const rules = pullThroughCacheRules(args.resources);
        const { prefixes, complete } = rulePrefixes(rules);
        const policies = args.resources.filter(r => r.type === TYPES.registryPolicy);
        if (rules.length > 0 && policies.length === 0) {
            report(`No ECR registry policy lets ${OMICS_SERVICE_PRINCIPAL} create repositories for the pull-through cache prefixes ${prefixes.join(", ")}`);
        }
        if (policies.length > 1) {
            report(`ECR keeps one registry policy per account and region, but the stack declares ${policies.length}: ${policies.map(label).join(", ")}`);
        }
        for (const policy of policies) {
            const statements = documentStatements(policy, "policy");
            if (!isKnown(statements)) {
                continue;
            }
            const subject = `Registry policy ${label(policy)}`;
            if (statements === undefined) {
                report(`${subject} is not a readable IAM policy document`, policy.urn);
                continue;
            }
            const omics = statements.filter(s => grantsToService(s, OMICS_SERVICE_PRINCIPAL));
            const coverage = prefixCoverage(omics);
            reportCoverage({ subject: `${subject} (${OMICS_SERVICE_PRINCIPAL})`, urn: policy.urn, coverage, rulePrefixes: prefixes, rulesComplete: complete, statementsComplete: true }, report);
            const actions = omics.flatMap(s => s.actions);
            for (const missing of REQUIRED_ACTIONS.filter(a => !actions.includes(a))) {
                report(`${subject} does not allow ${missing} to ${OMICS_SERVICE_PRINCIPAL} for prefixes ${prefixes.join(", ")}`, policy.urn);
            }
            for (const extra of [...new Set(actions.filter(a => !REQUIRED_ACTIONS.includes(a)))]) {
                report(`${subject} allows ${extra} to ${OMICS_SERVICE_PRINCIPAL}; only ecr:CreateRepository and ecr:BatchImportUpstreamImage are needed`, policy.urn);
            }
            const registries = registriesOf(coverage);
            if (registries.length > 1) {
                report(`${subject} names repositories of several registries (${registries.join(", ")}); it can only grant on its own`, policy.urn);
            }
        }
    },
};
