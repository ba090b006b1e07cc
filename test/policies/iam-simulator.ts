// Asks the IAM policy evaluator @cloud-copilot/iam-simulate (real evaluator, not this project's matcher) whether a
// principal may call an action on a resource of account ACCOUNT, given that account's ECR registry policy.
import { runSimulation } from "@cloud-copilot/iam-simulate";

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
export async function registryPolicyAllows(statements: unknown[], caller: string, action: string, resource: string, account: string): Promise<boolean> {
    const response = await runSimulation({
        identityPolicies: [{ name: "allow-all", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: { Version: "2012-10-17", Statement: statements },
        request: { action, principal: caller, resource: { accountId: account, resource }, contextVariables: {} },
    } as Parameters<typeof runSimulation>[0], {});
    if (response.resultType === "error") {
        throw new Error(`iam-simulate rejected the request: ${JSON.stringify(response.errors)}`);
    }
    return response.overallResult === "Allowed";
}

/** Whether identity policy statements let a principal of `account` call `action` on `resource`. */
export async function identityPolicyAllows(statements: unknown[], action: string, resource: string, account: string): Promise<boolean> {
    const response = await runSimulation({
        identityPolicies: [{ name: "role-policy", policy: { Version: "2012-10-17", Statement: statements } }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: { action, principal: `arn:aws:iam::${account}:role/omics-service-role`, resource: { accountId: account, resource }, contextVariables: {} },
    } as Parameters<typeof runSimulation>[0], {});
    if (response.resultType === "error") {
        throw new Error(`iam-simulate rejected the request: ${JSON.stringify(response.errors)}`);
    }
    return response.overallResult === "Allowed";
}
