// registry-policy-matches-pull-through-rules and registry-policy-names-own-registry on hand-made stacks
// (policies called directly, SDK unknown-value proxy); what a fixture lets a principal do is confirmed with
// iam-simulate.
import * as assert from "assert/strict";
import {
    registryPolicyAccountGrants,
    registryPolicyMatchesRules,
    registryPolicyNamesOwnRegistry,
} from "../../policy-pack/policies";
import { listOf, Statement } from "./fixtures/documents";
import { ACCOUNT, editPolicy, programLikeStack, REGISTRY_ARN, T, urn, without } from "./fixtures/stacks";
import { expectNone, expectOne, everythingUnknown, violationsOf } from "./helpers";
import { callerFor, registryPolicyAllows } from "./iam-simulator";

const POLICY = "registry-policy";
const withStatement = (statement: Statement) =>
    editPolicy(programLikeStack(), POLICY, d => d.Statement.push(statement));

describe("registry-policy-matches-pull-through-rules (hand-made stacks)", () => {
    it(
        "keeps other teams' statements that do not create or import repositories (cross-account pulls, " +
            "replication)",
        async () => {
            await expectNone(registryPolicyMatchesRules, programLikeStack());
            await expectNone(registryPolicyMatchesRules, programLikeStack(), { preview: true });
            await expectNone(registryPolicyMatchesRules, programLikeStack(), {
                unknown: everythingUnknown(programLikeStack()),
            });
        },
    );

    it(
        "rejects Principal '*' creating repositories anywhere, naming the Sid and resource (the evaluator " +
            "confirms the grant)",
        async () => {
            const statement: Statement = {
                Sid: "OpenCreate",
                Effect: "Allow",
                Principal: "*",
                Action: "ecr:CreateRepository",
                Resource: "*",
            };
            assert.equal(
                await registryPolicyAllows(
                    [statement],
                    callerFor("*"),
                    "ecr:CreateRepository",
                    `${REGISTRY_ARN}/anything/x`,
                    ACCOUNT,
                ),
                true,
            );
            await expectOne(
                registryPolicyMatchesRules,
                withStatement(statement),
                [
                    "Registry policy 'registry-policy'",
                    "Statement 'OpenCreate' lets any principal (*) ecr:CreateRepository on '*'",
                ],
                urn(T.registryPolicy, POLICY),
            );
        },
    );

    it("rejects {AWS: *} importing upstream images through ecr:* on repository/*", async () => {
        const statement: Statement = {
            Sid: "TeamAll",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "ecr:*",
            Resource: `${REGISTRY_ARN}/*`,
        };
        assert.equal(
            await registryPolicyAllows(
                [statement],
                callerFor(statement.Principal),
                "ecr:BatchImportUpstreamImage",
                `${REGISTRY_ARN}/other/x`,
                ACCOUNT,
            ),
            true,
        );
        await expectOne(registryPolicyMatchesRules, withStatement(statement), [
            "Statement 'TeamAll' lets any principal (*) ecr:CreateRepository and ecr:BatchImportUpstreamImage",
            `'${REGISTRY_ARN}/*'`,
        ]);
    });

    it("keeps ECR's documented replication statement (CreateRepository on repository/*): advisory only", async () => {
        // ECR User Guide, registry-permissions-examples.html, "Allow the root user of a source account to replicate
        // all repositories", with this stack's registry
        const replication: Statement = {
            Sid: "ReplicationAccessCrossAccount",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::444455556666:root" },
            Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
            Resource: [`${REGISTRY_ARN}/*`],
        };
        await expectNone(registryPolicyMatchesRules, withStatement(replication));
        await expectNone(registryPolicyMatchesRules, withStatement(replication), { preview: true });
        await expectOne(
            registryPolicyAccountGrants,
            withStatement(replication),
            [
                "Statement 'ReplicationAccessCrossAccount' lets AWS arn:aws:iam::444455556666:root " +
                    "ecr:CreateRepository",
                "kept: a grant to specific accounts (e.g. cross-account replication) is their owner's decision",
            ],
            urn(T.registryPolicy, POLICY),
        );
        await expectNone(registryPolicyAccountGrants, programLikeStack());
    });

    it("declared prefixes include the HealthOmics-copy prefixes of the maps", async () => {
        const inside: Statement = {
            Sid: "TeamCopies",
            Effect: "Allow",
            Principal: "*",
            Action: "ecr:CreateRepository",
            Resource: `${REGISTRY_ARN}/us-gcr/*`,
        };
        await expectNone(registryPolicyMatchesRules, withStatement(inside));
        const outside = { ...inside, Resource: `${REGISTRY_ARN}/eu-gcr/*` };
        await expectOne(registryPolicyMatchesRules, withStatement(outside), [
            "declared prefixes (docker-hub, ecr-public, quay, seqera-community, us-gcr)",
        ]);
    });

    it("rejects an omics statement with NotResource", async () => {
        const notResource = editPolicy(programLikeStack(), POLICY, d => {
            d.Statement[0].NotResource = d.Statement[0].Resource;
            delete d.Statement[0].Resource;
        });
        const found = await violationsOf(registryPolicyMatchesRules, notResource);
        assert.ok(
            found.some(v => v.message.includes("NotResource:")),
            found.map(v => v.message).join("\n"),
        );
    });

    it("still finds a missing policy when the rules exist", async () => {
        await expectOne(registryPolicyMatchesRules, without(programLikeStack(), POLICY), [
            "No ECR registry policy lets omics.amazonaws.com create repositories for the pull-through " +
                "cache prefixes docker-hub, ecr-public, quay",
        ]);
    });
});

