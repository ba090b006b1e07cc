// `check` on vendored real pipelines through the real CLI entry (main(argv)), real parsers, the repository's real
// gatk stack file and the program's own validation: imports, roots without workflows, zips, WDL 1.1 URIs, official
// images.
import * as assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { strToU8, zipSync } from "fflate";
import { FIVE_DOLLAR, PIPELINES, UP, WARP, WARP_WGS, WGS_IMPORTS_OUTSIDE } from "../workflow-parsers/pipeline-fixtures";
import { REPO_ROOT, runCli, suiteProjects } from "./run-cli";

const validateReport = new Ajv().compile(
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "test", "workflow-check", "check-report.schema.json"), "utf8")),
);
const ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

interface Report {
    images: {
        file: string;
        line: number;
        image: string;
        reference: string | null;
        status: string;
        resolved: string | null;
        via: string | null;
        findings: { severity: string; message: string; fix: string }[];
    }[];
    warnings: { file: string; line?: number; message: string }[];
    importsOutsideRoot: string[];
    problems: unknown[];
}

describe("cli check on real pipelines (real CLI entry, parsers, gatk stack file)", () => {
    const project = suiteProjects();

    it(
        "warp WGS from its pipeline folder (the issue's command): the tasks it imports are checked, files outside " +
            "the root are listed",
        async () => {
            const table = await runCli(["check", WARP_WGS, "--stack", "gatk"], REPO_ROOT);
            assert.doesNotMatch(table.stdout, /no container references found/);
            // issue 13's row: the image, its status, the resolved URI, then the first place it is written
            assert.match(
                table.stdout,
                new RegExp(
                    `\n {2}us\\.gcr\\.io/broad-gotc-prod/samtools-picard-bwa:\\S+\\s+mapped\\s+\\S+\\s+` +
                        `${UP.replace(/\./g, "\\.")}tasks/wdl/Alignment\\.wdl:116`,
                ),
            );
            assert.match(
                table.stderr,
                new RegExp(
                    /note: 13 imported file\(s\) lie outside .*wgs; the definition zip must carry them \(zip /.source +
                        /from a folder that holds them all\):\n {2}\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/structs\/d/
                            .source +
                        /na_seq\/DNASeqStructs\.wdl\n/.source,
                ),
            );

            const run = await runCli(["check", WARP_WGS, "--stack", "gatk", "--format", "json"], REPO_ROOT);
            const report = JSON.parse(run.stdout) as Report;
            assert.ok(validateReport(report), JSON.stringify(validateReport.errors));
            assert.deepEqual(report.importsOutsideRoot, WGS_IMPORTS_OUTSIDE);
            assert.deepEqual(report.problems, []);
            assert.ok(report.images.length >= 50);
            // The gatk stack maps us.gcr.io; what it does not map are the Azure branches of `if cloud_provider ==
            // "gcp"`.
            const unmapped = report.images.filter(i => i.status !== "mapped");
            assert.ok(
                unmapped.length > 0 &&
                    unmapped.every(i => /^(dsppipelinedev|terrapublic)\.azurecr\.io\//.test(i.reference ?? "")),
                JSON.stringify(unmapped),
            );
            assert.equal(run.code, 1);
        },
    );

    it("a missing import: the import named on stderr, exit 2, --strict or not", async () => {
        const dir = project({});
        fs.copyFileSync(
            path.join(WARP_WGS, "WholeGenomeGermlineSingleSample.wdl"),
            path.join(dir, "WholeGenomeGermlineSingleSample.wdl"),
        );
        for (const strict of [[], ["--strict"]]) {
            const run = await runCli(["check", dir, "--stack", "gatk", ...strict], REPO_ROOT);
            assert.equal(run.code, 2, run.stderr);
            assert.match(
                run.stderr,
                new RegExp(
                    /WholeGenomeGermlineSingleSample\.wdl:35: .*import "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/t/.source +
                        /asks\/wdl\/Utilities\.wdl" not found/.source,
                ),
            );
        }
    });

    it("gatk-workflows five-dollar: https:// imports are warnings on stderr (exit 0), and fail --strict", async () => {
        const run = await runCli(["check", FIVE_DOLLAR, "--stack", "gatk"], REPO_ROOT);
        assert.equal(run.code, 0, run.stderr);
        assert.match(
            run.stderr,
            new RegExp(
                /warning: WholeGenomeGermlineSingleSample\.wdl:42: import "https:\/\/raw\.githubusercontent/.source +
                    /\.com\/.*\/tasks\/UnmappedBamToAlignedBam\.wdl" is remote: not followed/.source,
            ),
        );
        assert.equal((await runCli(["check", FIVE_DOLLAR, "--stack", "gatk", "--strict"], REPO_ROOT)).code, 1);
    });

    it("a folder or a zip with no workflow file: exit 2 with a clear message, --strict or not", async () => {
        const dir = project({});
        fs.mkdirSync(path.join(dir, "empty"));
        fs.writeFileSync(path.join(dir, "empty", "README.md"), 'runtime { docker: "ubuntu" }\n');
        const zip = path.join(dir, "empty.zip");
        fs.writeFileSync(zip, zipSync({ "README.md": strToU8("nothing\n") }));
        for (const root of [path.join(dir, "empty"), zip]) {
            for (const strict of [[], ["--strict"]]) {
                const run = await runCli(["check", root, "--stack", "gatk", ...strict], REPO_ROOT);
                assert.equal(run.code, 2, run.stderr);
                assert.match(
                    run.stderr,
                    /check: No workflow file in .*: no \.wdl, \.nf, nextflow\.config or CWL document/,
                );
                assert.equal(run.stdout, "");
            }
        }
    });

    it(
        "a zip with a '..' entry or one that declares more " + "than the limit: refused, exit 2, nothing inflated",
        async () => {
            const dir = project({});
            const slip = path.join(dir, "slip.zip");
            fs.writeFileSync(
                slip,
                zipSync({ "main.wdl": strToU8("version 1.0\n"), "../../outside.wdl": strToU8("version 1.0\n") }),
            );
            const run = await runCli(["check", slip, "--stack", "gatk"], REPO_ROOT);
            assert.equal(run.code, 2);
            assert.match(
                run.stderr,
                /check: workflow zip .*slip\.zip refused: entry "\.\.\/\.\.\/outside\.wdl" has a '\.\.' path segment/,
            );
            const big = path.join(dir, "big.zip");
            const bytes = Buffer.from(zipSync({ "main.wdl": strToU8("version 1.0\n") }));
            const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
            bytes.writeUInt32LE(0xfffffff0, central + 24);
            fs.writeFileSync(big, bytes);
            const refused = await runCli(["check", big, "--stack", "gatk"], REPO_ROOT);
            assert.equal(refused.code, 2);
            assert.match(
                refused.stderr,
                new RegExp(
                    /refused: entry "main\.wdl" would inflate to 4096 MiB, past the limit of 100 MiB per file/.source +
                        / \(nothing was inflated\)/.source,
                ),
            );
        },
    );

    it(
        "WDL 1.1 spec's test_containers.wdl: the https:// entry is " +
            "ignored, not invalid; a container of such URIs only is an error",
        async () => {
            const run = await runCli(
                ["check", path.join(PIPELINES, "openwdl-wdl"), "--stack", "gatk", "--format", "json"],
                REPO_ROOT,
            );
            const report = JSON.parse(run.stdout) as Report;
            assert.ok(validateReport(report), JSON.stringify(validateReport.errors));
            const https = report.images.find(i => i.image === "https://gcr.io/standard-images/ubuntu:latest");
            assert.ok(https);
            assert.deepEqual([https.status, https.findings], ["ignored", []]);
            assert.ok(report.images.every(i => i.status !== "invalid"));
            assert.equal(run.code, 0, run.stderr);

            const dir = project({});
            fs.mkdirSync(path.join(dir, "wf"));
            fs.writeFileSync(
                path.join(dir, "wf", "only.wdl"),
                'version 1.1\ntask T {\n  command <<< true >>>\n  runtime { container: ["https://gcr.io/standard-images/ubuntu:latest"] }\n}\n',
            );
            fs.writeFileSync(
                path.join(dir, "wf", "docker.wdl"),
                'version 1.1\ntask D {\n  command <<< true >>>\n  runtime { container: "docker://quay.io/biocontainers/samtools:1.17--h00cdaf9_0" }\n}\n',
            );
            const only = await runCli(
                ["check", path.join(dir, "wf"), "--stack", "gatk", "--format", "json"],
                REPO_ROOT,
            );
            const images = (JSON.parse(only.stdout) as Report).images;
            assert.deepEqual(
                images.map(i => [i.file, i.status, i.resolved]),
                [
                    ["docker.wdl", "mapped", `${ECR}/quay/biocontainers/samtools:1.17--h00cdaf9_0`],
                    ["only.wdl", "ignored", null],
                ],
            );
            assert.equal(images[1].findings[0].severity, "error");
            assert.match(
                images[1].findings[0].message,
                new RegExp(
                    /an engine ignores a URI whose protocol it does not support .*WDL 1\.1 SPEC\.md.*this contain/
                        .source + /er names no other image, so the task would fail/.source,
                ),
            );
            assert.equal(only.code, 1);
        },
    );

    it(
        "warp's ubuntu:20.04 (tasks/wdl/Utilities.wdl:222) resolves under library/ with a warning; an image mapping " +
            "makes it certain",
        async () => {
            const run = await runCli(
                ["check", path.join(WARP, "tasks", "wdl"), "--stack", "gatk", "--format", "json"],
                REPO_ROOT,
            );
            const ubuntu = (JSON.parse(run.stdout) as Report).images.find(
                i => i.file === "Utilities.wdl" && i.line === 222,
            );
            assert.ok(ubuntu);
            assert.deepEqual(
                [ubuntu.image, ubuntu.status, ubuntu.resolved, ubuntu.via],
                ["ubuntu:20.04", "mapped", `${ECR}/docker-hub/library/ubuntu:20.04`, "registryMapping"],
            );
            assert.deepEqual(
                ubuntu.findings.map(f => f.severity),
                ["warning"],
            );
            assert.match(
                ubuntu.findings[0].message,
                /AWS documents nothing on how HealthOmics treats a Docker Hub official image written without library\//,
            );
            assert.match(
                ubuntu.findings[0].fix,
                new RegExp(
                    /write it as library\/ubuntu:20\.04\nor add to Pulumi\.gatk\.yaml:\nomics-registry-maps:i/.source +
                        /mageMappings:\n {2}- sourceImage: ubuntu:20\.04\n {4}destinationImage: docker-hub\/libra/
                            .source +
                        /ry\/ubuntu:20\.04/.source,
                ),
            );

            const map = path.join(project({}), "map.json");
            fs.writeFileSync(
                map,
                JSON.stringify({
                    registryMappings: [
                        { upstreamRegistryUrl: "registry-1.docker.io", ecrRepositoryPrefix: "docker-hub" },
                    ],
                    imageMappings: [
                        { sourceImage: "ubuntu:20.04", destinationImage: `${ECR}/docker-hub/library/ubuntu:20.04` },
                    ],
                }),
            );
            const mapped = await runCli(
                ["check", path.join(WARP, "tasks", "wdl"), "--map", map, "--format", "json"],
                REPO_ROOT,
            );
            const certain = (JSON.parse(mapped.stdout) as Report).images.find(
                i => i.file === "Utilities.wdl" && i.line === 222,
            );
            assert.ok(certain);
            assert.deepEqual(
                [certain.via, certain.resolved, certain.findings],
                ["imageMapping", `${ECR}/docker-hub/library/ubuntu:20.04`, []],
            );
        },
    );
});
