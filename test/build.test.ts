// The install-time build: the policy pack and the CLI run as compiled JavaScript, and the Pulumi program starts
// without a per-run type-check. Real layers: node, npm, tsc output on disk, @pulumi/pulumi's own run-policy-pack
// launcher and tsconfig reader, ts-node; no Pulumi CLI (its Go language host is replayed from its source, cited).
import * as assert from "assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import * as tsutilsModule from "@pulumi/pulumi/tsutils";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..");
const PACK = path.join(ROOT, "policy-pack");

/** Every .ts source under dir (relative paths), skipping installed and built folders. */
function typeScriptSources(dir: string, base = dir): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return ["node_modules", "dist", "bin"].includes(entry.name) ? [] : typeScriptSources(full, base);
        }
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path.relative(base, full)] : [];
    });
}

const compiledName = (source: string): string => source.replace(/\.ts$/, ".js");

function readJson(file: string): unknown {
    return JSON.parse(fs.readFileSync(file, "utf8"));
}

describe("policy pack build (real tsc output, real npm pack, real run-policy-pack)", () => {
    const manifest = readJson(path.join(PACK, "package.json")) as { main: string };

    it("points package.json `main` at compiled JavaScript that the build produced", () => {
        assert.match(manifest.main, /\.js$/);
        assert.ok(fs.existsSync(path.join(PACK, manifest.main)), `${manifest.main} is missing: run npm run build`);
    });

    it("compiles every .ts file of the pack, including folders added later", () => {
        const sources = typeScriptSources(PACK);
        assert.ok(sources.includes("index.ts") && sources.length > 1);
        const outDir = path.dirname(path.join(PACK, manifest.main));
        const missing = sources.filter(source => !fs.existsSync(path.join(outDir, compiledName(source))));
        assert.deepEqual(missing, [], "sources without compiled output");
    });

    it("is started by the engine's launcher from compiled JavaScript alone: no .ts module is loaded", () => {
        // Same launch as the nodejs language host's RunPlugin (pulumi v3.248.0 main.go:1548-1690): run-policy-pack
        // resolved from the pack dir, argv [engineAddress, packDir], cwd = pack dir. A --require probe reports the
        // pack's loaded modules when the pack prints its port, then ends the process.
        const probe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pack-probe-")), "probe.js");
        fs.writeFileSync(
            probe,
            `
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
    if (/^\\d+\\s*$/.test(String(chunk))) {
        const loaded = Object.keys(require.cache).filter(
            f => f.startsWith(${JSON.stringify(PACK + path.sep)}) && !f.includes("node_modules"),
        );
        process.stderr.write("LOADED " + JSON.stringify(loaded) + "\\n");
        process.exit(0);
    }
    return write(chunk, ...rest);
};`,
        );
        const launcher = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK] });
        const result = spawnSync(process.execPath, [launcher, "127.0.0.1:1", PACK], {
            cwd: PACK,
            env: { ...process.env, NODE_OPTIONS: `--require ${probe}`, PULUMI_NODEJS_TYPESCRIPT: "true" },
            encoding: "utf8",
            timeout: 50_000,
        });
        const line = result.stderr.split("\n").find(l => l.startsWith("LOADED "));
        assert.ok(line, `the pack never printed its port: ${result.stderr}`);
        const loaded = (JSON.parse(line.slice("LOADED ".length)) as string[]).map(f => path.relative(PACK, f));
        assert.ok(loaded.includes(path.normalize(manifest.main)), `loaded: ${loaded.join(", ")}`);
        assert.deepEqual(
            loaded.filter(f => f.endsWith(".ts")),
            [],
            "TypeScript sources went through ts-node",
        );
    });

    it(
        "packs for `pulumi policy publish` with the compiled pack and no TypeScript (npm pack builds it: " + "prepack)",
        () => {
            // `pulumi policy publish` runs `npm pack` in the pack dir (sdk/nodejs/npm/npm.go Pack); consumers install
            // the tarball as is, so it must carry the JavaScript.
            const result = spawnSync("npm", ["pack", "--dry-run", "--json", "--loglevel=error"], {
                cwd: PACK,
                encoding: "utf8",
                timeout: 50_000,
            });
            assert.equal(result.status, 0, result.stderr);
            const jsonStart = result.stdout.indexOf("[");
            const [packed] = JSON.parse(result.stdout.slice(jsonStart)) as [{ files: { path: string }[] }];
            const files = packed.files.map(f => f.path).sort();
            const outDir = path.dirname(manifest.main);
            const expected = [
                "PulumiPolicy.yaml",
                "package.json",
                ...typeScriptSources(PACK).map(s => path.posix.join(outDir, compiledName(s).split(path.sep).join("/"))),
            ].sort();
            assert.deepEqual(files, expected);
        },
    );
});

