// WDL scanning: real tokenizer, parser and resolver over fixture files modelled on Broad warp/GATK tasks.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { scanWorkflow } from "../../workflow-parsers";
import { FIXTURES, removeTempDirs, writeTree } from "./temp-tree";

describe("workflow-parsers: WDL", () => {
    after(removeTempDirs);

    it(
        "finds runtime docker/container values in a warp-style workflow, resolved through defaults, " +
            "concatenation and calls",
        async () => {
            const scan = await scanWorkflow(path.join(FIXTURES, "wdl-germline"));
            assert.deepEqual(scan.problems, []);
            assert.equal(scan.files, 3);
            assert.deepEqual(scan.references, [
                // `docker: docker`, the task input set by `call Tasks.HaplotypeCaller { input: docker = gatk_docker }`
                {
                    file: "tasks/GermlineTasks.wdl",
                    line: 22,
                    language: "wdl",
                    image: "docker",
                    value: "us.gcr.io/broad-gatk/gatk:4.5.0.0",
                },
                // passed as `"quay.io/biocontainers/samtools:" + samtools_version + "--h50ea8bc_0"` from a scatter
                {
                    file: "tasks/GermlineTasks.wdl",
                    line: 46,
                    language: "wdl",
                    image: "samtools_docker",
                    value: "quay.io/biocontainers/samtools:1.17--h50ea8bc_0",
                },
                // the call overrides the task default "python:3.11-slim" with the workflow's private declaration
                {
                    file: "tasks/Utilities.wdl",
                    line: 18,
                    language: "wdl",
                    image: "python_docker",
                    value: "us.gcr.io/broad-dsp-gcr-public/base/python:3.9-debian",
                },
                // WDL 1.1 `container:` array: one reference per element
                {
                    file: "tasks/Utilities.wdl",
                    line: 33,
                    language: "wdl",
                    image: "gatk_image",
                    value: "us.gcr.io/broad-gatk/gatk:4.6.1.0",
                },
                {
                    file: "tasks/Utilities.wdl",
                    line: 33,
                    language: "wdl",
                    image: "'broadinstitute/gatk:~{gatk_version}'",
                    value: "broadinstitute/gatk:4.6.1.0",
                },
                {
                    file: "tasks/Utilities.wdl",
                    line: 33,
                    language: "wdl",
                    image:
                        '"ghcr.io/broadinstitute/gatk@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5' +
                        'c6d7e8f9"',
                    value:
                        "ghcr.io/broadinstitute/gatk@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c" +
                        "6d7e8f9",
                },
                // select_first over an optional input nothing sets and a literal: the literal (issue 12; was
                // unresolved)
                {
                    file: "tasks/Utilities.wdl",
                    line: 45,
                    language: "wdl",
                    image: 'select_first([docker_override, "alpine:3.18"])',
                    value: "alpine:3.18",
                },
                {
                    file: "tasks/Utilities.wdl",
                    line: 56,
                    language: "wdl",
                    image: '"~{repo}:~{tag}"',
                    value: null,
                    expression: "repo",
                },
            ]);
        },
    );

    it("ignores parameter_meta, meta, comments and command text that mention docker", async () => {
        const scan = await scanWorkflow(path.join(FIXTURES, "wdl-germline"));
        const lines = scan.references.map(reference => `${reference.file}:${reference.line}`);
        // GermlineTasks.wdl 15/18 are in the command, 31 is parameter_meta; Utilities.wdl 3 is a comment, 22 is meta.
        for (const negative of [
            "tasks/GermlineTasks.wdl:15",
            "tasks/GermlineTasks.wdl:18",
            "tasks/GermlineTasks.wdl:31",
            "tasks/Utilities.wdl:3",
            "tasks/Utilities.wdl:22",
        ]) {
            assert.ok(!lines.includes(negative), negative);
        }
        const source = fs.readFileSync(path.join(FIXTURES, "wdl-germline/tasks/GermlineTasks.wdl"), "utf8").split("\n");
        assert.match(source[30], /^\s+docker: "the GATK image/, "fixture line 31 is the parameter_meta docker entry");
    });

    it(
        "reports each value a task's docker input gets from different calls, and the default when a call leaves " +
            "it out",
        async () => {
            const root = writeTree({
                "main.wdl": [
                    "version 1.0",
                    'import "lib/align.wdl" as A',
                    "workflow W {",
                    '  call A.Align as a1 { input: docker = "biocontainers/bwa:0.7.17" }',
                    "  call A.Align as a2",
                    "}",
                ].join("\n"),
                "lib/align.wdl": [
                    "version 1.0",
                    "task Align {",
                    '  input { String docker = "ubuntu:22.04" }',
                    "  command { echo ${docker} }",
                    "  runtime { docker: docker }",
                    "}",
                ].join("\n"),
            });
            const scan = await scanWorkflow(root);
            assert.deepEqual(
                scan.references.map(reference => [reference.file, reference.line, reference.value]),
                [
                    ["lib/align.wdl", 5, "biocontainers/bwa:0.7.17"],
                    ["lib/align.wdl", 5, "ubuntu:22.04"],
                ],
            );
        },
    );

    it(
        "ends WDL 1.0 `command { }` at the first `}` outside a placeholder, as miniwdl does; single-quoted " +
            "strings",
        async () => {
            const root = writeTree({
                "count.wdl": [
                    "version 1.0",
                    "task Count {",
                    "  input {",
                    "    String image = 'quay.io/biocontainers/samtools:1.17--h00cdaf9_0'",
                    "  }",
                    "  command {",
                    '    echo \'{"files": ["${sep=\'", "\' bams}"], "docker": "x"\' > manifest.json # a bare { ' +
                        "is shell text",
                    "  }",
                    "  runtime {",
                    '    docker: "${image}"',
                    "  }",
                    "}",
                ].join("\n"),
            });
            const scan = await scanWorkflow(root);
            assert.deepEqual(scan.references, [
                {
                    file: "count.wdl",
                    line: 10,
                    language: "wdl",
                    image: '"${image}"',
                    value: "quay.io/biocontainers/samtools:1.17--h00cdaf9_0",
                },
            ]);
        },
    );

    it("reports a task input without a default and never set by a call as unresolvable, with its name", async () => {
        const root = writeTree({
            "t.wdl":
                "version 1.1\ntask T {\n  input {\n    String docker_image\n  }\n  command <<< >>>\n" +
                "  runtime {\n    docker: docker_image\n  }\n}\n",
        });
        const scan = await scanWorkflow(root);
        assert.deepEqual(scan.references, [
            { file: "t.wdl", line: 8, language: "wdl", image: "docker_image", value: null, expression: "docker_image" },
        ]);
    });

    it("gives a malformed WDL file a problem with its line and still scans the other files", async () => {
        const root = writeTree({
            "bad.wdl": 'version 1.0\ntask Broken {\n  runtime {\n    docker: "ubuntu:22.04\n  }\n}\n',
            "unclosed.wdl": "version 1.0\ntask Open {\n  command <<<\n    echo hi\n",
            "good.wdl": 'version 1.0\ntask Fine {\n  command <<< >>>\n  runtime { docker: "ubuntu:24.04" }\n}\n',
        });
        const scan = await scanWorkflow(root);
        assert.deepEqual(
            scan.references.map(reference => [reference.file, reference.value]),
            [["good.wdl", "ubuntu:24.04"]],
        );
        assert.deepEqual(scan.problems, [
            { file: "bad.wdl", line: 4, message: 'unterminated string starting "ubuntu:22.04' },
            { file: "unclosed.wdl", line: 3, message: "unterminated command section (missing '>>>')" },
        ]);
    });
});
