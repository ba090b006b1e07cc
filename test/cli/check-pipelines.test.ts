// `check` on real vendored pipelines (issue 12 points 3-6) through the real CLI entry (main(argv)) and real parsers.
import * as assert from "assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, runCli } from "./run-cli";

const PIPELINES = path.join(REPO_ROOT, "test", "fixtures", "pipelines");

interface ReportImage {
    file: string;
    line: number;
    reference: string | null;
    status: string;
}

describe("cli check on real pipelines (real CLI entry, real parsers, vendored nf-core / epi2me / kf-alignment)", () => {
    const dirs: string[] = [];
    after(() => dirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

    function writeMap(upstreams: string[]): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-pipelines-"));
        dirs.push(dir);
        const file = path.join(dir, "map.json");
        const registryMappings = upstreams.map((upstream, k) => ({
            upstreamRegistryUrl: upstream,
            ecrRepositoryPrefix: `upstream-${k}`,
        }));
        fs.writeFileSync(file, JSON.stringify({ registryMappings }));
        return file;
    }

    async function check(
        pipeline: string,
        upstreams: string[],
    ): Promise<{ code: number; images: ReportImage[]; problems: unknown[] }> {
        const run = await runCli([
            "check",
            path.join(PIPELINES, pipeline),
            "--map",
            writeMap(upstreams),
            "--format",
            "json",
        ]);
        const report = JSON.parse(run.stdout) as { images: ReportImage[]; problems: unknown[] };
        return { code: run.code, images: report.images, problems: report.problems };
    }

    it(
        "a GPU module passes only when both the GPU and " + "CPU image of each task.accelerator ternary resolve",
        async () => {
            const both = await check("nf-core-modules", ["community.wave.seqera.io", "us.gcr.io"]);
            assert.equal(both.images.length, 4);
            assert.ok(
                both.images.every(image => image.status === "mapped"),
                JSON.stringify(both.images.map(image => image.status)),
            );
            assert.equal(both.code, 0);
            // without us.gcr.io, cellbender's GPU image (line 8) is unmapped: the run would fail on a GPU
            const cpuOnly = await check("nf-core-modules", ["community.wave.seqera.io"]);
            assert.deepEqual(
                cpuOnly.images
                    .filter(image => image.status !== "mapped")
                    .map(({ file, line, reference }) => ({ file, line, reference })),
                [
                    {
                        file: "modules/nf-core/cellbender/removebackground/main.nf",
                        line: 8,
                        reference: "us.gcr.io/broad-dsde-methods/cellbender:0.3.2",
                    },
                ],
            );
            assert.equal(cpuOnly.code, 1);
        },
    );

    it("nf-core/sarek: no invalid image (the Singularity-only configs are not read), no parse problem", async () => {
        const sarek = await check("nf-core-sarek", ["quay.io"]);
        assert.deepEqual(sarek.problems, []);
        assert.deepEqual(
            sarek.images.filter(image => image.status === "invalid" || image.status === "unresolvable"),
            [],
        );
    });

    it("epi2me wf-human-variation: the nested-param images resolve to Docker Hub images", async () => {
        const epi2me = await check("epi2me-labs-wf-human-variation", ["registry-1.docker.io"]);
        const standard = epi2me.images.filter(image => image.file === "base.config" && image.line <= 47);
        assert.equal(standard.length, 10);
        assert.ok(
            standard.every(image => image.reference?.startsWith("docker.io/ontresearch/") === true),
            JSON.stringify(standard),
        );
    });

    it("kf-alignment: CWL files ruamel.yaml accepts are checked, not rejected as malformed (no exit 2)", async () => {
        const kf = await check("kids-first-kf-alignment-workflow", [
            "pgc-images.sbgenomics.com",
            "registry-1.docker.io",
        ]);
        assert.deepEqual(kf.problems, []);
        assert.notEqual(kf.code, 2);
        assert.ok(kf.images.some(image => image.file === "tools/bwa_mem.cwl"));
    });
});
