// Issue 12 on real vendored pipelines (test/fixtures/pipelines, each with its LICENSE and SOURCE.md): the real
// scanWorkflow over nf-core sarek and GPU modules, epi2me wf-human-variation and kids-first kf-alignment, unedited.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { strToU8, zipSync } from "fflate";
import { ContainerReference, scanWorkflow } from "../../workflow-parsers";
import { removeTempDirs, tempDir, writeTree } from "./temp-tree";

const PIPELINES = path.join(__dirname, "..", "fixtures", "pipelines");

function pick(references: ContainerReference[], file: string): ContainerReference[] {
    return references.filter(reference => reference.file === file);
}

describe("workflow-parsers on real pipelines (issue 12; real scanner, vendored upstream files)", () => {
    after(removeTempDirs);

    it("nf-core/sarek: reads nextflow.config and its includes, not the CI-only conf/containers_*.config", async () => {
        const scan = await scanWorkflow(path.join(PIPELINES, "nf-core-sarek"));
        assert.deepEqual(scan.problems, []);
        const files = new Set(scan.references.map(reference => reference.file));
        // conf/containers_singularity_{https,oras}_*.config gave 8 "invalid image" errors; nothing includes them
        assert.deepEqual(
            [...files].filter(file => file.startsWith("conf/")),
            [],
        );
        assert.ok(
            !scan.references.some(reference => reference.value !== null && /^(https|oras):/.test(reference.value)),
        );
        // every process image resolves under Docker, with sarek's docker.registry
        assert.deepEqual(
            scan.references.filter(reference => reference.value === null),
            [],
        );
        assert.ok(scan.references.length > 100);
        assert.ok(scan.references.every(reference => reference.defaultRegistry === "quay.io"));
        const fastqc = pick(scan.references, "modules/nf-core/fastqc/main.nf");
        assert.deepEqual(
            fastqc.map(({ line, value, directiveLine }) => ({ line, value, directiveLine })),
            [{ line: 8, value: "quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0", directiveLine: 6 }],
        );
        // nextflow.config, conf/base.config, conf/modules/*.config, igenomes configs and the test profiles' configs
        // are read; nf-test.config, tests/nextflow.config of modules and conf/containers_*.config are not
        assert.ok(scan.files < 261, `files read: ${scan.files}`);
    });

    it("nf-core GPU modules (2026): each task.accelerator branch is its own image, with its condition", async () => {
        const scan = await scanWorkflow(path.join(PIPELINES, "nf-core-modules"));
        assert.deepEqual(scan.problems, []);
        const slim = scan.references.map(({ file, line, value, condition, directiveLine }) => ({
            file,
            line,
            value,
            condition,
            directiveLine,
        }));
        assert.deepEqual(slim, [
            // (engine ternary) ? (task.accelerator ? sif : sif) : (task.accelerator ? gpu : cpu), all on line 8
            {
                file: "modules/nf-core/caalm/caalm/main.nf",
                line: 8,
                directiveLine: 6,
                condition: "task.accelerator",
                value: "community.wave.seqera.io/library/faiss-cpu_mkl_python_pytorch-gpu_pruned:eafab5e379ebcfa9",
            },
            {
                file: "modules/nf-core/caalm/caalm/main.nf",
                line: 8,
                directiveLine: 6,
                condition: "!task.accelerator",
                value: "community.wave.seqera.io/library/faiss-cpu_mkl_python_pytorch_caalm:de045242d7b19122",
            },
            // task.accelerator ? gpu : (engine ternary ? sif : docker); the Docker literal is on line 11
            {
                file: "modules/nf-core/cellbender/removebackground/main.nf",
                line: 8,
                directiveLine: undefined,
                condition: "task.accelerator",
                value: "us.gcr.io/broad-dsde-methods/cellbender:0.3.2",
            },
            {
                file: "modules/nf-core/cellbender/removebackground/main.nf",
                line: 11,
                directiveLine: 8,
                condition: "!task.accelerator",
                value: "community.wave.seqera.io/library/cellbender_webcolors:156d413fdfc16cdb",
            },
        ]);
        const expression = scan.references[2].expression ?? "";
        assert.ok(
            expression.startsWith("\"${ task.accelerator ? 'us.gcr.io/broad-dsde-methods/cellbender:0.3.2' :"),
            expression,
        );
    });

    it("nf-core cellbender (2025): the older task.ext.use_gpu ternary gives both images too", async () => {
        const scan = await scanWorkflow(path.join(PIPELINES, "nf-core-modules-2025"));
        assert.deepEqual(scan.problems, []);
        assert.deepEqual(
            scan.references.map(({ line, value, condition }) => ({ line, value, condition })),
            [
                { line: 7, value: "us.gcr.io/broad-dsde-methods/cellbender:0.3.2", condition: "task.ext.use_gpu" },
                {
                    line: 10,
                    value: "community.wave.seqera.io/library/cellbender_webcolors:9cfb55914fc5dcea",
                    condition: "!task.ext.use_gpu",
                },
            ],
        );
    });

    it(
        "epi2me wf-human-variation: ${params.wf.<tag>} from " + "nested params; the awsbatch profile's images marked",
        async () => {
            const scan = await scanWorkflow(path.join(PIPELINES, "epi2me-labs-wf-human-variation"));
            assert.deepEqual(scan.problems, []);
            const base = pick(scan.references, "base.config");
            const standard = base.filter(reference => reference.profiles === undefined);
            assert.equal(standard.length, 10);
            assert.deepEqual(standard[0], {
                file: "base.config",
                line: 21,
                language: "nextflow",
                image: '"ontresearch/wf-human-variation:${params.wf.e2l_base_tag}"',
                value: "ontresearch/wf-human-variation:sha8ecee6d351b0c2609b452f3a368c390587f6662d",
                expression: '"ontresearch/wf-human-variation:${params.wf.e2l_base_tag}"',
            });
            assert.ok(
                standard.every(
                    reference =>
                        reference.value !== null && /^ontresearch\/[a-z-]+:sha[0-9a-f]{40}$/.test(reference.value),
                ),
            );
            // profiles { awsbatch { process { container = { "${params.aws_image_prefix}-..." } } } }, prefix null
            const awsbatch = base.filter(reference => reference.profiles !== undefined);
            assert.equal(awsbatch.length, 10);
            assert.ok(
                awsbatch.every(
                    reference =>
                        reference.value === null &&
                        reference.profiles?.join() === "awsbatch" &&
                        reference.testOnly === undefined,
                ),
            );
        },
    );

    it("kf-alignment: CWL flow sequences indented as ruamel.yaml allows are parsed, with the right lines", async () => {
        const scan = await scanWorkflow(path.join(PIPELINES, "kids-first-kf-alignment-workflow"));
        // tools/bwa_mem.cwl and two copies under workflows/dev were "Flow sequence ... must be sufficiently indented"
        assert.deepEqual(scan.problems, []);
        assert.deepEqual(pick(scan.references, "tools/bwa_mem.cwl"), [
            {
                file: "tools/bwa_mem.cwl",
                line: 6,
                language: "cwl",
                image: "'pgc-images.sbgenomics.com/d3b-bixu/bwa-picard:latest-dev'",
                value: "pgc-images.sbgenomics.com/d3b-bixu/bwa-picard:latest-dev",
            },
        ]);
        assert.ok(scan.references.every(reference => reference.value !== null));
    });

    it(
        "Nextflow: includeConfig followed relative to the " + "including file, in profiles too; test profiles testOnly",
        async () => {
            const root = writeTree({
                "nextflow.config": [
                    "includeConfig 'conf/base.config'",
                    "profiles {",
                    "    test      { includeConfig 'conf/test.config' }",
                    "    gpu_cloud {",
                    "        includeConfig 'conf/gpu.config'",
                    "    }",
                    "    singularity { includeConfig 'conf/containers_singularity.config' }",
                    "}",
                    "includeConfig params.custom_config_base ? " +
                        "\"${params.custom_config_base}/nfcore_custom.config\" : '/dev/null'",
                    "params.custom_config_base = 'https://raw.githubusercontent.com/nf-core/configs/master'",
                    "params.wf.tag = '1.2'",
                ].join("\n"),
                "conf/base.config":
                    "includeConfig 'modules/modules.config'\nprocess.container = \"base/image:${params.wf.tag}\"\n",
                "conf/modules/modules.config":
                    "process { withName: 'FOO' { container = 'biocontainers/foo:1.0--0' } }\n",
                "conf/test.config": "process { withName: 'BAR' { container = 'test/bar:1' } }\n",
                "conf/gpu.config": "process.container = 'nvcr.io/nvidia/clara/clara-parabricks:4.7.1-1'\n",
                "conf/containers_singularity.config": [
                    "process { withName: 'FOO' { container = 'oras://community.wave.seqera.io/library/foo:1' } }",
                    "process { withName: 'BAR' { container = 'https://depot.galaxyproject.org/singularity/bar:1' } }",
                ].join("\n"),
                "conf/containers_docker.config": "process { withName: 'FOO' { container = 'never/read:1' } }\n",
                "modules/tests/nextflow.config": "process.container = 'never/read:2'\n",
            });
            const scan = await scanWorkflow(root);
            assert.deepEqual(scan.problems, []);
            assert.deepEqual(
                scan.references.map(({ file, value, profiles, testOnly }) => ({ file, value, profiles, testOnly })),
                [
                    { file: "conf/base.config", value: "base/image:1.2", profiles: undefined, testOnly: undefined },
                    {
                        file: "conf/gpu.config",
                        value: "nvcr.io/nvidia/clara/clara-parabricks:4.7.1-1",
                        profiles: ["gpu_cloud"],
                        testOnly: undefined,
                    },
                    {
                        file: "conf/modules/modules.config",
                        value: "biocontainers/foo:1.0--0",
                        profiles: undefined,
                        testOnly: undefined,
                    },
                    { file: "conf/test.config", value: "test/bar:1", profiles: ["test"], testOnly: true },
                ],
            );
            assert.equal(
                scan.files,
                6,
                "5 configs read (not containers_docker.config nor modules/tests/nextflow.config)",
            );
        },
    );

    it("Nextflow: a definition zip with one top folder: that folder's nextflow.config is the entry", async () => {
        const zip = zipSync({
            "pipeline/nextflow.config": strToU8("includeConfig 'conf/modules.config'\ndocker.registry = 'quay.io'\n"),
            "pipeline/conf/modules.config": strToU8(
                "process { withName: 'A' { container = 'biocontainers/a:1--0' } }\n",
            ),
            "pipeline/conf/unused.config": strToU8("process.container = 'never/read:1'\n"),
            "pipeline/main.nf": strToU8("process A {\n    container 'biocontainers/b:2--0'\n    'true'\n}\n"),
        });
        const file = path.join(tempDir(), "pipeline.zip");
        fs.writeFileSync(file, zip);
        const scan = await scanWorkflow(file);
        assert.deepEqual(scan.problems, []);
        assert.deepEqual(
            scan.references.map(({ file, value, defaultRegistry }) => ({ file, value, defaultRegistry })),
            [
                { file: "pipeline/conf/modules.config", value: "biocontainers/a:1--0", defaultRegistry: "quay.io" },
                { file: "pipeline/main.nf", value: "biocontainers/b:2--0", defaultRegistry: "quay.io" },
            ],
        );
    });

    it(
        "Nextflow: a missing includeConfig is a problem naming " + "it, outside profiles; a remote one is not followed",
        async () => {
            const root = writeTree({
                "nextflow.config": [
                    "includeConfig 'conf/missing.config'",
                    "includeConfig 'https://example.org/x.config'",
                    "process.container = 'ubuntu:24.04'",
                    // nf-core/scrnaseq names a conf/test_multiome.config it does not have: only that profile's runs
                    // fail
                    "profiles { test_multiome { includeConfig 'conf/test_multiome.config' } }",
                ].join("\n"),
            });
            const scan = await scanWorkflow(root);
            assert.deepEqual(
                scan.references.map(reference => reference.value),
                ["ubuntu:24.04"],
            );
            assert.deepEqual(scan.problems, [
                {
                    file: "nextflow.config",
                    line: 1,
                    message: "includeConfig target not found in the workflow: conf/missing.config",
                },
            ]);
        },
    );

    it("Nextflow: engine tests read as under Docker; blanks around a literal are not part of the image", async () => {
        const root = writeTree({
            "main.nf": [
                "process A {",
                // nf-core bioformats2raw (2025) misspells 'singularity': under Docker the condition is false
                "    container \"${workflow.containerEngine == 'sigularity' ? 'https://x/sif' : 'community.wave.seqera.io/library/a:1'}\"",
                "    'true'",
                "}",
                "process B {",
                "    container \"${ workflow.containerEngine == 'singularity' || workflow.containerEngine == 'apptainer' ? 'oras://b' : 'b/b:1' }\"",
                "    'true'",
                "}",
                "process C {",
                // nf-core abra2 and sambamba modules: a trailing blank inside the literal
                '    container "biocontainers/sambamba:1.0.1--h6f6fda4_0 "',
                "    'true'",
                "}",
            ].join("\n"),
        });
        const scan = await scanWorkflow(root);
        assert.deepEqual(scan.problems, []);
        assert.deepEqual(
            scan.references.map(({ value, condition }) => ({ value, condition })),
            [
                { value: "community.wave.seqera.io/library/a:1", condition: undefined },
                { value: "b/b:1", condition: undefined },
                { value: "biocontainers/sambamba:1.0.1--h6f6fda4_0", condition: undefined },
            ],
        );
    });

    it(
        "CWL: dockerImageId alone is the image; with dockerFile " + "or dockerLoad, made at run time: unresolvable",
        async () => {
            const tool = (requirement: string): string =>
                "cwlVersion: v1.2\nclass: CommandLineTool\nrequirements:\n  DockerRequirement:\n" +
                `${requirement}inputs: []\noutputs: []\n`;
            const root = writeTree({
                "alone.cwl": tool("    dockerImageId: biocontainers/tool:1.0\n"),
                "built.cwl": tool("    dockerImageId: ubuntu\n    dockerFile: |\n      FROM ubuntu:22.04\n"),
                "loaded.cwl": tool("    dockerLoad: https://example.org/image.tar\n"),
            });
            const scan = await scanWorkflow(root);
            assert.deepEqual(scan.problems, []);
            assert.deepEqual(
                scan.references.map(({ file, line, value, expression }) => ({ file, line, value, expression })),
                [
                    { file: "alone.cwl", line: 5, value: "biocontainers/tool:1.0", expression: undefined },
                    {
                        file: "built.cwl",
                        line: 5,
                        value: null,
                        expression: "dockerImageId ubuntu, built from the dockerFile at run time",
                    },
                    {
                        file: "loaded.cwl",
                        line: 5,
                        value: null,
                        expression: "the image, loaded by dockerLoad at run time",
                    },
                ],
            );
        },
    );
});
