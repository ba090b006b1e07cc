// `verify --stack` through the real CLI entry, real stack files and validation. The AWS SDK clients are real up to
// their boundary: aws-sdk-client-mock replaces `send`, answering with responses shaped like the API references'
// examples (ECR DescribePullThroughCacheRules, ValidatePullThroughCacheRule, GetRegistryPolicy,
// DescribeRepositoryCreationTemplates; IAM GetRole/ListRolePolicies/GetRolePolicy with URL-encoded documents;
// Secrets Manager DescribeSecret; S3 GetObject). The deployed state starts as `pulumi up` leaves it (the program's own
// documents) and each test changes one thing.
import * as assert from "assert/strict";
import { Readable } from "stream";
import {
    DescribePullThroughCacheRulesCommand,
    DescribeRepositoryCreationTemplatesCommand,
    ECRClient,
    GetRegistryPolicyCommand,
    ValidatePullThroughCacheRuleCommand,
} from "@aws-sdk/client-ecr";
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand } from "@aws-sdk/client-iam";
import { GetObjectCommand, GetObjectCommandOutput, S3Client } from "@aws-sdk/client-s3";
import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "fs";
import * as path from "path";
import { credentialProbe } from "../../cli/commands/aws-command";
import { evaluateStackOffline } from "../../config/stack-files";
import { renderStack } from "../../components/stack-documents";
import { runCli, suiteProjects } from "../cli/run-cli";

const ACCOUNT = "111122223333";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/omics-service-role-3f2a9c1`;
const DOCKER_SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ecr-pullthroughcache/docker-hub-Ab12Cd`;
const STACK = `config:
  aws:region: us-east-1
  omics-registry-maps:registries:
    - upstreamRegistryUrl: registry-1.docker.io
      ecrRepositoryPrefix: docker-hub
      credentials:
        secretConfigKey: dockerHubCredentials
    - upstreamRegistryUrl: quay.io
      ecrRepositoryPrefix: quay
  omics-registry-maps:workflowBuckets:
    - omics-workflow-data-example
`;

function body(text: string): GetObjectCommandOutput["Body"] {
    // The SDK's Node stream with its transform mixin (what GetObject returns in Node).
    const stream = Readable.from([Buffer.from(text)]);
    return Object.assign(stream, {
        transformToString: () => Promise.resolve(text),
        transformToByteArray: () => Promise.resolve(new Uint8Array(Buffer.from(text))),
        transformToWebStream: () => {
            throw new Error("not used");
        },
    });
}

