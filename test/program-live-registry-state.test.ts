// The program under Pulumi's mock runtime reading the account's live registry scanning configuration and registry
// policy through the real @aws-sdk/client-ecr client, replaced at its boundary by aws-sdk-client-mock (responses
// shaped like the ECR API reference examples for GetRegistryScanningConfiguration and GetRegistryPolicy).
import * as assert from "assert/strict";
import { execFileSync } from "child_process";
import * as path from "path";
import { mockClient } from "aws-sdk-client-mock";
import {
    ECRClient,
    GetRegistryPolicyCommand,
    GetRegistryScanningConfigurationCommand,
    RegistryPolicyNotFoundException,
} from "@aws-sdk/client-ecr";
import { ecrRegistryStateReader } from "../components/live-registry-reader";
import { customResources, ProgramRun, runProgram, SECRET_KMS_KEYS } from "./harness/mock-program";
import { devStackConfig, withConfig } from "./harness/stack-config";
import { resourcePolicyDecision } from "./helpers/iam-evaluator";
import { expectPackPasses, mandatoryViolations } from "./harness/pack-check";
import { json, only } from "./helpers/mocked-resources";

const DEV = devStackConfig();
const ACCOUNT = "123456789012";
const REGISTRY = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository`;
const SCANNING = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration";

/** An account that uses Amazon Inspector: ENHANCED, continuous scanning of its own repositories. */
const ENHANCED_ACCOUNT = {
    registryId: ACCOUNT,
    scanningConfiguration: {
        scanType: "ENHANCED" as const,
        rules: [
            {
                scanFrequency: "CONTINUOUS_SCAN" as const,
                repositoryFilters: [{ filter: "prod-*", filterType: "WILDCARD" as const }],
            },
            {
                scanFrequency: "SCAN_ON_PUSH" as const,
                repositoryFilters: [{ filter: "*", filterType: "WILDCARD" as const }],
            },
        ],
    },
};

/**
 * Replication to a disaster-recovery account, put there by another team, and this stack's statement of an earlier up.
 */
const FOREIGN = {
    Sid: "ReplicateToDr",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::210987654321:root" },
    Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
    Resource: `${REGISTRY}/*`,
};
const OWN_EARLIER = {
    Sid: "OmicsPullThroughCache",
    Effect: "Allow",
    Principal: { Service: "omics.amazonaws.com" },
    Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
    Resource: [`${REGISTRY}/old-prefix/*`],
};
const LIVE_POLICY = {
    registryId: ACCOUNT,
    policyText: JSON.stringify({ Version: "2012-10-17", Statement: [OWN_EARLIER, FOREIGN] }),
};

const ecr = mockClient(ECRClient);

/** The reader over a real ECR client (static credentials: the mocked boundary never signs in). */
function reader() {
    return ecrRegistryStateReader(
        new ECRClient({
            region: "us-east-1",
            credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-real-key" },
        }),
        ACCOUNT,
    );
}

async function runLive(config = DEV.config): Promise<ProgramRun> {
    return runProgram(config, DEV.secretKeys, { registryStateReader: reader() });
}

function scanningRules(run: ProgramRun): [string, string[]][] {
    const scanning = only(run, SCANNING);
    return (scanning.inputs.rules as { scanFrequency: string; repositoryFilters: { filter: string }[] }[]).map(r => [
        r.scanFrequency,
        r.repositoryFilters.map(f => f.filter),
    ]);
}

