// The CLI's Unix conventions (issue 13, point 6), each through the real entry (main(argv)) with real parsers,
// stack files and render; a terminal is simulated by setting process.stdout's isTTY and columns.
import * as assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import { CheckReport } from "../../workflow-check/types";
import { CliRun, REPO_ROOT, runCli, suiteProjects } from "./run-cli";

const EXAMPLE = "examples/genomics-workflow";
/** Whether the output carries a colour (an SGR escape). */
const hasColour = (text: string) => text.includes("\u001b[");
// eslint-disable-next-line no-control-regex -- finding raw control bytes is the point of the test
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- the CLI's own colour codes, removed before looking for raw bytes
const COLOUR_CODE = /\u001b\[[0-9;]*m/g;
const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    version: string;
    engines: { node: string };
};

/**
 * Runs the CLI with the given environment (FORCE_COLOR and NO_COLOR unset unless given) and stdout a terminal or not.
 */
async function withEnv(env: Record<string, string>, terminal: boolean, argv: string[]): Promise<CliRun> {
    const stdout = process.stdout as { isTTY?: boolean; columns?: number };
    const saved = {
        isTTY: stdout.isTTY,
        columns: stdout.columns,
        FORCE_COLOR: process.env.FORCE_COLOR,
        NO_COLOR: process.env.NO_COLOR,
    };
    const set = (key: "FORCE_COLOR" | "NO_COLOR", value: string | undefined) => {
        if (value === undefined) {
            Reflect.deleteProperty(process.env, key);
        } else {
            process.env[key] = value;
        }
    };
    Object.defineProperty(stdout, "isTTY", { value: terminal ? true : undefined, configurable: true, writable: true });
    Object.defineProperty(stdout, "columns", { value: terminal ? 200 : undefined, configurable: true, writable: true });
    set("FORCE_COLOR", env.FORCE_COLOR);
    set("NO_COLOR", env.NO_COLOR);
    try {
        return await runCli(argv, REPO_ROOT);
    } finally {
        Object.defineProperty(stdout, "isTTY", { value: saved.isTTY, configurable: true, writable: true });
        Object.defineProperty(stdout, "columns", { value: saved.columns, configurable: true, writable: true });
        set("FORCE_COLOR", saved.FORCE_COLOR);
        set("NO_COLOR", saved.NO_COLOR);
    }
}

