// Nextflow scanning: real Groovy tokenizer and scanners over fixtures modelled on nf-core modules and configs.
import { strict as assert } from "assert";
import * as path from "path";
import { scanWorkflow } from "../../workflow-parsers";
import { FIXTURES, removeTempDirs, writeTree } from "./temp-tree";

const SAMTOOLS_IMAGE =
    "\"${ workflow.containerEngine == 'singularity' && !task.ext.singularity_pull_docker_container ? " +
    "'https://depot.galaxyproject.org/singularity/samtools:1.21--h50ea8bc_0' : 'biocontainers/samtools:1.21--h50ea8bc_0' }\"";
const BCFTOOLS_IMAGE =
    "\"${workflow.containerEngine == 'singularity' && !task.ext.singularity_pull_docker_container " +
    "? 'https://community-cr-prod.seqera.io/docker/registry/v2/blobs/sha256/47/474a5ea8dc03366b04df884d89aeacc4f8e6d1ad92266888e7a8e7958d07cde8/data' " +
    ": 'community.wave.seqera.io/library/bcftools_htslib:0a3fa2654b52006f'}\"";

const AARDVARK_IMAGE =
    "\"${ workflow.containerEngine in ['singularity', 'apptainer'] && !task.ext.singularity_pull_docker_container ? " +
    "'https://depot.galaxyproject.org/singularity/aardvark:0.10.5--h4349ce8_0': 'quay.io/biocontainers/aardvark:0.10.5--h4349ce8_0' }\"";
const STAR_IMAGE =
    "{ (workflow.containerEngine == 'singularity' && !task.ext.singularity_pull_docker_container) ? " +
    "'https://community-cr-prod.seqera.io/docker/registry/v2/blobs/sha256/90/data' : " +
    "'community.wave.seqera.io/library/htslib_samtools_star_gawk:4de2f983041d42e6' }";
const WITCH_IMAGE = "\"${ workflow.containerEngine == 'docker' ? 'arcadiascience/witch_0.3.0:0.0.1' : '' }\"";

