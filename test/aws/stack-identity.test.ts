// verify and warm act as the identity the stack's AWS provider uses (aws:profile in aws:sharedCredentialsFiles, then
// each aws:assumeRoles role), as `pulumi up` does. Real layers: the CLI entry, stack files and validation, the SDK's
// fromIni reading a temporary shared credentials file, fromTemporaryCredentials; STS AssumeRole, ECR, IAM, S3 and
// Secrets Manager are replaced at the SDK client boundary by aws-sdk-client-mock (AssumeRole responses shaped like
// the STS API reference example; the other services answer nothing, the test looks only at who the clients are).
import * as assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import { BatchGetImageCommand, ECRClient } from "@aws-sdk/client-ecr";
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/nested-clients/sts";
import { mockClient } from "aws-sdk-client-mock";
import { credentialProbe } from "../../cli/commands/aws-command";
import { runCli, suiteProjects } from "../cli/run-cli";
import { assumedRole } from "../helpers/sts-responses";

const ACCOUNT = "123456789012";
const HUB = "arn:aws:iam::111122223333:role/hub";
const DEPLOY = `arn:aws:iam::${ACCOUNT}:role/deploy`;

function stackFile(dir: string, extra = ""): string {
    return `config:
  aws:region: eu-west-1
  aws:profile: ci
  aws:sharedCredentialsFiles:
    - ${path.join(dir, "credentials")}
  aws:assumeRoles:
    - roleArn: ${HUB}
      externalId: ext-1
      sessionName: ci-hub
    - roleArn: ${DEPLOY}
${extra}  omics-registry-maps:registries:
    - upstreamRegistryUrl: registry-1.docker.io
      ecrRepositoryPrefix: docker-hub
      credentials:
        secretConfigKey: dockerHubCredentials
    - upstreamRegistryUrl: quay.io
      ecrRepositoryPrefix: quay
  omics-registry-maps:workflowBuckets:
    - omics-workflow-data-example
`;
}

/** The chain the stack's settings make, from the first identity's key: deploy role from hub role from it. */
function stackChain(firstKey: string) {
    return {
        key: "ASIAROLE2",
        roles: [
            [DEPLOY, undefined, "ASIAROLE1"],
            [HUB, "ext-1", firstKey],
        ],
    };
}

/** What the test does with every service's mock. */
interface Stub {
    reset(): unknown;
    restore(): void;
    calls(): { thisValue: unknown }[];
}

/** The access key a client's credentials resolve to (the mocked send does not sign, so this asks for them). */
async function keyOf(client: unknown): Promise<string> {
    const config = (client as { config: { credentials: () => Promise<{ accessKeyId: string }> } }).config;
    return (await config.credentials()).accessKeyId;
}

function mocks(): { sts: ReturnType<typeof stsMock>; ecr: ReturnType<typeof ecrMock>; others: Stub[] } {
    return {
        sts: stsMock(),
        ecr: ecrMock(),
        others: [mockClient(IAMClient), mockClient(S3Client), mockClient(SecretsManagerClient)],
    };
}
const stsMock = () => mockClient(STSClient);
const ecrMock = () => mockClient(ECRClient);

