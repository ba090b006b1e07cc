// The package as it would be published: `npm pack` (its prepare step builds dist/), `npm install <tarball>` into an
// empty folder, then the installed command from other folders. Real layers: npm (pack and install, from the local
// cache where it can: --prefer-offline), node, the compiled CLI; nothing from this checkout's node_modules is used by
// the installed command. Nothing is replaced. One install for the whole suite (it takes a while on a small machine).
import * as assert from "assert/strict";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const PACKAGE = "@omics-registry-maps/cli";

/** The environment of a user's shell: no npm script variables, no PATH entry into this checkout. */
function userEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
        if (!key.toLowerCase().startsWith("npm_") || key.toLowerCase() === "npm_config_cache") {
            env[key] = value;
        }
    }
    env.PATH = (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter(dir => !dir.startsWith(ROOT))
        .join(path.delimiter);
    return env;
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
    return spawnSync(command, args, {
        cwd,
        env: userEnv(),
        encoding: "utf8",
        timeout: 300_000,
        maxBuffer: 64 * 1024 * 1024,
    });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
    assert.equal(result.status, 0, `${what} failed (${String(result.status)}):\n${result.stderr}\n${result.stdout}`);
    return result.stdout;
}

describe(`${PACKAGE} installed from its npm pack tarball (real npm, real install, compiled CLI)`, function () {
    this.timeout(600_000);
    let scratch = "";
    let app = "";
    let elsewhere = "";
    let packedFiles: string[] = [];

    before(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "package-install-"));
        app = path.join(scratch, "app");
        elsewhere = path.join(scratch, "elsewhere");
        fs.mkdirSync(app);
        fs.mkdirSync(elsewhere);
        const packed = JSON.parse(
            ok(run("npm", ["pack", "--pack-destination", scratch, "--json", "--loglevel=error"], ROOT), "npm pack"),
        ) as { filename: string; name: string; files: { path: string }[] }[];
        const [tarball] = packed;
        assert.ok(tarball);
        assert.equal(tarball.name, PACKAGE);
        packedFiles = tarball.files.map(file => file.path);
        fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "scratch-app", private: true }));
        ok(
            run(
                "npm",
                [
                    "install",
                    "--prefer-offline",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                    path.join(scratch, tarball.filename),
                ],
                app,
            ),
            "npm install <tarball>",
        );
    });

    after(() => {
        fs.rmSync(scratch, { recursive: true, force: true });
    });

    it("packs the compiled CLI and its shim, not the sources or the tests", () => {
        for (const file of [
            "cli/omics-registry-maps.js",
            "dist/cli/main.js",
            "dist/config/stack-files.js",
            "dist/policy-pack/rules/ecr-naming.js",
            "README.md",
        ]) {
            assert.ok(packedFiles.includes(file), `${file} is not in the package`);
        }
        assert.deepEqual(
            packedFiles.filter(file => file.startsWith("test/") || (file.endsWith(".ts") && file !== "index.ts")),
            [],
        );
    });

    it("installs without ts-node or TypeScript (no compilation at run time)", () => {
        assert.ok(
            fs.existsSync(path.join(app, "node_modules", "@omics-registry-maps", "cli", "dist", "cli", "main.js")),
        );
        assert.ok(!fs.existsSync(path.join(app, "node_modules", "ts-node")), "ts-node was installed");
        assert.ok(!fs.existsSync(path.join(app, "node_modules", "typescript")), "typescript was installed");
    });

    it("`npx --no-install @omics-registry-maps/cli check <example> --map <file>` works in the install folder", () => {
        const out = ok(
            run(
                "npx",
                [
                    "--no-install",
                    PACKAGE,
                    "check",
                    path.join(ROOT, "examples", "genomics-workflow"),
                    "--map",
                    path.join(ROOT, "test", "fixtures", "seed-guide-combined-map.json"),
                    "--format",
                    "json",
                ],
                app,
            ),
            "npx check",
        );
        assert.deepEqual((JSON.parse(out) as { summary: unknown }).summary, {
            images: 2,
            distinct: 2,
            excluded: 0,
            mapped: 2,
            unmapped: 0,
            unresolvable: 0,
            unpinned: 0,
        });
    });

    it(
        "check, render and rollout run from another folder, pointed at the stack project with --project / " +
            "--work-dir",
        () => {
            const bin = path.join(app, "node_modules", ".bin", "omics-registry-maps");
            const check = ok(
                run(
                    bin,
                    ["check", path.join(ROOT, "examples", "genomics-workflow"), "--stack", "dev", "--project", ROOT],
                    elsewhere,
                ),
                "check --stack",
            );
            assert.match(check, /2 distinct images \(2 places\): 2 mapped/);
            const out = path.join(elsewhere, "render-gatk");
            ok(run(bin, ["render", "--stack", "gatk", "--project", ROOT, "--out", out], elsewhere), "render");
            assert.ok(fs.existsSync(path.join(out, "omics-role-policy.json")));
            const matrix = ok(
                run(
                    bin,
                    [
                        "rollout",
                        "plan",
                        "--work-dir",
                        ROOT,
                        "--file",
                        path.join(ROOT, "rollout.yaml"),
                        "--format",
                        "github-matrix",
                    ],
                    elsewhere,
                ),
                "rollout plan",
            );
            assert.deepEqual(
                (JSON.parse(matrix) as { include: { stack: string }[] }).include.map(entry => entry.stack),
                ["research-us-east-1", "research-eu-west-1", "clinical-us-east-1"],
            );
            const dryRun = ok(
                run(
                    bin,
                    ["rollout", "--dry-run", "--work-dir", ROOT, "--file", path.join(ROOT, "rollout.yaml")],
                    elsewhere,
                ),
                "rollout --dry-run",
            );
            assert.match(dryRun, /^Plan: preview of 3 stack\(s\)/);
        },
    );
});
