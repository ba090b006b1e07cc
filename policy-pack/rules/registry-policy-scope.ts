// Which ECR registry-policy statements let HealthOmics, anyone, or an unknown principal create repositories or
// import upstream images outside the prefixes HealthOmics uses (grants to specific other accounts are theirs).
// Pure and import-free (only ./iam-document): the policy pack checks whole registry policies with it, and the
// program validates user-supplied extra statements with the same function.
// Sources: ECR User Guide registry-permissions-create.html (registry policy actions), IAM wildcard rules.
import {
    describePrincipals,
    parseStatement,
    Statement,
    statementAllowsAction,
    statementLabel,
    wildcardMatches,
} from "./iam-document";

/** The two registry-level actions through which a principal makes repositories appear in the registry. */
export const CREATE_OR_IMPORT_ACTIONS = ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"] as const;

/** The registry a policy governs; any part may be unknown. */
export interface RegistryScope {
    partition?: string;
    region?: string;
    account?: string;
}

/** The resource form a grant should have. */
const LIMIT = "arn:<partition>:ecr:<region>:<account>:repository/<prefix>/*";

/** A repository name under no prefix (prefixes need at least 2 characters, so `~` keeps it off every valid one). */
const OUTSIDE_PROBE = "~outside-every-prefix/probe";

/** Whether `pattern` (one part of an ARN, maybe with wildcards) can name something in `value`'s place. */
function partMatches(pattern: string, known: string | undefined): boolean {
    return known === undefined || wildcardMatches(pattern, known);
}

/**
 * Whether a Resource entry reaches a repository of this registry outside every prefix:
 * `"*"`, `repository/*`, `repository/docker-hub*` (also matches `docker-hub2/x`), `repository/other/*`, ...
 * Entries naming another registry (a literal other account or region) or another service are not grants here.
 */
function reachesOutside(resource: string, prefixes: readonly string[], scope: RegistryScope): boolean {
    const parts = resource.split(":");
    if (parts.length < 6) {
        // `*`, or an ARN whose wildcard spans the separators: test it against a repository outside the prefixes.
        const { partition = "aws", region = "us-east-1", account = "111122223333" } = scope;
        const registry = `${partition}:ecr:${region}:${account}`;
        const probe = `arn:${registry}:repository/${OUTSIDE_PROBE}`;
        return wildcardMatches(resource, probe);
    }
    const [arn, partition, service, region, account] = parts;
    const rest = parts.slice(5).join(":");
    if (
        arn !== "arn" ||
        !wildcardMatches(service, "ecr") ||
        !partMatches(partition, scope.partition) ||
        !partMatches(region, scope.region) ||
        !partMatches(account, scope.account)
    ) {
        return false;
    }
    if (wildcardMatches(rest, `repository/${OUTSIDE_PROBE}`)) {
        return true;
    }
    if (!rest.startsWith("repository/")) {
        return false;
    }
    const path = rest.slice("repository/".length);
    const literalHead = path.split(/[*?]/)[0];
    return !prefixes.some(prefix => literalHead.startsWith(`${prefix}/`));
}

/** An AWS principal naming one account or one IAM identity: `111122223333` or `arn:<partition>:iam::<account>:...`. */
const SPECIFIC_AWS_PRINCIPAL = /^(?:\d{12}|arn:[a-z-]+:(?:iam|sts)::\d{12}:[^*?]+)$/;

/**
 * Whether the prefix check judges this statement: it does for HealthOmics and every other service principal, for
 * anyone (`*`, `{"AWS": "*"}`, NotPrincipal) and for principals it cannot name (none, Federated, CanonicalUser,
 * wildcards inside an ARN, a value of another shape). A statement whose principals are only specific AWS accounts or
 * IAM ARNs is that account owner's grant, e.g. ECR's cross-account replication policy (ECR User Guide,
 * registry-permissions-examples.html: `ecr:CreateRepository` + `ecr:ReplicateImage` on `repository/*` for a source
 * account; registry-permissions-create-replication.html): kept, and reported by advisory policy only.
 */