describe("registry-policy-names-own-registry", () => {
    it("passes the program-like stack, also in a preview", async () => {
        await expectNone(registryPolicyNamesOwnRegistry, programLikeStack());
        await expectNone(registryPolicyNamesOwnRegistry, programLikeStack(), { preview: true });
    });

    it("rejects the guide's placeholder account copied into a real stack, naming both accounts", async () => {
        const placeholder = editPolicy(programLikeStack(), POLICY, d => {
            d.Statement[0].Resource = listOf(d.Statement[0], "Resource").map(r => r.replace(ACCOUNT, "123456789012"));
        });
        const found = await violationsOf(registryPolicyNamesOwnRegistry, placeholder);
        assert.equal(found.length, 3, found.map(v => v.message).join("\n"));
        assert.ok(
            found[0].message.includes(
                "Statement 'OmicsPullThroughCache' names " +
                    "'arn:aws:ecr:us-east-1:123456789012:repository/docker-hub/*', in account 123456789012, " +
                    "but this stack's registry is in account 111122223333 (123456789012 is the guide's " +
                    "placeholder account)",
            ),
            found[0].message,
        );
        assert.equal(found[0].urn, urn(T.registryPolicy, POLICY));
    });

    it("rejects a resource in another region", async () => {
        const otherRegion = editPolicy(programLikeStack(), POLICY, d => {
            d.Statement[1].Resource = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/*`;
        });
        await expectOne(registryPolicyNamesOwnRegistry, otherRegion, [
            "Statement 'CrossAccountPull'",
            "in region eu-west-1, but this stack's registry is in region us-east-1",
        ]);
    });

    it("says nothing when the stack's account and region are unknown (first preview)", async () => {
        const placeholder = editPolicy(programLikeStack(), POLICY, d => {
            d.Statement[1].Resource = "arn:aws:ecr:eu-west-1:123456789012:repository/*";
        });
        const stackWide = [...new Set(programLikeStack().map(r => r.type))].map(type => ({
            type,
            props: ["registryId", "arn", "id", "region"],
        }));
        await expectNone(registryPolicyNamesOwnRegistry, placeholder, { unknown: stackWide });
    });
});
