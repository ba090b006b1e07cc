// `npm run bench`: runs every bench/*.ts that exports `benchmark` (or those named as arguments) and prints figures.
import * as fs from "fs";
import * as path from "path";
import { Benchmark, BenchmarkReport } from "./lib/benchmark";
import { describeMachine } from "./lib/machine";
import { median } from "./lib/stats";

function benchmarkFiles(filter: readonly string[]): string[] {
    return fs
        .readdirSync(__dirname)
        .filter(file => file.endsWith(".ts") && file !== "run.ts" && !file.endsWith(".d.ts"))
        .filter(file => filter.length === 0 || filter.includes(path.basename(file, ".ts")))
        .sort();
}

function printReport(title: string, report: BenchmarkReport): void {
    console.log(`\n## ${title}`);
    const width = Math.max(...report.figures.map(f => f.label.length));
    for (const figure of report.figures) {
        const sorted = [...figure.samples].sort((a, b) => a - b);
        const range = `${sorted[0].toFixed(0)}-${sorted[sorted.length - 1].toFixed(0)}`;
        console.log(
            `${figure.label.padEnd(width)}  median ${median(figure.samples).toFixed(0)} ${figure.unit}  ` +
                `(${figure.samples.length} runs, ${range})`,
        );
    }
    for (const line of report.summary) {
        console.log(line);
    }
}

async function main(argv: readonly string[]): Promise<number> {
    const runs = Number(process.env.BENCH_RUNS ?? 5);
    if (!Number.isInteger(runs) || runs < 1) {
        throw new Error(`BENCH_RUNS must be a positive integer, got ${process.env.BENCH_RUNS}`);
    }
    const files = benchmarkFiles(argv);
    if (files.length === 0) {
        throw new Error(`no benchmark matches ${argv.join(", ")}`);
    }
    console.log(`machine: ${describeMachine()}`);
    console.log(`runs per mode: ${runs} (BENCH_RUNS), modes interleaved, one warm-up round not counted`);
    let allMet = true;
    for (const file of files) {
        const loaded = (await import(path.join(__dirname, file))) as { benchmark?: Benchmark };
        if (!loaded.benchmark) {
            continue;
        }
        const log = (line: string) => process.stderr.write(`[${path.basename(file, ".ts")}] ${line}\n`);
        const report = await loaded.benchmark.run({ runs, log });
        printReport(loaded.benchmark.title, report);
        allMet &&= report.targetMet !== false;
    }
    return allMet ? 0 : 1;
}

main(process.argv.slice(2)).then(
    code => {
        process.exitCode = code;
    },
    (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exitCode = 1;
    },
);
