// Evaluates IAM documents with a real IAM policy evaluator (@cloud-copilot/iam-simulate), so tests assert what a
// document allows rather than how it is spelled.
import { runSimulation } from "@cloud-copilot/iam-simulate";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export interface Request {
    /** A service principal (`omics.amazonaws.com`), an account id, or a role/user ARN. */
    principal: string;
    action: string;
    resource: string;
    /** The account owning the resource. */
    account: string;
    context?: Record<string, string>;
}

async function simulate(request: Request, policies: { identity?: unknown[]; resource?: unknown }): Promise<Decision> {
    const response = await runSimulation(
        {
            request: {
                principal: request.principal,
                action: request.action,
                resource: { resource: request.resource, accountId: request.account },
                contextVariables: request.context ?? {},
            },
            identityPolicies: (policies.identity ?? []).map((policy, index) => ({ name: `policy-${index}`, policy })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            ...(policies.resource !== undefined ? { resourcePolicy: policies.resource } : {}),
        },
        {},
    );
    if (response.resultType === "error") {
        throw new Error(`the IAM evaluator rejected the request or a policy: ${JSON.stringify(response.errors)}`);
    }
    return response.overallResult;
}

/**
 * What identity and resource policies decide together: cross-account requests and KMS keys need both (the caller's
 * identity policy, and a resource or key policy that lets the caller's account in).
 */
export function combinedDecision(
    policies: { identity: unknown[]; resource: unknown },
    request: Request,
): Promise<Decision> {
    return simulate(request, policies);
}

/**
 * The default KMS key policy: the key's account may use IAM policies to grant access (KMS Developer Guide
 * key-policy-default.html).
 */
export function defaultKeyPolicy(account: string): unknown {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "EnableIamPolicies",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${account}:root` },
                Action: "kms:*",
                Resource: "*",
            },
        ],
    };
}

/** What a resource policy (registry policy, repository policy, trust policy) decides for a request. */
export function resourcePolicyDecision(policy: unknown, request: Request): Promise<Decision> {
    return simulate(request, { resource: policy });
}

/** What identity policies (a role's inline or attached policies) decide for a same-account request. */
export function identityPolicyDecision(policies: unknown[], request: Request): Promise<Decision> {
    return simulate(request, { identity: policies });
}
