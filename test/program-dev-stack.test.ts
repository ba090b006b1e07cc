// The program under Pulumi's mock runtime with the Pulumi.dev.yaml stack: what it declares, exactly.
import * as assert from "assert/strict";
import { customResources, MockedResource, ProgramRun, runProgram, valueOf } from "./harness/mock-program";
import { devStackConfig, DOCKER_HUB_SECRET } from "./harness/stack-config";
import seedGuideMap = require("./fixtures/seed-guide-combined-map.json");

const REGISTRY = "arn:aws:ecr:us-east-1:123456789012:repository";
const TAGS = { project: "omics-registry-maps", environment: "dev" };

function only(run: ProgramRun, type: string, name?: string): MockedResource {
    const found = customResources(run, type).filter(r => name === undefined || r.name === name);
    assert.equal(found.length, 1, `expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
    return found[0];
}

function json(value: unknown): unknown {
    assert.equal(typeof value, "string");
    return JSON.parse(value as string);
}

describe("program with the Pulumi.dev.yaml stack", () => {
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
            "aws:iam/role:Role": 1,
            "aws:iam/rolePolicy:RolePolicy": 1,
            "aws:s3/bucket:Bucket": 1,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
            "aws:s3/bucketVersioning:BucketVersioning": 1,
            "aws:s3/bucketPolicy:BucketPolicy": 1,
            "aws:s3/bucketObjectv2:BucketObjectv2": 1,
        });
    });

    it("groups the resources in one component per concern", () => {
        const components = run.resources.filter(r => !r.custom).map(r => r.type).sort();
        assert.deepEqual(components, [
            "omics-registry-maps:index:CredentialSecrets",
            "omics-registry-maps:index:OmicsEcrAccess",
            "omics-registry-maps:index:OmicsRegistryMaps",
            "omics-registry-maps:index:OmicsServiceRole",
            "omics-registry-maps:index:PullThroughCacheRules",
            "omics-registry-maps:index:RegistryMapObject",
        ]);
    });

    it("stores Docker Hub credentials in an ecr-pullthroughcache/ secret, as a Pulumi secret", () => {
        const secret = only(run, "aws:secretsmanager/secret:Secret", "docker-hub");
        assert.deepEqual(secret.inputs, {
            name: "ecr-pullthroughcache/docker-hub",
            description: "Credentials for registry-1.docker.io, used by the ECR pull-through cache rule 'docker-hub'",
            recoveryWindowInDays: 0,
            tags: TAGS,
        });
        const version = only(run, "aws:secretsmanager/secretVersion:SecretVersion", "docker-hub");
        assert.equal(version.inputs.secretId, secret.id);
        const secretString = version.inputs.secretString as Record<string, unknown>;
        assert.equal(secretString["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", "secretString must reach the engine as a secret");
        assert.deepEqual(JSON.parse(secretString.value as string), DOCKER_HUB_SECRET);
    });

    it("declares one pull-through cache rule per registry, Docker Hub's with the secret's ARN", () => {
        const secret = only(run, "aws:secretsmanager/secret:Secret", "docker-hub");
        assert.deepEqual(only(run, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule", "docker-hub").inputs, {
            ecrRepositoryPrefix: "docker-hub",
            upstreamRegistryUrl: "registry-1.docker.io",
            credentialArn: secret.state.arn,
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

    it("lets omics create and import repositories on exactly the three prefixes", () => {
        assert.deepEqual(json(only(run, "aws:ecr/registryPolicy:RegistryPolicy").inputs.policy), {
            Version: "2012-10-17",
            Statement: [{
                Sid: "OmicsPullThroughCache",
                Effect: "Allow",
                Principal: { Service: "omics.amazonaws.com" },
                Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
                Resource: [`${REGISTRY}/docker-hub/*`, `${REGISTRY}/quay/*`, `${REGISTRY}/ecr-public/*`],
            }],
        });
    });

    it("declares a PULL_THROUGH_CACHE creation template per prefix that lets omics pull", () => {
        for (const prefix of ["docker-hub", "quay", "ecr-public"]) {
            const template = only(run, "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", prefix);
            assert.deepEqual({ ...template.inputs, repositoryPolicy: json(template.inputs.repositoryPolicy) }, {
                prefix,
                appliedFors: ["PULL_THROUGH_CACHE"],
                description: `Repositories the pull-through cache creates under ${prefix}/, readable by HealthOmics`,
                resourceTags: TAGS,
                repositoryPolicy: {
                    Version: "2012-10-17",
                    Statement: [{
                        Sid: "OmicsPullImages",
                        Effect: "Allow",
                        Principal: { Service: "omics.amazonaws.com" },
                        Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                    }],
                },
            });
        }
    });

    it("declares the HealthOmics role trusted only by this account's runs", () => {
        const role = only(run, "aws:iam/role:Role");
        assert.deepEqual(json(role.inputs.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [{
                Sid: "OmicsRunsOfThisAccount",
                Effect: "Allow",
                Principal: { Service: "omics.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": "123456789012" },
                    ArnLike: { "aws:SourceArn": "arn:aws:omics:us-east-1:123456789012:run/*" },
                },
            }],
        });
        assert.deepEqual(role.inputs.tags, TAGS);
    });

    it("gives the role its buckets, workflow logs and ECR on the prefixes only", () => {
        const rolePolicy = only(run, "aws:iam/rolePolicy:RolePolicy");
        assert.equal(rolePolicy.inputs.role, only(run, "aws:iam/role:Role").id);
        const logGroup = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/omics/WorkflowLog";
        assert.deepEqual(json(rolePolicy.inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "WorkflowBucketObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::omics-workflow-data-example/*"] },
                { Sid: "WorkflowBucketListing", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::omics-workflow-data-example"] },
                { Sid: "WorkflowLogGroup", Effect: "Allow", Action: ["logs:CreateLogGroup"], Resource: [`${logGroup}:*`] },
                { Sid: "WorkflowLogStreams", Effect: "Allow", Action: ["logs:DescribeLogStreams", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroup}:log-stream:*`] },
                {
                    Sid: "PullThroughCacheImages",
                    Effect: "Allow",
                    Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                    Resource: [`${REGISTRY}/docker-hub/*`, `${REGISTRY}/quay/*`, `${REGISTRY}/ecr-public/*`],
                },
            ],
        });
    });

    it("keeps the map bucket private, encrypted, versioned and TLS-only", () => {
        const bucket = only(run, "aws:s3/bucket:Bucket");
        assert.deepEqual(bucket.inputs, { forceDestroy: true, tags: TAGS });
        assert.deepEqual(only(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs, {
            bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        });
        assert.deepEqual(only(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs, {
            bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        });
        assert.deepEqual(only(run, "aws:s3/bucketVersioning:BucketVersioning").inputs, {
            bucket: bucket.id, versioningConfiguration: { status: "Enabled" },
        });
        const policy = only(run, "aws:s3/bucketPolicy:BucketPolicy");
        assert.equal(policy.inputs.bucket, bucket.id);
        assert.deepEqual(json(policy.inputs.policy), {
            Version: "2012-10-17",
            Statement: [{
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: { AWS: "*" },
                Action: "s3:*",
                Resource: [bucket.state.arn, `${bucket.state.arn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            }],
        });
    });

    it("stores a container registry map equal to the seed guide's combined map", () => {
        const object = only(run, "aws:s3/bucketObjectv2:BucketObjectv2");
        assert.equal(object.inputs.bucket, only(run, "aws:s3/bucket:Bucket").id);
        assert.equal(object.inputs.key, "container-registry-map.json");
        assert.equal(object.inputs.contentType, "application/json");
        assert.deepEqual(json(object.inputs.content), seedGuideMap);
    });

    it("exports the role ARN, the map, its s3:// URI, the prefixes and the create-workflow command", async () => {
        const outputs = run.outputs!;
        const uri = "s3://registry-map-4d5e6f/container-registry-map.json";
        assert.equal(await valueOf(outputs.omicsServiceRoleArn), "arn:aws:iam::123456789012:role/omics-service-role-1a2b3c");
        assert.equal(await valueOf(outputs.containerRegistryMapUri), uri);
        assert.deepEqual(outputs.containerRegistryMap, seedGuideMap);
        assert.deepEqual(outputs.ecrRepositoryPrefixes, ["docker-hub", "quay", "ecr-public"]);
        assert.equal(await valueOf(outputs.createWorkflowCommand),
            `aws omics create-workflow --region us-east-1 --name <workflow-name> --engine <WDL|NEXTFLOW|CWL> --definition-zip fileb://<workflow.zip> --container-registry-map-uri ${uri}`);
        assert.equal(await valueOf(outputs.startRunCommand),
            "aws omics start-run --region us-east-1 --workflow-id <workflow-id> --role-arn arn:aws:iam::123456789012:role/omics-service-role-1a2b3c --output-uri s3://omics-workflow-data-example/<output-prefix>/");
    });

    it("never lets the credential into an output or a non-secret input", async () => {
        const outputs = run.outputs!;
        const resolved = {
            ...outputs,
            omicsServiceRoleArn: await valueOf(outputs.omicsServiceRoleArn),
            containerRegistryMapUri: await valueOf(outputs.containerRegistryMapUri),
            createWorkflowCommand: await valueOf(outputs.createWorkflowCommand),
            startRunCommand: await valueOf(outputs.startRunCommand),
        };
        const plainInputs = run.resources.filter(r => r.type !== "aws:secretsmanager/secretVersion:SecretVersion").map(r => r.inputs);
        for (const text of [JSON.stringify(resolved), JSON.stringify(plainInputs)]) {
            assert.ok(!text.includes(DOCKER_HUB_SECRET.accessToken));
            assert.ok(!text.includes(DOCKER_HUB_SECRET.username));
        }
    });
});
