// The program under Pulumi's mock runtime with the Pulumi.gatk.yaml stack: registries HealthOmics copies from
// (us.gcr.io, community.wave.seqera.io) beside the pull-through cache ones. IAM documents are evaluated.
import * as assert from "assert/strict";
import { customResources, outputsOf, ProgramRun, runProgram, valueOf } from "./harness/mock-program";
import { DOCKER_HUB_SECRET, GATK_SECRETS, gatkStackConfig } from "./harness/stack-config";
import { identityPolicyDecision } from "./helpers/iam-evaluator";
import { json, only } from "./helpers/mocked-resources";

const ACCOUNT = "123456789012";
const REGISTRY = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository`;

describe("program with the Pulumi.gatk.yaml stack (mock runtime)", () => {
    let run: ProgramRun;

    before(async () => {
        const { config, secretKeys } = gatkStackConfig();
        run = await runProgram(config, secretKeys);
        assert.equal(run.error, undefined, run.error?.message);
    });

    it("declares pull-through rules and templates only for the pull-through registries", () => {
        assert.deepEqual(
            customResources(run, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule")
                .map(r => r.name)
                .sort(),
            ["docker-hub", "ecr-public", "quay"],
        );
        assert.deepEqual(
            customResources(run, "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate")
                .map(r => r.name)
                .sort(),
            ["docker-hub", "ecr-public", "quay"],
        );
    });

    it(
        "names the copy registries' secrets omics-registry/<prefix> and writes them write-only, Seqera with " +
            "its token alone",
        () => {
            const names = customResources(run, "aws:secretsmanager/secret:Secret")
                .map(r => r.inputs.name)
                .sort();
            assert.deepEqual(names, [
                "ecr-pullthroughcache/docker-hub",
                "omics-registry/seqera-community",
                "omics-registry/us-gcr",
            ]);
            const seqera = only(run, "aws:secretsmanager/secretVersion:SecretVersion", "seqera-community");
            assert.deepEqual(JSON.parse((seqera.inputs.secretStringWo as { value: string }).value), {
                accessToken: GATK_SECRETS.seqeraCredentials.accessToken,
            });
            const google = only(run, "aws:secretsmanager/secretVersion:SecretVersion", "us-gcr");
            assert.deepEqual(
                JSON.parse((google.inputs.secretStringWo as { value: string }).value),
                GATK_SECRETS.googleRegistryCredentials,
            );
        },
    );

    it("maps the copy registries with the credentialArn of their secret version, host for host", () => {
        const content = json(only(run, "aws:s3/bucketObjectv2:BucketObjectv2").inputs.content);
        const seqera = only(run, "aws:secretsmanager/secretVersion:SecretVersion", "seqera-community");
        const google = only(run, "aws:secretsmanager/secretVersion:SecretVersion", "us-gcr");
        assert.deepEqual(content.registryMappings, [
            { upstreamRegistryUrl: "registry-1.docker.io", ecrRepositoryPrefix: "docker-hub" },
            { upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" },
            { upstreamRegistryUrl: "public.ecr.aws", ecrRepositoryPrefix: "ecr-public" },
            { upstreamRegistryUrl: "us.gcr.io", ecrRepositoryPrefix: "us-gcr", credentialArn: google.state.secretArn },
            {
                upstreamRegistryUrl: "community.wave.seqera.io",
                ecrRepositoryPrefix: "seqera-community",
                credentialArn: seqera.state.secretArn,
            },
        ]);
    });

    it(
        "keeps copy prefixes out of the registry policy (HealthOmics copies with the run role, not the " +
            "pull-through cache)",
        () => {
            const policy = json(only(run, "aws:ecr/registryPolicy:RegistryPolicy").inputs.policy);
            assert.deepEqual((policy.Statement as { Resource: string[] }[])[0].Resource, [
                `${REGISTRY}/docker-hub/*`,
                `${REGISTRY}/quay/*`,
                `${REGISTRY}/ecr-public/*`,
            ]);
        },
    );

    it(
        "lets the run role create and push copies under the copy prefixes only, and read only their secrets " +
            "(evaluated)",
        async () => {
            const role = only(run, "aws:iam/role:Role", "omics-service-role");
            const policy = json(
                customResources(run, "aws:iam/rolePolicy:RolePolicy").find(p => p.inputs.role === role.id)?.inputs
                    .policy,
            );
            const ask = (action: string, resource: string) =>
                identityPolicyDecision([policy], {
                    principal: role.state.arn as string,
                    action,
                    resource,
                    account: ACCOUNT,
                });
            for (const action of [
                "ecr:CreateRepository",
                "ecr:InitiateLayerUpload",
                "ecr:UploadLayerPart",
                "ecr:CompleteLayerUpload",
                "ecr:PutImage",
                "ecr:BatchGetImage",
            ]) {
                assert.equal(await ask(action, `${REGISTRY}/us-gcr/broad-gatk/gatk`), "Allowed", action);
                assert.equal(await ask(action, `${REGISTRY}/seqera-community/library/samtools`), "Allowed", action);
            }
            assert.equal(
                await ask("ecr:PutImage", `${REGISTRY}/docker-hub/library/ubuntu`),
                "ImplicitlyDenied",
                "pull-through repositories are filled by ECR, not pushed to",
            );
            assert.equal(await ask("ecr:CreateRepository", `${REGISTRY}/team/app`), "ImplicitlyDenied");
            assert.equal(await ask("ecr:GetAuthorizationToken", "*"), "Allowed");
            const secretArn = (name: string) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}-AbCdEf`;
            assert.equal(await ask("secretsmanager:GetSecretValue", secretArn("omics-registry/us-gcr")), "Allowed");
            assert.equal(
                await ask("secretsmanager:GetSecretValue", secretArn("omics-registry/seqera-community")),
                "Allowed",
            );
            assert.equal(
                await ask("secretsmanager:GetSecretValue", secretArn("ecr-pullthroughcache/docker-hub")),
                "ImplicitlyDenied",
            );
            assert.equal(
                await ask("secretsmanager:GetSecretValue", secretArn("omics-registry/us-gcr-other")),
                "ImplicitlyDenied",
            );
        },
    );

    it("scans the copy prefixes too", () => {
        const scanning = only(run, "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration");
        const filters = (
            scanning.inputs.rules as { repositoryFilters: { filter: string }[] }[]
        )[0].repositoryFilters.map(f => f.filter);
        assert.deepEqual(filters, ["docker-hub/*", "quay/*", "ecr-public/*", "us-gcr/*", "seqera-community/*"]);
    });

    it("never lets any credential into an output or a non-secret input", async () => {
        const outputs = outputsOf(run);
        const text = JSON.stringify({
            map: await valueOf(outputs.containerRegistryMap),
            uri: await valueOf(outputs.containerRegistryMapUri),
            inputs: run.resources
                .filter(r => r.type !== "aws:secretsmanager/secretVersion:SecretVersion")
                .map(r => r.inputs),
        });
        for (const secret of [
            DOCKER_HUB_SECRET.accessToken,
            GATK_SECRETS.seqeraCredentials.accessToken,
            "not-a-real-key",
        ]) {
            assert.ok(!text.includes(secret));
        }
    });
});
