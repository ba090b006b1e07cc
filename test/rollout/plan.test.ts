// Unit tests of the rollout plan (all real code, no Pulumi): rollout.yaml validation, stack naming, config merge,
// --only, refusals, secrets, the bounded pool and the closing table.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { configJsonOf } from "../../cli/rollout/config-json";
import { loadRolloutFile, validateRolloutDocument } from "../../cli/rollout/load";
import { destroyConfirmationProblems, missingSecretProblems, planStacks, selectStacks } from "../../cli/rollout/plan";
import { runBounded } from "../../cli/rollout/pool";
import { RolloutRefusal } from "../../cli/rollout/problems";
import { Redactor, secretStrings } from "../../cli/rollout/secret-values";
import { StackLog } from "../../cli/rollout/stack-log";
import { summaryTable } from "../../cli/rollout/summary";

const PROJECT = "omics-registry-maps";

function twoTargets(): Record<string, unknown> {
    return {
        config: {
            registries: [{ upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" }],
            workflowBuckets: ["shared-bucket"],
            tags: { project: "maps" },
            "aws:skipMetadataApiCheck": false,
        },
        targets: [
            {
                alias: "research",
                accountId: "111122223333",
                profile: "research",
                regions: ["us-east-1", "eu-west-1"],
                config: { workflowBuckets: ["research-bucket"] },
                regionConfig: { "eu-west-1": { workflowBuckets: ["research-bucket-eu"] } },
            },
            {
                alias: "clinical",
                accountId: "444455556666",
                roleArn: "arn:aws:iam::444455556666:role/deployer",
                externalId: "ext-1",
                regions: ["us-east-1"],
                config: { tags: { team: "clinical" } },
            },
        ],
    };
}

function problemsOf(action: () => unknown): string[] {
    try {
        action();
    } catch (error) {
        if (error instanceof RolloutRefusal) {
            return error.problems;
        }
        throw error;
    }
    assert.fail("expected a refusal");
}

describe("rollout plan (unit, no Pulumi)", () => {
    it("names one stack per target and region <alias>-<region>, in file order", () => {
        const stacks = planStacks(validateRolloutDocument(twoTargets()), PROJECT);
        assert.deepStrictEqual(
            stacks.map(stack => stack.stackName),
            ["research-us-east-1", "research-eu-west-1", "clinical-us-east-1"],
        );
    });

    it(
        "merges shared config with the target's keys (a target key replaces the shared key whole) and adds the " +
            "AWS settings",
        () => {
            const stacks = planStacks(validateRolloutDocument(twoTargets()), PROJECT);
            const research = stacks.at(0);
            const clinical = stacks.at(2);
            assert.ok(research && clinical, "expected three stacks");
            assert.deepStrictEqual(research.config, {
                "omics-registry-maps:registries": [{ upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" }],
                "omics-registry-maps:workflowBuckets": ["research-bucket"],
                "omics-registry-maps:tags": { project: "maps" },
                "aws:skipMetadataApiCheck": false,
                "aws:region": "us-east-1",
                "aws:allowedAccountIds": ["111122223333"],
                "aws:profile": "research",
            });
            assert.deepStrictEqual(clinical.config["omics-registry-maps:tags"], { team: "clinical" });
            assert.deepStrictEqual(clinical.config["omics-registry-maps:workflowBuckets"], ["shared-bucket"]);
            assert.deepStrictEqual(clinical.config["aws:assumeRoles"], [
                { roleArn: "arn:aws:iam::444455556666:role/deployer", externalId: "ext-1" },
            ]);
            assert.strictEqual(clinical.config["aws:profile"], undefined);
        },
    );

    it("--only picks by alias (all regions) or by stack name, and refuses unknown names", () => {
        const stacks = planStacks(validateRolloutDocument(twoTargets()), PROJECT);
        assert.deepStrictEqual(
            selectStacks(stacks, "research").map(stack => stack.stackName),
            ["research-us-east-1", "research-eu-west-1"],
        );
        assert.deepStrictEqual(
            selectStacks(stacks, "clinical, research-eu-west-1").map(stack => stack.stackName),
            ["research-eu-west-1", "clinical-us-east-1"],
        );
        const problems = problemsOf(() => selectStacks(stacks, "research,prod-us-east-1"));
        assert.strictEqual(problems.length, 1);
        assert.match(
            problems[0] ?? "",
            /"prod-us-east-1" is neither a target alias nor a stack name; known: .*clinical-us-east-1/,
        );
    });

    it("refuses two targets in the same account and region, naming both", () => {
        const document = twoTargets();
        (document.targets as unknown[]).push({
            alias: "research2",
            accountId: "111122223333",
            profile: "other",
            regions: ["ap-southeast-2", "eu-west-1"],
            regionConfig: {
                "ap-southeast-2": { workflowBuckets: ["r2-apse2"] },
                "eu-west-1": { workflowBuckets: ["r2-euw1"] },
            },
        });
        const problems = problemsOf(() => planStacks(validateRolloutDocument(document), PROJECT));
        assert.strictEqual(problems.length, 1);
        assert.match(
            problems[0] ?? "",
            new RegExp(
                String.raw`targets "research" and "research2" both deploy to account 111122223333 in eu-west-1 ` +
                    String.raw`\(stacks research-eu-west-1 and research2-eu-west-1\)`,
            ),
        );
        assert.match(problems[0] ?? "", /registry policy and registry scanning configuration/);
    });

    it("reports every schema problem at once, by target alias and field", () => {
        const problems = problemsOf(() =>
            validateRolloutDocument({
                targets: [
                    { alias: "Research", accountId: 1111, profile: "p", regions: ["us-east-1"] },
                    {
                        alias: "ok",
                        accountId: "444455556666",
                        roleArn: "arn:aws:iam::4444:role/x",
                        regions: [],
                        colour: "blue",
                    },
                    { accountId: "123456789012", profile: "p", regions: ["mars-1"] },
                ],
                extra: true,
            }),
        );
        const expected = [
            /^\(file\): unknown field "extra"$/,
            /^targets\[0\] \(Research\)\.alias: "Research" is not valid; use 1-40 lowercase/,
            // Issue 14: an unquoted account id is told to be quoted (it was ajv's bare "must be string").
            new RegExp(
                String.raw`^targets\[0\] \(Research\)\.accountId: must be a quoted string of 12 digits, e.g. ` +
                    String.raw`accountId: "111122223333"`,
            ),
            /^targets\[1\] \(ok\): unknown field "colour"$/,
            /^targets\[1\] \(ok\)\.roleArn: "arn:aws:iam::4444:role\/x" is not valid; use an IAM role ARN/,
            /^targets\[1\] \(ok\)\.regions: must NOT have fewer than 1 items$/,
            /^targets\[2\]: missing required field "alias"$/,
            /^targets\[2\]\.regions\[0\]: "mars-1" is not valid; use AWS region names/,
        ];
        for (const pattern of expected) {
            assert.ok(
                problems.some(problem => pattern.test(problem)),
                `no problem matches ${pattern}:\n${problems.join("\n")}`,
            );
        }
        assert.strictEqual(problems.length, expected.length, problems.join("\n"));
    });

    it(
        "reports rule problems a schema cannot: profile xor roleArn, role in another account, duplicate alias, " +
            "reserved keys, malformed secrets",
        () => {
            const problems = problemsOf(() =>
                validateRolloutDocument({
                    config: { "aws:region": "us-east-1", token: { secretFromEnv: "TOKEN", extra: 1 } },
                    targets: [
                        { alias: "a", accountId: "111122223333", regions: ["us-east-1"] },
                        {
                            alias: "b",
                            accountId: "111122223333",
                            profile: "p",
                            roleArn: "arn:aws:iam::111122223333:role/r",
                            regions: ["us-east-1"],
                        },
                        {
                            alias: "c",
                            accountId: "111122223333",
                            roleArn: "arn:aws:iam::999999999999:role/r",
                            regions: ["us-west-2"],
                        },
                        {
                            alias: "a",
                            accountId: "111122223333",
                            profile: "p",
                            sessionName: "s1",
                            regions: ["eu-west-1"],
                            config: { "aws:profile": "x" },
                        },
                    ],
                }),
            );
            assert.deepStrictEqual(problems, [
                "config.aws:region: set by the rollout from the target (region, profile or roleArn, accountId); " +
                    "remove it here",
                "config.token: secretFromEnv must be the only field of its object, e.g. {secretFromEnv: " +
                    "DOCKER_HUB_CREDENTIALS}",
                'targets[0] (a): give exactly one of "profile" (an AWS CLI profile) or "roleArn" (a role to assume)',
                'targets[1] (b): give exactly one of "profile" (an AWS CLI profile) or "roleArn" (a role to assume)',
                "targets[2] (c).roleArn: the role is in account 999999999999, not in the target's account 111122223333",
                "targets[3] (a).config.aws:profile: set by the rollout from the target (region, profile or " +
                    "roleArn, accountId); remove it here",
                "targets[3] (a): externalId and sessionName apply to roleArn only",
                'targets[3].alias: "a" is already the alias of targets[0]; aliases name stacks and must be unique',
            ]);
        },
    );

    it("reads YAML syntax errors and duplicate keys as problems, with the file name", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rollout-yaml-")), "rollout.yaml");
        fs.writeFileSync(file, "targets:\n  - alias: a\n    alias: b\n");
        const problems = problemsOf(() => loadRolloutFile(file));
        assert.match(problems[0] ?? "", /rollout\.yaml: Map keys must be unique/);
    });

    it("the repository's example rollout.yaml is valid and plans three stacks", () => {
        const file = validateRolloutDocument(
            parse(fs.readFileSync(path.join(__dirname, "..", "..", "rollout.yaml"), "utf8")),
        );
        assert.deepStrictEqual(
            planStacks(file, PROJECT).map(stack => stack.stackName),
            ["research-us-east-1", "research-eu-west-1", "clinical-us-east-1"],
        );
    });

    it("turns secretFromEnv into a secret config value (objects from JSON text) and names missing variables", () => {
        const document = twoTargets();
        (document.config as Record<string, unknown>).dockerHubCredentials = { secretFromEnv: "HUB" };
        (document.config as Record<string, unknown>).nested = { plain: "x", token: { secretFromEnv: "TOKEN" } };
        const stacks = planStacks(validateRolloutDocument(document), PROJECT);
        assert.deepStrictEqual(missingSecretProblems(stacks.slice(0, 1), { HUB: "{}" }), [
            "research-us-east-1: config omics-registry-maps:nested takes a secret from environment variable " +
                "TOKEN, which is not set",
        ]);
        const env = { HUB: '{"username":"u","accessToken":"dckr_pat_abc"}', TOKEN: "t0ken" };
        const json = configJsonOf(stacks[0]?.config ?? {}, env);
        assert.deepStrictEqual(json["omics-registry-maps:dockerHubCredentials"], {
            value: '{"username":"u","accessToken":"dckr_pat_abc"}',
            objectValue: { username: "u", accessToken: "dckr_pat_abc" },
            secret: true,
        });
        assert.deepStrictEqual(json["omics-registry-maps:nested"], {
            value: '{"plain":"x","token":"t0ken"}',
            objectValue: { plain: "x", token: "t0ken" },
            secret: true,
        });
        assert.deepStrictEqual(json["aws:region"], { value: "us-east-1", secret: false });
        assert.deepStrictEqual(json["aws:skipMetadataApiCheck"], { value: "false", objectValue: false, secret: false });
        const redactor = new Redactor(secretStrings(env, ["HUB", "TOKEN"]));
        const redacted = redactor.redact(`--json ${JSON.stringify(json)}`);
        assert.ok(!redacted.includes("dckr_pat_abc") && !redacted.includes("t0ken"), redacted);
        assert.ok(redacted.includes("[secret]"));
    });

    it("regionConfig gives one region's stack its own keys; a region the target does not deploy to is refused", () => {
        const stacks = planStacks(validateRolloutDocument(twoTargets()), PROJECT);
        const researchUs = stacks.at(0);
        const researchEu = stacks.at(1);
        assert.deepStrictEqual(researchUs?.config["omics-registry-maps:workflowBuckets"], ["research-bucket"]);
        assert.deepStrictEqual(researchEu?.config["omics-registry-maps:workflowBuckets"], ["research-bucket-eu"]);
        const document = twoTargets();
        (document.targets as Record<string, unknown>[])[1] = {
            ...(document.targets as Record<string, unknown>[])[1],
            regionConfig: { "eu-west-1": { tags: {} } },
        };
        assert.deepStrictEqual(
            problemsOf(() => validateRolloutDocument(document)),
            ["targets[1] (clinical).regionConfig.eu-west-1: eu-west-1 is not one of the target's regions (us-east-1)"],
        );
    });

    it(
        "refuses a workflow bucket granted in two regions, naming the bucket, the regions and the stacks " +
            "(HealthOmics is regional)",
        () => {
            const document = twoTargets();
            delete (document.targets as Record<string, unknown>[])[0]?.regionConfig;
            (document.targets as unknown[]).push({
                alias: "other",
                accountId: "777788889999",
                profile: "o",
                regions: ["eu-west-1"],
                config: { workflowBuckets: ["shared-bucket"] },
            });
            const problems = problemsOf(() => planStacks(validateRolloutDocument(document), PROJECT));
            assert.strictEqual(problems.length, 2, problems.join("\n"));
            assert.match(
                problems[0] ?? "",
                new RegExp(
                    String.raw`^workflowBuckets: bucket "research-bucket" is granted in 2 regions \(us-east-1: ` +
                        String.raw`research-us-east-1; eu-west-1: research-eu-west-1\)`,
                ),
            );
            assert.match(
                problems[1] ?? "",
                new RegExp(
                    String.raw`bucket "shared-bucket" is granted in 2 regions \(us-east-1: clinical-us-east-1; ` +
                        String.raw`eu-west-1: other-eu-west-1\)`,
                ),
            );
            assert.match(problems[0] ?? "", /in the run's own Region/);
        },
    );

    it("destroy confirmation must list exactly the selected stacks, in any order", () => {
        const stacks = planStacks(validateRolloutDocument(twoTargets()), PROJECT).slice(0, 2);
        assert.deepStrictEqual(destroyConfirmationProblems(stacks, " research-eu-west-1,research-us-east-1 "), []);
        assert.strictEqual(destroyConfirmationProblems(stacks, "research-us-east-1").length, 1);
        assert.strictEqual(
            destroyConfirmationProblems(stacks, "research-us-east-1,research-eu-west-1,clinical-us-east-1").length,
            1,
        );
    });
});

describe("rollout bounded pool and closing table (unit)", () => {
    it(
        "never has more than `limit` tasks under way, refills " + "as tasks end, and returns results in list order",
        async () => {
            let running = 0;
            let peak = 0;
            const release: (() => void)[] = [];
            const results = runBounded([1, 2, 3, 4, 5, 6, 7], 3, async item => {
                running++;
                peak = Math.max(peak, running);
                await new Promise<void>(resolve => release.push(resolve));
                running--;
                return item % 2 === 0 ? `failed ${item}` : `ok ${item}`;
            });
            // Release tasks one by one as they queue up; the pool must refill to 3 each time, never beyond.
            for (let released = 0; released < 7; released++) {
                while (release.length === 0) {
                    await new Promise(resolve => setImmediate(resolve));
                }
                assert.ok(running <= 3);
                release.shift()?.();
            }
            assert.deepStrictEqual(await results, ["ok 1", "failed 2", "ok 3", "failed 4", "ok 5", "failed 6", "ok 7"]);
            assert.strictEqual(peak, 3);
        },
    );

    it("refuses a concurrency below 1", async () => {
        await assert.rejects(
            runBounded([1], 0, item => Promise.resolve(item)),
            /at least 1/,
        );
    });

    it(
        "the closing table has one row per stack: result, " + "changes, policy violations, duration; and failure lines",
        () => {
            const table = summaryTable([
                {
                    stackName: "a-us-east-1",
                    succeeded: true,
                    changes: { create: 3, same: 2, update: 1 },
                    mandatoryViolations: 0,
                    advisoryViolations: 2,
                    durationMs: 12_340,
                    logFile: "logs/a-us-east-1.log",
                },
                {
                    stackName: "b-eu-west-1",
                    succeeded: false,
                    mandatoryViolations: 1,
                    advisoryViolations: 0,
                    durationMs: 75_000,
                    error: "error: preview failed",
                    logFile: "logs/b-eu-west-1.log",
                },
                {
                    stackName: "c-us-west-2",
                    succeeded: true,
                    changes: { same: 9 },
                    mandatoryViolations: 0,
                    advisoryViolations: 0,
                    durationMs: 900,
                    logFile: "logs/c.log",
                },
            ]);
            const lines = table.split("\n");
            assert.match(lines[0] ?? "", /^TARGET\s+RESULT\s+CHANGES\s+POLICY VIOLATIONS\s+DURATION$/);
            assert.match(
                lines[1] ?? "",
                /^a-us-east-1\s+succeeded\s+create 3, update 1\s+2 \(0 mandatory, 2 advisory\)\s+12\.3s$/,
            );
            assert.match(lines[2] ?? "", /^b-eu-west-1\s+failed\s+-\s+1 \(1 mandatory, 0 advisory\)\s+1m15s$/);
            assert.match(lines[3] ?? "", /^c-us-west-2\s+succeeded\s+no changes\s+0\s+0\.9s$/);
            assert.ok(table.includes("b-eu-west-1: error: preview failed (log: logs/b-eu-west-1.log)"));
        },
    );
});

describe("rollout stack log (real StackLog, a temporary folder)", () => {
    it("redacts a secret that arrives split across two output chunks", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-log-"));
        try {
            const secret = "dckr_pat_SplitAcrossChunks";
            const log = new StackLog(dir, "alpha-us-east-1", new Redactor([secret]));
            log.output(`error: bad credentials ${secret.slice(0, 10)}`);
            log.output(`${secret.slice(10)} rejected\npartial line`);
            log.close();
            const text = fs.readFileSync(log.file, "utf8");
            assert.ok(!text.includes(secret) && !text.includes(secret.slice(10)), text);
            assert.match(text, /error: bad credentials .+ rejected\npartial line$/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
