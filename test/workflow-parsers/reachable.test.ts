// scanWorkflow reads only what a run reaches (issue 12/13 review): the WDL call graph, --main, imports by real path
// through symbolic links. Real tokenizer, parser, import following, resolver and directory source, on real warp files
// and small trees written to a temporary folder.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { scanWorkflow } from "../../workflow-parsers";
import { UP, WARP_WGS } from "./pipeline-fixtures";
import { removeTempDirs, tempDir, writeTree } from "./temp-tree";

const task = (name: string, image: string): string =>
    `task ${name} {\n  command <<< true >>>\n  runtime { docker: "${image}" }\n}\n`;

/** file:line value, sorted, for comparing what a scan found. */
const found = (scan: Awaited<ReturnType<typeof scanWorkflow>>): string[] =>
    scan.references.map(r => `${r.file} ${r.value ?? `(${r.expression ?? ""})`}`).sort();

describe("workflow-parsers: only what a run reaches (call graph, --main, links)", () => {
    after(removeTempDirs);

    it("WDL: the tasks the workflow calls (scatter, if, alias, ns.Task, subworkflows), not every task", async () => {
        const root = writeTree({
            "main.wdl": [
                "version 1.0",
                'import "lib/tasks.wdl" as T',
                'import "sub/sub.wdl" as S',
                "workflow Main {",
                "  input { Boolean b = true }",
                "  scatter (i in [1, 2]) { call T.InScatter }",
                "  if (b) { call T.InIf as renamed }",
                "  call S.Sub",
                "  call Local",
                "}",
                task("Local", "local:1"),
                task("LocalUncalled", "local-uncalled:1"),
            ].join("\n"),
            "lib/tasks.wdl": [
                "version 1.0",
                task("InScatter", "in-scatter:1"),
                task("InIf", "in-if:1"),
                task("Uncalled", "uncalled:1"),
                "task UncalledUnresolvable {\n  input { String d }\n  command <<< >>>\n  runtime { docker: d }\n}",
            ].join("\n"),
            "sub/sub.wdl": [
                "version 1.0",
                'import "../lib/more.wdl" as M',
                "workflow Sub { call M.FromSub }",
                task("SubUncalled", "sub-uncalled:1"),
            ].join("\n"),
            "lib/more.wdl": ["version 1.0", task("FromSub", "from-sub:1"), task("MoreUncalled", "x:1")].join("\n"),
        });
        const scan = await scanWorkflow(root, { main: "main.wdl" });
        assert.deepEqual(scan.problems, []);
        assert.deepEqual(found(scan), [
            "lib/more.wdl from-sub:1",
            "lib/tasks.wdl in-if:1",
            "lib/tasks.wdl in-scatter:1",
            "main.wdl local:1",
        ]);
    });

    it("WDL: a task library with no workflow still has every task checked", async () => {
        const root = writeTree({ "tasks.wdl": ["version 1.0", task("A", "a:1"), task("B", "b:1")].join("\n") });
        assert.deepEqual(found(await scanWorkflow(root)), ["tasks.wdl a:1", "tasks.wdl b:1"]);
        assert.deepEqual(found(await scanWorkflow(root, { main: "tasks.wdl" })), ["tasks.wdl a:1", "tasks.wdl b:1"]);
    });

    it("warp WGS with --main: the same call graph, and an unparseable file beside it is not read", async () => {
        const whole = await scanWorkflow(WARP_WGS);
        const root = tempDir();
        fs.cpSync(path.join(WARP_WGS, "../../../../../.."), root, { recursive: true });
        const wgs = path.relative(path.join(WARP_WGS, "../../../../../.."), WARP_WGS);
        fs.writeFileSync(path.join(root, wgs, "unrelated.wdl"), "version 1.0\ntask {{{ broken");
        const withMain = await scanWorkflow(path.join(root, wgs), { main: "WholeGenomeGermlineSingleSample.wdl" });
        assert.deepEqual(withMain.problems, []);
        assert.deepEqual(found(withMain), found(whole));
        const without = await scanWorkflow(path.join(root, wgs));
        assert.deepEqual(
            without.problems.map(p => p.file),
            ["unrelated.wdl"],
        );
        assert.ok(found(whole).some(line => line.startsWith(`${UP}tasks/wdl/Alignment.wdl `)));
    });

    it("CWL --main: the file and the run: files it reaches, not the other CWL files of the root", async () => {
        const tool = (image: string): string =>
            `cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: "true"\ninputs: []\noutputs: []\n` +
            `requirements:\n  DockerRequirement:\n    dockerPull: ${image}\n`;
        const root = writeTree({
            "wf.cwl": [
                "cwlVersion: v1.2",
                "class: Workflow",
                "inputs: []",
                "outputs: []",
                "steps:",
                "  a:",
                "    run: tools/a.cwl",
                "    in: []",
                "    out: []",
            ].join("\n"),
            "tools/a.cwl": ["cwlVersion: v1.2", "class: Workflow", "inputs: []", "outputs: []", "steps:"]
                .concat(["  b:", "    run: b.cwl", "    in: []", "    out: []"])
                .join("\n"),
            "tools/b.cwl": tool("quay.io/b:1"),
            "tools/other.cwl": tool("quay.io/other:1"),
            "broken.cwl": "cwlVersion: v1.2\nclass: [",
        });
        const scan = await scanWorkflow(root, { main: "wf.cwl" });
        assert.deepEqual(scan.problems, []);
        assert.deepEqual(found(scan), ["tools/b.cwl quay.io/b:1"]);
        assert.equal(scan.files, 3);
    });

    it("Nextflow --main: main.nf, nextflow.config and the modules its includes reach", async () => {
        const proc = (name: string, image: string): string =>
            `process ${name} {\n    container '${image}'\n    script:\n    "true"\n}\n`;
        const root = writeTree({
            "main.nf":
                "include { A } from './modules/a'\ninclude { B } from './modules/b/main'\nworkflow { A(); B() }\n",
            "nextflow.config": "process { withName: 'A' { cpus = 1 } }\n",
            "modules/a.nf": proc("A", "quay.io/a:1"),
            "modules/b/main.nf": `include { C } from '../c.nf'\n${proc("B", "quay.io/b:1")}`,
            "modules/c.nf": proc("C", "quay.io/c:1"),
            "modules/unused.nf": proc("U", "quay.io/unused:1"),
            "other/broken.nf": "process { {{{",
        });
        const scan = await scanWorkflow(root, { main: "main.nf" });
        assert.deepEqual(scan.problems, []);
        assert.deepEqual(found(scan), [
            "modules/a.nf quay.io/a:1",
            "modules/b/main.nf quay.io/b:1",
            "modules/c.nf quay.io/c:1",
        ]);
    });

    it("a main file that is not there, or not a workflow file: refused with a clear message", async () => {
        const root = writeTree({ "main.wdl": "version 1.0\n", "README.md": "# x\n" });
        await assert.rejects(
            scanWorkflow(root, { main: "nosuch.wdl" }),
            /Main workflow file nosuch\.wdl not found in /,
        );
        await assert.rejects(scanWorkflow(root, { main: "README.md" }), /README\.md is not a workflow file/);
    });

    it("an import through links out of the root: an outside import, listed by its real path; loops end", async () => {
        const base = tempDir();
        fs.mkdirSync(path.join(base, "s", "sub"), { recursive: true });
        fs.mkdirSync(path.join(base, "out"));
        fs.writeFileSync(path.join(base, "out", "secret.wdl"), `version 1.0\n${task("Secret", "secret:1")}`);
        fs.symlinkSync("../out/secret.wdl", path.join(base, "s", "link.wdl"));
        fs.symlinkSync("..", path.join(base, "s", "sub", "loop"));
        fs.writeFileSync(
            path.join(base, "s", "main.wdl"),
            'version 1.0\nimport "sub/loop/sub/loop/link.wdl" as L\nworkflow W { call L.Secret }\n',
        );
        const scan = await scanWorkflow(path.join(base, "s"));
        assert.deepEqual(scan.problems, []);
        assert.deepEqual(scan.outsideRoot, ["../out/secret.wdl"]);
        assert.deepEqual(found(scan), ["../out/secret.wdl secret:1"]);
        // The listing's own warnings stay: the link out of the root and the loop were not followed while listing.
        assert.deepEqual(scan.warnings.map(w => w.file).sort(), ["link.wdl", "sub/loop"]);
    });
});
