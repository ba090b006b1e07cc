// The contract every bench/*.ts file fulfils so bench/run.ts can find and run it: `export const benchmark: Benchmark`.
import * as path from "path";

export const PROJECT_ROOT = path.join(__dirname, "..", "..");

/** Scratch space inside the checkout (git-ignored), so packages resolve from the project's node_modules. */
export const WORK_DIR = path.join(PROJECT_ROOT, "bench", ".work");

export interface BenchContext {
    /** Measured runs per mode (BENCH_RUNS, default 5); modes are interleaved run by run. */
    readonly runs: number;
    /** Progress line on stderr (a function property: benchmarks pass it on as a callback). */
    readonly log: (line: string) => void;
}

/** One measured quantity: the samples of one mode, in `unit`. */
export interface Figure {
    readonly label: string;
    readonly unit: string;
    readonly samples: readonly number[];
}

export interface BenchmarkReport {
    readonly figures: readonly Figure[];
    /** Ratios, targets and caveats, one line each. */
    readonly summary: readonly string[];
    /** false when a stated target was missed (the runner then exits 1). */
    readonly targetMet?: boolean;
}

export interface Benchmark {
    readonly title: string;
    run(context: BenchContext): Promise<BenchmarkReport>;
}
