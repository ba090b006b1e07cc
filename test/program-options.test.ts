// The program under Pulumi's mock runtime with one setting changed from the dev stack at a time: template role,
// KMS, kept registry-policy statements, hosts, named maps, scanning, lifecycle, audit trail, existing secrets.
import * as assert from "assert/strict";
import { customResources, outputsOf, ProgramRun, runProgram, SECRET_KMS_KEYS, valueOf } from "./harness/mock-program";
import { expectPackPasses } from "./harness/pack-check";
import { ConfigMap, devStackConfig, withConfig } from "./harness/stack-config";
import { combinedDecision, defaultKeyPolicy, resourcePolicyDecision } from "./helpers/iam-evaluator";
import { json, only } from "./helpers/mocked-resources";

const DEV = devStackConfig();
const ACCOUNT = "123456789012";
const REGISTRY = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository`;
const KMS_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const TEMPLATE = "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate";

/**
 * The program's run for `config`; every config here is valid, so its stack also passes the pack (after up, in preview).
 */
async function runWith(config: ConfigMap): Promise<ProgramRun> {
    const run = await runProgram(config, DEV.secretKeys);
    assert.equal(run.error, undefined, run.error?.message);
    await expectPackPasses(config, DEV.secretKeys);
    return run;
}

function registryMappings(
    run: ProgramRun,
    objectName = "map-default",
): { upstreamRegistryUrl: string; ecrRepositoryPrefix: string }[] {
    return json(only(run, "aws:s3/bucketObjectv2:BucketObjectv2", objectName).inputs.content).registryMappings as {
        upstreamRegistryUrl: string;
        ecrRepositoryPrefix: string;
    }[];
}

describe("program settings, one change from the dev stack at a time (mock runtime)", () => {
    it("without tags or KMS, declares no template role: ECR's service-linked role suffices", async () => {
        const run = await runWith(withConfig(DEV.config, "tags", {}));
        assert.equal(customResources(run, "aws:iam/role:Role").length, 1);
        for (const template of customResources(run, TEMPLATE)) {
            assert.equal(template.inputs.customRoleArn, undefined);
            assert.equal(template.inputs.resourceTags, undefined);
        }
    });

    it(
        "with a KMS key and no tags, encrypts cached repositories through a template role holding the key " +
            "grants (evaluated)",
        async () => {
            const run = await runWith(
                withConfig(withConfig(DEV.config, "tags", {}), "cachedRepositories", { kmsKeyArn: KMS_KEY }),
            );
            const role = only(run, "aws:iam/role:Role", "ecr-template-role");
            for (const template of customResources(run, TEMPLATE)) {
                assert.deepEqual(template.inputs.encryptionConfigurations, [
                    { encryptionType: "KMS", kmsKey: KMS_KEY },
                ]);
                assert.equal(template.inputs.customRoleArn, role.state.arn);
            }
            const policy = json(
                customResources(run, "aws:iam/rolePolicy:RolePolicy").find(p => p.inputs.role === role.id)?.inputs
                    .policy,
            );
            // With the default key policy, which lets the account's IAM policies grant use of the key.
            const ask = (action: string, resource: string) =>
                combinedDecision(
                    { identity: [policy], resource: defaultKeyPolicy(ACCOUNT) },
                    { principal: role.state.arn as string, action, resource, account: ACCOUNT },
                );
            assert.equal(await ask("kms:CreateGrant", KMS_KEY), "Allowed");
            assert.equal(await ask("kms:DescribeKey", KMS_KEY), "Allowed");
            assert.equal(await ask("kms:CreateGrant", KMS_KEY.replace("1234abcd", "99999999")), "ImplicitlyDenied");
            assert.equal(await ask("kms:Decrypt", KMS_KEY), "ImplicitlyDenied");
        },
    );

    it("keeps other teams' registry-policy statements beside its own, and they keep working (evaluated)", async () => {
        const replication = {
            Sid: "ReplicateToDr",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::210987654321:root" },
            Action: ["ecr:ReplicateImage"],
            Resource: `${REGISTRY}/*`,
        };
        const run = await runWith(withConfig(DEV.config, "registryPolicyStatements", [replication]));
        const policy = json(only(run, "aws:ecr/registryPolicy:RegistryPolicy").inputs.policy);
        assert.deepEqual(
            (policy.Statement as { Sid: string }[]).map(s => s.Sid),
            ["OmicsPullThroughCache", "ReplicateToDr"],
        );
        assert.deepEqual((policy.Statement as unknown[])[1], replication);
        const ask = (principal: string, action: string, repository: string) =>
            resourcePolicyDecision(policy, {
                principal,
                action,
                resource: `${REGISTRY}/${repository}`,
                account: ACCOUNT,
            });
        // Cross-account: the partner's own identity policy allows everything; the registry policy decides.
        const partnerMay = (action: string, repository: string) =>
            combinedDecision(
                {
                    identity: [
                        { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ecr:*", Resource: "*" }] },
                    ],
                    resource: policy,
                },
                {
                    principal: "arn:aws:iam::210987654321:role/replicator",
                    action,
                    resource: `${REGISTRY}/${repository}`,
                    account: ACCOUNT,
                },
            );
        assert.equal(await partnerMay("ecr:ReplicateImage", "team/app"), "Allowed");
        assert.equal(await partnerMay("ecr:CreateRepository", "team/app"), "ImplicitlyDenied");
        assert.equal(await ask("omics.amazonaws.com", "ecr:CreateRepository", "quay/x"), "Allowed");
        assert.equal(await ask("omics.amazonaws.com", "ecr:CreateRepository", "team/app"), "ImplicitlyDenied");
    });

    it(
        "with only registries HealthOmics copies from, declares no registry policy (ECR refuses one without " +
            "statements) and no rule or template",
        async () => {
            const config = withConfig(
                withConfig(withConfig(DEV.config, "imageMappings", []), "tags", {}),
                "registries",
                [
                    {
                        upstreamRegistryUrl: "nvcr.io",
                        ecrRepositoryPrefix: "nvcr",
                        credentials: {
                            secretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:omics-registry/nvcr`,
                        },
                    },
                ],
            );
            const run = await runWith(config);
            for (const type of [
                "aws:ecr/registryPolicy:RegistryPolicy",
                "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
                TEMPLATE,
            ]) {
                assert.equal(customResources(run, type).length, 0, type);
            }
            assert.deepEqual(registryMappings(run), [
                {
                    upstreamRegistryUrl: "nvcr.io",
                    ecrRepositoryPrefix: "nvcr",
                    credentialArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:omics-registry/nvcr`,
                },
            ]);
        },
    );

    it("accepts a region listed in additionalHealthOmicsRegions", async () => {
        const run = await runWith(
            withConfig(withConfig(DEV.config, "aws:region", "ca-central-1"), "additionalHealthOmicsRegions", [
                "ca-central-1",
            ]),
        );
        assert.match(await valueOf(outputsOf(run).createWorkflowCommand), /--region ca-central-1 /);
    });

    it(
        "accepts what the ECR API accepts: '__' and repeated '-' in prefixes, secret ARNs without the " +
            "6-character suffix",
        async () => {
            const secretArn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ecr-pullthroughcache/ghcr`;
            const config = withConfig(withConfig(DEV.config, "imageMappings", []), "registries", [
                { upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "bio__quay" },
                { upstreamRegistryUrl: "ghcr.io", ecrRepositoryPrefix: "git--hub", credentials: { secretArn } },
            ]);
            const run = await runWith(config);
            assert.deepEqual(
                customResources(run, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule").map(r => [
                    r.inputs.ecrRepositoryPrefix,
                    r.inputs.credentialArn,
                ]),
                [
                    ["bio__quay", undefined],
                    ["git--hub", secretArn],
                ],
            );
        },
    );

    it(
        "scans '__' and '--' prefixes with filters ECR's ScanningRepositoryFilterValue pattern accepts, which " +
            "still match every repository of the prefix",
        async () => {
            // The pattern exactly as in the ECR API model (botocore ecr service-2.json), not taken from the code under
            // test.
            const ecrFilterPattern = /^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$/;
            const wildcard = (filter: string) =>
                new RegExp(
                    `^${filter
                        .split("*")
                        .map(p => p.replace(/[.+?^${}()|[\]\\/-]/g, "\\$&"))
                        .join(".*")}$`,
                );
            const config = withConfig(withConfig(DEV.config, "imageMappings", []), "registries", [
                { upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "bio__quay" },
                { upstreamRegistryUrl: "public.ecr.aws", ecrRepositoryPrefix: "my---cache/ecr--public" },
            ]);
            const scanning = only(
                await runWith(config),
                "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
            );
            const filters = (
                scanning.inputs.rules as { repositoryFilters: { filter: string; filterType: string }[] }[]
            )[0].repositoryFilters;
            assert.deepEqual(
                filters.map(f => f.filterType),
                ["WILDCARD", "WILDCARD"],
            );
            for (const { filter } of filters) {
                assert.match(filter, ecrFilterPattern);
            }
            assert.match("bio__quay/biocontainers/samtools", wildcard(filters[0].filter));
            assert.match("my---cache/ecr--public/docker/library/ubuntu", wildcard(filters[1].filter));
            assert.doesNotMatch("quay/biocontainers/samtools", wildcard(filters[0].filter));
        },
    );

    it(
        "maps Docker Hub under registry-1.docker.io alone by default (docker.io is in no HealthOmics page), " +
            "under more hosts on request",
        async () => {
            const dockerHub = {
                upstreamRegistryUrl: "registry-1.docker.io",
                ecrRepositoryPrefix: "docker-hub",
                credentials: { secretConfigKey: "dockerHubCredentials" },
            };
            const hosts = async (extra: unknown) =>
                registryMappings(
                    await runWith(
                        withConfig(withConfig(DEV.config, "imageMappings", []), "registries", [
                            extra === undefined ? dockerHub : { ...dockerHub, additionalHosts: extra },
                        ]),
                    ),
                ).map(m => `${m.upstreamRegistryUrl}->${m.ecrRepositoryPrefix}`);
            assert.deepEqual(await hosts(undefined), ["registry-1.docker.io->docker-hub"]);
            assert.deepEqual(await hosts(["docker.io", "index.docker.io"]), [
                "registry-1.docker.io->docker-hub",
                "docker.io->docker-hub",
                "index.docker.io->docker-hub",
            ]);
            assert.deepEqual(await hosts([]), ["registry-1.docker.io->docker-hub"]);
        },
    );

    it(
        "declares one content-addressed object and one output per named map, each with its registries and " +
            "image mappings",
        async () => {
            const config = withConfig(withConfig(DEV.config, "imageMappings", []), "maps", [
                {
                    name: "wdl",
                    registries: ["docker-hub", "quay"],
                    imageMappings: [{ sourceImage: "ubuntu", destinationImage: "docker-hub/library/ubuntu:20.04" }],
                },
                { name: "nextflow", registries: ["quay"] },
            ]);
            const run = await runWith(config);
            assert.deepEqual(Object.keys(outputsOf(run).containerRegistryMapUris), ["wdl", "nextflow"]);
            const wdl = only(run, "aws:s3/bucketObjectv2:BucketObjectv2", "map-wdl");
            const nextflow = only(run, "aws:s3/bucketObjectv2:BucketObjectv2", "map-nextflow");
            assert.match(wdl.inputs.key as string, /^container-registry-maps\/wdl\/[0-9a-f]{64}\.json$/);
            assert.match(nextflow.inputs.key as string, /^container-registry-maps\/nextflow\/[0-9a-f]{64}\.json$/);
            assert.deepEqual(registryMappings(run, "map-nextflow"), [
                { upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" },
            ]);
            assert.equal(json(wdl.inputs.content).imageMappings !== undefined, true);
            assert.equal(json(nextflow.inputs.content).imageMappings, undefined);
            assert.equal(
                await valueOf(outputsOf(run).containerRegistryMapUri),
                await valueOf(outputsOf(run).containerRegistryMapUris.wdl),
                "the first map is the default",
            );
        },
    );

    it(
        "gives a changed map a new key and the same map the same key, so a workflow's map URI never changes " +
            "meaning",
        async () => {
            const keyOf = async (config: ConfigMap) =>
                only(await runWith(config), "aws:s3/bucketObjectv2:BucketObjectv2").inputs.key;
            const first = await keyOf(DEV.config);
            assert.equal(await keyOf(DEV.config), first);
            assert.notEqual(
                await keyOf(
                    withConfig(DEV.config, "imageMappings", [
                        { sourceImage: "ubuntu", destinationImage: "docker-hub/library/ubuntu:22.04" },
                    ]),
                ),
                first,
            );
        },
    );

    it("scans with Inspector continuously when asked, keeping the scanning rules the account already has", async () => {
        const run = await runWith(
            withConfig(DEV.config, "cachedRepositories", {
                scanning: {
                    scanType: "ENHANCED",
                    scanFrequency: "CONTINUOUS_SCAN",
                    keepRules: [
                        { scanFrequency: "SCAN_ON_PUSH", filters: ["team-a/*"] },
                        { scanFrequency: "CONTINUOUS_SCAN", filters: ["prod/*", "quay/*"] },
                    ],
                },
            }),
        );
        const scanning = only(run, "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration");
        const rules = (
            scanning.inputs.rules as { scanFrequency: string; repositoryFilters: { filter: string }[] }[]
        ).map(r => [r.scanFrequency, r.repositoryFilters.map(f => f.filter)]);
        assert.equal(scanning.inputs.scanType, "ENHANCED");
        assert.deepEqual(rules, [
            ["CONTINUOUS_SCAN", ["docker-hub/*", "quay/*", "ecr-public/*", "prod/*"]],
            ["SCAN_ON_PUSH", ["team-a/*"]],
        ]);
    });

    it(
        "declares no scanning configuration when scanning " + "is switched off, and no lifecycle policy when that is",
        async () => {
            const run = await runWith(
                withConfig(DEV.config, "cachedRepositories", {
                    scanning: { enabled: false },
                    lifecycle: { enabled: false },
                }),
            );
            assert.equal(
                customResources(run, "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration").length,
                0,
            );
            for (const template of customResources(run, TEMPLATE)) {
                assert.equal(template.inputs.lifecyclePolicy, undefined);
            }
        },
    );

    it("expires cached images after the configured days", async () => {
        const run = await runWith(
            withConfig(DEV.config, "cachedRepositories", {
                lifecycle: { expireUntaggedAfterDays: 2, expireNotPulledForDays: 30 },
            }),
        );
        const lifecycle = json(only(run, TEMPLATE, "quay").inputs.lifecyclePolicy) as {
            rules: { selection: { countNumber: number } }[];
        };
        assert.deepEqual(
            lifecycle.rules.map(r => r.selection.countNumber),
            [2, 30],
        );
    });

    it(
        "declares an opt-in CloudTrail trail writing to a private, TLS-only bucket only CloudTrail may write " +
            "to (evaluated)",
        async () => {
            const run = await runWith(withConfig(DEV.config, "auditTrail", { enabled: true }));
            const trail = only(run, "aws:cloudtrail/trail:Trail");
            const bucket = only(run, "aws:s3/bucket:Bucket", "audit-logs");
            assert.equal(trail.inputs.s3BucketName, bucket.id);
            assert.equal(trail.inputs.enableLogFileValidation, true);
            const policy = json(only(run, "aws:s3/bucketPolicy:BucketPolicy", "audit-logs-policy").inputs.policy);
            const trailArn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${String(trail.inputs.name)}`;
            const write = (principal: string, sourceArn: string, secure = "true") =>
                resourcePolicyDecision(policy, {
                    principal,
                    action: "s3:PutObject",
                    resource: `${bucket.state.arn as string}/AWSLogs/${ACCOUNT}/CloudTrail/x.json.gz`,
                    account: ACCOUNT,
                    context: {
                        "aws:SourceArn": sourceArn,
                        "s3:x-amz-acl": "bucket-owner-full-control",
                        "aws:SecureTransport": secure,
                    },
                });
            assert.equal(await write("cloudtrail.amazonaws.com", trailArn), "Allowed");
            assert.equal(
                await write("cloudtrail.amazonaws.com", trailArn.replace(ACCOUNT, "999999999999")),
                "ImplicitlyDenied",
            );
            assert.equal(await write("cloudtrail.amazonaws.com", trailArn, "false"), "ExplicitlyDenied");
            assert.equal(
                only(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "audit-logs").inputs
                    .restrictPublicBuckets,
                true,
            );
        },
    );

    describe("existing pull-through credential secrets", () => {
        const secretArn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ecr-pullthroughcache/ghcr-Ab12Cd`;
        const config = withConfig(withConfig(DEV.config, "imageMappings", []), "registries", [
            { upstreamRegistryUrl: "ghcr.io", ecrRepositoryPrefix: "ghcr", credentials: { secretArn } },
        ]);
        afterEach(() => SECRET_KMS_KEYS.delete(secretArn));

        it("are accepted when encrypted with the default aws/secretsmanager key", async () => {
            await runWith(config);
        });

        it(
            "are still declared when the key cannot be looked up (DescribeSecret denied): ECR reports an " +
                "unreadable secret itself",
            async () => {
                SECRET_KMS_KEYS.set(secretArn, "<lookup fails>");
                const run = await runWith(config);
                assert.equal(
                    only(run, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule").inputs.credentialArn,
                    secretArn,
                );
            },
        );

        it(
            "are refused, naming the key, when encrypted with a customer-managed key ECR cannot use, and " +
                "nothing is declared",
            async () => {
                SECRET_KMS_KEYS.set(secretArn, KMS_KEY);
                const run = await runProgram(config, DEV.secretKeys);
                assert.match(
                    run.error?.message ?? "",
                    new RegExp(
                        `registries\\[0\\]\\.credentials\\.secretArn: is encrypted with KMS key ${KMS_KEY}; ` +
                            "ECR pull-through cache can only read secrets encrypted with the default " +
                            "aws/secretsmanager key",
                    ),
                );
                assert.deepEqual(run.resources, []);
            },
        );
    });
});
