// Workflow roots as they come: symbolic links in real directories, zips built with fflate (some then edited byte by
// byte so their headers lie), roots without a workflow file. Real filesystem, real zip reader, real scanner.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { strToU8, zipSync } from "fflate";
import { scanWorkflow } from "../../workflow-parsers";
import { openWorkflowSource, ZIP_LIMITS } from "../../workflow-parsers/source";
import { removeTempDirs, tempDir, writeTree } from "./temp-tree";
import { WARP } from "./pipeline-fixtures";

const TASK = (image: string): string =>
    `version 1.0\ntask T {\n  command <<< true >>>\n  runtime { docker: "${image}" }\n}\n`;

function writeZip(entries: Record<string, string | Uint8Array>): string {
    const file = path.join(tempDir(), "workflow.zip");
    fs.writeFileSync(
        file,
        zipSync(
            Object.fromEntries(
                Object.entries(entries).map(([name, data]) => [name, typeof data === "string" ? strToU8(data) : data]),
            ),
        ),
    );
    return file;
}

/** Offsets of every central-directory header (signature PK\1\2) in a zip. */
function centralHeaders(zip: Buffer): number[] {
    const offsets: number[] = [];
    for (let i = 0; i + 4 <= zip.length; i++) if (zip.readUInt32LE(i) === 0x02014b50) offsets.push(i);
    return offsets;
}

/** Rewrites the inflated size the central directory (and the local header) declares for the first entry. */
function declareInflatedSize(zipFile: string, size: number): void {
    const zip = fs.readFileSync(zipFile);
    const central = centralHeaders(zip)[0];
    zip.writeUInt32LE(size, central + 24);
    zip.writeUInt32LE(size, zip.readUInt32LE(central + 42) + 22);
    fs.writeFileSync(zipFile, zip);
}