describe("CLI bin (real compiled CLI, real node)", () => {
    const manifest = readJson(path.join(ROOT, "package.json")) as { bin: Record<string, string> };
    const shim = path.join(ROOT, manifest.bin["omics-registry-maps"]);

    it("declares an executable node script as the omics-registry-maps command", () => {
        const text = fs.readFileSync(shim, "utf8");
        assert.ok(text.startsWith("#!/usr/bin/env node\n"));
        assert.ok((fs.statSync(shim).mode & 0o111) !== 0, `${shim} is not executable`);
    });

    it("compiles every CLI source the build reaches (cli/**/*.ts) into dist/", () => {
        const missing = typeScriptSources(path.join(ROOT, "cli")).filter(
            s => !fs.existsSync(path.join(ROOT, "dist", "cli", compiledName(s))),
        );
        assert.deepEqual(missing, []);
    });

    it("prints the help and exits 0, and exits 2 on an unknown command", () => {
        const help = spawnSync(shim, ["--help"], { cwd: os.tmpdir(), encoding: "utf8", timeout: 30_000 });
        assert.equal(help.status, 0, help.stderr);
        assert.match(help.stdout, /^Usage: omics-registry-maps /);
        const bad = spawnSync(shim, ["no-such-command"], { cwd: os.tmpdir(), encoding: "utf8", timeout: 30_000 });
        assert.equal(bad.status, 2);
        assert.match(bad.stderr, /unknown command 'no-such-command'/);
    });
});

describe(
    "Pulumi program start without a per-run type-check " + "(real @pulumi/pulumi tsconfig reader, real ts-node)",
    () => {
        // The language host turns Pulumi.yaml runtime.options.tsconfig into PULUMI_NODEJS_TSCONFIG_PATH (pulumi
        // v3.248.0 sdk/nodejs/cmd/pulumi-language-nodejs/main.go:303-308 and :905-907); cmd/run reads that file's
        // compilerOptions with tsutils.loadTypeScriptCompilerOptions and takes transpileOnly from `noCheck`
        // (run.ts:313-331).
        const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
            runtime: { options?: Record<string, unknown> };
        };
        const tsconfigOption = project.runtime.options?.tsconfig;
        // tsutils.d.ts declares nothing (`export {}`), hence the cast to what tsutils.js exports.
        const tsutils = tsutilsModule as unknown as {
            loadTypeScriptCompilerOptions(file: string): Record<string, unknown>;
        };

        /** What cmd/run hands ts-node as compilerOptions (run.ts:392-397, TypeScript >= 4.7). */
        function runCompilerOptions(tsconfig: string): Record<string, unknown> {
            return {
                target: "ES2020",
                module: "nodenext",
                moduleResolution: "nodenext",
                sourceMap: "true",
                ...tsutils.loadTypeScriptCompilerOptions(tsconfig),
            };
        }

        /** What tsc resolves from a tsconfig, `extends` included. */
        function effectiveOptions(tsconfig: string): ts.CompilerOptions {
            const read = ts.readConfigFile(tsconfig, file => ts.sys.readFile(file));
            return ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfig)).options;
        }

        it("names a tsconfig with noCheck in Pulumi.yaml, so cmd/run registers ts-node transpile-only", () => {
            assert.equal(typeof tsconfigOption, "string", "Pulumi.yaml runtime.options.tsconfig");
            const options = runCompilerOptions(path.join(ROOT, tsconfigOption as string));
            assert.equal(options.noCheck, true);
        });

        it("keeps type-checking in tsconfig.json, the one npm test checks with", () => {
            assert.notEqual(tsutils.loadTypeScriptCompilerOptions(path.join(ROOT, "tsconfig.json")).noCheck, true);
            assert.notEqual(effectiveOptions(path.join(ROOT, "tsconfig.json")).noCheck, true);
        });

        it("runs the program with the same target and module settings as tsconfig.json", () => {
            const asRun = ts.convertCompilerOptionsFromJson(
                runCompilerOptions(path.join(ROOT, tsconfigOption as string)),
                ROOT,
            ).options;
            const checked = effectiveOptions(path.join(ROOT, "tsconfig.json"));
            for (const key of ["target", "module", "moduleResolution"] as const) {
                assert.equal(asRun[key], checked[key], key);
            }
        });

        it(
            "loads a module with a type error under the " + "Pulumi tsconfig, and fails on it under tsconfig.json",
            function () {
                this.timeout(120_000);
                // A child process registers ts-node with cmd/run's exact options (run.ts:326-345, 392-399) and requires
                // a TypeScript file holding a type error.
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "build-test-"));
                try {
                    fs.writeFileSync(path.join(dir, "bad.ts"), 'const n: number = "not a number";\nexport = n;\n');
                    const runner = `
const tsutils = require("@pulumi/pulumi/tsutils");
const tsConfigPath = process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json";
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const transpileOnlyEnv = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
const transpileOnly = transpileOnlyEnv ? transpileOnlyEnv === "true" : compilerOptions.noCheck;
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({ compiler: typescriptRequire, transpileOnly, project: tsConfigPath, skipProject: false,
    compilerOptions: {
        target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions,
    } });
require(${JSON.stringify(path.join(dir, "bad.ts"))});
console.log("LOADED");`;
                    const env = { ...process.env };
                    delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
                    delete env.TS_NODE_TRANSPILE_ONLY;
                    const run = (tsconfig: string) =>
                        spawnSync(process.execPath, ["-e", runner], {
                            cwd: ROOT,
                            env: { ...env, PULUMI_NODEJS_TYPESCRIPT: "true", PULUMI_NODEJS_TSCONFIG_PATH: tsconfig },
                            encoding: "utf8",
                            timeout: 110_000,
                        });
                    const asPulumiRuns = run(tsconfigOption as string);
                    assert.equal(asPulumiRuns.status, 0, asPulumiRuns.stderr);
                    assert.match(asPulumiRuns.stdout, /LOADED/);
                    const typeChecked = run("tsconfig.json");
                    assert.notEqual(typeChecked.status, 0);
                    assert.match(typeChecked.stderr, /TS2322/);
                } finally {
                    fs.rmSync(dir, { recursive: true, force: true });
                }
            },
        );
    },
);
