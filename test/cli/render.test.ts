// `render` through the real CLI entry: offline stack files → map JSON byte for byte as the program (Pulumi mock
// runtime) stores it, IAM documents evaluated by a real IAM evaluator, and the program's own config messages.
import * as assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { runProgram } from "../harness/mock-program";
import { ConfigMap, PROJECT } from "../harness/stack-config";
import { identityPolicyDecision, resourcePolicyDecision } from "../helpers/iam-evaluator";
import { runCli, suiteProjects } from "./run-cli";

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "210987654321";
const STACK = `config:
  aws:region: us-east-1
  omics-registry-maps:registries:
    - upstreamRegistryUrl: registry-1.docker.io
      ecrRepositoryPrefix: docker-hub
      credentials:
        secretConfigKey: dockerHubCredentials
    - upstreamRegistryUrl: quay.io
      ecrRepositoryPrefix: quay
  omics-registry-maps:dockerHubCredentials:
    username:
      secure: v1:c2FsdA==:ZW5jcnlwdGVkLXVzZXI=
    accessToken:
      secure: v1:c2FsdA==:ZW5jcnlwdGVkLXRva2Vu
  omics-registry-maps:imageMappings:
    - sourceImage: ubuntu
      destinationImage: docker-hub/library/ubuntu:22.04
  omics-registry-maps:workflowBuckets:
    - omics-workflow-data-example
`;

/** The same stack as the Pulumi CLI would hand it to the program (secret decrypted, every value a string). */
function programConfig(stackYaml: string): { config: ConfigMap; secretKeys: string[] } {
    const project = parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.yaml"), "utf8")) as {
        config: Record<string, { default?: unknown }>;
    };
    const config: ConfigMap = {};
    const encode = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
    for (const [key, declared] of Object.entries(project.config)) {
        if (declared.default !== undefined) {
            config[`${PROJECT}:${key}`] = encode(declared.default);
        }
    }
    const secretKey = `${PROJECT}:dockerHubCredentials`;
    for (const [key, value] of Object.entries((parse(stackYaml) as { config: Record<string, unknown> }).config)) {
        config[key] =
            key === secretKey ? JSON.stringify({ username: "octo-user", accessToken: "dckr_pat_test" }) : encode(value);
    }
    return { config, secretKeys: [secretKey] };
}

interface RegistryPolicy {
    Statement: { Resource: string[] }[];
}

interface RenderManifest {
    maps: { file: string; objectKey: string }[];
    accountIsPlaceholder: boolean;
    account: string;
    placeholders: string[];
    notes: string[];
}

