// Reads IAM policy documents (JSON text or objects) into simple statements.

export interface Statement {
    effect: string;
    /** Lower-cased; `NotAction` reads as `*`, since it grants all but a few actions. */
    actions: string[];
    /** `NotResource` reads as its own entries prefixed with `NotResource:`, so it never matches a prefix ARN. */
    resources: string[];
    /** Service principals, e.g. omics.amazonaws.com. */
    services: string[];
}

function list(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function record(value: unknown): Record<string, unknown> | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/** The statements of a policy document, or undefined when it is not one. */
export function parsePolicyDocument(document: unknown): Statement[] | undefined {
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
    return (Array.isArray(statements) ? statements : [statements]).map(raw => {
        const s = record(raw) ?? {};
        return {
            effect: typeof s.Effect === "string" ? s.Effect : "",
            actions: s.NotAction !== undefined ? ["*"] : list(s.Action).map(a => a.toLowerCase()),
            resources: s.NotResource !== undefined ? list(s.NotResource).map(r => `NotResource:${r}`) : list(s.Resource),
            services: list(record(s.Principal)?.Service),
        };
    });
}

export function grantsToService(statement: Statement, service: string): boolean {
    return statement.effect === "Allow" && statement.services.includes(service);
}

/** True for statements that allow any ECR action (`ecr:...`, `ecr:*` or `*`). */
export function allowsEcr(statement: Statement): boolean {
    return statement.effect === "Allow" && statement.actions.some(a => a === "*" || a.startsWith("ecr:"));
}
