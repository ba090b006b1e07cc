// `workflowChecks` under Pulumi's mock runtime: the real program runs the real check (real parsers, real resolution)
// before declaring anything, and fails the preview with the findings when a listed workflow would not resolve.
import * as assert from "assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runProgram } from "./harness/mock-program";
import { devStackConfig, PROJECT, withConfig } from "./harness/stack-config";

const DEV = devStackConfig();

describe("workflowChecks in pulumi preview (mock runtime)", () => {
    let dir: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-checks-"));
        fs.writeFileSync(
            path.join(dir, "gatk.wdl"),
            [
                "version 1.0",
                "task HaplotypeCaller {",
                "  command <<< gatk HaplotypeCaller >>>",
                "  runtime {",
                '    docker: "us.gcr.io/broad-gatk/gatk:4.5.0.0"',
                "  }",
                "}",
                "",
            ].join("\n"),
        );
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("passes the guide's example workflow against the dev stack's map, and declares the stack", async () => {
        const run = await runProgram(
            withConfig(DEV.config, "workflowChecks", ["examples/genomics-workflow"]),
            DEV.secretKeys,
        );
        assert.equal(run.error, undefined, run.error?.message);
        assert.ok(run.resources.length > 0);
    });

    it(
        "fails before declaring anything when a listed workflow names a host the map does not serve, with the " +
            "check's fix",
        async () => {
            const run = await runProgram(
                withConfig(DEV.config, "workflowChecks", ["examples/genomics-workflow", dir]),
                DEV.secretKeys,
            );
            const message = run.error?.message ?? "";
            assert.match(
                message,
                new RegExp(
                    `${PROJECT}:workflowChecks\\[1\\]: would not resolve in a run: .*gatk\\.wdl:5: .*us\\.gcr\\.io`,
                ),
            );
            assert.match(message, /us\.gcr\.io/);
            assert.ok(!message.includes("workflowChecks[0]"), "the example workflow resolves");
            assert.deepEqual(run.resources, []);
        },
    );

    it("reports a workflow path that does not exist as a problem of that entry", async () => {
        const run = await runProgram(withConfig(DEV.config, "workflowChecks", ["no/such/workflow"]), DEV.secretKeys);
        assert.match(
            run.error?.message ?? "",
            new RegExp(`${PROJECT}:workflowChecks\\[0\\]: would not resolve in a run: no/such/workflow: `),
        );
        assert.deepEqual(run.resources, []);
    });
});