describe("cli render (real CLI entry, stack files, program under Pulumi mocks)", () => {
    const project = suiteProjects();
    const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, "utf8"));
    // The fields of render.json (and of a rendered map and policy) these tests read; the CLI wrote these files.
    const readManifest = (file: string) => readJson(file) as RenderManifest;

    let out: string;
    let stdout: string;
    before(async () => {
        const dir = project({ "Pulumi.test.yaml": STACK });
        out = path.join(dir, "rendered");
        const run = await runCli(["render", "--stack", "test", "--out", out, "--project", dir]);
        assert.equal(run.code, 0, run.stderr);
        stdout = run.stdout;
    });

    it("writes the map object byte for byte as the program deploys it, under the same key", async () => {
        const { config, secretKeys } = programConfig(STACK);
        const deployed = await runProgram(config, secretKeys);
        assert.equal(deployed.error, undefined, deployed.error?.message);
        const object = deployed.resources.find(r => r.type === "aws:s3/bucketObjectv2:BucketObjectv2");
        assert.ok(object);
        const manifest = readManifest(path.join(out, "render.json"));
        assert.equal(fs.readFileSync(path.join(out, manifest.maps[0].file), "utf8"), object.inputs.content);
        assert.equal(manifest.maps[0].objectKey, object.inputs.key);
        const map = readJson(path.join(out, manifest.maps[0].file)) as { imageMappings: unknown };
        assert.deepEqual(map.imageMappings, [
            {
                sourceImage: "ubuntu",
                destinationImage: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/ubuntu:22.04`,
            },
        ]);
    });

    it("flags the placeholder account in the manifest and on stdout", () => {
        const manifest = readManifest(path.join(out, "render.json"));
        assert.equal(manifest.accountIsPlaceholder, true);
        assert.equal(manifest.account, ACCOUNT);
        assert.ok(manifest.placeholders.some((p: string) => p.includes("placeholder")));
        assert.match(stdout, /PLACEHOLDER/);
        assert.ok(manifest.notes.some((n: string) => n.includes("dockerHubCredentials is encrypted")));
    });

    it("registry policy: HealthOmics may create and fill cache repositories under the prefixes only", async () => {
        const policy = readJson(path.join(out, "registry-policy.json"));
        const request = (action: string, repository: string) => ({
            principal: "omics.amazonaws.com",
            action,
            account: ACCOUNT,
            resource: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${repository}`,
        });
        assert.equal(
            await resourcePolicyDecision(policy, request("ecr:CreateRepository", "quay/biocontainers/samtools")),
            "Allowed",
        );
        assert.equal(
            await resourcePolicyDecision(policy, request("ecr:BatchImportUpstreamImage", "docker-hub/library/ubuntu")),
            "Allowed",
        );
        assert.equal(
            await resourcePolicyDecision(policy, request("ecr:CreateRepository", "custom/tool")),
            "ImplicitlyDenied",
        );
        assert.equal(
            await resourcePolicyDecision(policy, request("ecr:DeleteRepository", "quay/biocontainers/samtools")),
            "ImplicitlyDenied",
        );
    });

    it("template repository policy: HealthOmics may pull, nothing else", async () => {
        const policy = readJson(path.join(out, "template-repository-policy.json"));
        const request = (action: string) => ({
            principal: "omics.amazonaws.com",
            action,
            account: ACCOUNT,
            resource: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/quay/biocontainers/samtools`,
        });
        assert.equal(await resourcePolicyDecision(policy, request("ecr:BatchGetImage")), "Allowed");
        assert.equal(await resourcePolicyDecision(policy, request("ecr:GetDownloadUrlForLayer")), "Allowed");
        assert.equal(await resourcePolicyDecision(policy, request("ecr:PutImage")), "ImplicitlyDenied");
    });

    it("trust policy: only HealthOmics runs of this account may assume the role", async () => {
        const trust = readJson(path.join(out, "omics-trust-policy.json"));
        const assume = (sourceAccount: string) => ({
            principal: "omics.amazonaws.com",
            action: "sts:AssumeRole",
            account: ACCOUNT,
            resource: `arn:aws:iam::${ACCOUNT}:role/omics-run`,
            context: {
                "aws:SourceAccount": sourceAccount,
                "aws:SourceArn": `arn:aws:omics:us-east-1:${sourceAccount}:run/6470304`,
            },
        });
        assert.equal(await resourcePolicyDecision(trust, assume(ACCOUNT)), "Allowed");
        assert.equal(await resourcePolicyDecision(trust, assume(OTHER_ACCOUNT)), "ImplicitlyDenied");
    });

    it("role policy: the workflow bucket and pulls under the prefixes, not other repositories", async () => {
        const role = readJson(path.join(out, "omics-role-policy.json"));
        const request = (action: string, resource: string) => ({
            principal: `arn:aws:iam::${ACCOUNT}:role/omics-run`,
            action,
            resource,
            account: ACCOUNT,
        });
        assert.equal(
            await identityPolicyDecision(
                [role],
                request("s3:GetObject", "arn:aws:s3:::omics-workflow-data-example/in/a.bam"),
            ),
            "Allowed",
        );
        assert.equal(
            await identityPolicyDecision([role], request("s3:GetObject", "arn:aws:s3:::another-bucket/a.bam")),
            "ImplicitlyDenied",
        );
        assert.equal(
            await identityPolicyDecision(
                [role],
                request(
                    "ecr:BatchGetImage",
                    `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/docker-hub/broadinstitute/gatk`,
                ),
            ),
            "Allowed",
        );
        assert.equal(
            await identityPolicyDecision(
                [role],
                request("ecr:BatchGetImage", `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/custom/tool`),
            ),
            "ImplicitlyDenied",
        );
    });

    it("--account renders for that account, unflagged; the default out dir is render/<stack>/", async () => {
        const dir = project({ "Pulumi.test.yaml": STACK });
        const run = await runCli(["render", "--stack", "test", "--account", OTHER_ACCOUNT], dir);
        assert.equal(run.code, 0, run.stderr);
        const manifest = readManifest(path.join(dir, "render", "test", "render.json"));
        assert.equal(manifest.accountIsPlaceholder, false);
        assert.match(
            (readJson(path.join(dir, "render", "test", "registry-policy.json")) as RegistryPolicy).Statement[0]
                .Resource[0],
            new RegExp(`:${OTHER_ACCOUNT}:repository/`),
        );
        assert.doesNotMatch(run.stdout, /PLACEHOLDER/);
    });

    it("a bad config: exit 2 with the same messages the program gives under pulumi up", async () => {
        const bad = STACK.replace("ecrRepositoryPrefix: quay", "ecrRepositoryPrefix: Quay_IO").replace(
            "upstreamRegistryUrl: quay.io",
            "upstreamRegistryUrl: https://quay.io",
        );
        const dir = project({ "Pulumi.bad.yaml": bad });
        const run = await runCli(["render", "--stack", "bad", "--project", dir, "--out", path.join(dir, "out")]);
        assert.equal(run.code, 2);
        const { config, secretKeys } = programConfig(bad);
        const program = await runProgram(config, secretKeys);
        assert.ok(program.error);
        assert.ok(
            run.stderr.startsWith(program.error.message),
            `render:\n${run.stderr}\nprogram:\n${program.error.message}`,
        );
        assert.match(program.error.message, /Quay_IO/);
        assert.equal(fs.existsSync(path.join(dir, "out")), false, "nothing is written for a bad config");
    });

    it("exit 2 without --stack, for a missing stack file, and for a bad --account", async () => {
        const dir = project({ "Pulumi.test.yaml": STACK });
        for (const [argv, message] of [
            [["render"], /required option '--stack <name>' not specified/],
            [["render", "--stack", "missing"], /Pulumi\.missing\.yaml: no such file/],
            [["render", "--stack", "test", "--account", "abc"], /--account must be a 12-digit/],
        ] as [string[], RegExp][]) {
            const run = await runCli([...argv, "--project", dir]);
            assert.equal(run.code, 2, argv.join(" "));
            assert.match(run.stderr, message);
        }
    });
});
