// `warm <workflow> --stack` and the no-credentials refusal of verify and warm. Real layers: the CLI entry, parsers,
// stack files and validation; the ECR client up to `send`, which aws-sdk-client-mock answers with BatchGetImage
// responses shaped like the ECR API reference (images with imageId and imageManifestMediaType; failures with
// failureCode and failureReason). The refusal test runs the compiled CLI as a child process with an empty
// environment (only HOME, pointing at an empty directory), so no credential source and no network exist for it.
import * as assert from "assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BatchGetImageCommand, ECRClient } from "@aws-sdk/client-ecr";
import { mockClient } from "aws-sdk-client-mock";
import { credentialProbe } from "../../cli/commands/aws-command";
import { credentialSource } from "../../aws/credentials";
import { warmImages } from "../../aws/warm-cache";
import { REPO_ROOT, runCli, suiteProjects } from "../cli/run-cli";

const STACK = `config:
  aws:region: us-east-1
  omics-registry-maps:registries:
    - upstreamRegistryUrl: quay.io
      ecrRepositoryPrefix: quay
    - upstreamRegistryUrl: public.ecr.aws
      ecrRepositoryPrefix: ecr-public
    - upstreamRegistryUrl: community.wave.seqera.io
      ecrRepositoryPrefix: seqera-community
      credentials:
        secretConfigKey: seqeraCredentials
  omics-registry-maps:workflowBuckets:
    - omics-workflow-data-example
`;

const DIGEST = `sha256:${"4d".repeat(32)}`;

function wdl(images: readonly string[]): string {
    const tasks = images.map(
        (image, i) => `task T${i} {\n  command <<< true >>>\n  runtime { docker: "${image}" }\n}\n`,
    );
    return `version 1.0\n${tasks.join("")}`;
}

