// Benchmark: policy pack load time the way the engine launches it, next to an empty pack measured in the same run.
// Launch as the nodejs language host's RunPlugin does (pulumi v3.248.0 sdk/nodejs/cmd/pulumi-language-nodejs/
// main.go:1548-1690): `node <run-policy-pack resolved from the pack dir> <engineAddress> <packDir>`, cwd = pack dir,
// PULUMI_NODEJS_TYPESCRIPT=true; the load ends when the pack prints its port on stdout.
import * as fs from "fs";
import * as path from "path";
import { Benchmark, BenchContext, BenchmarkReport, PROJECT_ROOT, WORK_DIR } from "./lib/benchmark";
import { timeUntilLine } from "./lib/launch";
import { interleave, median } from "./lib/stats";
import { startStubEngine } from "./lib/stub-engine";

const PACK_DIR = path.join(PROJECT_ROOT, "policy-pack");
const TARGET_RATIO = 1.3;

/** A pack with no policies, same runtime files as ours (PulumiPolicy.yaml, package.json, tsconfig.json). */
function writeEmptyPack(): string {
    const dir = path.join(WORK_DIR, "empty-pack");
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), path.join(dir, "PulumiPolicy.yaml"));
    fs.copyFileSync(path.join(PACK_DIR, "tsconfig.json"), path.join(dir, "tsconfig.json"));
    fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({ name: "empty-pack", version: "0.0.0", main: "index.js" }, null, 2),
    );
    fs.writeFileSync(
        path.join(dir, "index.js"),
        `"use strict";\nconst { PolicyPack } = require("@pulumi/policy");\nnew PolicyPack("empty", { policies: [] ` +
            `});\n`,
    );
    return dir;
}

/** The pack as it shipped before the build step: TypeScript sources as `main`, type-checked by run-policy-pack. */
function writeTypeScriptPack(): string {
    const dir = path.join(WORK_DIR, "typescript-pack");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.cpSync(PACK_DIR, dir, { recursive: true, filter: source => !/[/\\](node_modules|dist)$/.test(source) });
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { main: string };
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ ...manifest, main: "index.ts" }, null, 2));
    return dir;
}

async function run(context: BenchContext): Promise<BenchmarkReport> {
    const engine = await startStubEngine("bench", "bench");
    try {
        const launch = (packDir: string) => () =>
            timeUntilLine(
                {
                    command: process.execPath,
                    args: [
                        require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] }),
                        engine.engineAddress,
                        packDir,
                    ],
                    options: { cwd: packDir, env: { ...process.env, PULUMI_NODEJS_TYPESCRIPT: "true" } },
                },
                /^\d+$/,
            );
        const modes = {
            "empty pack (JS, no policies)": launch(writeEmptyPack()),
            "this pack, as shipped (compiled JS)": launch(PACK_DIR),
            "this pack as TypeScript (before the build step)": launch(writeTypeScriptPack()),
        };
        const samples = await interleave(modes, context.runs, context.log);
        const empty = median(samples["empty pack (JS, no policies)"]);
        const shipped = median(samples["this pack, as shipped (compiled JS)"]);
        const typescript = median(samples["this pack as TypeScript (before the build step)"]);
        const ratio = shipped / empty;
        return {
            figures: Object.entries(samples).map(([label, values]) => ({ label, unit: "ms", samples: values })),
            summary: [
                `shipped pack / empty pack: ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x): ` +
                    (ratio <= TARGET_RATIO ? "met" : "MISSED"),
                `TypeScript pack / shipped pack: ${(typescript / shipped).toFixed(2)}x ` +
                    `(${((typescript - shipped) / 1000).toFixed(1)} s saved per engine start)`,
            ],
            targetMet: ratio <= TARGET_RATIO,
        };
    } finally {
        await engine.stop();
    }
}

export const benchmark: Benchmark = { title: "policy pack load (engine's run-policy-pack, until the port line)", run };
