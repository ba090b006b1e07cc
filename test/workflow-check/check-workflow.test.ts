// The check engine end to end: real workflow parsers over fixture trees (and a zip), real resolution rules, a map given
// as JSON.
import * as assert from "assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv from "ajv";
import { zipSync } from "fflate";
import { ContainerRegistryMapJson } from "../../policy-pack/rules/image-resolution";
import { checkWorkflow, exitCodeFor } from "../../workflow-check/check-workflow";
import { formatTable } from "../../workflow-check/format-table";
import { checkWorkflowsForPreview } from "../../workflow-check/preview";
import { CheckReport, ImageResult } from "../../workflow-check/types";

const FIXTURES = path.join(__dirname, "fixtures");
const EXAMPLE = path.join(__dirname, "..", "..", "examples", "genomics-workflow");
const LOCATION = { account: "123456789012", region: "us-east-1", partition: "aws" };
const ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

/** The dev stack's map as deployed (registries docker-hub with docker.io, quay, ecr-public; two image mappings). */
const DEV_MAP: ContainerRegistryMapJson = {
    registryMappings: [
        { upstreamRegistryUrl: "registry-1.docker.io", ecrRepositoryPrefix: "docker-hub" },
        { upstreamRegistryUrl: "docker.io", ecrRepositoryPrefix: "docker-hub" },
        { upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" },
        { upstreamRegistryUrl: "public.ecr.aws", ecrRepositoryPrefix: "ecr-public" },
    ],
    imageMappings: [
        { sourceImage: "ubuntu", destinationImage: `${ECR}/docker-hub/library/ubuntu:latest` },
        {
            sourceImage: "quay.io/biocontainers/bwa:0.7.17--hed695b0_7",
            destinationImage: `${ECR}/quay/biocontainers/bwa:0.7.17--hed695b0_7`,
        },
    ],
};

const validateReport = new Ajv({ allErrors: true }).compile(
    JSON.parse(fs.readFileSync(path.join(__dirname, "check-report.schema.json"), "utf8")),
);

function at(report: CheckReport, file: string, line: number): ImageResult {
    const image = report.images.find(i => i.file === file && i.line === line);
    assert.ok(image, `no image at ${file}:${line}; found ${report.images.map(i => `${i.file}:${i.line}`).join(", ")}`);
    return image;
}

describe("check engine (real parsers and rules)", () => {
    let everyFinding: CheckReport;
    before(async () => {
        everyFinding = await checkWorkflow(path.join(FIXTURES, "wdl-every-finding"), DEV_MAP, LOCATION);
    });

    it("the guide's WDL example resolves both images, as the guide says", async () => {
        const report = await checkWorkflow(EXAMPLE, DEV_MAP, LOCATION);
        assert.deepEqual(
            report.images.map(i => [i.image, i.status, i.resolved, i.via]),
            [
                [
                    "quay.io/biocontainers/samtools:1.17--h00cdaf9_0",
                    "mapped",
                    `${ECR}/quay/biocontainers/samtools:1.17--h00cdaf9_0`,
                    "registryMapping",
                ],
                [
                    "broadinstitute/gatk:4.6.0.2",
                    "mapped",
                    `${ECR}/docker-hub/broadinstitute/gatk:4.6.0.2`,
                    "registryMapping",
                ],
            ],
        );
        assert.equal(exitCodeFor(report, true), 0);
    });

    it("the report has exactly the issue's JSON shape", () => {
        const roundTripped: unknown = JSON.parse(JSON.stringify(everyFinding));
        assert.ok(validateReport(roundTripped), JSON.stringify(validateReport.errors));
        // issue 7's keys in its order, then issue 13's inVerdict (a plain literal has no expression, profiles or
        // condition)
        assert.deepEqual(Object.keys(everyFinding.images[0]), [
            "file",
            "line",
            "language",
            "image",
            "reference",
            "pinned",
            "resolved",
            "via",
            "status",
            "findings",
            "inVerdict",
        ]);
    });

    it("every finding kind, with its severity and status", () => {
        const kinds = (image: ImageResult) => image.findings.map(f => f.severity);
        // Issue 12 point 8: an official image without library/ resolves under library/, with a warning (was an error).
        const official = at(everyFinding, "main.wdl", 18);
        assert.equal(official.status, "mapped");
        assert.equal(official.resolved, `${ECR}/docker-hub/library/ubuntu:22.04`);
        assert.deepEqual(kinds(official), ["warning"]);
        assert.match(
            official.findings[0].message,
            /without library\/: resolved as .*docker-hub\/library\/ubuntu:22\.04.*AWS documents nothing/,
        );
        assert.match(official.findings[0].fix, /write it as library\/ubuntu:22\.04/);

        const unmapped = at(everyFinding, "main.wdl", 23);
        assert.equal(unmapped.status, "unmapped");
        assert.match(unmapped.findings[0].message, /no mapping for host ghcr\.io/);
        assert.match(
            unmapped.findings[0].fix,
            new RegExp(
                String.raw`upstreamRegistryUrl: ghcr\.io\n\s+ecrRepositoryPrefix: ` +
                    String.raw`ghcr\n\s+credentials:\n\s+secretConfigKey: ghcrCredentials`,
            ),
        );

        const unservable = at(everyFinding, "main.wdl", 28);
        assert.equal(unservable.status, "unmapped");
        assert.match(
            unservable.findings[0].message,
            /registry\.example\.org can be served neither by ECR pull-through cache .* nor by HealthOmics copy/,
        );

        const unpinned = at(everyFinding, "main.wdl", 33);
        assert.equal(unpinned.status, "mapped");
        assert.equal(unpinned.pinned, "unpinned");
        assert.deepEqual(kinds(unpinned), ["warning"]);

        const dynamic = at(everyFinding, "main.wdl", 41);
        assert.equal(dynamic.status, "unresolvable");
        assert.equal(dynamic.reference, null);
        assert.equal(dynamic.pinned, null);
        assert.deepEqual(kinds(dynamic), ["warning"]);
        assert.match(dynamic.findings[0].message, /computed at run time \(.*tag.*\)/);

        const invalid = at(everyFinding, "main.wdl", 46);
        assert.equal(invalid.status, "invalid");
        assert.deepEqual(kinds(invalid), ["error"]);
        assert.match(invalid.findings[0].message, /must be lowercase/);

        const viaImageMapping = at(everyFinding, "main.wdl", 51);
        assert.equal(viaImageMapping.via, "imageMapping");
        assert.deepEqual(viaImageMapping.findings, []);

        assert.deepEqual(everyFinding.summary, {
            images: 8,
            distinct: 8,
            excluded: 0,
            mapped: 4,
            unmapped: 2,
            unresolvable: 1,
            unpinned: 1,
        });
    });

    it("a malformed file is reported for that file and the rest is still checked (exit 2)", () => {
        assert.equal(everyFinding.problems.length, 1);
        assert.equal(everyFinding.problems[0].file, "broken.wdl");
        assert.ok(everyFinding.images.length > 0);
        assert.equal(exitCodeFor(everyFinding, false), 2);
    });

    it("exit codes: 1 when a run would fail, warnings only fail with strict", () => {
        const failing = { ...everyFinding, problems: [] };
        assert.equal(exitCodeFor(failing, false), 1);
        const warningsOnly = {
            ...failing,
            images: failing.images.filter(i => i.findings.every(f => f.severity === "warning")),
        };
        assert.ok(warningsOnly.images.some(i => i.findings.length > 0));
        assert.equal(exitCodeFor(warningsOnly, false), 0);
        assert.equal(exitCodeFor(warningsOnly, true), 1);
    });

    it(
        "Nextflow: docker.registry qualifies biocontainers/... " + "as quay.io (nf-core ternary, withName selector)",
        async () => {
            const report = await checkWorkflow(path.join(FIXTURES, "nextflow-registry"), DEV_MAP, LOCATION);
            assert.deepEqual(
                report.images.map(i => [i.file, i.reference, i.resolved]),
                [
                    [
                        "modules/samtools_sort.nf",
                        "quay.io/biocontainers/samtools:1.21--h50ea8bc_0",
                        `${ECR}/quay/biocontainers/samtools:1.21--h50ea8bc_0`,
                    ],
                    ["nextflow.config", "quay.io/multiqc/multiqc:v1.25", `${ECR}/quay/multiqc/multiqc:v1.25`],
                ],
            );
        },
    );

    it("CWL: dockerPull in requirements and hints, ECR Public and docker.io forms", async () => {
        const report = await checkWorkflow(path.join(FIXTURES, "cwl-tool"), DEV_MAP, LOCATION);
        assert.deepEqual(
            report.images.map(i => i.resolved),
            [
                `${ECR}/ecr-public/biocontainers/bwa:0.7.17--hed695b0_7`,
                `${ECR}/docker-hub/biocontainers/bwa:v0.7.17_cv1`,
            ],
        );
        const withoutDockerIo = {
            ...DEV_MAP,
            registryMappings: (DEV_MAP.registryMappings ?? []).filter(m => m.upstreamRegistryUrl !== "docker.io"),
        };
        const strictHost = await checkWorkflow(path.join(FIXTURES, "cwl-tool"), withoutDockerIo, LOCATION);
        assert.equal(strictHost.images[1].status, "unmapped");
        assert.match(strictHost.images[1].findings[0].fix, /additionalHosts:\n\s+- docker\.io/);
    });

    it("a .zip as given to create-workflow --definition-zip gives the same report as the directory", async () => {
        const dir = path.join(FIXTURES, "wdl-every-finding");
        const zip = zipSync(
            Object.fromEntries(
                fs.readdirSync(dir).map(name => [`workflow/${name}`, fs.readFileSync(path.join(dir, name))]),
            ),
        );
        const zipPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "check-zip-")), "workflow.zip");
        fs.writeFileSync(zipPath, zip);
        try {
            const fromZip = await checkWorkflow(zipPath, DEV_MAP, LOCATION);
            assert.deepEqual(
                fromZip.images.map(i => ({ ...i, file: i.file.replace(/^workflow\//, "") })),
                everyFinding.images,
            );
            assert.equal(fromZip.problems[0].file, "workflow/broken.wdl");
        } finally {
            fs.rmSync(path.dirname(zipPath), { recursive: true, force: true });
        }
    });

    it("map-json fixes use full ECR URIs", async () => {
        const report = await checkWorkflow(path.join(FIXTURES, "wdl-every-finding"), DEV_MAP, LOCATION, {
            fixStyle: "map-json",
        });
        assert.match(
            at(report, "main.wdl", 18).findings[0].fix,
            new RegExp(`"destinationImage":"${ECR.replace(/\./g, "\\.")}/docker-hub/library/ubuntu:22\\.04"`),
        );
        assert.match(
            at(report, "main.wdl", 23).findings[0].fix,
            new RegExp(
                String.raw`^add to registryMappings in the map:\n\{\n {2}"upstreamRegistryUrl": "ghcr\.io",\n {2}` +
                    String.raw`"ecrRepositoryPrefix": "ghcr"\n\}\nand an ECR pull-through cache rule for prefix ghcr ` +
                    String.raw`from ghcr\.io, with a Secrets Manager secret named ecr-pullthroughcache\/ghcr holding ` +
                    String.raw`\{username, accessToken\}`,
            ),
        );
    });

    it("the table names every image and finding, without colour unless asked", () => {
        const table = formatTable(everyFinding, { color: false });
        assert.ok(!table.includes("\u001b["), "no colour");
        assert.match(table, /\n {2}ghcr\.io\/broadinstitute\/tool:1\.0\s+unmapped\s+-\s+main\.wdl:23\n/);
        assert.match(
            table,
            /\nghcr\.io: 1 image needs it; served by ECR pull-through cache\n {2}add to the stack file:\n/,
        );
        assert.match(table, /error: broken\.wdl:3: cannot be parsed/);
        assert.ok(formatTable(everyFinding, { color: true }).includes("\u001b[31munmapped"), "red status with colour");
    });

    it("preview: errors for images that would not resolve and for unreadable workflows, warnings apart", async () => {
        const result = await checkWorkflowsForPreview(["wdl-every-finding", "no-such-workflow"], DEV_MAP, LOCATION, {
            baseDir: FIXTURES,
        });
        assert.ok(
            result.errors.some(e =>
                e.startsWith(
                    "wdl-every-finding/main.wdl:23: ghcr.io/broadinstitute/tool:1.0: no mapping for host ghcr.io",
                ),
            ),
        );
        assert.ok(result.errors.some(e => e.startsWith("wdl-every-finding/broken.wdl:3: cannot be parsed")));
        assert.ok(result.errors.some(e => e.startsWith("no-such-workflow: ")));
        assert.ok(result.warnings.some(w => w.includes("main.wdl:33") && w.includes("not pinned")));
        const clean = await checkWorkflowsForPreview([EXAMPLE], DEV_MAP, LOCATION);
        assert.deepEqual(clean, { errors: [], warnings: [] });
    });
});