describe("warm <workflow> --stack (real CLI; ECR client mocked at send with aws-sdk-client-mock)", () => {
    const project = suiteProjects();
    const ecr = mockClient(ECRClient);
    const saved = credentialProbe.current;
    let dir = "";

    before(() => {
        dir = project({ "Pulumi.prod.yaml": STACK });
        fs.mkdirSync(path.join(dir, "wf"));
        fs.writeFileSync(
            path.join(dir, "wf", "main.wdl"),
            wdl([
                "quay.io/biocontainers/samtools:1.19",
                "quay.io/biocontainers/samtools:1.19",
                "quay.io/biocontainers/nosuch:0.1",
                "public.ecr.aws/lab/private-tool:2.0",
                `quay.io/biocontainers/bwa@${DIGEST}`,
                "community.wave.seqera.io/library/fastqc:0.12.1--abc",
            ]),
        );
        credentialProbe.current = () => ({
            env: { AWS_PROFILE: "omics" },
            readFile: f => (f.endsWith("config") ? "[profile omics]\nregion = us-east-1\n" : undefined),
            homedir: dir,
        });
    });

    after(() => {
        credentialProbe.current = saved;
        ecr.restore();
    });

    it(
        "warms each pull-through tag once, reports cached digests, missing tags and upstream auth; copy " +
            "registries are copied on first use; exit 1",
        async () => {
            ecr.reset();
            ecr.on(BatchGetImageCommand, { repositoryName: "quay/biocontainers/samtools" }).resolves({
                images: [
                    {
                        registryId: "111122223333",
                        repositoryName: "quay/biocontainers/samtools",
                        imageId: { imageDigest: DIGEST, imageTag: "1.19" },
                        imageManifest: "{}",
                        imageManifestMediaType: "application/vnd.oci.image.index.v1+json",
                    },
                ],
                failures: [],
            });
            ecr.on(BatchGetImageCommand, { repositoryName: "quay/biocontainers/nosuch" }).resolves({
                images: [],
                failures: [
                    {
                        imageId: { imageTag: "0.1" },
                        failureCode: "ImageNotFound",
                        failureReason: "Requested image not found",
                    },
                ],
            });
            ecr.on(BatchGetImageCommand, { repositoryName: "ecr-public/lab/private-tool" }).resolves({
                images: [],
                failures: [
                    {
                        imageId: { imageTag: "2.0" },
                        failureCode: "UpstreamAccessDenied",
                        failureReason: "Upstream registry denied access",
                    },
                ],
            });
            const run = await runCli(["warm", "wf", "--stack", "prod", "--format", "json"], dir);
            assert.equal(run.code, 1, run.stderr);
            const report = JSON.parse(run.stdout) as {
                rows: { image: string; status: string; digest: string | null; code: string | null; detail: string }[];
                summary: Record<string, number>;
            };
            assert.deepEqual(
                report.rows.map(r => [r.image, r.status, r.code]),
                [
                    ["quay.io/biocontainers/samtools:1.19", "cached", null],
                    ["quay.io/biocontainers/nosuch:0.1", "failed", "ImageNotFound"],
                    ["public.ecr.aws/lab/private-tool:2.0", "failed", "UpstreamAccessDenied"],
                    [`quay.io/biocontainers/bwa@${DIGEST}`, "skipped", null],
                    ["community.wave.seqera.io/library/fastqc:0.12.1--abc", "copied-on-first-use", null],
                ],
            );
            assert.equal(report.rows[0].digest, DIGEST);
            assert.match(report.rows[3].detail, /containers-roadmap#2837/);
            assert.match(report.rows[2].detail, /refused the pull-through rule's credentials/);
            const calls = ecr.commandCalls(BatchGetImageCommand).map(c => c.args[0].input);
            assert.equal(calls.length, 3, "one call per distinct tag; never by digest, never for copy registries");
            assert.deepEqual(
                calls.map(c => c.imageIds),
                [[{ imageTag: "1.19" }], [{ imageTag: "0.1" }], [{ imageTag: "2.0" }]],
            );
            assert.ok(calls.every(c => c.acceptedMediaTypes?.includes("application/vnd.oci.image.index.v1+json")));

            const table = await runCli(["warm", "wf", "--stack", "prod"], dir);
            assert.match(
                table.stdout,
                new RegExp(
                    /community\.wave\.seqera\.io\/library\/fastqc:0\.12\.1--abc\s+/.source +
                        /seqera-community\/library\/fastqc:0\.12\.1--abc\s+copied-on-first-use/.source,
                ),
            );
            assert.match(table.stdout, /5 images: 1 cached, 1 copied on first use, 2 failed, 0 timed out, 1 skipped/);
        },
    );

    it("retries UpstreamUnavailable within the bound, then reports timed-out (waits recorded, not slept)", async () => {
        ecr.reset();
        let calls = 0;
        ecr.on(BatchGetImageCommand).callsFake(() => {
            calls++;
            return calls < 3
                ? {
                      images: [],
                      failures: [
                          {
                              imageId: { imageTag: "1.19" },
                              failureCode: "UpstreamUnavailable",
                              failureReason: "Upstream registry is unavailable",
                          },
                      ],
                  }
                : { images: [{ imageId: { imageDigest: DIGEST, imageTag: "1.19" } }], failures: [] };
        });
        const image = {
            file: "main.wdl",
            line: 1,
            language: "wdl" as const,
            image: "quay.io/biocontainers/samtools:1.19",
            reference: null,
            pinned: "tag" as const,
            resolved: "111122223333.dkr.ecr.us-east-1.amazonaws.com/quay/biocontainers/samtools:1.19",
            via: "registryMapping" as const,
            status: "mapped" as const,
            findings: [],
            inVerdict: true,
        };
        const map = { registryMappings: [{ upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" }] };
        let clock = 0;
        const waits: number[] = [];
        const options = {
            concurrency: 2,
            sleep: (ms: number) => {
                waits.push(ms);
                clock += ms;
                return Promise.resolve();
            },
            now: () => clock,
        };
        const cached = await warmImages("wf", [image], map, new ECRClient({ region: "us-east-1" }), {
            ...options,
            timeoutMs: 60_000,
        });
        assert.equal(cached.rows[0].status, "cached");
        assert.equal(cached.rows[0].attempts, 3);
        assert.deepEqual(waits, [2000, 4000]);
        calls = -100;
        clock = 0;
        const timedOut = await warmImages("wf", [image], map, new ECRClient({ region: "us-east-1" }), {
            ...options,
            timeoutMs: 10_000,
        });
        assert.equal(timedOut.rows[0].status, "timed-out");
        assert.match(timedOut.rows[0].detail, /unavailable; gave up after 3 attempts/);
    });

    it("credentials are found in the SDK's default-chain places, and nowhere else", () => {
        const none = { env: {}, readFile: () => undefined, homedir: "/nonexistent" };
        assert.equal(credentialSource(none, undefined), undefined);
        assert.equal(
            credentialSource(
                { ...none, env: { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "x" } },
                undefined,
            ),
            "environment",
        );
        assert.equal(
            credentialSource(
                {
                    ...none,
                    readFile: f =>
                        f === "/nonexistent/.aws/credentials" ? "[default]\naws_access_key_id = A\n" : undefined,
                },
                undefined,
            ),
            "profile default",
        );
        assert.equal(
            credentialSource(
                {
                    ...none,
                    readFile: f => (f === "/nonexistent/.aws/config" ? "[profile dev]\nsso_session = s\n" : undefined),
                },
                "prod",
            ),
            undefined,
        );
        assert.equal(
            credentialSource(
                { ...none, env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/x" } },
                undefined,
            ),
            "container credentials",
        );
        assert.equal(
            credentialSource(
                { ...none, readFile: f => (f.endsWith("sys_vendor") ? "Amazon EC2\n" : undefined) },
                undefined,
            ),
            "EC2 instance metadata",
        );
        assert.equal(
            credentialSource(
                {
                    env: { AWS_EC2_METADATA_DISABLED: "true" },
                    readFile: f => (f.endsWith("sys_vendor") ? "Amazon EC2\n" : undefined),
                    homedir: "/x",
                },
                undefined,
            ),
            undefined,
        );
    });

    it(
        "verify and warm refuse politely without AWS credentials: exit 2, one line (compiled CLI, empty " +
            "environment)",
        () => {
            const bin = path.join(REPO_ROOT, "cli", "omics-registry-maps.js");
            assert.ok(
                fs.existsSync(path.join(REPO_ROOT, "dist", "cli", "main.js")),
                "run npm run build first (npm test does)",
            );
            const home = fs.mkdtempSync(path.join(os.tmpdir(), "no-aws-"));
            try {
                for (const argv of [
                    ["verify", "--stack", "prod"],
                    ["warm", "wf", "--stack", "prod"],
                ]) {
                    const run = spawnSync(process.execPath, [bin, ...argv], {
                        cwd: dir,
                        env: { HOME: home },
                        encoding: "utf8",
                        timeout: 60_000,
                    });
                    assert.equal(run.status, 2, run.stderr);
                    assert.equal(run.stdout, "");
                    const lines = run.stderr.split("\n").filter(l => l !== "");
                    assert.equal(lines.length, 1, run.stderr);
                    assert.match(
                        lines[0],
                        new RegExp(`^${argv[0]}: no AWS credentials found \\(environment, AWS_PROFILE or ~/\\.aws`),
                    );
                }
            } finally {
                fs.rmSync(home, { recursive: true, force: true });
            }
        },
    );
});