describe("workflow-parsers: Nextflow", () => {
    after(removeTempDirs);

    it(
        "finds process directives and config settings of an " + "nf-core-like pipeline, with docker.registry applied",
        async () => {
            const scan = await scanWorkflow(path.join(FIXTURES, "nf-core-like"));
            assert.deepEqual(scan.problems, []);
            assert.equal(scan.files, 7);
            const nf = { language: "nextflow" as const, defaultRegistry: "quay.io" };
            assert.deepEqual(scan.references, [
                { file: "conf/base.config", line: 12, ...nf, image: '"python:3.12-slim"', value: "python:3.12-slim" },
                {
                    file: "conf/modules.config",
                    line: 9,
                    ...nf,
                    image: "'biocontainers/samtools:1.21--h50ea8bc_0'",
                    value: "biocontainers/samtools:1.21--h50ea8bc_0",
                },
                // params.tools_registry comes from nextflow.config's params block
                {
                    file: "conf/modules.config",
                    line: 13,
                    ...nf,
                    image: '"${params.tools_registry}/multiqc:1.25"',
                    value: "ghcr.io/example-lab/multiqc:1.25",
                    expression: '"${params.tools_registry}/multiqc:1.25"',
                },
                {
                    file: "conf/modules.config",
                    line: 17,
                    ...nf,
                    image: '"${params.versions_image}"',
                    value: null,
                    expression: "params.versions_image",
                },
                {
                    file: "modules/local/tools.nf",
                    line: 7,
                    ...nf,
                    image: "'docker.io/library/bwa:0.7.17'",
                    value: "docker.io/library/bwa:0.7.17",
                },
                {
                    file: "modules/local/tools.nf",
                    line: 16,
                    ...nf,
                    image: '"${params.tools_registry}/plotter:2.1"',
                    value: "ghcr.io/example-lab/plotter:2.1",
                    expression: '"${params.tools_registry}/plotter:2.1"',
                },
                {
                    file: "modules/local/tools.nf",
                    line: 23,
                    ...nf,
                    image: "params.report_image",
                    value: null,
                    expression: "params.report_image",
                },
                // `workflow.containerEngine == 'docker' ? <docker> : ''`
                {
                    file: "modules/local/tools.nf",
                    line: 30,
                    ...nf,
                    image: WITCH_IMAGE,
                    value: "arcadiascience/witch_0.3.0:0.0.1",
                    expression: WITCH_IMAGE,
                },
                // newer nf-core form: `? :` at the start of continuation lines, Seqera wave image; line of the chosen
                // literal
                {
                    file: "modules/nf-core/bcftools/consensus/main.nf",
                    line: 8,
                    ...nf,
                    image: BCFTOOLS_IMAGE,
                    value: "community.wave.seqera.io/library/bcftools_htslib:0a3fa2654b52006f",
                    expression: BCFTOOLS_IMAGE,
                    directiveLine: 6,
                },
                // older nf-core form: if/else on the engine; only the Docker side (line 10) counts
                {
                    file: "modules/nf-core/fastqc/main.nf",
                    line: 10,
                    ...nf,
                    image: '"quay.io/biocontainers/fastqc:0.11.9--0"',
                    value: "quay.io/biocontainers/fastqc:0.11.9--0",
                },
                {
                    file: "modules/nf-core/samtools/sort/main.nf",
                    line: 8,
                    ...nf,
                    image: SAMTOOLS_IMAGE,
                    value: "biocontainers/samtools:1.21--h50ea8bc_0",
                    expression: SAMTOOLS_IMAGE,
                    directiveLine: 6,
                },
                // process.container inside the `test` profile: marked with the profile, and as test configuration
                {
                    file: "nextflow.config",
                    line: 20,
                    ...nf,
                    image: "'ubuntu:22.04'",
                    value: "ubuntu:22.04",
                    profiles: ["test"],
                    testOnly: true,
                },
            ]);
        },
    );

    it(
        "reads `docker { registry = ... }`, `process { container = ... }`, unquoted withName and the reversed " +
            "ternary",
        async () => {
            const root = writeTree({
                "nextflow.config":
                    "docker {\n    enabled  = true\n    registry = 'public.ecr.aws'\n}\nprocess {\n" +
                    "    container = 'ubuntu:22.04'\n    withName: FOO {\n" +
                    '        container = "biocontainers/foo:1.0--0"\n    }\n}\n',
                "main.nf": [
                    "process BAR {",
                    "    container \"${ workflow.containerEngine != 'singularity' ? 'biocontainers/bar:2.0--0' : 'https://depot.galaxyproject.org/singularity/bar:2.0--0' }\"",
                    "    script:",
                    '    "echo ${task.container}"',
                    "}",
                    "process BAZ {",
                    "    container(['singularity', 'apptainer'].contains(workflow.containerEngine) ? 'oras://example/baz:1' : 'biocontainers/baz:3.0--0')",
                    "    'true'",
                    "}",
                ].join("\n"),
            });
            const scan = await scanWorkflow(root);
            assert.deepEqual(scan.problems, []);
            assert.deepEqual(
                scan.references.map(reference => [
                    reference.file,
                    reference.line,
                    reference.value,
                    reference.defaultRegistry,
                ]),
                [
                    ["main.nf", 2, "biocontainers/bar:2.0--0", "public.ecr.aws"],
                    ["main.nf", 7, "biocontainers/baz:3.0--0", "public.ecr.aws"],
                    ["nextflow.config", 6, "ubuntu:22.04", "public.ecr.aws"],
                    ["nextflow.config", 8, "biocontainers/foo:1.0--0", "public.ecr.aws"],
                ],
            );
        },
    );

    it(
        "evaluates closures and the `containerEngine in [...]` form; leaves defaultRegistry unset without " +
            "docker.registry",
        async () => {
            const root = writeTree({
                "main.nf": [
                    "process A {",
                    "    container { params.use_new ? 'tool:2' : 'tool:1' }",
                    "    'true'",
                    "}",
                    "process B {",
                    "    container { def image = 'x:1'; return image }",
                    "    'true'",
                    "}",
                    "process C {",
                    "    container \"${ workflow.containerEngine in ['singularity', 'apptainer'] && " +
                        "!task.ext.singularity_pull_docker_container ?",
                    "        'https://depot.galaxyproject.org/singularity/aardvark:0.10.5--h4349ce8_0':",
                    "        'quay.io/biocontainers/aardvark:0.10.5--h4349ce8_0' }\"",
                    "    'true'",
                    "}",
                ].join("\n"),
                "nextflow.config": [
                    "process {",
                    "    withName: 'STAR' {",
                    "        container = {",
                    "            (workflow.containerEngine == 'singularity' && " +
                        "!task.ext.singularity_pull_docker_container)",
                    "            ? 'https://community-cr-prod.seqera.io/docker/registry/v2/blobs/sha256/90/data'",
                    "            : 'community.wave.seqera.io/library/htslib_samtools_star_gawk:4de2f983041d42e6'",
                    "        }",
                    "    }",
                    "}",
                ].join("\n"),
            });
            const scan = await scanWorkflow(root);
            assert.deepEqual(scan.problems, []);
            assert.deepEqual(
                scan.references.map(({ file, line, value, expression, condition, defaultRegistry }) => ({
                    file,
                    line,
                    value,
                    expression,
                    condition,
                    defaultRegistry,
                })),
                [
                    // a ternary on something other than the engine: each branch is an image of its own, with its
                    // condition
                    {
                        file: "main.nf",
                        line: 2,
                        value: "tool:2",
                        expression: "{ params.use_new ? 'tool:2' : 'tool:1' }",
                        condition: "params.use_new",
                        defaultRegistry: undefined,
                    },
                    {
                        file: "main.nf",
                        line: 2,
                        value: "tool:1",
                        expression: "{ params.use_new ? 'tool:2' : 'tool:1' }",
                        condition: "!params.use_new",
                        defaultRegistry: undefined,
                    },
                    {
                        file: "main.nf",
                        line: 6,
                        value: null,
                        expression: "{ def image = 'x:1'; return image }",
                        condition: undefined,
                        defaultRegistry: undefined,
                    },
                    {
                        file: "main.nf",
                        line: 12,
                        value: "quay.io/biocontainers/aardvark:0.10.5--h4349ce8_0",
                        expression: AARDVARK_IMAGE,
                        condition: undefined,
                        defaultRegistry: undefined,
                    },
                    {
                        file: "nextflow.config",
                        line: 6,
                        value: "community.wave.seqera.io/library/htslib_samtools_star_gawk:4de2f983041d42e6",
                        expression: STAR_IMAGE,
                        condition: undefined,
                        defaultRegistry: undefined,
                    },
                ],
            );
        },
    );

    it("gives a malformed Nextflow file a problem with its line and still scans the other files", async () => {
        const root = writeTree({
            "modules/broken.nf":
                'process BROKEN {\n    container \'ok:1\'\n    script:\n    """\n    echo never closed\n',
            "modules/bad-comment.nf": "/* never closed\nprocess X { container 'x:1' }\n",
            "modules/good.nf": "process GOOD {\n    container 'biocontainers/good:1.0--0'\n    'true'\n}\n",
        });
        const scan = await scanWorkflow(root);
        assert.deepEqual(
            scan.references.map(reference => [reference.file, reference.value]),
            [["modules/good.nf", "biocontainers/good:1.0--0"]],
        );
        assert.deepEqual(scan.problems, [
            { file: "modules/bad-comment.nf", line: 1, message: "unterminated /* comment" },
            { file: "modules/broken.nf", line: 4, message: 'unterminated string starting """' },
        ]);
    });
});
