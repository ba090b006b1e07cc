// `check --main`, a single WDL file as the workflow, imports through symbolic links, and scan warnings in the summary,
// through the real CLI entry (main(argv)), real parsers and a map file; small trees in a temporary folder.
import * as assert from "assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv from "ajv";
import { REPO_ROOT, runCli } from "./run-cli";

const validateReport = new Ajv().compile(
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "test", "workflow-check", "check-report.schema.json"), "utf8")),
);
const created: string[] = [];
const tempDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-main-"));
    created.push(dir);
    return dir;
};
const PINNED = "quay.io/biocontainers/samtools@sha256:" + "a".repeat(64);

/** A root with main.wdl (one task, a quay.io image) and an unrelated file that cannot be parsed. */
function rootWithBrokenNeighbour(): { root: string; map: string } {
    const root = tempDir();
    fs.writeFileSync(
        path.join(root, "main.wdl"),
        `version 1.0\nworkflow W { call T }\ntask T {\n  command <<< >>>\n  runtime { docker: "${PINNED}" }\n}\n`,
    );
    fs.writeFileSync(path.join(root, "unrelated.wdl"), "version 1.0\ntask {{{ broken\n");
    const map = path.join(tempDir(), "map.json");
    fs.writeFileSync(
        map,
        JSON.stringify({ registryMappings: [{ upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" }] }),
    );
    return { root, map };
}

describe("cli check --main and links (real CLI entry, parsers, map file)", () => {
    after(() => {
        for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("--main: only that file and its imports are checked, an unparseable neighbour does not fail", async () => {
        const { root, map } = rootWithBrokenNeighbour();
        const whole = await runCli(["check", root, "--map", map, "--format", "json"]);
        assert.equal(whole.code, 2, "without --main the unrelated file is a problem");
        const run = await runCli(["check", root, "--main", "main.wdl", "--map", map, "--format", "json"]);
        assert.equal(run.code, 0, run.stderr);
        const report = JSON.parse(run.stdout) as { images: { file: string }[]; problems: unknown[]; inputs: object };
        assert.ok(validateReport(report), JSON.stringify(validateReport.errors));
        assert.deepEqual(report.problems, []);
        assert.deepEqual(
            report.images.map(i => i.file),
            ["main.wdl"],
        );
        assert.equal((report.inputs as { main?: string }).main, "main.wdl");
        const table = await runCli(["check", root, "--main", "main.wdl", "--map", map]);
        assert.match(table.stdout, /^workflow: .+ \(main main\.wdl\)\n/);
        const missing = await runCli(["check", root, "--main", "nosuch.wdl", "--map", map]);
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /check: Main workflow file nosuch\.wdl not found in /);
    });

    it("a single WDL file as the workflow means the same: that file and its imports, its folder the root", async () => {
        const { root, map } = rootWithBrokenNeighbour();
        const run = await runCli(["check", path.join(root, "main.wdl"), "--map", map, "--format", "json"]);
        assert.equal(run.code, 0, run.stderr);
        const report = JSON.parse(run.stdout) as { workflow: string; inputs: { main?: string; workflowFile?: string } };
        assert.equal(report.workflow, root);
        assert.deepEqual([report.inputs.main, report.inputs.workflowFile], ["main.wdl", path.join(root, "main.wdl")]);
        const both = await runCli(["check", path.join(root, "main.wdl"), "--main", "main.wdl", "--map", map]);
        assert.equal(both.code, 2);
    });

    it("an import through links out of the root: outside import by real path; scan warnings counted", async () => {
        const base = tempDir();
        fs.mkdirSync(path.join(base, "s", "sub"), { recursive: true });
        fs.mkdirSync(path.join(base, "out"));
        fs.writeFileSync(
            path.join(base, "out", "secret.wdl"),
            `version 1.0\ntask Secret {\n  command <<< >>>\n  runtime { docker: "${PINNED}" }\n}\n`,
        );
        fs.symlinkSync("../out/secret.wdl", path.join(base, "s", "link.wdl"));
        fs.symlinkSync("..", path.join(base, "s", "sub", "loop"));
        fs.writeFileSync(
            path.join(base, "s", "main.wdl"),
            'version 1.0\nimport "sub/loop/sub/loop/link.wdl" as L\nworkflow W { call L.Secret }\n',
        );
        const map = path.join(base, "map.json");
        fs.writeFileSync(
            map,
            JSON.stringify({ registryMappings: [{ upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" }] }),
        );
        const root = path.join(base, "s");
        const run = await runCli(["check", root, "--map", map]);
        assert.equal(run.code, 0, run.stderr);
        const escaped = root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        assert.match(
            run.stderr,
            new RegExp(
                `note: 1 imported file lies outside the workflow root ${escaped}; ` +
                    "the definition zip must carry them \\(zip from a folder that holds them all\\):" +
                    "\\n {2}\\.\\./out/secret\\.wdl\\n",
            ),
        );
        assert.match(run.stdout, /\.\.\/out\/secret\.wdl:4/);
        // The two listing warnings (the link out of the root, the loop) are counted, as --strict fails on them.
        assert.match(run.stdout, /0 errors, 2 warnings/);
        const strict = await runCli(["check", root, "--map", map, "--strict"]);
        assert.equal(strict.code, 1);
    });
});
