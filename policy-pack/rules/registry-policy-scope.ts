// Which ECR registry-policy statements let a principal create repositories or import upstream images outside
// the prefixes HealthOmics uses. Pure and import-free (only ./iam-document): the policy pack checks whole registry
// policies with it, and the program validates user-supplied extra statements with the same function.
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
        const probe =
            `arn:${scope.partition ?? "aws"}:ecr:${scope.region ?? "us-east-1"}:${scope.account ?? "111122223333"}:` +
            `repository/${OUTSIDE_PROBE}`;
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

/**
 * Problems, one per statement and resource, where an Allow statement lets any principal (`*`, an account, a
 * service such as omics.amazonaws.com) call ecr:CreateRepository or ecr:BatchImportUpstreamImage (also through
 * `ecr:*`, `ecr:Create*`, `*` or NotAction) on a repository outside `prefixes` (also through `*`,
 * `repository/*` or NotResource). Each problem names the statement (Sid, or position) and the resource.
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
            `${who} with no Resource; limit it to ` +
                `arn:<partition>:ecr:<region>:<account>:repository/<prefix>/* of a declared prefix ` +
                `(${declared})`,
        ];
    }
    return statement.resources
        .filter(r => reachesOutside(r, prefixes, scope))
        .map(
            resource =>
                `${who} on '${resource}', outside the declared prefixes (${declared}); limit it to ` +
                `arn:<partition>:ecr:<region>:<account>:repository/<prefix>/*`,
        );
}
