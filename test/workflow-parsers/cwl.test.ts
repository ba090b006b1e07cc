// CWL scanning: real `yaml` parsing with line positions over fixtures modelled on bio-cwl-tools / CWL user guide tools.
import { strict as assert } from "assert";
import * as path from "path";
import { scanWorkflow } from "../../workflow-parsers";
import { FIXTURES, removeTempDirs, writeTree } from "./temp-tree";

describe("workflow-parsers: CWL", () => {
    after(removeTempDirs);

    it(
        "finds DockerRequirement in requirements and hints, map and list forms, inline runs, $graph, $import and " +
            "$include",
        async () => {
            const scan = await scanWorkflow(path.join(FIXTURES, "cwl-tools"));
            assert.deepEqual(scan.problems, []);
            assert.equal(
                scan.files,
                5,
                "4 .cwl files and packed/packed.json; meta.yml and shared/*.yml are not CWL documents",
            );
            const cwl = { language: "cwl" as const };
            assert.deepEqual(scan.references, [
                {
                    file: "packed/packed.json",
                    line: 8,
                    ...cwl,
                    image: '"quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0"',
                    value: "quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0",
                },
                // reached through `- $import: shared/docker-ubuntu.yml` in workflow.cwl's inline `run:`; reported where
                // it is written
                { file: "shared/docker-ubuntu.yml", line: 2, ...cwl, image: "ubuntu:22.04", value: "ubuntu:22.04" },
                {
                    file: "tools/bwa-mem.cwl",
                    line: 7,
                    ...cwl,
                    image: '"biocontainers/bwa:v0.7.17_cv1"',
                    value: "biocontainers/bwa:v0.7.17_cv1",
                },
                // dockerImageId with a dockerFile and no dockerPull: built at run time, which HealthOmics does not do
                // (issue 12)
                {
                    file: "tools/custom-tool.cwl",
                    line: 5,
                    ...cwl,
                    image: "example/custom-tool:1.0",
                    value: null,
                    expression: "dockerImageId example/custom-tool:1.0, built from the dockerFile at run time",
                },
                {
                    file: "tools/samtools-sort.cwl",
                    line: 10,
                    ...cwl,
                    image: "quay.io/biocontainers/samtools:1.17--h00cdaf9_0",
                    value: "quay.io/biocontainers/samtools:1.17--h00cdaf9_0",
                },
                // dockerPull: {$include: shared/image.txt}
                {
                    file: "workflow.cwl",
                    line: 26,
                    ...cwl,
                    image: "{$include: shared/image.txt}",
                    value: "ghcr.io/example-lab/aligner:2.0",
                },
            ]);
        },
    );

    it(
        "follows `requirements: {$import: ...}` holding the map form, and reports missing, remote and outside " +
            "imports as problems",
        async () => {
            const root = writeTree({
                "tool.cwl":
                    "cwlVersion: v1.2\nclass: CommandLineTool\nrequirements:\n  $import: reqs.yml\ninputs: []\n" +
                    "outputs: []\n",
                "reqs.yml": "DockerRequirement:\n  dockerPull: biocontainers/tool:1.0\n",
                "missing.cwl":
                    "cwlVersion: v1.2\nclass: CommandLineTool\nhints:\n  - $import: nowhere.yml\n  - $import: https://example.org/docker.yml\n  - $import: ../outside.yml\ninputs: []\noutputs: []\n",
            });
            const scan = await scanWorkflow(root);
            assert.deepEqual(scan.references, [
                {
                    file: "reqs.yml",
                    line: 2,
                    language: "cwl",
                    image: "biocontainers/tool:1.0",
                    value: "biocontainers/tool:1.0",
                },
            ]);
            assert.deepEqual(scan.problems, [
                { file: "missing.cwl", line: 4, message: "$import target not found in the workflow: nowhere.yml" },
                {
                    file: "missing.cwl",
                    line: 5,
                    message: "cannot follow a remote reference offline: https://example.org/docker.yml",
                },
                { file: "missing.cwl", line: 6, message: "reference outside the workflow root: ../outside.yml" },
            ]);
        },
    );

    it("reports a CWL expression in dockerPull as unresolvable", async () => {
        const root = writeTree({
            "tool.cwl":
                "cwlVersion: v1.2\nclass: CommandLineTool\nrequirements:\n  DockerRequirement:\n" +
                "    dockerPull: $(inputs.image)\ninputs: []\noutputs: []\n",
        });
        const scan = await scanWorkflow(root);
        assert.deepEqual(scan.references, [
            {
                file: "tool.cwl",
                line: 5,
                language: "cwl",
                image: "$(inputs.image)",
                value: null,
                expression: "$(inputs.image)",
            },
        ]);
    });

    it("gives a malformed CWL file a problem with its line and still scans the other files", async () => {
        const root = writeTree({
            "bad.cwl":
                "cwlVersion: v1.2\nclass: CommandLineTool\nrequirements:\n" +
                "  DockerRequirement: {dockerPull: ubuntu:22.04\ninputs: []\n",
            "good.cwl":
                "cwlVersion: v1.2\nclass: CommandLineTool\nhints:\n  DockerRequirement:\n" +
                "    dockerPull: ubuntu:24.04\ninputs: []\noutputs: []\n",
        });
        const scan = await scanWorkflow(root);
        assert.deepEqual(
            scan.references.map(reference => [reference.file, reference.value]),
            [["good.cwl", "ubuntu:24.04"]],
        );
        // the flow map opened on line 4 is found unterminated on line 5, where the yaml parser stops
        assert.deepEqual(scan.problems, [
            {
                file: "bad.cwl",
                line: 5,
                message:
                    "invalid YAML/JSON: Flow map in block collection must be sufficiently indented and end with a }",
            },
        ]);
    });
});
