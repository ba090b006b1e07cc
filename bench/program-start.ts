// Benchmark: the Pulumi program's start-to-finish time in a preview, launched the way the nodejs language host does,
// next to a program that declares nothing, in the same run. Launch as execRuntime/constructArguments do (pulumi
// v3.248.0 sdk/nodejs/cmd/pulumi-language-nodejs/main.go:876-907, 1067-1097): `node @pulumi/pulumi/cmd/run
// --monitor --engine --organization --project --root-directory --stack --pwd --dry-run --parallel <entry>` with
// PULUMI_CONFIG ("<ns>:config:<key>" JSON), PULUMI_CONFIG_SECRET_KEYS, PULUMI_NODEJS_TYPESCRIPT=true and
// PULUMI_NODEJS_TSCONFIG_PATH from Pulumi.yaml runtime.options.tsconfig. The engine and resource monitor are the
// in-process stand-ins of lib/stub-engine.ts (no Pulumi CLI here); the clock stops when the program exits. With an
// engine the program reads the account's live registry settings before writing them: lib/stub-ecr.ts answers those
// two ECR calls on 127.0.0.1, so the figure includes loading the AWS SDK and the round trips.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { Benchmark, BenchContext, BenchmarkReport, PROJECT_ROOT, WORK_DIR } from "./lib/benchmark";
import { timeUntilExit } from "./lib/launch";
import { interleave, median } from "./lib/stats";
import { startStubEcr, StubEcr } from "./lib/stub-ecr";
import { startStubEngine, StubEngine } from "./lib/stub-engine";

const STACK = "dev";

interface ProjectFile {
    name: string;
    runtime: string | { name: string; options?: { typescript?: boolean; tsconfig?: string } };
    /** A key declared without a body (`key:`) reads as null. */
    config?: Record<string, { default?: unknown } | null>;
}

function readYaml(file: string): unknown {
    return yaml.load(fs.readFileSync(file, "utf8"));
}

/**
 * The config the engine hands the program: Pulumi.yaml defaults, Pulumi.dev.yaml, a placeholder for each secret key.
 */
function stackConfig(project: ProjectFile): { config: Record<string, string>; secretKeys: string[] } {
    const encode = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
    const plain: Record<string, string> = {};
    for (const [key, declared] of Object.entries(project.config ?? {})) {
        if (declared?.default !== undefined) {
            plain[`${project.name}:${key}`] = encode(declared.default);
        }
    }
    const stackFile = readYaml(path.join(PROJECT_ROOT, `Pulumi.${STACK}.yaml`)) as { config?: Record<string, unknown> };
    for (const [key, value] of Object.entries(stackFile.config ?? {})) {
        plain[key] = encode(value);
    }
    const secretKeys: string[] = [];
    const registries = JSON.parse(plain[`${project.name}:registries`] ?? "[]") as {
        credentials?: { secretConfigKey?: string };
    }[];
    for (const secretKey of registries
        .map(r => r.credentials?.secretConfigKey)
        .filter((k): k is string => typeof k === "string")) {
        plain[`${project.name}:${secretKey}`] = JSON.stringify({ username: "bench", accessToken: "not-a-real-token" });
        secretKeys.push(`${project.name}:${secretKey}`);
    }
    // main.go constructConfig: "<namespace>:<name>" becomes "<namespace>:config:<name>".
    const config = Object.fromEntries(
        Object.entries(plain).map(([key, value]) => {
            const [namespace, ...name] = key.split(":");
            return [`${namespace}:config:${name.join(":")}`, value];
        }),
    );
    return { config, secretKeys };
}

/** A project that declares nothing, with this project's tsconfig files (so ts-node starts the same way). */
function writeEmptyProgram(): string {
    const dir = path.join(WORK_DIR, "empty-program");
    fs.mkdirSync(dir, { recursive: true });
    for (const file of ["tsconfig.json", "tsconfig.pulumi.json"]) {
        fs.writeFileSync(
            path.join(dir, file),
            fs
                .readFileSync(path.join(PROJECT_ROOT, file))
                .toString()
                .replace(/"types":\s*\[[^\]]*\]/, '"types": ["node"]'),
        );
    }
    fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({ name: "empty-program", version: "0.0.0", main: "index.ts" }, null, 2),
    );
    fs.writeFileSync(path.join(dir, "index.ts"), "// Declares nothing.\nexport {};\n");
    return dir;
}

