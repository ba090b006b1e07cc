// Checks `registryPolicyStatements`: statements others need in the account's one ECR registry policy, kept beside this
// stack's.
import { RegistryLocation } from "../policy-pack/rules/ecr-naming";
import { statementOutsidePrefixes } from "../policy-pack/rules/registry-policy-scope";
import { describeType, isRecord, Problems } from "./problems";
import { PolicyStatementJson } from "./types";

/** Sids this stack's own registry policy statements use. */
export const OWN_REGISTRY_POLICY_SIDS = ["OmicsPullThroughCache"] as const;
const STATEMENT_FIELDS = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];
const SID = /^[A-Za-z0-9]{1,128}$/;

export function validateRegistryPolicyStatements(
    raw: unknown,
    prefixes: readonly string[],
    location: RegistryLocation | undefined,
    problems: Problems,
): PolicyStatementJson[] {
    if (raw === undefined) {
        return [];
    }
    if (!Array.isArray(raw)) {
        problems.add(
            "registryPolicyStatements",
            `must be a list of IAM policy statements (objects with Sid, Effect, Principal, Action, ` +
                `Resource), got ${describeType(raw)}`,
        );
        return [];
    }
    const valid: PolicyStatementJson[] = [];
    const sids = new Map<string, number>();
    raw.forEach((statement: unknown, index) => {
        const path = `registryPolicyStatements[${index}]`;
        const problemsBefore = problems.list.length;
        if (!isRecord(statement)) {
            problems.add(path, `must be an IAM policy statement object, got ${describeType(statement)}`);
            return;
        }
        for (const field of Object.keys(statement).filter(f => !STATEMENT_FIELDS.includes(f))) {
            problems.add(
                `${path}.${field}`,
                `is not an IAM policy statement element; allowed: ${STATEMENT_FIELDS.join(", ")}`,
            );
        }
        const sid = statement.Sid;
        if (typeof sid !== "string" || !SID.test(sid)) {
            problems.add(
                `${path}.Sid`,
                "is required: 1-128 letters and digits, unique in the registry policy (it is how this " +
                    "stack keeps the statement apart from its own)",
            );
        } else if ((OWN_REGISTRY_POLICY_SIDS as readonly string[]).includes(sid)) {
            problems.add(`${path}.Sid`, `"${sid}" is the Sid of this stack's own statement; choose another`);
        } else if (sids.has(sid)) {
            problems.add(
                `${path}.Sid`,
                `"${sid}" is already the Sid of registryPolicyStatements[${sids.get(sid)}]; Sids must be unique`,
            );
        } else {
            sids.set(sid, index);
        }
        if (statement.Effect !== "Allow" && statement.Effect !== "Deny") {
            problems.add(`${path}.Effect`, `must be Allow or Deny, got ${JSON.stringify(statement.Effect)}`);
        }
        if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
            problems.add(path, "must have exactly one of Action or NotAction");
        }
        if (statement.Principal === undefined && statement.NotPrincipal === undefined) {
            problems.add(`${path}.Principal`, "is required in a registry policy statement");
        }
        for (const scope of statementOutsidePrefixes(statement, index, prefixes, location ?? {})) {
            problems.add(
                path,
                `${scope}; the registry policy may let principals create or import repositories only ` +
                    `under this stack's prefixes (${prefixes.join(", ") || "none"})`,
            );
        }
        if (problems.list.length === problemsBefore && typeof sid === "string") {
            valid.push(statement as PolicyStatementJson);
        }
    });
    return valid;
}
