// Benchmark/test helper: writes a realistic mixed workflow tree (nf-core modules and configs, Broad-style WDL
// task libraries and workflows, CWL tools with $import) of exactly `files` workflow files under `dir`.
import * as fs from "fs";
import * as path from "path";

const TOOLS = [
    "samtools",
    "bcftools",
    "fastqc",
    "bwa",
    "gatk4",
    "picard",
    "multiqc",
    "bedtools",
    "star",
    "salmon",
    "trimgalore",
    "cutadapt",
];

function write(dir: string, relative: string, text: string): void {
    const target = path.join(dir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
}

function tool(i: number): string {
    return TOOLS[i % TOOLS.length];
}

function version(i: number): string {
    return `1.${i % 23}--h${(0x50ea8bc + i).toString(16)}_0`;
}

function nfCoreModule(i: number): string {
    const name = `${tool(i).toUpperCase()}_STEP${i}`;
    const image = `${tool(i)}:${version(i)}`;
    return `process ${name} {
    tag "$meta.id"
    label 'process_medium'

    conda "\${moduleDir}/environment.yml"
    container "\${ workflow.containerEngine == 'singularity' && !task.ext.singularity_pull_docker_container ?
        'https://depot.galaxyproject.org/singularity/${image}' :
        'biocontainers/${image}' }"

    input:
    tuple val(meta), path(input)
    tuple val(meta2), path(fasta)

    output:
    tuple val(meta), path("*.out"), emit: out
    path "versions.yml"           , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "\${meta.id}"
    """
    # container 'not/a/reference:1' inside the script
    ${tool(i)} run \\\\
        $args \\\\
        -@ $task.cpus \\\\
        --reference \${fasta} \\\\
        -o \${prefix}.out \\\\
        $input

    cat <<-END_VERSIONS > versions.yml
    "\${task.process}":
        ${tool(i)}: \\$(${tool(i)} --version 2>&1 | sed 's/^.*${tool(i)} //; s/ .*\\$//')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "\${meta.id}"
    """
    touch \${prefix}.out
    touch versions.yml
    """
}
`;
}

function nextflowConfig(): string {
    return `params {
    input  = null
    outdir = 'results'
    tools_registry = 'ghcr.io/example-lab'
}
docker.registry = 'quay.io'
includeConfig 'conf/base.config'
includeConfig 'conf/modules.config'
profiles {
    docker { docker.enabled = true }
    test   { process.container = 'ubuntu:22.04' }
}
`;
}

function modulesConfig(count: number): string {
    const blocks = Array.from({ length: count }, (_, k) => {
        const container =
            k % 5 === 0 ? `\n        container = "\${params.tools_registry}/${tool(k)}:${version(k)}"` : "";
        return `    withName: '${tool(k).toUpperCase()}_STEP${k}' {
        ext.args   = { "--sample \${meta.id}" }
        ext.prefix = { "\${meta.id}.${tool(k)}" }
        publishDir = [ path: { "\${params.outdir}/${tool(k)}" }, mode: 'copy' ]${container}
    }`;
    });
    return `process {\n    withLabel: process_medium { cpus = { 4 * task.attempt } }\n${blocks.join("\n")}\n}\n`;
}

function wdlTasks(i: number): string {
    const tasks = [0, 1, 2].map(
        k => `task ${tool(i + k)}_${i}_${k} {
  input {
    File input_bam
    String sample_name
    Int memory_mb = 6000
    String docker${k === 0 ? "" : ` = "us.gcr.io/broad-gatk/gatk:4.${(i + k) % 7}.0.0"`}
  }
  Int command_mem = memory_mb - 1000

  command <<<
    set -euo pipefail
    # runtime { docker: "in/a/comment:1" }
    gatk --java-options "-Xmx~{command_mem}m" ${tool(i + k)} -I ~{input_bam} -O ~{sample_name}.out
  >>>

  runtime {
    docker: docker
    memory: "~{memory_mb} MiB"
    disks: "local-disk 50 HDD"
  }

  output {
    File out = "~{sample_name}.out"
  }

  parameter_meta {
    docker: "image to run"
  }
}`,
    );
    return `version 1.0\n\n${tasks.join("\n\n")}\n`;
}

function wdlWorkflow(i: number, library: number): string {
    return `version 1.0

import "../tasks/lib${library}.wdl" as Lib

workflow Pipeline${i} {
  input {
    File input_bam
    String sample_name
    String gatk_docker = "us.gcr.io/broad-gatk/gatk:4.5.0.${i % 9}"
  }
  call Lib.${tool(library)}_${library}_0 as first {
    input: input_bam = input_bam, sample_name = sample_name, docker = gatk_docker
  }
  output {
    File out = first.out
  }
}
`;
}

function cwlTool(i: number): string {
    const docker =
        i % 4 === 0
            ? "  - $import: ../shared/docker.yml"
            : `  - class: DockerRequirement\n    dockerPull: quay.io/biocontainers/${tool(i)}:${version(i)}`;
    return `#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
label: ${tool(i)} step ${i}
doc: |
  Runs ${tool(i)}. Uses a DockerRequirement (dockerPull: not this line).
requirements:
${docker}
  - class: InlineJavascriptRequirement
hints:
  ResourceRequirement:
    coresMin: 2
    ramMin: 4096
baseCommand: [${tool(i)}]
inputs:
  reads:
    type: File
    inputBinding: {position: 1}
  threads:
    type: int?
    inputBinding: {prefix: -t}
outputs:
  result:
    type: File
    outputBinding: {glob: "*.out"}
`;
}

/**
 * Writes exactly `files` workflow files (.nf, .config, .wdl, .cwl) under `dir`: about 45% Nextflow, 30% WDL, 25% CWL.
 */
export function generateWorkflowTree(dir: string, files: number): void {
    let written = 0;
    const add = (relative: string, text: string): boolean => {
        if (written >= files) return false;
        write(dir, relative, text);
        written++;
        return true;
    };
    const nextflowModules = Math.max(0, Math.round(files * 0.45) - 3);
    add("nextflow.config", nextflowConfig());
    add(
        "conf/base.config",
        "process {\n    cpus = { 1 * task.attempt }\n    withLabel: 'process_python' { container = " +
            "'python:3.12-slim' }\n}\n",
    );
    add("conf/modules.config", modulesConfig(Math.min(nextflowModules, 200)));
    for (let i = 0; i < nextflowModules; i++) add(`modules/nf-core/${tool(i)}/step${i}/main.nf`, nfCoreModule(i));
    const wdlFiles = Math.round(files * 0.3);
    const libraries = Math.max(1, Math.ceil(wdlFiles / 2));
    for (let i = 0; i < wdlFiles; i++) {
        if (i < libraries) add(`wdl/tasks/lib${i}.wdl`, wdlTasks(i));
        else add(`wdl/workflows/pipeline${i}.wdl`, wdlWorkflow(i, i % libraries));
    }
    write(dir, "cwl/shared/docker.yml", "class: DockerRequirement\ndockerPull: ubuntu:22.04\n");
    for (let i = 0; written < files; i++) add(`cwl/tools/${tool(i)}-${i}.cwl`, cwlTool(i));
}
