// `check --online` end to end. Real layers: the CLI entry (main(argv)), the parsers, the stack files and validation,
// the OCI client over real HTTP, Debian's docker-registry (CNCF distribution) on 127.0.0.1 with images pushed through
// its HTTP API, and for bearer tokens our own token server whose ES256 tokens that registry verifies. The Pulumi CLI
// is a stand-in script (it prints what `pulumi config get --json` prints for a secret object).
import * as assert from "assert/strict";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import Ajv from "ajv";
import { parse } from "yaml";
import { REPO_ROOT, runCli, suiteProjects } from "../cli/run-cli";
import { LocalRegistry, PushedImage, requireRegistryBinary } from "../helpers/local-registry";

const validateReport = new Ajv({ allErrors: true }).compile(
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "test", "workflow-check", "check-report.schema.json"), "utf8")),
);

const STACK = `config:
  aws:region: us-east-1
  omics-registry-maps:registries:
    - upstreamRegistryUrl: quay.io
      ecrRepositoryPrefix: quay
    - upstreamRegistryUrl: public.ecr.aws
      ecrRepositoryPrefix: ecr-public
    - upstreamRegistryUrl: ghcr.io
      ecrRepositoryPrefix: ghcr
      credentials:
        secretConfigKey: ghcrCredentials
  omics-registry-maps:workflowBuckets:
    - omics-workflow-data-example
`;

const IMAGES = [
    "quay.io/biocontainers/samtools:1.19",
    "quay.io/tools/armonly:1.0",
    "quay.io/tools/multi:2.0",
    "quay.io/tools/multi:9.9",
    "public.ecr.aws/lab/bwa:0.7.17",
    "ghcr.io/private/pipeline:1.0",
    "quay.io/biocontainers/samtools:1.19",
];

function wdl(images: readonly string[]): string {
    const tasks = images.map(
        (image, i) => `task T${i} {\n  command <<< true >>>\n  runtime { docker: "${image}" }\n}\n`,
    );
    return `version 1.0\n${tasks.join("")}`;
}

interface OnlineJson {
    images: { findings: { severity: string; message: string }[] }[];
    online: {
        concurrency: number;
        images: {
            written: string;
            status: string;
            digest: string | null;
            platforms: string[];
            amd64Digest: string | null;
        }[];
        registries: { host: string; requests: number; backOffs: number }[];
        summary: Record<string, number>;
        distinct: Record<string, number>;
        pins?: {
            pins: { sourceImage: string; destinationImage: string }[];
            unpinned: { sourceImage: string; reason: string }[];
        };
    };
}

