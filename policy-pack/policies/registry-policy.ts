// Policies on the ECR registry policy: HealthOmics gets exactly what the cache needs, no statement lets anyone
// create or import repositories outside the declared prefixes, and the policy names this stack's registry only.
import { StackValidationPolicy } from "@pulumi/policy";
import { OMICS_SERVICE_PRINCIPAL } from "../rules/ecr-naming";
import { grantsToService, parseStatement, rawStatements, Statement, statementLabel } from "../rules/iam-document";
import { statementOutsidePrefixes } from "../rules/registry-policy-scope";
import { isKnown, readProp } from "../known-value";
import { prefixCoverage, registriesOf, reportCoverage } from "../prefix-coverage";
import { copyPrefixes, label, pullThroughCacheRules, registryMaps, rulePrefixes, stackScope, TYPES } from "../stack-facts";

const REQUIRED_ACTIONS = ["ecr:createrepository", "ecr:batchimportupstreamimage"];

/** A statement for omics.amazonaws.com alone (no other principal beside it). */
function isOmicsOnly(statement: Statement): boolean {
    return grantsToService(statement, OMICS_SERVICE_PRINCIPAL) && !statement.principals.any && statement.principals.aws.length === 0;
}

export const registryPolicyMatchesRules: StackValidationPolicy = {
    name: "registry-policy-matches-pull-through-rules",
    description: `The ECR registry policy lets ${OMICS_SERVICE_PRINCIPAL} CreateRepository and BatchImportUpstreamImage on exactly the pull-through cache rules' prefixes, nothing wider; other statements are kept, but none may let any principal create or import repositories outside the declared prefixes.`,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const rules = pullThroughCacheRules(args.resources);
        const { prefixes, complete } = rulePrefixes(rules);
        const declared = [...new Set([...prefixes, ...copyPrefixes(registryMaps(args.resources))])].sort();
        const scope = stackScope(args.resources);
        const policies = args.resources.filter(r => r.type === TYPES.registryPolicy);
        if (rules.length > 0 && policies.length === 0) {
            report(`No ECR registry policy lets ${OMICS_SERVICE_PRINCIPAL} create repositories for the pull-through cache prefixes ${prefixes.join(", ")}`);
        }
        if (policies.length > 1) {
            report(`ECR keeps one registry policy per account and region, but the stack declares ${policies.length}: ${policies.map(label).join(", ")}`);
        }
        for (const policy of policies) {
            const document = readProp(policy.props, "policy");
            if (!isKnown(document)) {
                continue;
            }
            const subject = `Registry policy ${label(policy)}`;
            const raw = rawStatements(document);
            if (raw === undefined) {
                report(`${subject} is not a readable IAM policy document`, policy.urn);
                continue;
            }
            const statements = raw.map(parseStatement);
            const omics = statements.filter(isOmicsOnly);
            const coverage = prefixCoverage(omics);
            reportCoverage({ subject: `${subject} (${OMICS_SERVICE_PRINCIPAL})`, urn: policy.urn, coverage, rulePrefixes: prefixes, rulesComplete: complete, statementsComplete: true }, report);
            const actions = omics.flatMap(s => s.actions);
            // A stack of registries HealthOmics copies from has no rule: its registry policy may hold kept statements only.
            for (const missing of rules.length > 0 ? REQUIRED_ACTIONS.filter(a => !actions.includes(a)) : []) {
                report(`${subject} does not allow ${missing} to ${OMICS_SERVICE_PRINCIPAL} for prefixes ${prefixes.join(", ")}`, policy.urn);
            }
            for (const extra of [...new Set(actions.filter(a => !REQUIRED_ACTIONS.includes(a)))]) {
                report(`${subject} allows ${extra} to ${OMICS_SERVICE_PRINCIPAL}; only ecr:CreateRepository and ecr:BatchImportUpstreamImage are needed`, policy.urn);
            }
            const registries = registriesOf(coverage);
            if (registries.length > 1) {
                report(`${subject} names repositories of several registries (${registries.join(", ")}); it can only grant on its own`, policy.urn);
            }
            if (complete) {
                // Statements for other principals (replication, cross-account pulls, ...) are kept, unless they let
                // someone create or import repositories outside the prefixes. Omics-only statements are covered above.
                raw.forEach((statement, index) => {
                    if (!isOmicsOnly(statements[index])) {
                        statementOutsidePrefixes(statement, index, declared, scope).forEach(problem => report(`${subject}: ${problem}`, policy.urn));
                    }
                });
            }
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
    description: "Every repository ARN in the ECR registry policy names the stack's own account and region (when the provider has told them): a registry policy can only grant on its own registry.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const scope = stackScope(args.resources);
        if (scope.account === undefined && scope.region === undefined) {
            return;
        }
        for (const policy of args.resources.filter(r => r.type === TYPES.registryPolicy)) {
            const document = readProp(policy.props, "policy");
            const raw = isKnown(document) ? rawStatements(document) : undefined;
            (raw ?? []).map(parseStatement).forEach((statement, index) => {
                for (const resource of statement.notResources ?? statement.resources) {
                    const registry = ecrArnRegistry(resource);
                    if (registry === undefined) {
                        continue;
                    }
                    const where = `Registry policy ${label(policy)} ${statementLabel(statement, index)} names '${resource}'`;
                    if (scope.account !== undefined && registry.account !== scope.account) {
                        const hint = registry.account === GUIDE_PLACEHOLDER_ACCOUNT ? " (123456789012 is the guide's placeholder account)" : "";
                        report(`${where}, in account ${registry.account}, but this stack's registry is in account ${scope.account}${hint}`, policy.urn);
                    } else if (scope.region !== undefined && registry.region !== scope.region) {
                        report(`${where}, in region ${registry.region}, but this stack's registry is in region ${scope.region}`, policy.urn);
                    }
                }
            });
        }
    },
};