describe(
    "verify and warm use the stack's aws: provider identity (real CLI, fromIni; STS and services via " +
        "aws-sdk-client-mock)",
    () => {
        const project = suiteProjects();
        const saved = credentialProbe.current;
        let dir = "";
        let mocked: ReturnType<typeof mocks> | undefined;
        const m = (): ReturnType<typeof mocks> => {
            if (mocked === undefined) {
                throw new Error("the mocks are installed in before()");
            }
            return mocked;
        };

        before(() => {
            dir = project({});
            fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), stackFile(dir));
            fs.writeFileSync(
                path.join(dir, "Pulumi.sealed.yaml"),
                stackFile(dir, "  aws:accessKey: AKIDSTATIC\n  aws:secretKey:\n    secure: v1:abc:def\n"),
            );
            fs.writeFileSync(
                path.join(dir, "credentials"),
                "[ci]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n" +
                    "[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other-secret\n",
            );
            fs.mkdirSync(path.join(dir, "wf"));
            fs.writeFileSync(
                path.join(dir, "wf", "main.wdl"),
                "version 1.0\ntask T {\n  command <<< true >>>\n  runtime { docker: " +
                    '"quay.io/biocontainers/samtools:1.19" }\n}\n',
            );
            fs.writeFileSync(
                path.join(dir, "outputs.json"),
                JSON.stringify({
                    omicsServiceRoleArn: `arn:aws:iam::${ACCOUNT}:role/omics-service-role-3f2a9c1`,
                    containerRegistryMapUris: { default: "s3://omics-registry-maps-maps-7d1e2f/maps/default.json" },
                }),
            );
            // No environment credentials and no ~/.aws: only the stack's own shared credentials file names profile ci.
            credentialProbe.current = () => ({
                env: { AWS_EC2_METADATA_DISABLED: "true" },
                readFile: file => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined),
                homedir: path.join(dir, "no-home"),
            });
            // Installed when the suite runs (not when files load), so other files' mocks of these clients do not
            // interfere.
            mocked = mocks();
        });

        after(() => {
            credentialProbe.current = saved;
            [m().sts, m().ecr, ...m().others].forEach(m => m.restore());
        });

        beforeEach(() => {
            [m().sts, m().ecr, ...m().others].forEach(m => m.reset());
            m().sts.on(AssumeRoleCommand, { RoleArn: HUB }).resolves(assumedRole(1));
            m().sts.on(AssumeRoleCommand, { RoleArn: DEPLOY }).resolves(assumedRole(2));
        });

        /** The chain behind a client: its key, and each AssumeRole with the key that signed it (last role first). */
        async function chainOf(
            client: unknown,
        ): Promise<{ key: string; roles: [string, string | undefined, string][] }> {
            const key = await keyOf(client);
            const roles: [string, string | undefined, string][] = [];
            // Resolving a signer's key makes the earlier link's AssumeRole call, so the list grows as it is read.
            let call = m().sts.commandCalls(AssumeRoleCommand).at(0);
            while (call !== undefined) {
                const input = call.args[0].input as { RoleArn: string; ExternalId?: string };
                roles.push([input.RoleArn, input.ExternalId, await keyOf(call.thisValue)]);
                call = m().sts.commandCalls(AssumeRoleCommand).at(roles.length);
            }
            return { key, roles };
        }

        it(
            "warm's ECR client, in the stack's region, assumes the stack's hub then deploy role from its " +
                "aws:profile",
            async () => {
                m()
                    .ecr.on(BatchGetImageCommand)
                    .resolves({
                        images: [
                            {
                                registryId: ACCOUNT,
                                repositoryName: "quay/biocontainers/samtools",
                                imageId: { imageDigest: `sha256:${"4d".repeat(32)}`, imageTag: "1.19" },
                                imageManifest: "{}",
                                imageManifestMediaType: "application/vnd.oci.image.index.v1+json",
                            },
                        ],
                        failures: [],
                    });
                const run = await runCli(["warm", "wf", "--stack", "prod", "--format", "json"], dir);
                assert.equal(run.code, 0, run.stderr);
                const calls = m().ecr.commandCalls(BatchGetImageCommand);
                assert.equal(calls.length, 1);
                const client = calls[0].thisValue as ECRClient;
                assert.equal(await client.config.region(), "eu-west-1");
                assert.deepEqual(await chainOf(client), stackChain("AKIDPROFILE"));
            },
        );

        it("verify's ECR, IAM, S3 and Secrets Manager clients all act as the stack's deploy role", async () => {
            const run = await runCli(
                ["verify", "--stack", "prod", "--outputs", "outputs.json", "--format", "json"],
                dir,
            );
            assert.equal(run.code, 1, "the services answer nothing, so verify reports errors");
            const clients = [m().ecr, ...m().others].map((mock): unknown => mock.calls().at(0)?.thisValue);
            assert.equal(clients.filter(c => c !== undefined).length, 4, "each of the four services was called");
            for (const client of clients) {
                assert.equal(await keyOf(client), "ASIAROLE2");
            }
            // One chain for the run: the deploy role is assumed once, from the hub role's session, from the profile.
            assert.deepEqual(await chainOf(clients[0]), stackChain("AKIDPROFILE"));
        });

        it(
            "--profile replaces the stack's aws:profile as the first identity; the stack's roles are still " +
                "assumed",
            async () => {
                await runCli(["verify", "--stack", "prod", "--outputs", "outputs.json", "--profile", "other"], dir);
                const client: unknown = m().ecr.calls().at(0)?.thisValue;
                assert.deepEqual(await chainOf(client), stackChain("AKIDOTHER"));
            },
        );

        it(
            "refuses in one line, exit 2, when the stack's " + "static keys are encrypted and no --profile is given",
            async () => {
                for (const argv of [
                    ["verify", "--stack", "sealed", "--outputs", "outputs.json"],
                    ["warm", "wf", "--stack", "sealed"],
                ]) {
                    const run = await runCli(argv, dir);
                    assert.equal(run.code, 2, run.stderr);
                    assert.equal(run.stdout, "");
                    assert.match(
                        run.stderr,
                        new RegExp(
                            /^(verify|warm): aws:secretKey is encrypted in Pulumi\.sealed\.yaml and /.source +
                                /cannot be read offline; .*--profile/.source,
                        ),
                    );
                    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
                }
                assert.equal(m().sts.calls().length + m().ecr.calls().length, 0);
            },
        );
    },
);
