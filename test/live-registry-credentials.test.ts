// The credentials the live-registry reader builds from the stack's `aws:` provider settings: a real shared
// credentials file (temporary) read by the SDK's fromIni, and STS AssumeRole replaced at the SDK client boundary by
// aws-sdk-client-mock (response shaped like the STS API reference example).
import * as assert from "assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { mockClient } from "aws-sdk-client-mock";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/nested-clients/sts";
import * as pulumi from "@pulumi/pulumi";
import { durationSeconds, providerCredentials } from "../aws/provider-credentials";
import { providerEcrClient } from "../components/live-registry-reader";
import { awsProviderSettings } from "../components/read-registry-state";
import { assumedRole } from "./helpers/sts-responses";

const sts = mockClient(STSClient);

describe(
    "live-registry reader credentials from the aws: provider settings (real fromIni, STS via " + "aws-sdk-client-mock)",
    () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "orm-creds-"));
            fs.writeFileSync(
                path.join(dir, "credentials"),
                "[ci]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n",
            );
            fs.writeFileSync(path.join(dir, "config"), "[profile ci]\nregion = eu-west-1\n");
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));
        beforeEach(() => sts.reset());

        it(
            "uses aws:profile from aws:sharedCredentialsFiles, then assumes each aws:assumeRoles role in turn with " +
                "its settings",
            async () => {
                sts.on(AssumeRoleCommand, { RoleArn: "arn:aws:iam::111122223333:role/hub" }).resolves(assumedRole(1));
                sts.on(AssumeRoleCommand, { RoleArn: "arn:aws:iam::123456789012:role/deploy" }).resolves(
                    assumedRole(2),
                );
                const credentials = await providerCredentials({
                    region: "us-east-1",
                    profile: "ci",
                    sharedCredentialsFiles: [path.join(dir, "credentials")],
                    sharedConfigFiles: [path.join(dir, "config")],
                    assumeRoles: [
                        {
                            roleArn: "arn:aws:iam::111122223333:role/hub",
                            externalId: "ext-1",
                            duration: "1h",
                            sessionName: "ci-hub",
                        },
                        {
                            roleArn: "arn:aws:iam::123456789012:role/deploy",
                            tags: { team: "genomics" },
                            policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                        },
                    ],
                });
                const identity = await credentials();
                assert.equal(identity.accessKeyId, "ASIAROLE2");
                // The mocked send does not sign, so each earlier link runs when its signer's credentials are asked for.
                const signer = async (client: unknown) =>
                    (await (client as STSClient).config.credentials()).accessKeyId;
                const deploy = sts.commandCalls(AssumeRoleCommand);
                assert.equal(deploy.length, 1);
                assert.deepEqual(deploy[0].args[0].input, {
                    RoleArn: "arn:aws:iam::123456789012:role/deploy",
                    RoleSessionName: "omics-registry-maps",
                    PolicyArns: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
                    Tags: [{ Key: "team", Value: "genomics" }],
                });
                assert.equal(await (deploy[0].thisValue as STSClient).config.region(), "us-east-1");
                // The deploy role is assumed with the hub role's session, and the hub role with the profile's keys.
                assert.equal(await signer(deploy[0].thisValue), "ASIAROLE1");
                const hub = sts.commandCalls(AssumeRoleCommand)[1];
                assert.deepEqual(hub.args[0].input, {
                    RoleArn: "arn:aws:iam::111122223333:role/hub",
                    RoleSessionName: "ci-hub",
                    ExternalId: "ext-1",
                    DurationSeconds: 3600,
                });
                assert.equal(await signer(hub.thisValue), "AKIDPROFILE");
            },
        );

        it(
            "uses aws:accessKey/aws:secretKey/aws:token as " + "given, and the stack's region for the ECR client",
            async () => {
                const client = await providerEcrClient({
                    region: "eu-west-2",
                    accessKey: "AKIDSTATIC",
                    secretKey: "static-secret",
                    token: "static-token",
                });
                assert.equal(await client.config.region(), "eu-west-2");
                assert.deepEqual(await client.config.credentials(), {
                    accessKeyId: "AKIDSTATIC",
                    secretAccessKey: "static-secret",
                    sessionToken: "static-token",
                });
                assert.equal(sts.calls().length, 0);
            },
        );

        it("takes the settings from the stack's aws: config as `pulumi config set` stores them", () => {
            const roles = [{ roleArn: "arn:aws:iam::123456789012:role/deploy", externalId: "ext-1" }];
            pulumi.runtime.setAllConfig(
                {
                    "aws:profile": "ci",
                    "aws:assumeRoles": JSON.stringify(roles),
                    "aws:sharedCredentialsFiles": JSON.stringify(["/tmp/creds"]),
                },
                [],
            );
            try {
                assert.deepEqual(awsProviderSettings("eu-west-1"), {
                    region: "eu-west-1",
                    profile: "ci",
                    sharedCredentialsFiles: ["/tmp/creds"],
                    assumeRoles: roles,
                });
            } finally {
                pulumi.runtime.setAllConfig({}, []);
            }
        });

        it("reads the provider's Go durations, and refuses one it cannot", () => {
            assert.equal(durationSeconds("15m"), 900);
            assert.equal(durationSeconds("1h30m"), 5400);
            assert.equal(durationSeconds(undefined), undefined);
            assert.throws(() => durationSeconds("an hour"), /aws:assumeRoles duration "an hour" is not a duration/);
        });
    },
);
