// `check` through the real CLI entry (main(argv)), real parsers, real stack files and the program's own validation.
import * as assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { REPO_ROOT, runCli, suiteProjects } from "./run-cli";

const EXAMPLE = path.join(REPO_ROOT, "examples", "genomics-workflow");
const FIXTURES = path.join(REPO_ROOT, "test", "workflow-check", "fixtures");
const validateReport = new Ajv().compile(
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "test", "workflow-check", "check-report.schema.json"), "utf8")),
);

describe("cli check (real CLI entry, parsers, stack files)", () => {
    const project = suiteProjects();

    it(
        "the README's first command: the guide example against " + "the dev stack, on a machine without AWS (exit 0)",
        async () => {
            const run = await runCli(["check", "examples/genomics-workflow", "--stack", "dev"], REPO_ROOT);
            assert.equal(run.code, 0, run.stderr);
            // one row per distinct image: normalized reference, status, resolved URI, first place (issue 13's columns)
            assert.match(
                run.stdout,
                new RegExp(
                    /\n {2}quay\.io\/biocontainers\/samtools:1\.17--h00cdaf9_0\s+mapped\s+123456789012\.dkr/.source +
                        /\.ecr\.us-east-1\.amazonaws\.com\/quay\/biocontainers\/samtools:1\.17--h00cdaf9_0\s+geno/
                            .source +
                        /mics-workflow\.wdl:\d+\n/.source,
                ),
            );
            assert.match(
                run.stdout,
                new RegExp(
                    /\n {2}docker\.io\/broadinstitute\/gatk:4\.6\.0\.2\s+mapped\s+123456789012\.dkr\.ecr\.us-/.source +
                        /east-1\.amazonaws\.com\/docker-hub\/broadinstitute\/gatk:4\.6\.0\.2\s+genomics-workflow/
                            .source +
                        /\.wdl:\d+\n/.source,
                ),
            );
            assert.match(run.stderr, /placeholder/);
            assert.match(run.stderr, /dockerHubCredentials is not set/);
            assert.ok(!run.stdout.includes("\u001b["), "no colour when stdout is not a terminal");
        },
    );

    it("--format json prints exactly the report shape; --account goes into resolved URIs", async () => {
        const run = await runCli(
            ["check", EXAMPLE, "--stack", "dev", "--account", "210987654321", "--format", "json"],
            REPO_ROOT,
        );
        assert.equal(run.code, 0, run.stderr);
        const report = JSON.parse(run.stdout) as { images: { resolved: string }[] };
        assert.ok(validateReport(report), JSON.stringify(validateReport.errors));
        assert.ok(report.images.every(i => i.resolved.startsWith("210987654321.dkr.ecr.us-east-1.amazonaws.com/")));
        assert.doesNotMatch(run.stderr, /placeholder/);
    });

    it("exit 1 when a run would fail; warnings alone give 0, or 1 with --strict", async () => {
        const failing = await runCli([
            "check",
            path.join(FIXTURES, "cwl-tool"),
            "--map",
            writeMap({ registryMappings: [{ upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" }] }),
        ]);
        assert.equal(failing.code, 1, failing.stderr);
        assert.match(failing.stdout, /\npublic\.ecr\.aws: 1 image needs it; served by ECR pull-through cache\n/);
        const warningsOnly = project({});
        fs.mkdirSync(path.join(warningsOnly, "wf"));
        fs.writeFileSync(
            path.join(warningsOnly, "wf", "t.wdl"),
            "version 1.0\ntask T {\n  command <<< true >>>\n  runtime { docker: " +
                '"quay.io/biocontainers/samtools:latest" }\n}\n',
        );
        const map = writeMap({ registryMappings: [{ upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" }] });
        assert.equal((await runCli(["check", path.join(warningsOnly, "wf"), "--map", map])).code, 0);
        assert.equal((await runCli(["check", path.join(warningsOnly, "wf"), "--map", map, "--strict"])).code, 1);
    });

    it("exit 2 for bad usage and bad input", async () => {
        const map = writeMap({ registryMappings: [] });
        const cases: [string[], RegExp][] = [
            [["check", EXAMPLE], /--map <file\.json> or --stack <name>/],
            [["check", "no/such/workflow", "--map", map], /workflow not found: no\/such\/workflow/],
            [["check", EXAMPLE, "--map", writeText("{not json")], /not valid JSON/],
            [
                ["check", EXAMPLE, "--map", writeMap({ registryMappings: [{ upstreamRegistryUrl: "quay.io" }] })],
                /registryMappings\/0 must have required property 'ecrRepositoryPrefix'/,
            ],
            [["check", EXAMPLE, "--map", map, "--stack", "dev"], /cannot be used with option/],
            [["check", EXAMPLE, "--stack", "dev", "--format", "xml"], /Allowed choices are table, json/],
            [["check", EXAMPLE, "--stack", "dev", "--account", "12345"], /--account must be a 12-digit AWS account id/],
            [["check", EXAMPLE, "--stack", "nosuchstack"], /Pulumi\.nosuchstack\.yaml: no such file/],
        ];
        for (const [argv, message] of cases) {
            const run = await runCli(argv, REPO_ROOT);
            assert.equal(run.code, 2, `${argv.join(" ")}: ${run.stderr}`);
            assert.match(run.stderr, message, argv.join(" "));
        }
    });

    it("a malformed workflow file: reported on stderr and in JSON, the rest checked, exit 2", async () => {
        const run = await runCli(
            ["check", path.join(FIXTURES, "wdl-every-finding"), "--stack", "dev", "--format", "json"],
            REPO_ROOT,
        );
        assert.equal(run.code, 2);
        assert.match(run.stderr, /error: broken\.wdl:3: cannot be parsed/);
        const report = JSON.parse(run.stdout) as { images: unknown[]; problems: { file: string }[] };
        assert.equal(report.images.length, 8);
        assert.deepEqual(
            report.problems.map(p => p.file),
            ["broken.wdl"],
        );
    });

    it("a bad stack config: exit 2 with the program's messages", async () => {
        const dir = project({
            "Pulumi.bad.yaml":
                "config:\n  aws:region: us-east-1\n  omics-registry-maps:registries:\n    - upstreamRegistryUrl: " +
                "quay.io\n      ecrRepositoryPrefix: Quay_IO\n  omics-registry-maps:workflowBuckets: " +
                "[omics-workflow-data-test]\n",
        });
        const run = await runCli(["check", EXAMPLE, "--stack", "bad", "--project", dir]);
        assert.equal(run.code, 2);
        assert.match(
            run.stderr,
            new RegExp(
                /1 configuration error in stack config; no resources were declared:\n {2}- omics-registry-map/.source +
                    /s:registries\[0\]\.ecrRepositoryPrefix: "Quay_IO" is not a valid ECR repository prefix/.source,
            ),
        );
    });

    it("fixes name the stack file and are YAML entries for it", async () => {
        const dir = project({
            "Pulumi.quayonly.yaml":
                "config:\n  aws:region: eu-west-1\n  omics-registry-maps:registries:\n    - upstreamRegistryUrl: " +
                "quay.io\n      ecrRepositoryPrefix: quay\n  omics-registry-maps:workflowBuckets: " +
                "[omics-workflow-data-test]\n",
        });
        const run = await runCli(["check", EXAMPLE, "--stack", "quayonly", "--project", dir, "--format", "json"]);
        assert.equal(run.code, 1, run.stderr);
        const gatk = (
            JSON.parse(run.stdout) as { images: { image: string; findings: { fix: string }[] }[] }
        ).images.find(i => i.image.startsWith("broadinstitute/"));
        assert.ok(gatk);
        assert.match(
            gatk.findings[0].fix,
            new RegExp(
                /^add to Pulumi\.quayonly\.yaml:\nomics-registry-maps:registries:\n {2}- upstreamRegistryUrl:/.source +
                    / registry-1\.docker\.io\n {4}ecrRepositoryPrefix: docker-hub\n {4}credentials:\n {6}secretCo/
                        .source +
                    /nfigKey: dockerHubCredentials/.source,
            ),
        );
    });

    function writeText(text: string): string {
        const dir = project({});
        const file = path.join(dir, "map.json");
        fs.writeFileSync(file, text);
        return file;
    }

    function writeMap(map: unknown): string {
        return writeText(JSON.stringify(map));
    }
});