function launcher(
    engine: StubEngine,
    ecr: StubEcr,
    project: ProjectFile,
    programDir: string,
    tsconfig: string | undefined,
) {
    const { config, secretKeys } = stackConfig(project);
    const options = typeof project.runtime === "object" ? (project.runtime.options ?? {}) : {};
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...ecr.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys),
    };
    delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
    delete env.PULUMI_NODEJS_TSCONFIG_PATH;
    if (options.typescript !== false) {
        env.PULUMI_NODEJS_TYPESCRIPT = "true";
    }
    if (tsconfig) {
        env.PULUMI_NODEJS_TSCONFIG_PATH = tsconfig;
    }
    const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [programDir] });
    return async () => {
        engine.reset();
        const elapsed = await timeUntilExit({
            command: process.execPath,
            args: [
                runPath,
                "--monitor",
                engine.monitorAddress,
                "--engine",
                engine.engineAddress,
                "--organization",
                "organization",
                "--project",
                project.name,
                "--root-directory",
                programDir,
                "--stack",
                STACK,
                "--pwd",
                programDir,
                "--dry-run",
                "--parallel",
                "48",
                ".",
            ],
            options: { cwd: programDir, env },
        }).catch((error: unknown) => {
            const message = error instanceof Error ? error.message : String(error);
            throw new Error(`${message}\nprogram errors:\n${engine.errors.join("\n")}`);
        });
        if (engine.errors.length > 0) {
            throw new Error(`the program logged errors: ${engine.errors.join("\n")}`);
        }
        return elapsed;
    };
}

async function run(context: BenchContext): Promise<BenchmarkReport> {
    const project = readYaml(path.join(PROJECT_ROOT, "Pulumi.yaml")) as ProjectFile;
    const shippedTsconfig = typeof project.runtime === "object" ? project.runtime.options?.tsconfig : undefined;
    const engine = await startStubEngine(project.name, STACK);
    const ecr = await startStubEcr();
    try {
        const emptyDir = writeEmptyProgram();
        let resources = 0;
        const shipped = launcher(engine, ecr, project, PROJECT_ROOT, shippedTsconfig);
        const modes = {
            "empty program": launcher(engine, ecr, project, emptyDir, shippedTsconfig),
            "this program, as shipped": async () => {
                const ms = await shipped();
                resources = engine.registered.length;
                return ms;
            },
            "this program, type-checked per run (no tsconfig option)": launcher(
                engine,
                ecr,
                project,
                PROJECT_ROOT,
                undefined,
            ),
        };
        const samples = await interleave(modes, context.runs, context.log);
        const empty = median(samples["empty program"]);
        const asShipped = median(samples["this program, as shipped"]);
        const typeChecked = median(samples["this program, type-checked per run (no tsconfig option)"]);
        return {
            figures: Object.entries(samples).map(([label, values]) => ({ label, unit: "ms", samples: values })),
            summary: [
                `Pulumi.yaml runtime.options.tsconfig: ${shippedTsconfig ?? "(none)"}; the program registered ` +
                    `${resources} resources (preview of stack ${STACK}); ECR calls answered by the stand-in: ` +
                    `${ecr.calls.length}`,
                `this program / empty program: ${(asShipped / empty).toFixed(2)}x`,
                `type-checked / as shipped: ${(typeChecked / asShipped).toFixed(2)}x ` +
                    `(${((typeChecked - asShipped) / 1000).toFixed(1)} s saved per preview/up)`,
            ],
        };
    } finally {
        await Promise.all([engine.stop(), ecr.stop()]);
    }
}

export const benchmark: Benchmark = {
    title: "program start (cmd/run as the language host launches it, preview, until exit)",
    run,
};