describe("verify --stack (real CLI; AWS SDK clients mocked at send with aws-sdk-client-mock)", () => {
    const project = suiteProjects();
    const ecr = mockClient(ECRClient);
    const iam = mockClient(IAMClient);
    const s3 = mockClient(S3Client);
    const secrets = mockClient(SecretsManagerClient);
    let dir = "";
    let outputsFile = "";
    let deployed: ReturnType<typeof renderStack>;
    const saved = credentialProbe.current;

    before(() => {
        dir = project({ "Pulumi.prod.yaml": STACK });
        outputsFile = path.join(dir, "outputs.json");
        const evaluated = evaluateStackOffline(dir, "prod", { account: ACCOUNT, assumeUnsetSecrets: true });
        assert.ok(evaluated.ok);
        deployed = renderStack(evaluated.config);
        fs.writeFileSync(
            outputsFile,
            JSON.stringify({
                omicsServiceRoleArn: ROLE_ARN,
                containerRegistryMapUris: {
                    default: `s3://omics-registry-maps-maps-7d1e2f/${deployed.maps[0].objectKey}`,
                },
                ecrRepositoryPrefixes: ["docker-hub", "quay"],
            }),
        );
        credentialProbe.current = () => ({
            env: {
                AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
                AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            },
            readFile: () => undefined,
            homedir: dir,
        });
    });

    after(() => {
        credentialProbe.current = saved;
        [ecr, iam, s3, secrets].forEach(m => m.restore());
    });

    /** The account as `pulumi up` of this stack leaves it. */
    function deployedAccount(): void {
        [ecr, iam, s3, secrets].forEach(m => m.reset());
        const created = new Date("2026-11-02T10:00:00Z");
        ecr.on(DescribePullThroughCacheRulesCommand, { ecrRepositoryPrefixes: ["docker-hub"] }).resolves({
            pullThroughCacheRules: [
                {
                    ecrRepositoryPrefix: "docker-hub",
                    upstreamRegistryUrl: "registry-1.docker.io",
                    createdAt: created,
                    registryId: ACCOUNT,
                    credentialArn: DOCKER_SECRET_ARN,
                    upstreamRegistry: "docker-hub",
                    updatedAt: created,
                },
            ],
        });
        ecr.on(DescribePullThroughCacheRulesCommand, { ecrRepositoryPrefixes: ["quay"] }).resolves({
            pullThroughCacheRules: [
                {
                    ecrRepositoryPrefix: "quay",
                    upstreamRegistryUrl: "quay.io",
                    createdAt: created,
                    registryId: ACCOUNT,
                    upstreamRegistry: "quay",
                },
            ],
        });
        ecr.on(ValidatePullThroughCacheRuleCommand).resolves({
            ecrRepositoryPrefix: "docker-hub",
            registryId: ACCOUNT,
            upstreamRegistryUrl: "registry-1.docker.io",
            credentialArn: DOCKER_SECRET_ARN,
            isValid: true,
            failure: "",
        });
        ecr.on(GetRegistryPolicyCommand).resolves({
            registryId: ACCOUNT,
            policyText: JSON.stringify(deployed.documents.registryPolicy),
        });
        ecr.on(DescribeRepositoryCreationTemplatesCommand).resolves({
            registryId: ACCOUNT,
            repositoryCreationTemplates: ["docker-hub", "quay"].map(prefix => ({
                prefix,
                appliedFor: ["PULL_THROUGH_CACHE" as const],
                imageTagMutability: "MUTABLE" as const,
                encryptionConfiguration: { encryptionType: "AES256" as const },
                repositoryPolicy: JSON.stringify(deployed.documents.templateRepositoryPolicy, null, 4),
                createdAt: created,
                updatedAt: created,
            })),
        });
        secrets
            .on(DescribeSecretCommand)
            .resolves({ ARN: DOCKER_SECRET_ARN, Name: "ecr-pullthroughcache/docker-hub", LastChangedDate: created });
        iam.on(GetRoleCommand).resolves({
            Role: {
                Path: "/",
                RoleName: "omics-service-role-3f2a9c1",
                RoleId: "AROA1234567890EXAMPLE",
                Arn: ROLE_ARN,
                CreateDate: created,
                AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(deployed.documents.omicsTrustPolicy)),
            },
        });
        iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ["omics-run-policy"], IsTruncated: false });
        iam.on(GetRolePolicyCommand).resolves({
            RoleName: "omics-service-role-3f2a9c1",
            PolicyName: "omics-run-policy",
            PolicyDocument: encodeURIComponent(JSON.stringify(deployed.documents.omicsRolePolicy)),
        });
        s3.on(GetObjectCommand).resolves({ Body: body(deployed.maps[0].content), ContentType: "application/json" });
    }

    const verify = (...extra: string[]) =>
        runCli(["verify", "--stack", "prod", "--outputs", outputsFile, ...extra], dir);

    it("a freshly deployed stack verifies: every check ok, exit 0; only read calls", async () => {
        deployedAccount();
        const run = await verify("--format", "json");
        assert.equal(run.code, 0, run.stderr + run.stdout);
        const report = JSON.parse(run.stdout) as {
            account: string;
            rows: { check: string; subject: string; status: string }[];
        };
        assert.equal(report.account, ACCOUNT);
        assert.deepEqual(
            report.rows.map(r => [r.check, r.subject, r.status]),
            [
                ["pull-through-rule", "docker-hub", "ok"],
                ["validate-rule", "docker-hub", "ok"],
                ["pull-through-rule", "quay", "ok"],
                ["credential-secret", "ecr-pullthroughcache/docker-hub", "ok"],
                ["registry-policy", report.rows[4].subject, "ok"],
                ["creation-template", "docker-hub", "ok"],
                ["creation-template", "quay", "ok"],
                ["service-role", "omics-service-role-3f2a9c1 trust", "ok"],
                ["service-role", "omics-service-role-3f2a9c1 policy", "ok"],
                ["map-object", `s3://omics-registry-maps-maps-7d1e2f/${deployed.maps[0].objectKey}`, "ok"],
            ],
        );
        const calls = [ecr, iam, s3, secrets].flatMap(m =>
            m.calls().map(c => (c.args[0] as { constructor: { name: string } }).constructor.name),
        );
        assert.ok(
            calls.every(name => /^(Describe|Get|List|Validate)/.test(name)),
            calls.join(", "),
        );
    });

    it(
        "each drift is one mismatch, exit 1: wrong upstream, invalid credential, missing statement, template " +
            "without omics, edited map",
        async () => {
            deployedAccount();
            ecr.on(DescribePullThroughCacheRulesCommand, { ecrRepositoryPrefixes: ["quay"] }).resolves({
                pullThroughCacheRules: [{ ecrRepositoryPrefix: "quay", upstreamRegistryUrl: "ghcr.io" }],
            });
            ecr.on(ValidatePullThroughCacheRuleCommand).resolves({
                ecrRepositoryPrefix: "docker-hub",
                isValid: false,
                failure: "Invalid username or password",
            });
            ecr.on(GetRegistryPolicyCommand).resolves({
                registryId: ACCOUNT,
                policyText: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
            });
            ecr.on(DescribeRepositoryCreationTemplatesCommand).resolves({
                repositoryCreationTemplates: [
                    {
                        prefix: "docker-hub",
                        appliedFor: ["PULL_THROUGH_CACHE"],
                        repositoryPolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
                    },
                ],
            });
            s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify({ registryMappings: [] })) });
            const run = await verify();
            assert.equal(run.code, 1);
            assert.match(
                run.stdout,
                /pull-through-rule\s+quay\s+mismatch\s+upstream is ghcr\.io, the stack says quay\.io/,
            );
            assert.match(
                run.stdout,
                /validate-rule\s+docker-hub\s+mismatch\s+ECR could not sign in upstream: Invalid username or password/,
            );
            assert.match(run.stdout, /registry-policy\s+\S+\s+mismatch\s+statement missing from the registry policy/);
            assert.match(
                run.stdout,
                new RegExp(
                    /creation-template\s+docker-hub\s+mismatch\s+the repository policy does not let /.source +
                        /omics\.amazonaws\.com pull/.source,
                ),
            );
            assert.match(
                run.stdout,
                /creation-template\s+quay\s+mismatch\s+no repository creation template for this prefix/,
            );
            assert.match(run.stdout, /map-object\s+s3:\/\/\S+\s+mismatch\s+the object's content differs/);
            assert.match(run.stdout, /service-role\s+\S+ trust\s+ok/);
        },
    );

    it(
        "missing resources and refused calls: rule not found, no such role, no such key, AccessDenied as an " +
            "error row",
        async () => {
            deployedAccount();
            const notFound = (name: string, message: string) => Object.assign(new Error(message), { name });
            ecr.on(DescribePullThroughCacheRulesCommand, { ecrRepositoryPrefixes: ["quay"] }).rejects(
                notFound(
                    "PullThroughCacheRuleNotFoundException",
                    "The pull through cache rule with prefix 'quay' does not exist",
                ),
            );
            iam.on(GetRoleCommand).rejects(
                notFound("NoSuchEntityException", "The role with name omics-service-role-3f2a9c1 cannot be found."),
            );
            s3.on(GetObjectCommand).rejects(notFound("NoSuchKey", "The specified key does not exist."));
            secrets
                .on(DescribeSecretCommand)
                .rejects(
                    notFound(
                        "AccessDeniedException",
                        "User is not authorized to perform: secretsmanager:DescribeSecret",
                    ),
                );
            const run = await verify();
            assert.equal(run.code, 1);
            assert.match(
                run.stdout,
                /pull-through-rule\s+quay\s+mismatch\s+no pull-through cache rule for this prefix/,
            );
            assert.match(run.stdout, /service-role\s+omics-service-role-3f2a9c1\s+mismatch\s+no such role/);
            assert.match(run.stdout, /map-object\s+\S+\s+mismatch\s+no such object/);
            assert.match(
                run.stdout,
                new RegExp(
                    /credential-secret\s+ecr-pullthroughcache\/docker-hub\s+error\s+/.source +
                        /AccessDeniedException: User is not authorized/.source,
                ),
            );
            assert.match(run.stdout, /\d+ checks: \d+ ok, 3 mismatches, 1 errors/);
        },
    );

    it("bad outputs are bad input (exit 2), before any AWS call", async () => {
        deployedAccount();
        const bad = path.join(dir, "bad-outputs.json");
        fs.writeFileSync(bad, JSON.stringify({ containerRegistryMapUris: {} }));
        const run = await runCli(["verify", "--stack", "prod", "--outputs", bad], dir);
        assert.equal(run.code, 2);
        assert.match(run.stderr, /no omicsServiceRoleArn/);
        assert.equal(ecr.calls().length + iam.calls().length + s3.calls().length + secrets.calls().length, 0);
    });
});
