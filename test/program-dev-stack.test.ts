// The program under Pulumi's mock runtime (real program, real SDK; AWS replaced by mocks) with the Pulumi.dev.yaml
// stack: what it declares, exactly, and what its IAM documents allow (evaluated by a real IAM policy evaluator).
import * as assert from "assert/strict";
import { createHash } from "crypto";
import { customResources, MockedResource, outputsOf, ProgramRun, runProgram, valueOf } from "./harness/mock-program";
import { json, only } from "./helpers/mocked-resources";
import { devStackConfig, DOCKER_HUB_SECRET } from "./harness/stack-config";
import { identityPolicyDecision, resourcePolicyDecision } from "./helpers/iam-evaluator";
import seedGuideMap from "./fixtures/seed-guide-combined-map.json";

const ACCOUNT = "123456789012";
const REGISTRY = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository`;
const TAGS = { project: "omics-registry-maps", environment: "dev" };
const SECRET_MARKER = "4dabf18193072939515e22adb298388d";

function roleNamed(run: ProgramRun, name: string): MockedResource {
    return only(run, "aws:iam/role:Role", name);
}

describe("program with the Pulumi.dev.yaml stack (mock runtime)", () => {
    let run: ProgramRun;

    before(async () => {
        const { config, secretKeys } = devStackConfig();
        run = await runProgram(config, secretKeys);
        assert.equal(run.error, undefined, run.error?.message);
    });

    it("declares each resource type the expected number of times", () => {
        const counts: Record<string, number> = {};
        for (const r of customResources(run)) {
            counts[r.type] = (counts[r.type] ?? 0) + 1;
        }
        assert.deepEqual(counts, {
            "aws:secretsmanager/secret:Secret": 1,
            "aws:secretsmanager/secretVersion:SecretVersion": 1,
            "aws:ecr/pullThroughCacheRule:PullThroughCacheRule": 3,
            "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": 3,
            "aws:ecr/registryPolicy:RegistryPolicy": 1,
            "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": 1,
            "aws:iam/role:Role": 2,
            "aws:iam/rolePolicy:RolePolicy": 2,
            "aws:s3/bucket:Bucket": 1,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
            "aws:s3/bucketVersioning:BucketVersioning": 1,
            "aws:s3/bucketPolicy:BucketPolicy": 1,
            "aws:s3/bucketObjectv2:BucketObjectv2": 1,
        });
    });

    it("groups the resources in one component per concern, one unit per pull-through prefix", () => {
        const components = run.resources
            .filter(r => !r.custom)
            .map(r => `${r.type}::${r.name}`)
            .sort();
        assert.deepEqual(components, [
            "omics-registry-maps:index:OmicsRegistryMaps::omics-registry-maps",
            "omics-registry-maps:index:OmicsServiceRole::omics-service-role",
            "omics-registry-maps:index:PrivateBucket::registry-map",
            "omics-registry-maps:index:PullThroughPrefix::docker-hub",
            "omics-registry-maps:index:PullThroughPrefix::ecr-public",
            "omics-registry-maps:index:PullThroughPrefix::quay",
            "omics-registry-maps:index:RegistryCredentials::credentials",
            "omics-registry-maps:index:RegistryMapObjects::registry-maps",
            "omics-registry-maps:index:RegistrySettings::registry-settings",
            "omics-registry-maps:index:TemplateRole::ecr-template-role",
        ]);
    });

    it(
        "writes Docker Hub credentials to an ecr-pullthroughcache/ secret through the write-only field, as a " +
            "Pulumi secret",
        () => {
            const secret = only(run, "aws:secretsmanager/secret:Secret", "docker-hub");
            assert.deepEqual(secret.inputs, {
                name: "ecr-pullthroughcache/docker-hub",
                description:
                    "Credentials for registry-1.docker.io, used by the ECR pull-through cache rule 'docker-hub'",
                recoveryWindowInDays: 0,
                tags: TAGS,
            });
            const version = only(run, "aws:secretsmanager/secretVersion:SecretVersion", "docker-hub");
            assert.equal(version.inputs.secretId, secret.id);
            assert.equal(version.inputs.secretString, undefined, "secretString would keep the token in Pulumi state");
            const written = version.inputs.secretStringWo as Record<string, unknown>;
            assert.equal(
                written[SECRET_MARKER],
                "1b47061264138c4ac30d75fd1eb44270",
                "secretStringWo must reach the engine as a secret",
            );
            assert.deepEqual(JSON.parse(written.value as string), DOCKER_HUB_SECRET);
            const versionNumber = version.inputs.secretStringWoVersion as Record<string, unknown>;
            assert.equal(
                versionNumber[SECRET_MARKER],
                "1b47061264138c4ac30d75fd1eb44270",
                "the version is derived from the secret, so it is kept secret too",
            );
            assert.ok(Number.isSafeInteger(versionNumber.value) && (versionNumber.value as number) > 0);
        },
    );

    it("declares one pull-through cache rule per registry, Docker Hub's taking the ARN from the secret version", () => {
        const version = only(run, "aws:secretsmanager/secretVersion:SecretVersion", "docker-hub");
        assert.deepEqual(only(run, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule", "docker-hub").inputs, {
            ecrRepositoryPrefix: "docker-hub",
            upstreamRegistryUrl: "registry-1.docker.io",
            credentialArn: version.state.secretArn,
        });
        assert.deepEqual(only(run, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule", "quay").inputs, {
            ecrRepositoryPrefix: "quay",
            upstreamRegistryUrl: "quay.io",
        });
        assert.deepEqual(only(run, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule", "ecr-public").inputs, {
            ecrRepositoryPrefix: "ecr-public",
            upstreamRegistryUrl: "public.ecr.aws",
        });
    });

    it("replaces rules and templates delete-first, since their prefix is unique per registry", () => {
        for (const type of [
            "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
            "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
        ]) {
            for (const r of customResources(run, type)) {
                assert.equal(r.options.deleteBeforeReplace, true, `${type} ${r.name}`);
            }
        }
    });

    it("lets omics create and import repositories on exactly the three prefixes (evaluated)", async () => {
        const policy = json(only(run, "aws:ecr/registryPolicy:RegistryPolicy").inputs.policy);
        assert.deepEqual(policy, {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "OmicsPullThroughCache",
                    Effect: "Allow",
                    Principal: { Service: "omics.amazonaws.com" },
                    Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
                    Resource: [`${REGISTRY}/docker-hub/*`, `${REGISTRY}/quay/*`, `${REGISTRY}/ecr-public/*`],
                },
            ],
        });
        const ask = (action: string, repository: string, principal = "omics.amazonaws.com") =>
            resourcePolicyDecision(policy, {
                principal,
                action,
                resource: `${REGISTRY}/${repository}`,
                account: ACCOUNT,
            });
        assert.equal(await ask("ecr:CreateRepository", "docker-hub/library/ubuntu"), "Allowed");
        assert.equal(await ask("ecr:BatchImportUpstreamImage", "quay/biocontainers/bwa"), "Allowed");
        assert.equal(await ask("ecr:CreateRepository", "docker-hubx/library/ubuntu"), "ImplicitlyDenied");
        assert.equal(await ask("ecr:CreateRepository", "team/app"), "ImplicitlyDenied");
        assert.equal(
            await ask("ecr:CreateRepository", "docker-hub/library/ubuntu", "ecr.amazonaws.com"),
            "ImplicitlyDenied",
        );
    });

    it(
        "declares a PULL_THROUGH_CACHE creation template per prefix: omics may pull, tags stay mutable, " +
            "lifecycle, tags through the template role",
        () => {
            const templateRole = roleNamed(run, "ecr-template-role");
            for (const prefix of ["docker-hub", "quay", "ecr-public"]) {
                const template = only(run, "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", prefix);
                assert.deepEqual(
                    {
                        ...template.inputs,
                        repositoryPolicy: json(template.inputs.repositoryPolicy),
                        lifecyclePolicy: json(template.inputs.lifecyclePolicy),
                    },
                    {
                        prefix,
                        appliedFors: ["PULL_THROUGH_CACHE"],
                        description:
                            `Repositories the pull-through cache creates under ${prefix}/, readable by ` +
                            `HealthOmics`,
                        imageTagMutability: "MUTABLE",
                        encryptionConfigurations: [{ encryptionType: "AES256" }],
                        resourceTags: TAGS,
                        customRoleArn: templateRole.state.arn,
                        repositoryPolicy: {
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Sid: "OmicsPullImages",
                                    Effect: "Allow",
                                    Principal: { Service: "omics.amazonaws.com" },
                                    Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                                },
                            ],
                        },
                        lifecyclePolicy: {
                            rules: [
                                {
                                    rulePriority: 2,
                                    description:
                                        "Expire images not pulled for 90 days; the cache fetches them again on " +
                                        "the next pull",
                                    selection: {
                                        tagStatus: "any",
                                        countType: "sinceImagePulled",
                                        countUnit: "days",
                                        countNumber: 90,
                                    },
                                    action: { type: "expire" },
                                },
                            ],
                        },
                    },
                );
            }
        },
    );

    it("declares the HealthOmics role with the documented confused-deputy condition (evaluated)", async () => {
        const role = roleNamed(run, "omics-service-role");
        const trust = json(role.inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement, [
            {
                Sid: "OmicsOfThisAccount",
                Effect: "Allow",
                Principal: { Service: "omics.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": ACCOUNT },
                    StringLike: { "aws:SourceArn": `arn:aws:omics:us-east-1:${ACCOUNT}:*` },
                },
            },
        ]);
        const assume = (sourceArn: string, principal = "omics.amazonaws.com") =>
            resourcePolicyDecision(trust, {
                principal,
                action: "sts:AssumeRole",
                resource: role.state.arn as string,
                account: ACCOUNT,
                context: { "aws:SourceAccount": sourceArn.split(":")[4], "aws:SourceArn": sourceArn },
            });
        assert.equal(await assume(`arn:aws:omics:us-east-1:${ACCOUNT}:run/6470304`), "Allowed");
        assert.equal(
            await assume(`arn:aws:omics:us-east-1:${ACCOUNT}:workflow/1234567`),
            "Allowed",
            "documented: the wildcard covers all HealthOmics resources",
        );
        assert.equal(await assume("arn:aws:omics:us-east-1:999999999999:run/1"), "ImplicitlyDenied");
        assert.equal(await assume(`arn:aws:omics:eu-west-1:${ACCOUNT}:run/1`), "ImplicitlyDenied");
        assert.deepEqual(role.inputs.tags, TAGS);
    });

    it(
        "gives the HealthOmics role its buckets, workflow " + "logs and ECR pulls on the prefixes only (evaluated)",
        async () => {
            const role = roleNamed(run, "omics-service-role");
            const rolePolicy = customResources(run, "aws:iam/rolePolicy:RolePolicy").find(
                p => p.inputs.role === role.id,
            );
            assert.ok(rolePolicy);
            const policy = json(rolePolicy.inputs.policy);
            const ask = (action: string, resource: string) =>
                identityPolicyDecision([policy], {
                    principal: role.state.arn as string,
                    action,
                    resource,
                    account: ACCOUNT,
                });
            assert.equal(await ask("ecr:BatchGetImage", `${REGISTRY}/quay/biocontainers/bwa`), "Allowed");
            assert.equal(await ask("ecr:GetDownloadUrlForLayer", `${REGISTRY}/docker-hub/library/ubuntu`), "Allowed");
            assert.equal(await ask("ecr:BatchGetImage", `${REGISTRY}/private-team/tool`), "ImplicitlyDenied");
            assert.equal(await ask("ecr:PutImage", `${REGISTRY}/quay/biocontainers/bwa`), "ImplicitlyDenied");
            assert.equal(
                await ask("ecr:CreateRepository", `${REGISTRY}/quay/x`),
                "ImplicitlyDenied",
                "only registries HealthOmics copies from need it",
            );
            assert.equal(await ask("s3:GetObject", "arn:aws:s3:::omics-workflow-data-example/inputs/a.bam"), "Allowed");
            assert.equal(
                await ask("s3:PutObject", "arn:aws:s3:::omics-workflow-data-example/outputs/a.vcf"),
                "Allowed",
            );
            assert.equal(await ask("s3:ListBucket", "arn:aws:s3:::omics-workflow-data-example"), "Allowed");
            assert.equal(await ask("s3:GetObject", "arn:aws:s3:::someone-elses-bucket/a"), "ImplicitlyDenied");
            assert.equal(
                await ask("s3:DeleteObject", "arn:aws:s3:::omics-workflow-data-example/a"),
                "ImplicitlyDenied",
            );
            assert.equal(
                await ask(
                    "logs:PutLogEvents",
                    `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/omics/WorkflowLog:log-stream:run/1/task/2`,
                ),
                "Allowed",
            );
            assert.equal(
                await ask("logs:PutLogEvents", `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/other:log-stream:x`),
                "ImplicitlyDenied",
            );
        },
    );

    it(
        "gives the template role exactly CreateRepository and TagResource on the prefixes, trusted by ECR as " +
            "ECR documents it (evaluated)",
        async () => {
            const role = roleNamed(run, "ecr-template-role");
            const trust = json(role.inputs.assumeRolePolicy);
            // ECR's documented trust policy has no condition (repository-creation-templates-create-iam.html): ECR may
            // assume it whatever context keys it sends, and no other principal may.
            const assume = (principal: string) =>
                resourcePolicyDecision(trust, {
                    principal,
                    action: "sts:AssumeRole",
                    resource: role.state.arn as string,
                    account: ACCOUNT,
                });
            assert.equal(await assume("ecr.amazonaws.com"), "Allowed");
            assert.equal(await assume("omics.amazonaws.com"), "ImplicitlyDenied");
            assert.equal(await assume("arn:aws:iam::999999999999:root"), "ImplicitlyDenied");
            const policy = json(
                customResources(run, "aws:iam/rolePolicy:RolePolicy").find(p => p.inputs.role === role.id)?.inputs
                    .policy,
            );
            const ask = (action: string, repository: string) =>
                identityPolicyDecision([policy], {
                    principal: role.state.arn as string,
                    action,
                    resource: `${REGISTRY}/${repository}`,
                    account: ACCOUNT,
                });
            assert.equal(await ask("ecr:CreateRepository", "docker-hub/library/ubuntu"), "Allowed");
            assert.equal(await ask("ecr:TagResource", "quay/biocontainers/bwa"), "Allowed");
            assert.equal(await ask("ecr:CreateRepository", "team/app"), "ImplicitlyDenied");
            assert.equal(await ask("ecr:DeleteRepository", "quay/biocontainers/bwa"), "ImplicitlyDenied");
        },
    );

    it("scans every prefix on push, and leaves the registry-wide settings in place on destroy", () => {
        const scanning = only(run, "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration");
        assert.deepEqual(scanning.inputs, {
            scanType: "BASIC",
            rules: [
                {
                    scanFrequency: "SCAN_ON_PUSH",
                    repositoryFilters: ["docker-hub/*", "quay/*", "ecr-public/*"].map(filter => ({
                        filter,
                        filterType: "WILDCARD",
                    })),
                },
            ],
        });
        assert.equal(scanning.options.retainOnDelete, true);
        assert.equal(only(run, "aws:ecr/registryPolicy:RegistryPolicy").options.retainOnDelete, true);
    });

    it("keeps the map bucket private, encrypted, versioned and TLS-only", () => {
        const bucket = only(run, "aws:s3/bucket:Bucket");
        const bucketArn = bucket.state.arn;
        assert.ok(typeof bucketArn === "string", "the mocked bucket has an ARN");
        assert.deepEqual(bucket.inputs, { forceDestroy: true, tags: TAGS });
        assert.deepEqual(only(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs, {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        assert.deepEqual(
            only(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs,
            {
                bucket: bucket.id,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
            },
        );
        assert.deepEqual(only(run, "aws:s3/bucketVersioning:BucketVersioning").inputs, {
            bucket: bucket.id,
            versioningConfiguration: { status: "Enabled" },
        });
        const policy = only(run, "aws:s3/bucketPolicy:BucketPolicy");
        assert.equal(policy.inputs.bucket, bucket.id);
        assert.deepEqual(json(policy.inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: { AWS: "*" },
                    Action: "s3:*",
                    Resource: [bucketArn, `${bucketArn}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
    });

    it("stores the seed guide's combined map exactly: no undocumented docker.io mapping by default", () => {
        const object = only(run, "aws:s3/bucketObjectv2:BucketObjectv2");
        assert.equal(object.inputs.bucket, only(run, "aws:s3/bucket:Bucket").id);
        assert.equal(object.inputs.contentType, "application/json");
        assert.deepEqual(json(object.inputs.content), {
            registryMappings: seedGuideMap.registryMappings,
            imageMappings: seedGuideMap.imageMappings,
        });
    });

    it(
        "stores the map under a key derived from its content, and keeps the object when a new revision " +
            "replaces it",
        () => {
            const object = only(run, "aws:s3/bucketObjectv2:BucketObjectv2");
            assert.match(object.inputs.key as string, /^container-registry-maps\/default\/[0-9a-f]{64}\.json$/);
            // The key carries the whole SHA-256 of the stored bytes, as the README says (computed here independently).
            const digest = createHash("sha256")
                .update(object.inputs.content as string)
                .digest("hex");
            assert.equal(object.inputs.key, `container-registry-maps/default/${digest}.json`);
            // Retained on delete: an upgrade from the 16-digit keys of 0.1 replaces the object and the old one stays.
            assert.equal(object.options.retainOnDelete, true);
        },
    );

    it("exports the role ARN, the maps, their s3:// URIs, the prefixes and the aws command lines", async () => {
        const outputs = outputsOf(run);
        const key = only(run, "aws:s3/bucketObjectv2:BucketObjectv2").inputs.key as string;
        const uri = `s3://registry-map-4d5e6f/${key}`;
        const roleArn = `arn:aws:iam::${ACCOUNT}:role/omics-service-role-1a2b3c`;
        assert.equal(await valueOf(outputs.omicsServiceRoleArn), roleArn);
        assert.equal(await valueOf(outputs.containerRegistryMapUri), uri);
        assert.deepEqual(Object.keys(outputs.containerRegistryMapUris), ["default"]);
        assert.equal(await valueOf(outputs.containerRegistryMapUris.default), uri);
        assert.deepEqual(
            await valueOf(outputs.containerRegistryMap),
            json(only(run, "aws:s3/bucketObjectv2:BucketObjectv2").inputs.content),
        );
        assert.deepEqual(outputs.ecrRepositoryPrefixes, ["docker-hub", "quay", "ecr-public"]);
        assert.equal(
            await valueOf(outputs.createWorkflowCommand),
            `aws omics create-workflow --region us-east-1 --name <workflow-name> --engine <WDL|WDL_LENIENT|NEXTFLOW|CWL> --definition-zip fileb://<workflow.zip> --container-registry-map-uri ${uri}`,
        );
        assert.equal(
            await valueOf(outputs.createWorkflowVersionCommand),
            `aws omics create-workflow-version --region us-east-1 --workflow-id <workflow-id> --version-name <version> --engine <WDL|WDL_LENIENT|NEXTFLOW|CWL> --definition-zip fileb://<workflow.zip> --container-registry-map-uri ${uri}`,
        );
        assert.equal(
            await valueOf(outputs.startRunCommand),
            `aws omics start-run --region us-east-1 --workflow-id <workflow-id> --role-arn ${roleArn} --output-uri s3://omics-workflow-data-example/<output-prefix>/`,
        );
        assert.deepEqual(outputs.validatePullThroughCacheRuleCommands, [
            "aws ecr validate-pull-through-cache-rule --region us-east-1 --ecr-repository-prefix docker-hub",
        ]);
    });

    it("never lets the credential into an output or a non-secret input", async () => {
        const outputs = outputsOf(run);
        const resolved = {
            ...outputs,
            omicsServiceRoleArn: await valueOf(outputs.omicsServiceRoleArn),
            containerRegistryMapUri: await valueOf(outputs.containerRegistryMapUri),
            containerRegistryMap: await valueOf(outputs.containerRegistryMap),
            createWorkflowCommand: await valueOf(outputs.createWorkflowCommand),
            startRunCommand: await valueOf(outputs.startRunCommand),
        };
        const plainInputs = run.resources
            .filter(r => r.type !== "aws:secretsmanager/secretVersion:SecretVersion")
            .map(r => r.inputs);
        for (const text of [JSON.stringify(resolved), JSON.stringify(plainInputs)]) {
            assert.ok(!text.includes(DOCKER_HUB_SECRET.accessToken));
            assert.ok(!text.includes(DOCKER_HUB_SECRET.username));
        }
    });
});
