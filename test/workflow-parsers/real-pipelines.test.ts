// scanWorkflow on vendored real pipelines (warp, gatk-workflows, the WDL 1.1 spec's example): real tokenizer, parser,
// import following and resolver, on the files as upstream wrote them. Only the scan is exercised here.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { scanWorkflow } from "../../workflow-parsers";
import { FIVE_DOLLAR, PIPELINES, UP, WARP_WGS, WGS_IMPORTS_OUTSIDE } from "./pipeline-fixtures";
import { removeTempDirs, tempDir } from "./temp-tree";

describe("workflow-parsers: real pipelines (warp, gatk-workflows, WDL 1.1 spec)", () => {
    after(removeTempDirs);

    it(
        "warp WGS from its pipeline folder: follows ../../../../../../tasks imports and lists the files outside " +
            "the root",
        async () => {
            const scan = await scanWorkflow(WARP_WGS);
            assert.deepEqual(scan.problems, []);
            assert.deepEqual(scan.warnings, []);
            assert.deepEqual(scan.outsideRoot, WGS_IMPORTS_OUTSIDE);
            assert.equal(scan.files, 1 + WGS_IMPORTS_OUTSIDE.length);
            const at = (file: string, line: number) => scan.references.filter(r => r.file === file && r.line === line);
            // tasks/wdl/Alignment.wdl:116 `docker: "us.gcr.io/broad-gotc-prod/samtools-picard-bwa:..."` (a literal)
            assert.deepEqual(
                at(`${UP}tasks/wdl/Alignment.wdl`, 116).map(r => r.value),
                ["us.gcr.io/broad-gotc-prod/samtools-picard-bwa:1.0.2-0.7.15-2.26.10-1643840748"],
            );
            // tasks/wdl/Utilities.wdl:222 `docker: "ubuntu:20.04"`, the official image of point 8
            assert.deepEqual(
                at(`${UP}tasks/wdl/Utilities.wdl`, 222).map(r => r.value),
                ["ubuntu:20.04"],
            );
            // VariantCalling.wdl:57 `String picard_cloud_docker = if cloud_provider == "gcp" then
            // picard_cloud_docker_gcp else picard_cloud_docker_azure`, passed down to GermlineVariantDiscovery.wdl:201:
            // both branches, each marked with its condition and the expression it was chosen from.
            const ifThen = 'if cloud_provider == "gcp" then picard_cloud_docker_gcp else picard_cloud_docker_azure';
            assert.deepEqual(
                at(`${UP}tasks/wdl/GermlineVariantDiscovery.wdl`, 201).map(r => [r.value, r.condition, r.expression]),
                [
                    ["us.gcr.io/broad-gotc-prod/picard-cloud:2.26.10", 'cloud_provider == "gcp"', ifThen],
                    ["dsppipelinedev.azurecr.io/picard-cloud:2.26.10", '!(cloud_provider == "gcp")', ifThen],
                ],
            );
            // BamProcessing.wdl:51 gets the same if from one caller and the GCP image as a plain default from another:
            // the GCP image is needed whatever the condition, so it is one reference without one.
            assert.deepEqual(
                at(`${UP}tasks/wdl/BamProcessing.wdl`, 51).map(r => [r.value, r.condition]),
                [
                    ["dsppipelinedev.azurecr.io/picard-cloud:2.26.10", '!(cloud_provider == "gcp")'],
                    ["us.gcr.io/broad-gotc-prod/picard-cloud:2.26.10", undefined],
                ],
            );
            assert.ok(scan.references.length >= 50, `only ${scan.references.length} references`);
            assert.ok(
                scan.references.every(r => r.value !== null),
                JSON.stringify(scan.references.filter(r => r.value === null)),
            );
        },
    );

    it(
        "warp WGS without the files it imports: each missing " + "import is a problem naming the import and its line",
        async () => {
            const root = tempDir();
            fs.copyFileSync(
                path.join(WARP_WGS, "WholeGenomeGermlineSingleSample.wdl"),
                path.join(root, "WholeGenomeGermlineSingleSample.wdl"),
            );
            const scan = await scanWorkflow(root);
            assert.equal(scan.problems.length, 7);
            assert.deepEqual(scan.problems[0], {
                file: "WholeGenomeGermlineSingleSample.wdl",
                line: 31,
                message:
                    `import "${UP}tasks/wdl/UnmappedBamToAlignedBam.wdl" not found: ` +
                    `no file ${UP}tasks/wdl/UnmappedBamToAlignedBam.wdl ` +
                    "(imports are read relative to the importing file)",
            });
            assert.deepEqual(
                scan.problems.map(p => p.line),
                [31, 32, 33, 34, 35, 36, 37],
            );
        },
    );

    it("gatk-workflows five-dollar pipeline: https:// imports are warnings, not followed; its local tasks are still scanned", async () => {
        const scan = await scanWorkflow(FIVE_DOLLAR);
        assert.deepEqual(scan.problems, []);
        assert.deepEqual(scan.outsideRoot, []);
        const main = scan.warnings.filter(w => w.file === "WholeGenomeGermlineSingleSample.wdl");
        assert.deepEqual(
            main.map(w => w.line),
            [42, 43, 44, 45, 46, 47, 48, 49],
        );
        assert.equal(
            main[0].message,
            'import "https://raw.githubusercontent.com/gatk-workflows/five-dollar-genome-analysis-pipeline/1.2.0/tasks/UnmappedBamToAlignedBam.wdl" is remote: not followed, so the containers of the tasks it brings in are not checked; copy the file into the workflow and import it by a relative path to have them checked',
        );
        assert.equal(scan.warnings.length, 27);
        assert.ok(
            scan.references.some(
                r => r.file === "tasks/Alignment.wdl" && r.value?.startsWith("us.gcr.io/broad-gotc-prod/"),
            ),
        );
    });

    it("WDL 1.1 spec example test_containers.wdl: the https:// entry is marked as ignored, with the other entry left to serve", async () => {
        const scan = await scanWorkflow(path.join(PIPELINES, "openwdl-wdl"));
        assert.deepEqual(scan.problems, []);
        assert.deepEqual(
            scan.references.map(r => [r.line, r.value, r.ignoredProtocol, r.otherEntries]),
            [
                [11, "ubuntu:latest", undefined, undefined],
                [23, "ubuntu:latest", undefined, undefined],
                [23, "https://gcr.io/standard-images/ubuntu:latest", "https", 1],
            ],
        );
    });
});
