// The report built from container references constructed directly with the parser contract's fields (expression,
// directiveLine, condition, profiles, testOnly): real report code and resolution rules, no parser involved.
import * as assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { ContainerRegistryMapJson } from "../../policy-pack/rules/image-resolution";
import { exitCodeFor, reportFromScan } from "../../workflow-check/check-workflow";
import { formatTable } from "../../workflow-check/format-table";
import { CheckReport } from "../../workflow-check/types";
import { ContainerReference } from "../../workflow-parsers/types";

const LOCATION = { account: "123456789012", region: "us-east-1", partition: "aws" };
const MAP: ContainerRegistryMapJson = {
    registryMappings: [{ upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" }],
};
const validateReport = new Ajv({ allErrors: true }).compile(
    JSON.parse(fs.readFileSync(path.join(__dirname, "check-report.schema.json"), "utf8")),
);

const TERNARY =
    "{ workflow.containerEngine == 'singularity' ? 'https://depot.galaxyproject.org/singularity/fastqc:0.12.1--hdfd78af_0' : 'quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0' }";

function nextflow(
    reference: Partial<ContainerReference> & Pick<ContainerReference, "file" | "line" | "value">,
): ContainerReference {
    return {
        language: "nextflow",
        image: reference.value !== null ? `'${reference.value}'` : "params.image",
        ...reference,
    };
}

/**
 * A pipeline as the parsers describe one: a ternary's Docker branch, a GPU branch, an arm64-profile and a test-only
 * image.
 */
const REFERENCES: ContainerReference[] = [
    nextflow({
        file: "modules/fastqc/main.nf",
        line: 7,
        directiveLine: 5,
        value: "quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0",
        expression: TERNARY,
    }),
    nextflow({
        file: "modules/fastqc/main.nf",
        line: 7,
        value: "nvcr.io/nvidia/clara/clara-parabricks:4.6.0-1",
        condition: "task.accelerator",
    }),
    nextflow({
        file: "conf/arm.config",
        line: 20,
        value: "community.wave.seqera.io/library/fastqc:0.12.1--arm",
        profiles: ["arm64"],
    }),
    nextflow({
        file: "conf/arm.config",
        line: 24,
        value: "community.wave.seqera.io/library/multiqc:1.25--arm",
        profiles: ["arm64"],
    }),
    nextflow({
        file: "conf/test.config",
        line: 3,
        value: "community.wave.seqera.io/library/seqkit:2.9--test",
        testOnly: true,
        profiles: ["test"],
    }),
    nextflow({ file: "modules/other/main.nf", line: 4, value: "quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0" }),
];

function report(profiles: string[] = []): CheckReport {
    return reportFromScan("/pipeline", { references: REFERENCES, problems: [] }, MAP, LOCATION, { profiles });
}

describe("check report from the parser contract's fields (constructed references, real report code)", () => {
    it(
        "shows the chosen image, keeps the expression and " + "the directive's line in the JSON; valid for the schema",
        () => {
            const built = report();
            const fastqc = built.images[0];
            assert.equal(fastqc.image, "quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0");
            assert.equal(fastqc.expression, TERNARY);
            assert.equal(fastqc.line, 7);
            assert.equal(fastqc.directiveLine, 5);
            assert.equal(built.images[1].condition, "task.accelerator");
            assert.ok(validateReport(JSON.parse(JSON.stringify(built))), JSON.stringify(validateReport.errors));
            const table = formatTable(built, { color: false });
            assert.doesNotMatch(table, /containerEngine/, "the table never prints the ternary");
            assert.match(
                table,
                new RegExp(
                    String.raw`\n {2}quay\.io\/biocontainers\/fastqc:0\.12\.1--hdfd78af_0\s+mapped\s+\S+\s+` +
                        String.raw`modules\/fastqc\/main\.nf:7 \(2 places\)\n`,
                ),
            );
            assert.match(
                table,
                new RegExp(
                    String.raw`nvcr\.io\/nvidia\/clara\/clara-parabricks:4\.6\.0-1\s+unmapped\s+-\s+` +
                        String.raw`modules\/fastqc\/main\.nf:7 \[when task\.accelerator\]`,
                ),
            );
        },
    );

    it("leaves profile-only and test-only images out of the default verdict, marked, still listed in images", () => {
        const built = report();
        assert.deepEqual(
            built.images.map(i => i.inVerdict),
            [true, true, false, false, false, true],
        );
        assert.deepEqual(built.images[2].profiles, ["arm64"]);
        assert.equal(built.images[4].testOnly, true);
        assert.deepEqual(built.summary, {
            images: 3,
            distinct: 2,
            excluded: 3,
            mapped: 2,
            unmapped: 1,
            unresolvable: 0,
            unpinned: 0,
        });
        // only nvcr.io (the GPU branch) is missing in the verdict; the Seqera images are profile-only
        assert.deepEqual(
            built.fixes.map(f => [f.host, f.images]),
            [["nvcr.io", 1]],
        );
        const table = formatTable(built, { color: false });
        assert.match(
            table,
            new RegExp(
                String.raw`not in the verdict: 3 places only profiles or tests bring in \(arm64 2, test 1\); ` +
                    String.raw`--profile <name>\[,<name>\] includes them`,
            ),
        );
        assert.match(table, /conf\/arm\.config:20 \[profile arm64\]/);
        assert.match(table, /conf\/test\.config:3 \[profile test; test only\]/);
    });

    it("--profile arm64 includes arm64's images (as nextflow run -profile would), and not the test profile's", () => {
        const built = report(["arm64"]);
        assert.deepEqual(
            built.images.map(i => i.inVerdict),
            [true, true, true, true, false, true],
        );
        assert.deepEqual(
            built.fixes.map(f => [f.host, f.images]),
            [
                ["community.wave.seqera.io", 2],
                ["nvcr.io", 1],
            ],
        );
        const both = report(["arm64", "test"]);
        assert.ok(both.images.every(i => i.inVerdict));
        assert.deepEqual(
            both.fixes.map(f => [f.host, f.images]),
            [
                ["community.wave.seqera.io", 3],
                ["nvcr.io", 1],
            ],
        );
    });

    it("the exit code counts only the verdict: an unmapped profile-only image does not fail the default check", () => {
        const onlyProfile = reportFromScan(
            "/p",
            { references: [REFERENCES[2], REFERENCES[5]], problems: [] },
            MAP,
            LOCATION,
        );
        assert.equal(exitCodeFor(onlyProfile, true), 0);
        const selected = reportFromScan(
            "/p",
            { references: [REFERENCES[2], REFERENCES[5]], problems: [] },
            MAP,
            LOCATION,
            { profiles: ["arm64"] },
        );
        assert.equal(exitCodeFor(selected, false), 1);
    });

    it("a test-only reference without profiles counts when the test profile is selected", () => {
        const testOnly = nextflow({
            file: "tests/nextflow.config",
            line: 2,
            value: "quay.io/biocontainers/x:1",
            testOnly: true,
        });
        const built = (profiles: string[]) =>
            reportFromScan("/p", { references: [testOnly], problems: [] }, MAP, LOCATION, { profiles }).images[0]
                .inVerdict;
        assert.equal(built([]), false);
        assert.equal(built(["test"]), true);
    });

    it("--verbose lists every place of an image beneath its row; without it, the first place and the count", () => {
        const built = report();
        assert.doesNotMatch(formatTable(built, { color: false }), /\n {6}at /);
        const verbose = formatTable(built, { color: false, verbose: true });
        assert.match(
            verbose,
            new RegExp(
                String.raw`fastqc:0\.12\.1--hdfd78af_0\s+mapped\s+\S+\s+modules\/fastqc\/main\.nf:7 \(2 places\)\n` +
                    String.raw` {6}at modules\/fastqc\/main\.nf:7\n {6}at modules\/other\/main\.nf:4\n`,
            ),
        );
    });

    it('an image that cannot be chosen shows what is known: the input name and "no default"', () => {
        const input: ContainerReference = {
            file: "tasks/Qc.wdl",
            line: 12,
            language: "wdl",
            image: "docker",
            value: null,
        };
        const built = reportFromScan("/p", { references: [input], problems: [] }, MAP, LOCATION);
        assert.equal(built.groups[0].images[0].image, "docker (input, no default)");
        assert.match(
            formatTable(built, { color: false }),
            /\n {2}docker \(input, no default\)\s+unresolvable\s+-\s+tasks\/Qc\.wdl:12\n/,
        );
    });
});