describe("CLI conventions (real CLI entry)", () => {
    const project = suiteProjects();

    it("--version and -V print package.json's version on stdout, exit 0", async () => {
        for (const flag of ["--version", "-V"]) {
            const run = await runCli([flag]);
            assert.equal(run.code, 0);
            assert.equal(run.stdout, `${manifest.version}\n`);
            assert.equal(run.stderr, "");
        }
    });

    it("colour only on a terminal; NO_COLOR turns it off, FORCE_COLOR turns it on (or off with 0)", async () => {
        const check = ["check", EXAMPLE, "--stack", "dev"];
        assert.ok(hasColour((await withEnv({}, true, check)).stdout), "a terminal gets colour");
        assert.ok(!hasColour((await withEnv({}, false, check)).stdout), "a pipe gets none");
        assert.ok(!hasColour((await withEnv({ NO_COLOR: "1" }, true, check)).stdout), "NO_COLOR on a terminal");
        assert.ok(
            hasColour((await withEnv({ NO_COLOR: "" }, true, check)).stdout),
            "an empty NO_COLOR is not set (no-color.org)",
        );
        assert.ok(hasColour((await withEnv({ FORCE_COLOR: "1" }, false, check)).stdout), "FORCE_COLOR in a pipe");
        assert.ok(!hasColour((await withEnv({ FORCE_COLOR: "0" }, true, check)).stdout), "FORCE_COLOR=0 on a terminal");
    });

    it("notes and progress go to stderr, results to stdout: render and check", async () => {
        const out = path.join(project({}), "out");
        const render = await runCli(["render", "--stack", "dev", "--out", out], REPO_ROOT);
        assert.equal(render.code, 0, render.stderr);
        assert.ok(
            render.stdout
                .split("\n")
                .filter(Boolean)
                .every(line => line.startsWith("rendered stack ") || line.startsWith("  ")),
            render.stdout,
        );
        assert.doesNotMatch(render.stdout, /note:|placeholder:/);
        assert.match(render.stderr, /^placeholder: account 123456789012 is a placeholder/m);
        assert.match(render.stderr, /^note: omics-registry-maps:dockerHubCredentials is not set/m);
        const check = await runCli(["check", EXAMPLE, "--stack", "dev", "--format", "json"], REPO_ROOT);
        assert.doesNotThrow(() => JSON.parse(check.stdout), "stdout is the report alone");
        assert.match(check.stderr, /^note: map: default of stack dev/m);
    });

    it("a usage error prints one line and a pointer to --help, not the whole help (exit 2)", async () => {
        for (const argv of [
            ["check", EXAMPLE, "--nope"],
            ["check"],
            ["no-such-command"],
            ["render"],
            ["check", EXAMPLE, "--stack", "dev", "--format", "xml"],
        ]) {
            const run = await runCli(argv, REPO_ROOT);
            assert.equal(run.code, 2, argv.join(" "));
            const lines = run.stderr.trimEnd().split("\n");
            assert.equal(lines.length, 2, `${argv.join(" ")}:\n${run.stderr}`);
            assert.match(lines[0], /^error: /);
            assert.match(lines[1], /--help/);
            assert.doesNotMatch(run.stderr, /Usage:|Options:/);
        }
        const noMap = await runCli(["check", EXAMPLE], REPO_ROOT);
        assert.equal(noMap.code, 2);
        assert.match(
            noMap.stderr,
            new RegExp(
                /^check: give the map to check against: --map <file\.json> or --stack <name> \(run 'omics-reg/.source +
                    /istry-maps check --help' for usage\)\n$/.source,
            ),
        );
    });

    it("a single workflow file is accepted: its folder becomes the root, and the report says so", async () => {
        const file = path.join(EXAMPLE, "genomics-workflow.wdl");
        const json = await runCli(["check", file, "--stack", "dev", "--format", "json"], REPO_ROOT);
        assert.equal(json.code, 0, json.stderr);
        const report = JSON.parse(json.stdout) as CheckReport;
        assert.equal(report.workflow, EXAMPLE);
        assert.equal(report.inputs?.workflowFile, file);
        assert.equal(report.images.length, 2);
        assert.match(
            json.stderr,
            new RegExp(
                /note: examples\/genomics-workflow\/genomics-workflow\.wdl is a file: checking its folder exa/.source +
                    /mples\/genomics-workflow as the workflow root/.source,
            ),
        );
        const table = await runCli(["check", file, "--stack", "dev"], REPO_ROOT);
        assert.match(
            table.stdout,
            new RegExp(
                /^workflow: examples\/genomics-workflow\/genomics-workflow\.wdl \(its folder examples\/genomi/.source +
                    /cs-workflow is the workflow root\)\n/.source,
            ),
        );
    });

    it("--stack <unknown> lists the stacks that exist, for check and render (exit 2)", async () => {
        for (const argv of [
            ["check", EXAMPLE, "--stack", "prod"],
            ["render", "--stack", "prod"],
        ]) {
            const run = await runCli(argv, REPO_ROOT);
            assert.equal(run.code, 2, argv.join(" "));
            assert.match(
                run.stderr,
                /Pulumi\.prod\.yaml: no such file: there is no stack "prod" in .+; the stacks there are: dev, gatk\n$/,
            );
        }
        const empty = project({});
        const none = await runCli(["render", "--stack", "prod", "--project", empty]);
        assert.match(none.stderr, /it has no Pulumi\.<stack>\.yaml files/);
    });

    it("render --out into a path under a file: a clear error and exit 2, nothing written", async () => {
        const dir = project({});
        const file = path.join(dir, "not-a-dir");
        fs.writeFileSync(file, "x");
        for (const out of [file, path.join(file, "sub")]) {
            const run = await runCli(["render", "--stack", "dev", "--out", out], REPO_ROOT);
            assert.equal(run.code, 2, run.stderr);
            assert.equal(run.stderr, `render: cannot write to --out ${out}: ${file} is a file, not a directory\n`);
            assert.equal(run.stdout, "");
        }
        assert.equal(fs.readFileSync(file, "utf8"), "x");
    });

    it(
        "control bytes from a binary or hostile workflow file " + "never reach the terminal raw (table, JSON, stderr)",
        async () => {
            const dir = project({});
            const workflow = path.join(dir, "wf");
            fs.mkdirSync(workflow);
            // an image string with ESC (a terminal title escape), a C1 CSI and DEL; a file named with ESC; binary "WDL"
            fs.writeFileSync(
                path.join(workflow, "main.wdl"),
                "version 1.0\ntask T {\n  command <<< true >>>\n  runtime { docker: " +
                    '"quay.io/x\u001b]0;owned\u0007\u009b31m\u007f:1" }\n}\n',
            );
            fs.writeFileSync(
                path.join(workflow, "bad\u001b[2J.wdl"),
                Buffer.from([0x76, 0x65, 0x72, 0x0a, 0x1b, 0x5b, 0x32, 0x4a, 0x9b, 0x00, 0xff, 0x7b]),
            );
            const map = path.join(dir, "map.json");
            fs.writeFileSync(
                map,
                JSON.stringify({ registryMappings: [{ upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" }] }),
            );
            for (const format of ["table", "json"]) {
                for (const terminal of [true, false]) {
                    const run = await withEnv({}, terminal, ["check", workflow, "--map", map, "--format", format]);
                    assert.equal(run.code, 2, run.stderr);
                    // our own colour codes only
                    const text = format === "table" && terminal ? run.stdout.replace(COLOUR_CODE, "") : run.stdout;
                    assert.doesNotMatch(text.replace(/\n/g, ""), RAW_CONTROL, `${format} stdout, terminal ${terminal}`);
                    assert.doesNotMatch(run.stderr.replace(/\n/g, ""), RAW_CONTROL, "stderr");
                    assert.match(
                        format === "json" ? run.stdout : text,
                        /quay\.io\/x(\\x1b|\\u001b)/,
                        "the bytes are shown escaped",
                    );
                }
            }
        },
    );

    it("plurals: 1 image, 2 images; 1 error", async () => {
        const two = await runCli(["check", EXAMPLE, "--stack", "dev"], REPO_ROOT);
        assert.match(
            two.stdout,
            new RegExp(
                /\n2 distinct images \(2 places\): 2 mapped, 0 unmapped, 0 unresolvable, 0 invalid, 0 unpinne/.source +
                    /d; 0 errors, 0 warnings\n$/.source,
            ),
        );
        const dir = project({});
        fs.mkdirSync(path.join(dir, "wf"));
        fs.writeFileSync(
            path.join(dir, "wf", "t.wdl"),
            'version 1.0\ntask T {\n  command <<< true >>>\n  runtime { docker: "ghcr.io/o/t:1" }\n}\n',
        );
        const one = await runCli(["check", path.join(dir, "wf"), "--stack", "dev"], REPO_ROOT);
        assert.match(one.stdout, /\nghcr\.io \(1 image\)\n/);
        assert.match(one.stdout, /\n1 registry is missing; the run would fail:\n/);
        assert.match(one.stdout, /\nghcr\.io: 1 image needs it;/);
        assert.match(
            one.stdout,
            new RegExp(
                /\n1 distinct image \(1 place\): 0 mapped, 1 unmapped, 0 unresolvable, 0 invalid, 0 unpinned;/.source +
                    / 1 error, 0 warnings\n$/.source,
            ),
        );
    });

    it("engines states the Node version the code needs: util.styleText (format-table.ts) arrived in Node 20.12", () => {
        assert.equal(manifest.engines.node, ">=20.12.0");
        const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as {
            packages: Record<string, { engines?: { node?: string } }>;
        };
        assert.equal(lock.packages[""].engines?.node, ">=20.12.0");
        assert.match(
            fs.readFileSync(path.join(REPO_ROOT, "workflow-check", "format-table.ts"), "utf8"),
            /import \{ styleText \} from "util"/,
        );
    });
});
