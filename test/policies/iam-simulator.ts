// Asks the IAM policy evaluator @cloud-copilot/iam-simulate (real evaluator, not this project's matcher, through
// ../helpers/iam-evaluator) whether a principal may call an action on a resource, given an ECR registry policy or a
// role's statements.
import { combinedDecision, identityPolicyDecision } from "../helpers/iam-evaluator";

/** A caller that stands for a statement's principal: any role of an account, or a service principal. */
export function callerFor(principal: unknown): string {
    if (principal === "*") {
        return "arn:aws:iam::999999999999:role/anyone";
    }
    const fields = principal as { AWS?: string | string[]; Service?: string | string[] };
    const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
    const aws = first(fields.AWS);
    if (aws !== undefined) {
        const account = aws === "*" ? "999999999999" : /(\d{12})/.exec(aws)?.[1];
        return `arn:aws:iam::${account}:role/caller`;
    }
    return first(fields.Service) ?? "arn:aws:iam::999999999999:role/anyone";
}

/**
 * Whether the registry policy (its statements) lets `caller` call `action` on `resource` (an ECR ARN of `account`).
 * The caller's own identity policies allow everything, so only the registry policy decides.
 */
export async function registryPolicyAllows(
    statements: unknown[],
    caller: string,
    action: string,
    resource: string,
    account: string,
): Promise<boolean> {
    const allowAll = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
    const decision = await combinedDecision(
        { identity: [allowAll], resource: { Version: "2012-10-17", Statement: statements } },
        { principal: caller, action, resource, account },
    );
    return decision === "Allowed";
}

/** Whether identity policy statements let a principal of `account` call `action` on `resource`. */
export async function identityPolicyAllows(
    statements: unknown[],
    action: string,
    resource: string,
    account: string,
): Promise<boolean> {
    const decision = await identityPolicyDecision([{ Version: "2012-10-17", Statement: statements }], {
        principal: `arn:aws:iam::${account}:role/omics-service-role`,
        action,
        resource,
        account,
    });
    return decision === "Allowed";
}