describe(
    "program reading the live registry state " + "(aws-sdk-client-mock at the ECR client boundary, mock runtime)",
    () => {
        beforeEach(() => {
            ecr.reset();
            ecr.on(GetRegistryScanningConfigurationCommand).resolves({
                registryId: ACCOUNT,
                scanningConfiguration: { scanType: "BASIC", rules: [] },
            });
            ecr.on(GetRegistryPolicyCommand).resolves(LIVE_POLICY);
        });

        it(
            "keeps an ENHANCED (Amazon Inspector) account " + "ENHANCED with its rules, adding this stack's prefixes",
            async () => {
                ecr.on(GetRegistryScanningConfigurationCommand).resolves(ENHANCED_ACCOUNT);
                const run = await runLive();
                assert.equal(run.error, undefined, run.error?.message);
                assert.equal(only(run, SCANNING).inputs.scanType, "ENHANCED");
                assert.deepEqual(scanningRules(run), [
                    ["SCAN_ON_PUSH", ["docker-hub/*", "quay/*", "ecr-public/*", "*"]],
                    ["CONTINUOUS_SCAN", ["prod-*"]],
                ]);
                assert.equal(ecr.commandCalls(GetRegistryScanningConfigurationCommand).length, 1);
            },
        );

        it(
            "keeps a live statement it does not own and replaces its own earlier one by Sid; the kept grant still " +
                "works (evaluated)",
            async () => {
                const run = await runLive();
                assert.equal(run.error, undefined, run.error?.message);
                const policy = json(only(run, "aws:ecr/registryPolicy:RegistryPolicy").inputs.policy);
                const statements = policy.Statement as { Sid: string; Resource: unknown }[];
                assert.deepEqual(
                    statements.map(s => s.Sid),
                    ["OmicsPullThroughCache", "ReplicateToDr"],
                );
                assert.deepEqual(statements[0].Resource, [
                    `${REGISTRY}/docker-hub/*`,
                    `${REGISTRY}/quay/*`,
                    `${REGISTRY}/ecr-public/*`,
                ]);
                assert.deepEqual(statements[1], FOREIGN);
                const ask = (principal: string, action: string, repository: string) =>
                    resourcePolicyDecision(policy, {
                        principal,
                        action,
                        resource: `${REGISTRY}/${repository}`,
                        account: ACCOUNT,
                    });
                assert.equal(
                    await ask("omics.amazonaws.com", "ecr:CreateRepository", "old-prefix/x"),
                    "ImplicitlyDenied",
                );
                assert.equal(
                    await ask("omics.amazonaws.com", "ecr:BatchImportUpstreamImage", "quay/biocontainers/samtools"),
                    "Allowed",
                );
            },
        );

        it("keeps ECR's documented replication statement live: pack passes, up and engine-style preview", async () => {
            // FOREIGN is ECR User Guide registry-permissions-examples.html's cross-account replication statement
            // (ecr:CreateRepository + ecr:ReplicateImage on repository/* for a source account's root)
            for (const preview of [false, true]) {
                assert.deepEqual(
                    await mandatoryViolations(DEV.config, DEV.secretKeys, preview, { registryStateReader: reader() }),
                    [],
                    preview ? "in the first preview" : "after up",
                );
            }
        });

        it("the replication statement in registryPolicyStatements passes config validation and the pack", async () => {
            const config = withConfig(DEV.config, "registryPolicyStatements", [FOREIGN]);
            await expectPackPasses(config, DEV.secretKeys);
        });

        for (const [name, principal] of [
            ["'*'", "*"],
            ["{AWS: '*'}", { AWS: "*" }],
            ["omics.amazonaws.com", { Service: "omics.amazonaws.com" }],
        ] as const) {
            it(`a live statement letting ${name} CreateRepository on repository/* is still mandatory`, async () => {
                const open = { ...FOREIGN, Sid: "WideOpen", Principal: principal };
                ecr.on(GetRegistryPolicyCommand).resolves({
                    registryId: ACCOUNT,
                    policyText: JSON.stringify({ Version: "2012-10-17", Statement: [FOREIGN, open] }),
                });
                for (const preview of [false, true]) {
                    const found = await mandatoryViolations(DEV.config, DEV.secretKeys, preview, {
                        registryStateReader: reader(),
                    });
                    assert.ok(found.length > 0, `${preview ? "preview" : "up"}: expected a violation`);
                    assert.ok(
                        found.every(v => v.startsWith("registry-policy-matches-pull-through-rules: ")),
                        found.join("\n"),
                    );
                    assert.ok(
                        found.some(v => v.includes("WideOpen") || v.includes(`${REGISTRY}/*`)),
                        found.join("\n"),
                    );
                    assert.ok(!found.some(v => v.includes("ReplicateToDr")), found.join("\n"));
                }
            });
        }

        it("treats RegistryPolicyNotFoundException as an account without a registry policy", async () => {
            ecr.on(GetRegistryPolicyCommand).rejects(
                new RegistryPolicyNotFoundException({
                    message: "Registry policy does not exist in the registry with id '123456789012'",
                    $metadata: {},
                }),
            );
            const run = await runLive();
            assert.equal(run.error, undefined, run.error?.message);
            const policy = json(only(run, "aws:ecr/registryPolicy:RegistryPolicy").inputs.policy);
            assert.deepEqual(
                (policy.Statement as { Sid: string }[]).map(s => s.Sid),
                ["OmicsPullThroughCache"],
            );
        });

        it("keeps a kept statement the config owns once, in the config's version, not twice", async () => {
            const mine = { ...FOREIGN, Action: ["ecr:ReplicateImage"] };
            const run = await runLive(withConfig(DEV.config, "registryPolicyStatements", [mine]));
            assert.equal(run.error, undefined, run.error?.message);
            const statements = json(only(run, "aws:ecr/registryPolicy:RegistryPolicy").inputs.policy)
                .Statement as unknown[];
            assert.deepEqual(statements.slice(1), [mine]);
        });

        it(
            "fails, naming what it could not read and declaring nothing, when the scanning configuration is " +
                "unreadable",
            async () => {
                const denied = Object.assign(
                    new Error(
                        "User: arn:aws:iam::123456789012:role/ci is not authorized to perform: " +
                            "ecr:GetRegistryScanningConfiguration",
                    ),
                    { name: "AccessDeniedException" },
                );
                ecr.on(GetRegistryScanningConfigurationCommand).rejects(denied);
                ecr.on(GetRegistryPolicyCommand).rejects(
                    Object.assign(new Error("not authorized to perform: ecr:GetRegistryPolicy"), {
                        name: "AccessDeniedException",
                    }),
                );
                const run = await runLive();
                assert.ok(run.error);
                assert.match(
                    run.error.message,
                    new RegExp(
                        /omics-registry-maps:cachedRepositories\.scanning: could not read the live registry /.source +
                            /scanning configuration of account 123456789012 in us-east-1 /.source +
                            /\(ecr:GetRegistryScanningConfiguration: AccessDeniedException: User: .* is not /.source +
                            /authorized/.source,
                    ),
                );
                assert.match(
                    run.error.message,
                    new RegExp(
                        /omics-registry-maps:registryPolicyStatements: could not read the live registry policy /
                            .source + /.* it will not write over what it cannot read/.source,
                    ),
                );
                assert.deepEqual(run.resources, []);
            },
        );

        it(
            "reports an unreadable live state together " + "with the other problems that need AWS, in one round",
            async () => {
                const secretArn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:omics-registry/nvcr-Ab12Cd`;
                SECRET_KMS_KEYS.set(
                    secretArn,
                    `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
                );
                ecr.on(GetRegistryScanningConfigurationCommand).rejects(
                    Object.assign(new Error("not authorized to perform: ecr:GetRegistryScanningConfiguration"), {
                        name: "AccessDeniedException",
                    }),
                );
                try {
                    const registries = JSON.parse(DEV.config["omics-registry-maps:registries"] ?? "[]") as unknown[];
                    const run = await runLive(
                        withConfig(DEV.config, "registries", [
                            ...registries,
                            { upstreamRegistryUrl: "nvcr.io", ecrRepositoryPrefix: "nvcr", credentials: { secretArn } },
                        ]),
                    );
                    assert.ok(run.error);
                    assert.match(run.error.message, /^2 configuration errors/);
                    assert.match(run.error.message, /credentials\.secretArn: is encrypted with customer KMS key/);
                    assert.match(
                        run.error.message,
                        /cachedRepositories\.scanning: could not read the live registry scanning/,
                    );
                    assert.deepEqual(run.resources, []);
                } finally {
                    SECRET_KMS_KEYS.delete(secretArn);
                }
            },
        );

        it("refuses live state ECR gives for another account (not the provider's credentials)", async () => {
            const other = "210987654321";
            ecr.on(GetRegistryScanningConfigurationCommand).resolves({ ...ENHANCED_ACCOUNT, registryId: other });
            ecr.on(GetRegistryPolicyCommand).resolves({ ...LIVE_POLICY, registryId: other });
            const run = await runLive();
            assert.ok(run.error);
            for (const [path, call] of [
                ["cachedRepositories\\.scanning", "GetRegistryScanningConfiguration"],
                ["registryPolicyStatements", "GetRegistryPolicy"],
            ]) {
                assert.match(
                    run.error.message,
                    new RegExp(
                        `omics-registry-maps:${path}: the live .* was read with other credentials than the stack's ` +
                            `AWS ` +
                            `provider \\(${call} answered for account ${other}, not ${ACCOUNT}\\); it will not merge`,
                    ),
                );
            }
            assert.deepEqual(run.resources, []);
        });

        it("does not read what it does not write: scanning off, or no registry policy", async () => {
            const run = await runLive(withConfig(DEV.config, "cachedRepositories", { scanning: { enabled: false } }));
            assert.equal(run.error, undefined, run.error?.message);
            assert.equal(ecr.commandCalls(GetRegistryScanningConfigurationCommand).length, 0);
            assert.equal(ecr.commandCalls(GetRegistryPolicyCommand).length, 1);
            assert.equal(customResources(run, SCANNING).length, 0);
            ecr.resetHistory();
            const copyOnly = withConfig(withConfig(DEV.config, "imageMappings", []), "registries", [
                {
                    upstreamRegistryUrl: "nvcr.io",
                    ecrRepositoryPrefix: "nvcr",
                    credentials: {
                        secretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:omics-registry/nvcr-Ab12Cd`,
                    },
                },
            ]);
            const copyRun = await runLive(copyOnly);
            assert.equal(copyRun.error, undefined, copyRun.error?.message);
            assert.equal(
                ecr.commandCalls(GetRegistryPolicyCommand).length,
                0,
                "a copy-only stack writes no registry policy",
            );
            assert.equal(customResources(copyRun, "aws:ecr/registryPolicy:RegistryPolicy").length, 0);
        });

        it(
            "reads nothing under the mock runtime without an injected reader (no engine: offline tests and the " +
                "analyzer harness)",
            async () => {
                const run = await runProgram(DEV.config, DEV.secretKeys);
                assert.equal(run.error, undefined, run.error?.message);
                assert.equal(ecr.calls().length, 0);
                assert.equal(only(run, SCANNING).inputs.scanType, "BASIC");
            },
        );

        it(
            "never loads the AWS SDK under the mock runtime (a fresh node process runs the dev stack, then lists " +
                "loaded modules)",
            function () {
                this.timeout(60_000);
                const script = [
                    "const { runProgram } = require('./test/harness/mock-program');",
                    "const { devStackConfig } = require('./test/harness/stack-config');",
                    "const dev = devStackConfig();",
                    "runProgram(dev.config, dev.secretKeys).then(run => {",
                    "  if (run.error) { throw run.error; }",
                    "  const sdk = Object.keys(require.cache).filter(f => f.includes('@aws-sdk'));",
                    "  process.stdout.write(JSON.stringify({ resources: run.resources.length, sdk }));",
                    "});",
                ].join("\n");
                const root = path.resolve(__dirname, "..");
                const output = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
                    cwd: root,
                    encoding: "utf8",
                });
                const result = JSON.parse(output) as { resources: number; sdk: string[] };
                assert.ok(result.resources > 10, "the program ran");
                assert.deepEqual(result.sdk, []);
            },
        );
    },
);
