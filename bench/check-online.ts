// Benchmark: `check --online` over 200 images against Debian's docker-registry on 127.0.0.1 (100 single-platform
// images, 100 two-platform indexes): images per second at concurrency 1 (the baseline, same run), 8 (the default)
// and 32, in-process with a fresh client (no answers cached between runs), and the compiled CLI end to end.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { checkOnline } from "../online/check-online";
import { RegistryClient } from "../online/registry-client";
import { checkWorkflow } from "../workflow-check/check-workflow";
import { LocalRegistry, missingBinaries } from "../test/helpers/local-registry";
import { Benchmark, BenchContext, BenchmarkReport, PROJECT_ROOT, WORK_DIR } from "./lib/benchmark";
import { interleave, median } from "./lib/stats";

const IMAGES = 200;
const LOCATION = { account: "123456789012", region: "us-east-1", partition: "aws" };
const MAP = { registryMappings: [{ upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" }] };

function workflow(): string {
    const dir = path.join(WORK_DIR, "online-workflow");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const tasks = Array.from(
        { length: IMAGES },
        (_, i) => `task T${i} {\n  command <<< true >>>\n  runtime { docker: "quay.io/bench/tool-${i}:1.${i}" }\n}\n`,
    );
    fs.writeFileSync(path.join(dir, "main.wdl"), `version 1.0\n${tasks.join("")}`);
    return dir;
}

function cliRun(dir: string, mapFile: string, endpoint: string): Promise<number> {
    const main = path.join(PROJECT_ROOT, "dist", "cli", "main.js");
    return new Promise((resolve, reject) => {
        const start = process.hrtime.bigint();
        const child = spawn(
            process.execPath,
            [
                main,
                "check",
                dir,
                "--map",
                mapFile,
                "--online",
                "--registry-endpoint",
                `quay.io=${endpoint}`,
                "--format",
                "json",
            ],
            { stdio: ["ignore", "pipe", "pipe"] },
        );
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
        });
        child.stderr.on("data", (chunk: Buffer) => {
            stderr += chunk.toString();
        });
        child.once("error", reject);
        child.once("exit", code => {
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            const ok = (JSON.parse(stdout || "{}") as { online?: { summary?: { ok?: number } } }).online?.summary?.ok;
            if (code !== 0 || ok !== IMAGES) {
                reject(new Error(`check --online exited ${code} with ${ok ?? "no"} ok images: ${stderr}`));
                return;
            }
            resolve(ms);
        });
    });
}

async function run(context: BenchContext): Promise<BenchmarkReport> {
    const missing = missingBinaries();
    if (missing.length > 0) {
        return {
            figures: [],
            summary: [
                `skipped: ${missing.join(" and ")} not on PATH (apt-get install docker-registry, as .ci/run does)`,
            ],
        };
    }
    const registry = new LocalRegistry();
    await registry.start();
    try {
        context.log(`pushing ${IMAGES} images to ${registry.url}`);
        for (let i = 0; i < IMAGES; i++) {
            if (i % 2 === 0) {
                await registry.pushImage(`bench/tool-${i}`, `1.${i}`, "amd64");
            } else {
                await registry.pushIndex(`bench/tool-${i}`, `1.${i}`, ["amd64", "arm64"]);
            }
        }
        const dir = workflow();
        const mapFile = path.join(WORK_DIR, "online-map.json");
        fs.writeFileSync(mapFile, JSON.stringify(MAP));
        const report = await checkWorkflow(dir, MAP, LOCATION);
        const inProcess = (concurrency: number) => async () => {
            const client = new RegistryClient({ endpoints: new Map([["quay.io", registry.url]]) });
            const copy = { ...report, images: report.images.map(i => ({ ...i, findings: [...i.findings] })) };
            const start = process.hrtime.bigint();
            const online = await checkOnline(copy, MAP, client, { concurrency });
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            if (online.summary.ok !== IMAGES) {
                throw new Error(`expected ${IMAGES} ok images, got ${JSON.stringify(online.summary)}`);
            }
            return ms;
        };
        const modes = {
            "in-process, concurrency 1 (baseline)": inProcess(1),
            "in-process, concurrency 8 (default)": inProcess(8),
            "in-process, concurrency 32": inProcess(32),
            "CLI check --online end to end (spawned, concurrency 8)": () => cliRun(dir, mapFile, registry.url),
        };
        const samples = await interleave(modes, context.runs, context.log);
        const names = Object.keys(modes) as (keyof typeof modes)[];
        const rate = (name: keyof typeof modes) => IMAGES / (median(samples[name]) / 1000);
        return {
            figures: names.map(label => ({ label, unit: "ms", samples: samples[label] })),
            summary: [
                `${IMAGES} images (${IMAGES / 2} single-platform, ${IMAGES / 2} two-platform indexes) on ` +
                    `docker-registry at 127.0.0.1`,
                ...names.map(name => `${name}: ${rate(name).toFixed(0)} images/s`),
                `concurrency 8 vs 1: ${(rate(names[1]) / rate(names[0])).toFixed(1)}x`,
            ],
        };
    } finally {
        await registry.stop();
    }
}

export const benchmark: Benchmark = { title: `check --online: ${IMAGES} images against a local registry`, run };
