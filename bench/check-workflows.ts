// Benchmark: `omics-registry-maps check` over a generated tree of 2,000 workflow files (nf-core modules, Broad-style
// WDL, CWL tools): files per second, end to end as users run it (the compiled CLI, spawned) and the engine alone
// in-process, plus peak memory for 1,000 vs 2,000 files (flat memory: the peak should not double with the tree).
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { checkWorkflow } from "../workflow-check/check-workflow";
import { generateWorkflowTree } from "../test/helpers/generate-workflow-tree";
import { Benchmark, BenchContext, BenchmarkReport, PROJECT_ROOT, WORK_DIR } from "./lib/benchmark";
import { interleave, median } from "./lib/stats";

const FILES = 2000;
const TARGET_MS = 2000;
const LOCATION = { account: "123456789012", region: "us-east-1", partition: "aws" };
const MAP = {
    registryMappings: [
        { upstreamRegistryUrl: "registry-1.docker.io", ecrRepositoryPrefix: "docker-hub" },
        { upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" },
        { upstreamRegistryUrl: "public.ecr.aws", ecrRepositoryPrefix: "ecr-public" },
    ],
};
/** Prints the process's peak resident set size (KiB) on stderr as it exits. */
const PEAK_RSS_PRELOAD =
    `process.on("exit", () => process.stderr.write("peak-rss-kib " + ` + `process.resourceUsage().maxRSS + "\\n"));\n`;

function tree(files: number): string {
    const dir = path.join(WORK_DIR, `workflow-tree-${files}`);
    fs.rmSync(dir, { recursive: true, force: true });
    generateWorkflowTree(dir, files);
    return dir;
}

interface CliRun {
    ms: number;
    peakRssMiB: number;
}

/** The compiled CLI (what `npx omics-registry-maps` runs), spawned; `npm run bench` builds it first. */
function runCli(workflow: string, mapFile: string, preload: string): Promise<CliRun> {
    const main = path.join(PROJECT_ROOT, "dist", "cli", "main.js");
    return new Promise((resolve, reject) => {
        const start = process.hrtime.bigint();
        const child = spawn(
            process.execPath,
            ["--require", preload, main, "check", workflow, "--map", mapFile, "--format", "json"],
            { stdio: ["ignore", "ignore", "pipe"] },
        );
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => {
            stderr += chunk.toString();
        });
        child.once("error", reject);
        child.once("exit", code => {
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            const rss = /peak-rss-kib (\d+)/.exec(stderr);
            if (code === 2 || rss === null) {
                reject(new Error(`check exited ${code}: ${stderr}`));
                return;
            }
            resolve({ ms, peakRssMiB: Number(rss[1]) / 1024 });
        });
    });
}

async function run(context: BenchContext): Promise<BenchmarkReport> {
    if (!fs.existsSync(path.join(PROJECT_ROOT, "dist", "cli", "main.js"))) {
        throw new Error("dist/cli/main.js is missing; run `npm run build` (npm run bench does)");
    }
    context.log(`generating ${FILES} and ${FILES / 2} workflow files under ${WORK_DIR}`);
    const big = tree(FILES);
    const half = tree(FILES / 2);
    const mapFile = path.join(WORK_DIR, "check-map.json");
    const preload = path.join(WORK_DIR, "peak-rss.js");
    fs.writeFileSync(mapFile, JSON.stringify(MAP));
    fs.writeFileSync(preload, PEAK_RSS_PRELOAD);
    const rss: Record<string, number[]> = { [FILES]: [], [FILES / 2]: [] };
    const cli = (dir: string, files: number) => async () => {
        const result = await runCli(dir, mapFile, preload);
        rss[files].push(result.peakRssMiB);
        return result.ms;
    };
    let references = 0;
    const modes = {
        [`CLI check, ${FILES} files (spawned, end to end)`]: cli(big, FILES),
        [`CLI check, ${FILES / 2} files (spawned, end to end)`]: cli(half, FILES / 2),
        [`engine only, ${FILES} files (in-process scan + resolve)`]: async () => {
            const start = process.hrtime.bigint();
            const report = await checkWorkflow(big, MAP, LOCATION);
            references = report.summary.images;
            return Number(process.hrtime.bigint() - start) / 1e6;
        },
    };
    const samples = await interleave(modes, context.runs, context.log);
    const names = Object.keys(modes) as (keyof typeof modes)[];
    const endToEnd = median(samples[names[0]]);
    const engine = median(samples[names[2]]);
    // The warm-up round also recorded a peak; keep the measured rounds only.
    const peak = (files: number) => median(rss[files].slice(1));
    return {
        figures: [
            ...names.map(label => ({ label, unit: "ms", samples: samples[label] })),
            { label: `peak RSS, ${FILES} files`, unit: "MiB", samples: rss[FILES].slice(1) },
            { label: `peak RSS, ${FILES / 2} files`, unit: "MiB", samples: rss[FILES / 2].slice(1) },
        ],
        summary: [
            `${FILES} files, ${references} container references`,
            `end to end: ${(FILES / (endToEnd / 1000)).toFixed(0)} files/s; engine only: ` +
                `${(FILES / (engine / 1000)).toFixed(0)} files/s`,
            `target: ${FILES} files in under ${TARGET_MS} ms end to end: ${endToEnd < TARGET_MS ? "met" : "MISSED"} ` +
                `(median ${endToEnd.toFixed(0)} ms)`,
            `memory: peak RSS ${peak(FILES).toFixed(0)} MiB for ${FILES} files vs ${peak(FILES / 2).toFixed(0)} MiB ` +
                `for ${FILES / 2} (ratio ${(peak(FILES) / peak(FILES / 2)).toFixed(2)}; flat is near 1)`,
        ],
        targetMet: endToEnd < TARGET_MS,
    };
}

export const benchmark: Benchmark = { title: `check: ${FILES} generated workflow files`, run };