export function judgedByPrefixes(raw: unknown): boolean {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        return true;
    }
    const { Principal: principal, NotPrincipal: notPrincipal } = raw as Record<string, unknown>;
    if (notPrincipal !== undefined || typeof principal !== "object" || principal === null || Array.isArray(principal)) {
        return true;
    }
    const fields = principal as Record<string, unknown>;
    if (Object.keys(fields).some(key => key !== "AWS")) {
        return true;
    }
    const aws = typeof fields.AWS === "string" ? [fields.AWS] : fields.AWS;
    return (
        !Array.isArray(aws) ||
        aws.length === 0 ||
        !aws.every(entry => typeof entry === "string" && SPECIFIC_AWS_PRINCIPAL.test(entry))
    );
}

/**
 * Problems, one per statement and resource, where an Allow statement judged by the prefixes (see judgedByPrefixes:
 * omics.amazonaws.com or another service, `*`, or an unknown principal) lets its principal call
 * ecr:CreateRepository or ecr:BatchImportUpstreamImage (also through `ecr:*`, `ecr:Create*`, `*` or NotAction) on a
 * repository outside `prefixes` (also through `*`, `repository/*` or NotResource). Each problem names the statement
 * (Sid, or position) and the resource. Statements for specific other accounts or ARNs only are not problems here;
 * accountGrantOutsidePrefixes describes them.
 * `statements` are statement objects as written in a policy document (`{Sid, Effect, Principal, Action, Resource}`);
 * `scope` narrows the check to one registry: resources that literally name another account or region are skipped.
 * Deny statements and Conditions are not considered, so a Condition never excuses a grant.
 */
export function createOrImportOutsidePrefixes(
    statements: readonly unknown[],
    prefixes: readonly string[],
    scope: RegistryScope = {},
): string[] {
    return statements.flatMap((statement, index) => statementOutsidePrefixes(statement, index, prefixes, scope));
}

/** The problems of one statement, the one at `index` (0-based) of its policy; see createOrImportOutsidePrefixes. */
export function statementOutsidePrefixes(
    raw: unknown,
    index: number,
    prefixes: readonly string[],
    scope: RegistryScope = {},
): string[] {
    return judgedByPrefixes(raw) ? grantsOutsidePrefixes(raw, index, prefixes, scope, true) : [];
}

/**
 * What a statement for specific AWS accounts or ARNs only lets them create or import outside `prefixes` (e.g.
 * cross-account replication on `repository/*`): information, since that grant is its account owner's decision.
 */
export function accountGrantOutsidePrefixes(
    raw: unknown,
    index: number,
    prefixes: readonly string[],
    scope: RegistryScope = {},
): string[] {
    return judgedByPrefixes(raw) ? [] : grantsOutsidePrefixes(raw, index, prefixes, scope, false);
}

/** Whoever the principal, what the statement lets it create or import outside `prefixes` (`advise`: how to fix). */
function grantsOutsidePrefixes(
    raw: unknown,
    index: number,
    prefixes: readonly string[],
    scope: RegistryScope,
    advise: boolean,
): string[] {
    const fix = advise ? `; limit it to ${LIMIT}` : "";
    const statement: Statement = parseStatement(raw);
    const declared = prefixes.length > 0 ? [...prefixes].sort().join(", ") : "none";
    const actions = CREATE_OR_IMPORT_ACTIONS.filter(a => statementAllowsAction(statement, a));
    if (actions.length === 0) {
        return [];
    }
    const who = `${statementLabel(statement, index)} lets ${describePrincipals(statement)} ${actions.join(" and ")}`;
    if (statement.notResources !== undefined) {
        return [
            `${who} on every resource except NotResource ${JSON.stringify(statement.notResources)}, ` +
                `which includes repositories outside the declared prefixes (${declared})`,
        ];
    }
    if (statement.resources.length === 0) {
        return [
            advise
                ? `${who} with no Resource; limit it to ${LIMIT} of a declared prefix (${declared})`
                : `${who} with no Resource (declared prefixes: ${declared})`,
        ];
    }
    return statement.resources
        .filter(r => reachesOutside(r, prefixes, scope))
        .map(resource => `${who} on '${resource}', outside the declared prefixes (${declared})${fix}`);
}
