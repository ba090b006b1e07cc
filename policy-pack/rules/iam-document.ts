// Reads IAM policy documents (JSON text or objects) into simple statements, and answers "does this statement
// allow action A on resource R" with IAM's wildcard rules (`*` any run of characters, `?` one character).
// Imports nothing, so the program can reuse it. Source: IAM User Guide reference_policies_elements_action.html,
// reference_policies_elements_resource.html, reference_policies_elements_principal.html.

export interface Principals {
    /** `"*"`, `{"AWS": "*"}` or a NotPrincipal: anyone (or nearly). */
    any: boolean;
    /** AWS principals as written: account ids, account root ARNs, role/user ARNs. */
    aws: string[];
    /** Service principals, e.g. omics.amazonaws.com. */
    services: string[];
}

export interface Statement {
    /** The statement's Sid, when it has one. */
    sid?: string;
    effect: string;
    /** Lower-cased; `NotAction` reads as `*`, since it grants all but a few actions. */
    actions: string[];
    /** Lower-cased `NotAction` entries when the statement uses NotAction. */
    notActions?: string[];
    /** `NotResource` reads as its own entries prefixed with `NotResource:`, so it never matches a prefix ARN. */
    resources: string[];
    /** `NotResource` entries as written, when the statement uses NotResource. */
    notResources?: string[];
    /** Service principals, e.g. omics.amazonaws.com. */
    services: string[];
    principals: Principals;
}

function list(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function record(value: unknown): Record<string, unknown> | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
}

function readPrincipals(raw: Record<string, unknown>): Principals {
    if (raw.NotPrincipal !== undefined) {
        return { any: true, aws: [], services: [] };
    }
    const principal = raw.Principal;
    if (principal === "*") {
        return { any: true, aws: [], services: [] };
    }
    const fields = record(principal) ?? {};
    const aws = list(fields.AWS);
    return { any: aws.includes("*"), aws: aws.filter(a => a !== "*"), services: list(fields.Service) };
}

/** One statement object (as written in a policy document) read into a Statement. */
export function parseStatement(raw: unknown): Statement {
    const s = record(raw) ?? {};
    const principals = readPrincipals(s);
    return {
        ...(typeof s.Sid === "string" ? { sid: s.Sid } : {}),
        effect: typeof s.Effect === "string" ? s.Effect : "",
        actions: s.NotAction !== undefined ? ["*"] : list(s.Action).map(a => a.toLowerCase()),
        ...(s.NotAction !== undefined ? { notActions: list(s.NotAction).map(a => a.toLowerCase()) } : {}),
        resources: s.NotResource !== undefined ? list(s.NotResource).map(r => `NotResource:${r}`) : list(s.Resource),
        ...(s.NotResource !== undefined ? { notResources: list(s.NotResource) } : {}),
        services: principals.services,
        principals,
    };
}

/** The statement objects of a policy document (JSON text or object) as written, or undefined when it is not one. */
export function rawStatements(document: unknown): unknown[] | undefined {
    let parsed: unknown = document;
    if (typeof document === "string") {
        try {
            parsed = JSON.parse(document);
        } catch {
            return undefined;
        }
    }
    const statements = record(parsed)?.Statement;
    if (statements === undefined) {
        return undefined;
    }
    return Array.isArray(statements) ? (statements as unknown[]) : [statements];
}

/** The statements of a policy document, or undefined when it is not one. */
export function parsePolicyDocument(document: unknown): Statement[] | undefined {
    return rawStatements(document)?.map(parseStatement);
}

export function grantsToService(statement: Statement, service: string): boolean {
    return statement.effect === "Allow" && statement.services.includes(service);
}

/** True for statements that allow any ECR action (`ecr:...`, `ecr:*` or `*`). */
export function allowsEcr(statement: Statement): boolean {
    return statement.effect === "Allow" && statement.actions.some(a => a === "*" || a.startsWith("ecr:"));
}

function escapeRegExp(text: string): string {
    return text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
}

/** IAM wildcard match: `*` is any run of characters, `?` one character; everything else literal. */
export function wildcardMatches(pattern: string, value: string, caseInsensitive = false): boolean {
    const source = `^${escapeRegExp(pattern).replace(/\*/g, ".*").replace(/\?/g, ".")}$`;
    return new RegExp(source, caseInsensitive ? "is" : "s").test(value);
}

/** Whether an Allow statement's Action/NotAction covers `action` (action names are case-insensitive). */
export function statementAllowsAction(statement: Statement, action: string): boolean {
    if (statement.effect !== "Allow") {
        return false;
    }
    if (statement.notActions !== undefined) {
        return !statement.notActions.some(p => wildcardMatches(p, action, true));
    }
    return statement.actions.some(p => wildcardMatches(p, action, true));
}

/** Whether the statement's Resource/NotResource covers the resource ARN `arn`. */
export function statementCoversResource(statement: Statement, arn: string): boolean {
    if (statement.notResources !== undefined) {
        return !statement.notResources.some(p => wildcardMatches(p, arn));
    }
    return statement.resources.some(p => wildcardMatches(p, arn));
}

/**
 * Whether the statements together allow `action` on `arn`: some Allow covers it and no Deny does (conditions ignored).
 */
export function statementsAllow(statements: readonly Statement[], action: string, arn: string): boolean {
    const covers = (s: Statement, effect: string): boolean => {
        const actionMatches =
            s.notActions !== undefined
                ? !s.notActions.some(p => wildcardMatches(p, action, true))
                : s.actions.some(p => wildcardMatches(p, action, true));
        return s.effect === effect && actionMatches && statementCoversResource(s, arn);
    };
    return statements.some(s => covers(s, "Allow")) && !statements.some(s => covers(s, "Deny"));
}

/** Who a statement is for, in words: `*`, `AWS 111122223333`, `omics.amazonaws.com`. */
export function describePrincipals(statement: Statement): string {
    if (statement.principals.any) {
        return "any principal (*)";
    }
    const names = [...statement.principals.aws.map(a => `AWS ${a}`), ...statement.principals.services];
    return names.length > 0 ? names.join(", ") : "(no Principal)";
}

/** How to name a statement in messages: its Sid, or its position. */
export function statementLabel(statement: Statement, index: number): string {
    return statement.sid !== undefined ? `Statement '${statement.sid}'` : `Statement #${index + 1} (no Sid)`;
}