describe("check --online (real CLI, real docker-registry on 127.0.0.1, real token server)", function () {
    this.timeout(120_000);
    const project = suiteProjects();
    const plain = new LocalRegistry();
    const tokenAuth = new LocalRegistry({ privatePrefix: "private/", username: "admin", password: "s3cret" });
    const pushed: Record<string, PushedImage & { images?: Record<string, string> }> = {};
    let dir = "";
    let binDir = "";
    let savedPath: string | undefined;

    before(async function () {
        requireRegistryBinary(this);
        await Promise.all([plain.start(), tokenAuth.start()]);
        pushed.samtools = await plain.pushImage("biocontainers/samtools", "1.19", "amd64");
        pushed.armonly = await plain.pushIndex("tools/armonly", "1.0", ["arm64"]);
        pushed.multi = await plain.pushIndex("tools/multi", "2.0", ["amd64", "arm64"]);
        pushed.bwa = await tokenAuth.pushImage("lab/bwa", "0.7.17", "amd64");
        pushed.pipeline = await tokenAuth.pushIndex("private/pipeline", "1.0", ["amd64"]);
        dir = project({ "Pulumi.online.yaml": STACK });
        fs.mkdirSync(path.join(dir, "wf"));
        fs.writeFileSync(path.join(dir, "wf", "main.wdl"), wdl(IMAGES));
        // The stand-in Pulumi CLI: `config get omics-registry-maps:ghcrCredentials --json --stack online` as the real
        // CLI prints a secret object value; every call is recorded.
        binDir = path.join(dir, "bin");
        fs.mkdirSync(binDir);
        fs.writeFileSync(
            path.join(binDir, "pulumi"),
            `#!/usr/bin/env node
require("fs").appendFileSync(
    ${JSON.stringify(path.join(dir, "pulumi-calls.jsonl"))},
    JSON.stringify(process.argv.slice(2)) + "\\n",
);
const value = { username: "admin", accessToken: "s3cret" };
process.stdout.write(JSON.stringify({ value: JSON.stringify(value), objectValue: value, secret: true }) + "\\n");
`,
            { mode: 0o755 },
        );
    });

    after(async () => {
        await Promise.all([plain.stop(), tokenAuth.stop()]);
        if (savedPath !== undefined) {
            process.env.PATH = savedPath;
        }
    });

    function withStandInPulumi(): void {
        savedPath = process.env.PATH;
        process.env.PATH = `${binDir}${path.delimiter}${process.env.PATH ?? ""}`;
    }

    function restorePath(): void {
        if (savedPath !== undefined) {
            process.env.PATH = savedPath;
            savedPath = undefined;
        }
    }

    const endpoints = () => [
        "--registry-endpoint",
        `quay.io=${plain.url}`,
        "--registry-endpoint",
        `public.ecr.aws=${tokenAuth.url}`,
        "--registry-endpoint",
        `ghcr.io=${tokenAuth.url}`,
    ];

    it(
        "reports exactly the missing tag, the arm64-only image and the digests (JSON, schema), exit 1; " +
            "credentials from the stack's secret config",
        async () => {
            withStandInPulumi();
            let run;
            try {
                run = await runCli(
                    ["check", "wf", "--stack", "online", "--online", "--format", "json", ...endpoints()],
                    dir,
                );
            } finally {
                restorePath();
            }
            assert.equal(run.code, 1, run.stderr);
            const report = JSON.parse(run.stdout) as OnlineJson;
            assert.ok(validateReport(report), JSON.stringify(validateReport.errors));
            const byImage = report.online.images.map(i => [i.written, i.status, i.digest]);
            assert.deepEqual(byImage, [
                ["quay.io/biocontainers/samtools:1.19", "ok", pushed.samtools.digest],
                ["quay.io/tools/armonly:1.0", "no-amd64", pushed.armonly.digest],
                ["quay.io/tools/multi:2.0", "ok", pushed.multi.digest],
                ["quay.io/tools/multi:9.9", "missing", null],
                ["public.ecr.aws/lab/bwa:0.7.17", "ok", pushed.bwa.digest],
                ["ghcr.io/private/pipeline:1.0", "ok", pushed.pipeline.digest],
                ["quay.io/biocontainers/samtools:1.19", "ok", pushed.samtools.digest],
            ]);
            assert.deepEqual(report.online.images[1].platforms, ["linux/arm64"]);
            assert.equal(report.online.images[2].amd64Digest, pushed.multi.images?.amd64);
            assert.deepEqual(report.online.summary, {
                checked: 7,
                ok: 5,
                missing: 1,
                noAmd64: 1,
                unauthorized: 0,
                unreachable: 0,
                rateLimited: 0,
                notChecked: 0,
            });
            // the distinct count (the repeated samtools image once), as the table and the main summary count
            assert.deepEqual(report.online.distinct, { ...report.online.summary, checked: 6, ok: 4 });
            const errors = report.images.map(i => i.findings.filter(f => f.severity === "error").map(f => f.message));
            assert.deepEqual(
                errors.map(e => e.length),
                [0, 1, 0, 1, 0, 0, 0],
            );
            assert.match(
                errors[1][0],
                /no linux\/amd64 image \(linux\/arm64\).*HealthOmics doesn't support ARM containers/,
            );
            assert.match(errors[3][0], /upstream has no quay\.io\/tools\/multi:9\.9.*MANIFEST_UNKNOWN/);
            // Bearer flow: anonymous pull token for the public repository, the stack's credentials for the private one.
            const tokenRequests = tokenAuth.tokenServer?.requests.filter(r => r.scope.endsWith(":pull")) ?? [];
            assert.deepEqual(tokenRequests.map(r => [r.scope, r.user ?? "anonymous"]).sort(), [
                ["repository:lab/bwa:pull", "anonymous"],
                ["repository:private/pipeline:pull", "admin"],
            ]);
            const calls = fs
                .readFileSync(path.join(dir, "pulumi-calls.jsonl"), "utf8")
                .trim()
                .split("\n")
                .map(l => JSON.parse(l) as string[]);
            assert.deepEqual(calls, [
                [
                    "config",
                    "get",
                    "omics-registry-maps:ghcrCredentials",
                    "--json",
                    "--stack",
                    "online",
                    "--cwd",
                    dir,
                    "--non-interactive",
                ],
            ]);
            assert.doesNotMatch(run.stdout + run.stderr, /s3cret/, "the credential never shows");
            // Per-run cache: the repeated samtools image costs nothing more. quay.io (no auth): samtools manifest and
            // config blob, two index manifests, one 404.
            const quay = report.online.registries.find(r => r.host === "quay.io");
            assert.ok(quay !== undefined);
            assert.equal(quay.requests, 2 + 1 + 1 + 1);
        },
    );

    it(
        "the table shows each image's upstream answer and digest; without the Pulumi CLI the private image is " +
            "a warning",
        async () => {
            const run = await runCli(["check", "wf", "--stack", "online", "--online", ...endpoints()], dir);
            assert.equal(run.code, 1, run.stderr);
            assert.match(
                run.stderr,
                new RegExp(
                    /ghcr\.io: omics-registry-maps:ghcrCredentials not read \(the Pulumi CLI is not on /.source +
                        /PATH\); asking anonymously/.source,
                ),
            );
            // one row per distinct image, the places counted; no upstream repeated where it is the image as written
            const online = run.stdout.slice(run.stdout.indexOf("online (upstream registries):"));
            assert.match(online, /^IMAGE\s+ONLINE\s+DIGEST\s+PLATFORMS\s+PLACES$/m);
            assert.match(
                online,
                new RegExp(
                    `^quay\\.io/tools/armonly:1\\.0\\s+no-amd64\\s+${pushed.armonly.digest}\\s+linux/arm64\\s+1$`,
                    "m",
                ),
            );
            assert.match(online, /^quay\.io\/tools\/multi:9\.9\s+missing\s+-\s+-\s+1$/m);
            assert.equal(
                online.split("\n").filter(l => l.startsWith("quay.io/biocontainers/samtools:1.19 ")).length,
                1,
            );
            assert.match(
                online,
                new RegExp(
                    `^quay\\.io/biocontainers/samtools:1\\.19\\s+ok\\s+${pushed.samtools.digest}\\s+linux/amd64\\s+2$`,
                    "m",
                ),
            );
            assert.match(online, /^ghcr\.io\/private\/pipeline:1\.0\s+unauthorized\s/m);
            assert.doesNotMatch(online, /asked upstream/);
            assert.match(
                run.stdout,
                new RegExp(
                    /warning: ghcr\.io\/private\/pipeline: the token server .* refused|warning: /.source +
                        /ghcr\.io\/private\/pipeline: access denied/.source,
                ),
            );
            // distinct images, as the main summary ("6 distinct images (7 places)") counts them
            assert.match(run.stdout, /^6 distinct images \(7 places\)/m);
            assert.match(
                run.stdout,
                /^6 distinct images checked \(7 places\): 3 ok, 1 missing, 1 without linux\/amd64, 1 unauthorized/m,
            );
        },
    );

    it(
        "--pin prints digest pins and what it could not pin; --write adds them to the stack file, which then " +
            "validates and resolves",
        async () => {
            const stackFile = path.join(dir, "Pulumi.online.yaml");
            const printed = await runCli(
                ["check", "wf", "--stack", "online", "--online", "--pin", ...endpoints()],
                dir,
            );
            assert.match(
                printed.stdout,
                new RegExp(
                    `- sourceImage: "quay\\.io/biocontainers/samtools:1\\.19"\\n\\s+destinationImage: ` +
                        `"quay/biocontainers/samtools@${pushed.samtools.digest}"`,
                ),
            );
            assert.match(printed.stdout, /not pinned: quay\.io\/tools\/multi:9\.9: missing/);
            assert.match(printed.stdout, /not pinned: quay\.io\/tools\/armonly:1\.0: no-amd64/);
            assert.equal(fs.readFileSync(stackFile, "utf8"), STACK, "--pin alone writes nothing");

            const written = await runCli(
                [
                    "check",
                    "wf",
                    "--stack",
                    "online",
                    "--online",
                    "--pin",
                    "--write",
                    "online",
                    "--format",
                    "json",
                    ...endpoints(),
                ],
                dir,
            );
            assert.equal(written.code, 1, written.stderr);
            const pins = (JSON.parse(written.stdout) as OnlineJson).online.pins;
            assert.deepEqual(
                pins?.pins.map(p => p.sourceImage),
                ["quay.io/biocontainers/samtools:1.19", "quay.io/tools/multi:2.0", "public.ecr.aws/lab/bwa:0.7.17"],
            );
            const config = (parse(fs.readFileSync(stackFile, "utf8")) as { config: Record<string, unknown> }).config;
            assert.deepEqual(config["omics-registry-maps:imageMappings"], [
                {
                    sourceImage: "quay.io/biocontainers/samtools:1.19",
                    destinationImage: `quay/biocontainers/samtools@${pushed.samtools.digest}`,
                },
                { sourceImage: "quay.io/tools/multi:2.0", destinationImage: `quay/tools/multi@${pushed.multi.digest}` },
                {
                    sourceImage: "public.ecr.aws/lab/bwa:0.7.17",
                    destinationImage: `ecr-public/lab/bwa@${pushed.bwa.digest}`,
                },
            ]);
            assert.equal(config["omics-registry-maps:workflowBuckets"] !== undefined, true, "other keys kept");

            // The pinned stack: the images resolve through the image mappings, by digest, and the digests exist
            // upstream.
            const again = await runCli(
                ["check", "wf", "--stack", "online", "--online", "--format", "json", ...endpoints()],
                dir,
            );
            const report = JSON.parse(again.stdout) as OnlineJson & { images: { via: string; resolved: string }[] };
            assert.equal(report.images[0].via, "imageMapping");
            assert.match(
                report.images[0].resolved,
                new RegExp(`/quay/biocontainers/samtools@${pushed.samtools.digest}$`),
            );
            assert.equal(report.online.images[0].status, "ok");
            assert.equal(report.online.images[0].digest, pushed.samtools.digest);
            fs.writeFileSync(stackFile, STACK);
        },
    );

    it("an unreachable registry is a warning, not an error (exit 0)", async () => {
        const closed = http.createServer();
        await new Promise<void>(resolve => closed.listen(0, "127.0.0.1", resolve));
        const port = (closed.address() as AddressInfo).port;
        await new Promise<void>(resolve => closed.close(() => resolve()));
        const wf = path.join(dir, "wf-one");
        fs.mkdirSync(wf, { recursive: true });
        fs.writeFileSync(path.join(wf, "main.wdl"), wdl(["quay.io/biocontainers/samtools:1.19"]));
        const run = await runCli(
            [
                "check",
                "wf-one",
                "--stack",
                "online",
                "--online",
                "--registry-endpoint",
                `quay.io=http://127.0.0.1:${port}`,
            ],
            dir,
        );
        assert.equal(run.code, 0, run.stderr);
        assert.match(
            run.stdout,
            /warning: not checked upstream: http:\/\/127\.0\.0\.1:\d+ cannot be reached: fetch failed \(ECONNREFUSED\)/,
        );
        assert.equal(
            (
                await runCli(
                    [
                        "check",
                        "wf-one",
                        "--stack",
                        "online",
                        "--online",
                        "--strict",
                        "--registry-endpoint",
                        `quay.io=http://127.0.0.1:${port}`,
                    ],
                    dir,
                )
            ).code,
            1,
        );
    });

    it(
        "the README's pre-run command, run as written against the example workflow (images in the local " +
            "registry), exit 0",
        async () => {
            const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
            const line = readme
                .split("\n")
                .find(l => l.startsWith("$ npx --no-install omics-registry-maps check ") && l.includes("--online"));
            assert.ok(line !== undefined, "README shows check --online before aws omics start-run");
            assert.ok(readme.indexOf(line) < readme.indexOf("$ aws omics start-run"));
            await plain.pushImage("biocontainers/samtools", "1.17--h00cdaf9_0", "amd64");
            await plain.pushIndex("broadinstitute/gatk", "4.6.0.2", ["amd64"]);
            const argv = line.replace(/^\$ npx --no-install omics-registry-maps /, "").split(/\s+/);
            // The only addition: the upstream hosts are pointed at the local registry, so nothing reaches the internet.
            const run = await runCli(
                [
                    ...argv,
                    "--registry-endpoint",
                    `quay.io=${plain.url}`,
                    "--registry-endpoint",
                    `registry-1.docker.io=${plain.url}`,
                ],
                REPO_ROOT,
            );
            assert.equal(run.code, 0, run.stderr + run.stdout);
            assert.match(
                run.stdout,
                /quay\.io\/biocontainers\/samtools:1\.17--h00cdaf9_0\s+ok\s+sha256:[a-f0-9]{64}\s+linux\/amd64/,
            );
            // Docker Hub is asked at registry-1.docker.io: said beneath the row, as it differs from the image
            const gatkRow =
                /^docker\.io\/broadinstitute\/gatk:4\.6\.0\.2\s+ok\s+sha256:[a-f0-9]{64}\s+linux\/amd64\s+\d+\n(.*)$/m;
            assert.equal(
                gatkRow.exec(run.stdout)?.[1],
                "    asked upstream: registry-1.docker.io/broadinstitute/gatk:4.6.0.2",
                run.stdout,
            );
            assert.match(run.stdout, /^2 distinct images checked \(\d+ places?\): 2 ok/m);
        },
    );

    it("bad usage of the online flags: exit 2, every problem at once", async () => {
        const run = await runCli(
            ["check", "wf", "--stack", "online", "--pin", "--write", "other", "--registry-endpoint", "quay.io"],
            dir,
        );
        assert.equal(run.code, 2);
        assert.match(run.stderr, /need --online/);
        assert.match(run.stderr, /--write other needs --stack other/);
        assert.match(run.stderr, /--registry-endpoint "quay\.io": give <host>=<http\(s\) URL>/);
        const concurrency = await runCli(["check", "wf", "--stack", "online", "--online", "--concurrency", "0"], dir);
        assert.equal(concurrency.code, 2);
        assert.match(concurrency.stderr, /--concurrency must be a whole number from 1 to 64/);
    });
});
