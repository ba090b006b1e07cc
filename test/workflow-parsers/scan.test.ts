// scanWorkflow over whole roots: a mixed directory, a definition .zip built with fflate, skipped folders, bad roots,
// progress.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { strToU8, zipSync } from "fflate";
import { scanWorkflow } from "../../workflow-parsers";
import { removeTempDirs, tempDir, writeTree } from "./temp-tree";

const MIXED = {
    "main.wdl":
        "version 1.0\ntask T {\n  command <<< >>>\n  runtime {\n" +
        '    docker: "quay.io/biocontainers/samtools:1.17--h00cdaf9_0"\n  }\n}\n',
    "nf/main.nf": "process P {\n    container 'biocontainers/fastqc:0.12.1--hdfd78af_0'\n    'true'\n}\n",
    "nf/nextflow.config": "docker.registry = 'quay.io'\n",
    "cwl/tool.cwl":
        "cwlVersion: v1.2\nclass: CommandLineTool\nrequirements:\n  - $import: docker.yml\ninputs: []\noutputs: []\n",
    "cwl/docker.yml": "class: DockerRequirement\ndockerPull: broadinstitute/gatk:4.5.0.0\n",
    "README.md": "docker: not/scanned:1\n",
};

const EXPECTED = [
    {
        file: "cwl/docker.yml",
        line: 2,
        language: "cwl",
        image: "broadinstitute/gatk:4.5.0.0",
        value: "broadinstitute/gatk:4.5.0.0",
    },
    {
        file: "main.wdl",
        line: 5,
        language: "wdl",
        image: '"quay.io/biocontainers/samtools:1.17--h00cdaf9_0"',
        value: "quay.io/biocontainers/samtools:1.17--h00cdaf9_0",
    },
    {
        file: "nf/main.nf",
        line: 2,
        language: "nextflow",
        image: "'biocontainers/fastqc:0.12.1--hdfd78af_0'",
        value: "biocontainers/fastqc:0.12.1--hdfd78af_0",
        defaultRegistry: "quay.io",
    },
];

function tempFile(name: string, data: Uint8Array | string): string {
    const file = path.join(tempDir(), name);
    fs.writeFileSync(file, data);
    return file;
}

describe("workflow-parsers: scanWorkflow", () => {
    after(removeTempDirs);

    it("scans a mixed WDL/Nextflow/CWL directory and only workflow files", async () => {
        const scan = await scanWorkflow(writeTree(MIXED));
        assert.deepEqual(scan, { references: EXPECTED, problems: [], warnings: [], outsideRoot: [], files: 4 });
    });

    it("scans a definition .zip (built with fflate) with the same result, paths taken inside the zip", async () => {
        const zip = zipSync(Object.fromEntries(Object.entries(MIXED).map(([name, text]) => [name, strToU8(text)])));
        const scan = await scanWorkflow(tempFile("workflow.zip", zip));
        assert.deepEqual(scan, { references: EXPECTED, problems: [], warnings: [], outsideRoot: [], files: 4 });
    });

    it("reports a malformed file inside a zip and still scans the rest", async () => {
        const zip = zipSync({
            "wf/bad.nf": strToU8("process X {\n    container 'unterminated\n}\n"),
            "wf/good.nf": strToU8("process Y {\n    container 'ubuntu:22.04'\n}\n"),
        });
        const scan = await scanWorkflow(tempFile("wf.zip", zip));
        assert.deepEqual(
            scan.references.map(reference => [reference.file, reference.line, reference.value]),
            [["wf/good.nf", 2, "ubuntu:22.04"]],
        );
        assert.deepEqual(scan.problems, [
            { file: "wf/bad.nf", line: 2, message: "unterminated string starting 'unterminated" },
        ]);
    });

    it("skips .git and node_modules", async () => {
        const root = writeTree({
            ".git/hooks/x.wdl": 'task X { command <<< >>> runtime { docker: "git:1" } }',
            "node_modules/pkg/tool.cwl":
                "cwlVersion: v1.2\nclass: CommandLineTool\nhints: [{class: DockerRequirement, dockerPull: 'npm:1'}]\n",
            "ok.wdl": 'task Y { command <<< >>> runtime { docker: "ok:1" } }',
        });
        const scan = await scanWorkflow(root);
        assert.deepEqual(
            scan.references.map(reference => reference.value),
            ["ok:1"],
        );
        assert.equal(scan.files, 1);
    });

    it("throws a clear error for a missing path, a file that is not a zip, and a corrupt zip", async () => {
        await assert.rejects(scanWorkflow("/nonexistent/workflow"), {
            message: "workflow not found: /nonexistent/workflow",
        });
        const text = tempFile("main.wdl", "version 1.0\n");
        await assert.rejects(scanWorkflow(text), { message: `workflow must be a directory or a .zip file: ${text}` });
        const corrupt = tempFile("broken.zip", "this is not a zip archive at all");
        await assert.rejects(scanWorkflow(corrupt), (error: Error) =>
            error.message.startsWith(`cannot read workflow zip ${corrupt}: `),
        );
    });

    it("reports progress once per workflow file, ending at the total", async () => {
        const calls: [number, number][] = [];
        await scanWorkflow(writeTree(MIXED), { onProgress: (done, total) => calls.push([done, total]) });
        // 5 candidates: 3 scanners' files plus cwl/docker.yml, which is looked at and found not to be a CWL document
        assert.deepEqual(calls, [
            [1, 5],
            [2, 5],
            [3, 5],
            [4, 5],
            [5, 5],
        ]);
    });
});
