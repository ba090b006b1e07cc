// `check` on a terminal (issue 13/15 review): real CLI entry (main(argv)) with stdout and stderr made terminals of 80
// and 120 columns, on the vendored nf-core GPU modules (cellbender), nf-core/rnaseq and warp, real parsers and stacks.
import * as assert from "assert/strict";
import * as path from "path";
import { shortenImage } from "../../workflow-check/shorten";
import { CheckReport } from "../../workflow-check/types";
import { onTerminal, REPO_ROOT, runCli } from "./run-cli";

const PIPELINES = path.join(REPO_ROOT, "test", "fixtures", "pipelines");
const WARP_WGS = path.join(PIPELINES, "broadinstitute-warp", "pipelines", "wdl", "dna_seq", "germline");

async function report(argv: string[]): Promise<CheckReport> {
    return JSON.parse((await runCli([...argv, "--format", "json"])).stdout) as CheckReport;
}

/** The repository name and tag of a reference (`cellbender_webcolors:9cfb55914fc5dcea`). */
function nameAndTag(reference: string): string {
    return reference.slice(reference.lastIndexOf("/") + 1);
}

function stdoutLines(stdout: string): string[] {
    return stdout.split("\n");
}

describe("cli check on a terminal: what matters survives the width (real CLI entry, vendored pipelines)", () => {
    const gpuModules = [
        { fixture: "nf-core-modules", gpu: "task.accelerator" },
        { fixture: "nf-core-modules-2025", gpu: "task.ext.use_gpu" },
    ];
    for (const { fixture, gpu } of gpuModules) {
        for (const columns of [80, 120]) {
            const title = `${fixture} at ${columns} columns: lines fit; [when ${gpu}], files, lines, names survive`;
            it(title, async () => {
                const argv = ["check", path.join(PIPELINES, fixture), "--stack", "gatk"];
                const json = await report(argv);
                const run = await onTerminal(columns, argv);
                assert.equal(run.code, 0, run.stderr);
                const lines = stdoutLines(run.stdout);
                for (const line of lines) {
                    assert.ok(line.length <= columns, `${line.length} > ${columns}: ${line}`);
                }
                const cellbender = json.images.filter(image => image.file.includes("cellbender"));
                assert.equal(cellbender.length, 2);
                for (const image of cellbender) {
                    assert.ok(image.condition !== undefined && image.reference !== null);
                    const name = nameAndTag(image.reference);
                    const row = lines.findIndex(line => line.includes(name));
                    assert.ok(row >= 0, `${name} is cut:\n${run.stdout}`);
                    // the place is on the row, or on the line beneath it when the terminal is narrow
                    const place = `/main.nf:${image.line} [when ${image.condition}]`;
                    assert.ok(
                        lines[row].endsWith(place) || lines[row + 1].endsWith(place),
                        `${place} is cut:\n${run.stdout}`,
                    );
                }
                assert.ok(run.stdout.includes(`[when !${gpu}]`) && run.stdout.includes(`[when ${gpu}]`));
                // RESOLVED is left out (the resolved URIs are 90-104 characters), and it is said once
                assert.equal(run.stdout.split("RESOLVED is left out").length - 1, 1, run.stdout);
                assert.ok(!/^ {2}IMAGE.*RESOLVED/m.test(run.stdout));
            });
        }
    }

    it("piped, the same run keeps every column whole on one line (no width applied)", async () => {
        const run = await runCli(["check", path.join(PIPELINES, "nf-core-modules-2025"), "--stack", "gatk"]);
        assert.match(run.stdout, /^ {2}IMAGE\s+STATUS\s+RESOLVED\s+USED$/m);
        assert.match(
            run.stdout,
            / modules\/nf-core\/cellbender\/removebackground\/main\.nf:7 \[when task\.ext\.use_gpu\]$/m,
        );
        assert.ok(!run.stdout.includes("left out"));
    });

    for (const [name, root, stack] of [
        ["nf-core/rnaseq", path.join(PIPELINES, "nf-core-rnaseq"), "dev"],
        ["broadinstitute/warp", path.join(WARP_WGS, "single_sample", "wgs"), "gatk"],
    ] as const) {
        for (const columns of [80, 120]) {
            it(`${name} at ${columns} columns: every table line fits; every image keeps its name and tag`, async () => {
                const argv = ["check", root, "--stack", stack];
                const json = await report(argv);
                const run = await onTerminal(columns, argv);
                const lines = stdoutLines(run.stdout);
                const end = lines.findIndex(line => / registr(y is|ies are) missing/.test(line));
                const table = lines.slice(0, end < 0 ? lines.length : end);
                for (const line of table) {
                    assert.ok(line.length <= columns, `${line.length} > ${columns}: ${line}`);
                }
                const rows = table.filter(line => /^ {2}\S/.test(line)).join("\n");
                for (const reference of new Set(
                    json.images.flatMap(i => (i.reference !== null ? [i.reference] : [])),
                )) {
                    // a name and tag longer than the terminal allows are cut in the tag's middle, never the name
                    const [repository] = nameAndTag(reference).split(/[:@]/);
                    assert.ok(rows.includes(`/${repository}:`) || rows.includes(`/${repository}@`), reference);
                }
                // every place keeps its file name and line
                for (const image of json.images.filter(i => i.inVerdict)) {
                    const file = `${path.basename(image.file)}:`;
                    assert.ok(
                        table.some(line => line.includes(file)),
                        file,
                    );
                }
            });
        }
    }

    it("stderr notes are wrapped to a terminal's width, never when piped (a 194-character note)", async () => {
        const argv = ["check", path.join(PIPELINES, "nf-core-modules"), "--stack", "dev"];
        const note =
            "note: omics-registry-maps:dockerHubCredentials is not set in Pulumi.dev.yaml; pulumi up will need it";
        const piped = await runCli(argv);
        const long = piped.stderr.split("\n").find(line => line.startsWith(note));
        assert.ok(long !== undefined && long.length > 120, piped.stderr);
        const run = await onTerminal(80, argv);
        // what a terminal shows of each line: after the progress line's last carriage return and erase sequence
        const shown = run.stderr.split("\n").map(line =>
            line
                .slice(line.lastIndexOf("\r") + 1)
                .split("\u001b[2K")
                .join(""),
        );
        for (const line of shown) {
            assert.ok(line.length <= 80, `${line.length} > 80: ${line}`);
        }
        const start = shown.findIndex(line => line.startsWith("note: omics-registry-maps:dockerHubCredentials"));
        const rest = shown.slice(start + 1).findIndex(line => !line.startsWith("  "));
        const joined = shown
            .slice(start, start + 1 + rest)
            .map(line => line.trim())
            .join(" ");
        assert.equal(joined, long);
    });

    it("the table formatter's image cut: a digest's middle, then the path's middle; the name and tag are kept", () => {
        const hex = "0123456789abcdef".repeat(4);
        const digest = `quay.io/biocontainers/samtools:1.17--h00cdaf9_0@sha256:${hex}`;
        const short = shortenImage(digest, 60);
        assert.ok(short.length <= 60, short);
        assert.ok(short.includes("/samtools:1.17--h00cdaf9_0@sha256:0123"), short);
        assert.ok(short.endsWith("cdef"), short);
        const wave = "community.wave.seqera.io/library/cellbender_webcolors:9cfb55914fc5dcea";
        assert.equal(shortenImage(wave, 50), "commun…brary/cellbender_webcolors:9cfb55914fc5dcea");
        assert.equal(shortenImage(wave, 80), wave);
    });
});
