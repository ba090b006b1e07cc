// createOrImportOutsidePrefixes and accountGrantOutsidePrefixes (policy-pack/rules/registry-policy-scope.ts), the
// pure check the pack and the program share. Each verdict is compared with the real IAM evaluator
// @cloud-copilot/iam-simulate: a statement is reported (a problem, or for specific accounts only a note) exactly
// when the evaluator lets its principal CreateRepository/BatchImportUpstreamImage outside the prefixes.
import * as assert from "assert/strict";
import {
    accountGrantOutsidePrefixes,
    createOrImportOutsidePrefixes,
} from "../../policy-pack/rules/registry-policy-scope";
import { callerFor, registryPolicyAllows } from "./iam-simulator";

const ACCOUNT = "111122223333";
const REPO = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository`;
const PREFIXES = ["docker-hub", "quay"];
const OUTSIDE = `${REPO}/other/x`;
const INSIDE = `${REPO}/docker-hub/library/ubuntu`;
const SCOPE = { partition: "aws", region: "us-east-1", account: ACCOUNT };

interface Case {
    title: string;
    statement: Record<string, unknown>;
    /** Fragments the single problem must contain; undefined when the statement must be accepted. */
    problem?: string[];
    /** For a grant to specific accounts only: fragments of the single note (accepted, the account owner's decision). */
    owner?: string[];
}

const CASES: Case[] = [
    {
        title: "omics on its prefixes only",
        statement: {
            Sid: "Omics",
            Effect: "Allow",
            Principal: { Service: "omics.amazonaws.com" },
            Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
            Resource: [`${REPO}/docker-hub/*`, `${REPO}/quay/*`],
        },
    },
    {
        title: "cross-account pulls on every repository (no create or import)",
        statement: {
            Sid: "CrossAccountPull",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::444455556666:root" },
            Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Resource: `${REPO}/*`,
        },
    },
    {
        title: "replication without CreateRepository",
        statement: {
            Sid: "Replication",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::777788889999:root" },
            Action: "ecr:ReplicateImage",
            Resource: `${REPO}/*`,
        },
    },
    {
        title: "another account creating inside a declared prefix",
        statement: {
            Sid: "TeamInside",
            Effect: "Allow",
            Principal: { AWS: "444455556666" },
            Action: "ecr:CreateRepository",
            Resource: `${REPO}/quay/*`,
        },
    },
    {
        title: "Principal * creating anywhere",
        statement: { Sid: "Everyone", Effect: "Allow", Principal: "*", Action: "ecr:CreateRepository", Resource: "*" },
        problem: [
            "Statement 'Everyone' lets any principal (*) ecr:CreateRepository on '*'",
            "declared prefixes (docker-hub, quay)",
        ],
    },
    {
        title: "{AWS: *} with ecr:* on repository/*",
        statement: { Sid: "AnyAws", Effect: "Allow", Principal: { AWS: "*" }, Action: "ecr:*", Resource: `${REPO}/*` },
        problem: [
            "Statement 'AnyAws' lets any principal (*) ecr:CreateRepository and ecr:BatchImportUpstreamImage",
            `on '${REPO}/*'`,
        ],
    },
    {
        title: "another account with ecr:Create* on another prefix",
        statement: {
            Sid: "OtherTeam",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::444455556666:root" },
            Action: "ecr:Create*",
            Resource: `${REPO}/other/*`,
        },
        owner: ["Statement 'OtherTeam' lets AWS arn:aws:iam::444455556666:root ecr:CreateRepository on", "/other/*'"],
    },
    {
        title: "anyone with ecr:Create* on another prefix",
        statement: {
            Sid: "AnyoneOther",
            Effect: "Allow",
            Principal: { AWS: ["arn:aws:iam::444455556666:root", "*"] },
            Action: "ecr:Create*",
            Resource: `${REPO}/other/*`,
        },
        problem: ["Statement 'AnyoneOther' lets any principal (*) ecr:CreateRepository on", "/other/*'"],
    },
    {
        // ECR User Guide, registry-permissions-examples.html ("Allow the root user of a source account to replicate
        // all repositories"), with this test's registry
        title: "ECR's documented cross-account replication policy (CreateRepository + ReplicateImage on repository/*)",
        statement: {
            Sid: "ReplicationAccessCrossAccount",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::444455556666:root" },
            Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
            Resource: [`${REPO}/*`],
        },
        owner: [
            "Statement 'ReplicationAccessCrossAccount' lets AWS arn:aws:iam::444455556666:root ecr:CreateRepository",
            `on '${REPO}/*', outside the declared prefixes (docker-hub, quay)`,
        ],
    },
    {
        title: "omics.amazonaws.com beside a source account, creating on repository/*",
        statement: {
            Sid: "ReplicationAndOmics",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::444455556666:root", Service: "omics.amazonaws.com" },
            Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
            Resource: `${REPO}/*`,
        },
        problem: ["lets AWS arn:aws:iam::444455556666:root, omics.amazonaws.com ecr:CreateRepository", `'${REPO}/*'`],
    },
    {
        title: "omics importing on a prefix's look-alike (docker-hub* also matches docker-hub2/...)",
        statement: {
            Sid: "OmicsLookAlike",
            Effect: "Allow",
            Principal: { Service: "omics.amazonaws.com" },
            Action: "ecr:BatchImportUpstreamImage",
            Resource: `${REPO}/docker-hub*`,
        },
        problem: ["lets omics.amazonaws.com ecr:BatchImportUpstreamImage on", "docker-hub*'"],
    },
    {
        title: "NotAction leaves CreateRepository allowed",
        statement: {
            Sid: "AllButDelete",
            Effect: "Allow",
            Principal: { AWS: "444455556666" },
            NotAction: "ecr:DeleteRepository",
            Resource: `${REPO}/*`,
        },
        owner: ["Statement 'AllButDelete' lets AWS 444455556666 ecr:CreateRepository and ecr:BatchImportUpstreamImage"],
    },
    {
        title: "NotAction leaves CreateRepository allowed to anyone",
        statement: {
            Sid: "AnyoneButDelete",
            Effect: "Allow",
            Principal: { AWS: "*" },
            NotAction: "ecr:DeleteRepository",
            Resource: `${REPO}/*`,
        },
        problem: [
            "Statement 'AnyoneButDelete' lets any principal (*) ecr:CreateRepository and ecr:BatchImportUpstreamImage",
        ],
    },
    {
        title: "NotResource reaches everything but one prefix",
        statement: {
            Sid: "NotDockerHub",
            Effect: "Allow",
            Principal: { Service: "omics.amazonaws.com" },
            Action: "ecr:CreateRepository",
            NotResource: `${REPO}/docker-hub/*`,
        },
        problem: ["Statement 'NotDockerHub'", "every resource except NotResource"],
    },
    {
        title: "Action * on an ARN whose wildcard spans the separators",
        statement: { Effect: "Allow", Principal: { AWS: "444455556666" }, Action: "*", Resource: "arn:aws:ecr:*" },
        owner: ["Statement #1 (no Sid) lets AWS 444455556666", "on 'arn:aws:ecr:*'"],
    },
    {
        title: "Action * for anyone on an ARN whose wildcard spans the separators",
        statement: { Effect: "Allow", Principal: "*", Action: "*", Resource: "arn:aws:ecr:*" },
        problem: ["Statement #1 (no Sid) lets any principal (*)", "on 'arn:aws:ecr:*'"],
    },
];

describe("createOrImportOutsidePrefixes (checked against the iam-simulate evaluator)", () => {
    for (const testCase of CASES) {
        const verdict = testCase.problem
            ? "reports"
            : testCase.owner
              ? "accepts, noting the account's grant"
              : "accepts";
        it(`${verdict}: ${testCase.title}`, async () => {
            const problems = createOrImportOutsidePrefixes([testCase.statement], PREFIXES, SCOPE);
            const notes = accountGrantOutsidePrefixes(testCase.statement, 0, PREFIXES, SCOPE);
            const caller = callerFor(testCase.statement.Principal);
            const create = await registryPolicyAllows(
                [testCase.statement],
                caller,
                "ecr:CreateRepository",
                OUTSIDE,
                ACCOUNT,
            );
            const importOutside =
                (await registryPolicyAllows(
                    [testCase.statement],
                    caller,
                    "ecr:BatchImportUpstreamImage",
                    OUTSIDE,
                    ACCOUNT,
                )) ||
                (await registryPolicyAllows(
                    [testCase.statement],
                    caller,
                    "ecr:BatchImportUpstreamImage",
                    `${REPO}/docker-hub2/x`,
                    ACCOUNT,
                ));
            assert.equal(
                problems.length + notes.length > 0,
                create || importOutside,
                `the evaluator says outside grant = ${create || importOutside}, ` +
                    `the check found: ${[...problems, ...notes].join("; ") || "nothing"}`,
            );
            if (problems.length > 0) {
                assert.deepEqual(notes, [], "a problem is not also a note");
            }
            if (testCase.owner !== undefined) {
                assert.deepEqual(problems, [], "a grant to specific accounts only is not a problem");
                assert.equal(notes.length, 1, notes.join("\n"));
                for (const fragment of testCase.owner) {
                    assert.ok(notes[0].includes(fragment), `expected "${fragment}" in: ${notes[0]}`);
                }
            } else if (testCase.problem === undefined) {
                assert.deepEqual(problems, []);
                assert.deepEqual(notes, []);
            } else {
                assert.equal(problems.length, 1, problems.join("\n"));
                for (const fragment of testCase.problem) {
                    assert.ok(problems[0].includes(fragment), `expected "${fragment}" in: ${problems[0]}`);
                }
            }
        });
    }

    it("accepted statements still grant what they are for inside the prefixes (the evaluator agrees)", async () => {
        const omics = CASES[0].statement;
        assert.equal(
            await registryPolicyAllows([omics], "omics.amazonaws.com", "ecr:CreateRepository", INSIDE, ACCOUNT),
            true,
        );
        assert.equal(
            await registryPolicyAllows([omics], "omics.amazonaws.com", "ecr:CreateRepository", OUTSIDE, ACCOUNT),
            false,
        );
    });

    it("names statements by position when they have no Sid, counting every statement", () => {
        const problems = createOrImportOutsidePrefixes(
            [CASES[0].statement, { Effect: "Allow", Principal: "*", Action: "ecr:CreateRepository", Resource: "*" }],
            PREFIXES,
        );
        assert.deepEqual(
            problems.map(p => p.split(" lets")[0]),
            ["Statement #2 (no Sid)"],
        );
    });

    it("skips resources that name another registry literally, and Deny statements", () => {
        const otherRegistry = {
            Sid: "Elsewhere",
            Effect: "Allow",
            Principal: "*",
            Action: "ecr:CreateRepository",
            Resource: "arn:aws:ecr:us-east-1:444455556666:repository/*",
        };
        const deny = { Sid: "DenyAll", Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*" };
        assert.deepEqual(createOrImportOutsidePrefixes([otherRegistry, deny], PREFIXES, SCOPE), []);
        // without a known account the same resource may be this registry's
        assert.equal(createOrImportOutsidePrefixes([otherRegistry], PREFIXES).length, 1);
    });

    it("judges principals it cannot name: none, Federated, a wildcard inside an ARN (IAM takes none there)", () => {
        const create = { Effect: "Allow", Action: "ecr:CreateRepository", Resource: `${REPO}/*` };
        const principals: Record<string, unknown>[] = [
            {},
            { Principal: { Federated: "cognito-identity.amazonaws.com" } },
            { Principal: { AWS: "arn:aws:iam::*:root" } },
            { Principal: { AWS: [] } },
            {
                Principal: {
                    AWS: ["444455556666"],
                    CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
                },
            },
            { Principal: ["444455556666"] },
        ];
        for (const principal of principals) {
            const statement = { ...create, ...principal, Sid: "Unnamed" };
            assert.equal(
                createOrImportOutsidePrefixes([statement], PREFIXES, SCOPE).length,
                1,
                JSON.stringify(principal),
            );
            assert.deepEqual(accountGrantOutsidePrefixes(statement, 0, PREFIXES, SCOPE), [], JSON.stringify(principal));
        }
    });

    it("reports a statement without Resource, and treats no declared prefixes as 'none'", () => {
        const problems = createOrImportOutsidePrefixes(
            [{ Sid: "Bare", Effect: "Allow", Principal: "*", Action: "ecr:CreateRepository" }],
            [],
        );
        assert.equal(problems.length, 1);
        assert.ok(problems[0].includes("with no Resource") && problems[0].includes("(none)"), problems[0]);
    });
});