describe("workflow-parsers: workflow sources (symbolic links, bounded zips, empty roots)", () => {
    after(removeTempDirs);

    it(
        "follows symbolic links inside the root; a link out of it, a loop and a broken link are warnings, not " +
            "followed",
        async () => {
            const outside = writeTree({ "secret.wdl": TASK("outside/never:1") });
            const root = writeTree({ "shared/tasks.wdl": TASK("quay.io/biocontainers/samtools:1.17--h00cdaf9_0") });
            fs.mkdirSync(path.join(root, "wf"));
            fs.symlinkSync("../shared", path.join(root, "wf", "lib"));
            fs.symlinkSync("../shared/tasks.wdl", path.join(root, "wf", "linked.wdl"));
            fs.symlinkSync(outside, path.join(root, "escape"));
            fs.symlinkSync("..", path.join(root, "wf", "loop"));
            fs.symlinkSync("nowhere", path.join(root, "broken"));
            const source = openWorkflowSource(root);
            assert.deepEqual(source.files, ["shared/tasks.wdl", "wf/lib/tasks.wdl", "wf/linked.wdl"]);
            assert.deepEqual(
                source.warnings.map(w => [
                    w.file,
                    w.message.replace(fs.realpathSync(root), "<root>").replace(fs.realpathSync(outside), "<outside>"),
                ]),
                [
                    ["broken", "symbolic link to nowhere, which does not exist: not followed"],
                    ["escape", "symbolic link to <outside>, outside the workflow root: not followed"],
                    ["wf/loop", "symbolic link to <root>, a folder that contains it: not followed (a loop)"],
                ],
            );
            const scan = await scanWorkflow(root);
            assert.deepEqual(
                scan.references.map(r => r.file),
                ["shared/tasks.wdl", "wf/lib/tasks.wdl", "wf/linked.wdl"],
            );
            assert.ok(scan.references.every(r => r.value !== "outside/never:1"));
            assert.equal(scan.warnings.length, 3);
        },
    );

    it("a folder or a zip without a workflow file is an error saying so", async () => {
        const empty = writeTree({ "README.md": "docker: ubuntu\n", "inputs.json": '{"x": 1}' });
        await assert.rejects(scanWorkflow(empty), {
            name: "WorkflowSourceError",
            message:
                `No workflow file in ${empty}: no .wdl, .nf, nextflow.config or CWL document ` +
                "(.cwl, or a .yml/.yaml/.json with cwlVersion and class); " +
                "give the folder or .zip that holds the workflow",
        });
        const zip = writeZip({ "docs/README.md": "nothing here\n" });
        await assert.rejects(scanWorkflow(zip), /^WorkflowSourceError: No workflow file in .*workflow\.zip/);
    });

    it("refuses zip entries with '..' or absolute paths before inflating anything", async () => {
        for (const [name, reason] of [
            ["../evil.wdl", "has a '..' path segment"],
            ["wf/../../evil.wdl", "has a '..' path segment"],
            ["/etc/evil.wdl", "is an absolute path"],
            ["C:/evil.wdl", "is an absolute path"],
        ]) {
            const zip = writeZip({ "main.wdl": TASK("ubuntu:22.04"), [name]: TASK("evil:1") });
            await assert.rejects(scanWorkflow(zip), {
                name: "WorkflowSourceError",
                message:
                    `workflow zip ${zip} refused: entry ${JSON.stringify(name)} ${reason}; ` +
                    "a definition zip must hold only paths inside it (nothing was inflated)",
            });
        }
    });

    it("refuses a zip whose central directory declares more than the limits, before inflating", async () => {
        const tooBig = writeZip({ "main.wdl": TASK("ubuntu:22.04") });
        declareInflatedSize(tooBig, ZIP_LIMITS.entryInflatedBytes + 1);
        await assert.rejects(
            scanWorkflow(tooBig),
            new RegExp(
                String.raw`refused: entry "main\.wdl" would inflate to 100 MiB, ` +
                    String.raw`past the limit of 100 MiB per file \(nothing was inflated\)$`,
            ),
        );
        // eleven entries of 99 MiB each: every one under the per-file limit, together past the 1 GiB total
        const many: Record<string, string> = {};
        for (let i = 0; i < 11; i++) many[`t${i}.wdl`] = TASK("ubuntu:22.04");
        const total = writeZip(many);
        const zip = fs.readFileSync(total);
        for (const central of centralHeaders(zip)) zip.writeUInt32LE(99 * 1024 * 1024, central + 24);
        fs.writeFileSync(total, zip);
        await assert.rejects(
            scanWorkflow(total),
            /refused: its entries would inflate to 1089 MiB, past the limit of 1024 MiB \(nothing was inflated\)$/,
        );
    });

    it("stops inflating an entry as soon as it inflates past what its header declares (a lying header)", async () => {
        const bomb = new Uint8Array(8 * 1024 * 1024).fill(0x41); // 8 MiB of "A", a few KiB deflated
        const zip = writeZip({ "main.wdl": bomb });
        declareInflatedSize(zip, 1000);
        assert.ok(fs.statSync(zip).size < 64 * 1024);
        await assert.rejects(
            scanWorkflow(zip),
            new RegExp(
                String.raw`^WorkflowSourceError: workflow zip .* refused: entry "main\.wdl" ` +
                    String.raw`inflates past the 0\.001 MiB its header declares; refusing the archive$`,
            ),
        );
    });

    it(
        "reads a zip of the warp fixture (imports inside the zip) entry by entry, with the same references as " +
            "the folder",
        async () => {
            const entries: Record<string, Uint8Array> = {};
            const walk = (dir: string): void => {
                for (const entry of fs.readdirSync(path.join(WARP, dir), { withFileTypes: true })) {
                    const relative = dir ? `${dir}/${entry.name}` : entry.name;
                    if (entry.isDirectory()) walk(relative);
                    else entries[relative] = fs.readFileSync(path.join(WARP, relative));
                }
            };
            walk("");
            const fromZip = await scanWorkflow(writeZip(entries));
            const fromFolder = await scanWorkflow(WARP);
            assert.deepEqual(fromZip, fromFolder);
            assert.deepEqual(fromZip.problems, []);
            assert.ok(fromZip.references.some(r => r.file === "tasks/wdl/Utilities.wdl" && r.value === "ubuntu:20.04"));
        },
    );

    it(
        "follows symbolic links stored in a zip (Unix mode " + "S_IFLNK) to targets inside it; others are warnings",
        async () => {
            const link = (target: string): [Uint8Array, { os: number; attrs: number }] => [
                strToU8(target),
                { os: 3, attrs: (0o120777 << 16) >>> 0 },
            ];
            const file = path.join(tempDir(), "links.zip");
            fs.writeFileSync(
                file,
                zipSync({
                    "shared/tasks.wdl": strToU8(TASK("quay.io/biocontainers/samtools:1.17--h00cdaf9_0")),
                    "wf/lib": link("../shared"),
                    "wf/linked.wdl": link("../shared/tasks.wdl"),
                    "wf/escape.wdl": link("../../outside.wdl"),
                    "wf/loop": link(".."),
                    "wf/gone.wdl": link("nowhere.wdl"),
                }),
            );
            const source = openWorkflowSource(file);
            assert.deepEqual(source.files, ["shared/tasks.wdl", "wf/lib/tasks.wdl", "wf/linked.wdl"]);
            assert.deepEqual(source.warnings, [
                {
                    file: "wf/escape.wdl",
                    message: "symbolic link to ../../outside.wdl, outside the workflow zip: not followed",
                },
                { file: "wf/loop", message: "symbolic link to .., a folder that contains it: not followed (a loop)" },
                {
                    file: "wf/gone.wdl",
                    message: "symbolic link to nowhere.wdl, which the zip does not hold: not followed",
                },
            ]);
            const scan = await scanWorkflow(file);
            assert.deepEqual(
                scan.references.map(r => [r.file, r.value]),
                [
                    ["shared/tasks.wdl", "quay.io/biocontainers/samtools:1.17--h00cdaf9_0"],
                    ["wf/lib/tasks.wdl", "quay.io/biocontainers/samtools:1.17--h00cdaf9_0"],
                    ["wf/linked.wdl", "quay.io/biocontainers/samtools:1.17--h00cdaf9_0"],
                ],
            );
        },
    );

    it("an import that leaves a zip is missing (the zip must carry it)", async () => {
        const zip = writeZip({
            "wf/main.wdl": 'version 1.0\nimport "../../tasks/t.wdl" as T\nworkflow W { call T.T }\n',
            "tasks/t.wdl": TASK("ubuntu:22.04"),
        });
        const scan = await scanWorkflow(zip);
        assert.deepEqual(scan.problems, [
            {
                file: "wf/main.wdl",
                line: 2,
                message:
                    'import "../../tasks/t.wdl" not found: no file ../tasks/t.wdl (imports are read relative ' +
                    "to the importing file)",
            },
        ]);
    });
});
