// omics-role-ecr-matches-pull-through-rules on hand-made stacks: the guide's step 6 layout (Role + Policy +
// RolePolicyAttachment), managedPolicyArns, a separate RolePolicy, and the program's layout with copy prefixes.
import * as assert from "assert/strict";
import { omicsRoleMatchesRules } from "../../policy-pack/policies";
import { HandMadeResource } from "../harness/policy-stack";
import { listOf, PolicyDocument, policyDocument, statementWithAction, statementWithSid } from "./fixtures/documents";
import {
    ACCOUNT,
    edit,
    editPolicy,
    guideStep6Stack,
    programLikeStack,
    REGISTRY_ARN,
    T,
    urn,
    without,
} from "./fixtures/stacks";
import { expectNone, expectOne, must, violationsOf } from "./helpers";
import { identityPolicyAllows } from "./iam-simulator";

const ROLE = "HealthOmicsWorkflowRole";
const POLICY = "HealthOmicsWorkflowPolicy";
/** The Resource list of the statement that lets runs pull images. */
const ecrResources = (d: PolicyDocument) => listOf(statementWithAction(d, "ecr:BatchGetImage"), "Resource");
const widen = (stack: HandMadeResource[]) =>
    editPolicy(stack, POLICY, d => {
        ecrResources(d).push(`${REGISTRY_ARN}/*`);
    });
const resource = (stack: readonly HandMadeResource[], name: string) =>
    must(
        stack.find(r => r.name === name),
        `resource ${name}`,
    );

/** The same role with the policy listed in managedPolicyArns instead of a RolePolicyAttachment. */
function managedPolicyArnsLayout(): HandMadeResource[] {
    const stack = without(guideStep6Stack(), "HealthOmicsWorkflowPolicyAttachment");
    const policyArn = resource(stack, POLICY).props.arn;
    assert.ok(typeof policyArn === "string", `${POLICY} has an ARN`);
    return edit(stack, ROLE, props => {
        props.managedPolicyArns = [policyArn];
    }).map(r => (r.name === ROLE ? { ...r, dependsOn: { managedPolicyArns: [POLICY] } } : r));
}

/** The same document as a separate aws.iam.RolePolicy. */
function rolePolicyLayout(): HandMadeResource[] {
    const stack = without(without(guideStep6Stack(), "HealthOmicsWorkflowPolicyAttachment"), POLICY);
    const document = resource(guideStep6Stack(), POLICY).props.policy;
    return [
        ...stack,
        {
            type: T.rolePolicy,
            name: "workflow-permissions",
            props: { role: ROLE, name: "workflow-permissions", policy: document },
            dependsOn: { role: [ROLE] },
        },
    ];
}

describe("omics-role-ecr-matches-pull-through-rules (hand-made stacks)", () => {
    it("passes a correct stack laid out like the guide's step 6 (Role + Policy + RolePolicyAttachment)", async () => {
        await expectNone(omicsRoleMatchesRules, guideStep6Stack());
    });

    it(
        "rejects a role whose attached managed policy grants ECR on repository/* (the evaluator confirms it " +
            "reaches other repositories)",
        async () => {
            const wide = widen(guideStep6Stack());
            const document = policyDocument(resource(wide, POLICY).props.policy, `${POLICY}.policy`);
            assert.equal(
                await identityPolicyAllows(
                    document.Statement,
                    "ecr:BatchGetImage",
                    `${REGISTRY_ARN}/private/app`,
                    ACCOUNT,
                ),
                true,
            );
            await expectOne(
                omicsRoleMatchesRules,
                wide,
                [
                    `HealthOmics role '${ROLE}' (ECR statements) grants on '${REGISTRY_ARN}/*', which is not limited ` +
                        `to one pull-through cache prefix`,
                ],
                urn(T.role, ROLE),
            );
        },
    );

    it("follows the attachment by dependency when its ARNs are unknown (preview)", async () => {
        const unknown = [
            { type: T.attachment, props: ["role", "policyArn", "id"] },
            { type: T.policy, props: ["arn", "id"] },
            { type: T.role, props: ["arn", "id", "managedPolicyArns"] },
        ];
        await expectNone(omicsRoleMatchesRules, guideStep6Stack(), { unknown });
        await expectOne(omicsRoleMatchesRules, widen(guideStep6Stack()), ["grants on"], undefined, { unknown });
    });

    it("reads managedPolicyArns naming a policy of the stack", async () => {
        await expectNone(omicsRoleMatchesRules, managedPolicyArnsLayout());
        await expectOne(omicsRoleMatchesRules, widen(managedPolicyArnsLayout()), ["grants on", "repository/*'"]);
    });

    it("reads a separate RolePolicy", async () => {
        await expectNone(omicsRoleMatchesRules, rolePolicyLayout());
        const missing = editPolicy(rolePolicyLayout(), "workflow-permissions", d => {
            ecrResources(d).splice(1, 1);
        });
        await expectOne(omicsRoleMatchesRules, missing, ["does not cover prefix 'quay'"]);
    });

    it("rejects an attached policy that misses a rule's prefix", async () => {
        const missing = editPolicy(guideStep6Stack(), POLICY, d => {
            ecrResources(d).pop();
        });
        await expectOne(omicsRoleMatchesRules, missing, [
            "does not cover prefix 'ecr-public' of its pull-through cache rule",
        ]);
    });

    it("ignores a policy of the stack that is not attached to the role", async () => {
        const detached = without(widen(guideStep6Stack()), "HealthOmicsWorkflowPolicyAttachment");
        const found = (await violationsOf(omicsRoleMatchesRules, detached)).map(v => v.message);
        assert.deepEqual(
            found.map(m => /does not cover prefix '([^']+)'/.exec(m)?.[1]),
            ["docker-hub", "ecr-public", "quay"],
            found.join("\n"),
        );
    });
});

describe("omics-role-ecr-matches-pull-through-rules with HealthOmics-copy prefixes", () => {
    const permissions = (edit: (d: PolicyDocument) => void) =>
        editPolicy(programLikeStack(), "omics-run-permissions", edit);

    it("counts copy prefixes as covered, and accepts ecr:GetAuthorizationToken on *", async () => {
        await expectNone(omicsRoleMatchesRules, programLikeStack());
    });

    it("rejects a role that cannot reach a copy prefix", async () => {
        const missing = permissions(d => {
            for (const statement of d.Statement) {
                if (Array.isArray(statement.Resource)) {
                    statement.Resource = statement.Resource.filter(r => !r.includes("/us-gcr/"));
                }
            }
        });
        await expectOne(omicsRoleMatchesRules, missing, [
            "does not cover prefix 'us-gcr' of its HealthOmics-copy registry mapping",
        ]);
    });

    it("still rejects GetAuthorizationToken bundled with repository actions on *", async () => {
        const bundled = permissions(d => {
            statementWithSid(d, "EcrAuthorization").Action = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"];
        });
        await expectOne(omicsRoleMatchesRules, bundled, ["grants on '*'"]);
    });
});
