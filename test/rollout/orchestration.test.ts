// Orchestration tests of `rollout`. Real layers: the CLI entry (cli/main.ts, commander), rollout.yaml loading and
// planning, the bounded pool, and the Pulumi Automation API 3.248.0 (LocalWorkspace, Stack, its engine-event gRPC
// server). Replaced: the Pulumi CLI binary, by the recorded stand-in in stand-in/pulumi.js, which records every
// invocation and replays recordings from recordings/. No AWS, no network.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { rollout } from "../../cli/rollout/orchestrate";
import { CliRun, StandInPulumi, runCli, scratchProject } from "./stand-in/stand-in";

const HUB_SECRET = "dckr_pat_Sup3rSecretValue";
const HUB_ENV = { ROLLOUT_TEST_HUB: JSON.stringify({ username: "maps-bot", accessToken: HUB_SECRET }) };

function fourStackRollout(): Record<string, unknown> {
    return {
        config: {
            registries: [
                {
                    upstreamRegistryUrl: "registry-1.docker.io",
                    ecrRepositoryPrefix: "docker-hub",
                    credentials: { secretConfigKey: "dockerHubCredentials" },
                },
                { upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" },
            ],
            dockerHubCredentials: { secretFromEnv: "ROLLOUT_TEST_HUB" },
            workflowBuckets: ["shared-workflows"],
        },
        targets: [
            // One bucket per region (a bucket granted in two regions is refused: HealthOmics runs use their own
            // Region's buckets).
            {
                alias: "alpha",
                accountId: "111122223333",
                profile: "alpha-admin",
                regions: ["us-east-1", "eu-west-1"],
                regionConfig: { "eu-west-1": { workflowBuckets: ["alpha-eu-workflows"] } },
            },
            {
                alias: "beta",
                accountId: "444455556666",
                roleArn: "arn:aws:iam::444455556666:role/deployer",
                regions: ["us-east-1", "eu-west-1"],
                config: { workflowBuckets: ["beta-workflows"] },
                regionConfig: { "eu-west-1": { workflowBuckets: ["beta-eu-workflows"] } },
            },
        ],
    };
}

interface Project {
    dir: string;
    logDir: string;
    args: (...extra: string[]) => string[];
}

function project(rolloutDocument: unknown, fake?: StandInPulumi): Project {
    const dir = scratchProject(rolloutDocument);
    const logDir = path.join(dir, "logs");
    return {
        dir,
        logDir,
        args: (...extra) => [
            "rollout",
            "--work-dir",
            dir,
            "--file",
            path.join(dir, "rollout.yaml"),
            "--log-dir",
            logDir,
            ...(fake ? ["--pulumi-root", fake.root] : []),
            ...extra,
        ],
    };
}

/** Largest number of [start, end] intervals that overlap at one time. */
function peakOverlap(intervals: [number, number][]): number {
    const edges = intervals
        .flatMap(
            ([start, end]) =>
                [
                    [start, 1],
                    [end, -1],
                ] as [number, number][],
        )
        .sort(([a, deltaA], [b, deltaB]) => a - b || deltaA - deltaB);
    let current = 0;
    let peak = 0;
    for (const [, delta] of edges) {
        current += delta;
        peak = Math.max(peak, current);
    }
    return peak;
}

function assertNoSecret(run: CliRun, logDir: string): void {
    assert.ok(!run.stdout.includes(HUB_SECRET), "secret on stdout");
    assert.ok(!run.stderr.includes(HUB_SECRET), "secret on stderr");
    for (const file of fs.existsSync(logDir) ? fs.readdirSync(logDir) : []) {
        assert.ok(!fs.readFileSync(path.join(logDir, file), "utf8").includes(HUB_SECRET), `secret in ${file}`);
    }
}

describe("rollout orchestration (real CLI entry + Automation API, recorded stand-in Pulumi CLI)", function () {
    this.timeout(60_000);

    it(
        "previews 4 stacks at most 2 at once with the policy pack; one policy failure does not stop the others; " +
            "table, logs, exit 1",
        async () => {
            const fake = new StandInPulumi(
                {
                    default: { preview: "preview-creates" },
                    stacks: { "beta-us-east-1": { preview: "preview-mandatory-violation" } },
                    barrier: { size: 2, timeoutMs: 10_000 },
                },
                ["alpha-us-east-1"],
            );
            const { dir, logDir, args } = project(fourStackRollout(), fake);
            const run = await runCli(args("--concurrency", "2"), HUB_ENV);

            assert.strictEqual(run.code, 1, run.stderr);
            const previews = fake.callsOf("preview");
            assert.deepStrictEqual(previews.map(call => call.args[call.args.indexOf("--stack") + 1]).sort(), [
                "alpha-eu-west-1",
                "alpha-us-east-1",
                "beta-eu-west-1",
                "beta-us-east-1",
            ]);
            // The bound: never more than 2 previews at once, and (the barrier makes each wait for a partner) 2 did run
            // together.
            assert.ok(
                previews.every(call => (call.runningSeen ?? 0) <= 2),
                JSON.stringify(previews.map(call => call.runningSeen)),
            );
            assert.strictEqual(peakOverlap(previews.map(call => [call.startedAt, call.endedAt])), 2);
            for (const call of previews) {
                assert.strictEqual(call.args[call.args.indexOf("--policy-pack") + 1], path.join(dir, "policy-pack"));
                assert.match(call.args[call.args.indexOf("--event-log") + 1] ?? "", /^tcp:\/\/127\.0\.0\.1:\d+$/);
                assert.strictEqual(call.automationApi, "true");
            }
            // Created the three missing stacks, selected the existing one.
            assert.deepStrictEqual(
                fake
                    .callsOf("stack", "init")
                    .map(call => call.args[2])
                    .sort(),
                ["alpha-eu-west-1", "beta-eu-west-1", "beta-us-east-1"],
            );
            assert.ok(fake.stackExists("beta-eu-west-1"));

            const beta = fake.storedConfig("beta-eu-west-1");
            assert.deepStrictEqual(beta["aws:region"], { value: "eu-west-1", secret: false });
            assert.deepStrictEqual(beta["aws:assumeRoles"]?.objectValue, [
                { roleArn: "arn:aws:iam::444455556666:role/deployer" },
            ]);
            assert.deepStrictEqual(beta["aws:allowedAccountIds"]?.objectValue, ["444455556666"]);
            assert.strictEqual(beta["aws:profile"], undefined);
            assert.deepStrictEqual(beta["omics-registry-maps:workflowBuckets"]?.objectValue, ["beta-eu-workflows"]);
            // The secret went through the CLI's standard input, as JSON text the program parses (config.get +
            // JSON.parse); no command line of any call carries it.
            assert.deepStrictEqual(beta["omics-registry-maps:dockerHubCredentials"], {
                value: HUB_ENV.ROLLOUT_TEST_HUB,
                secret: true,
            });
            for (const call of fake.calls()) {
                assert.ok(
                    !call.args.join(" ").includes(HUB_SECRET),
                    `secret in the command line of: pulumi ${call.args.slice(0, 3).join(" ")}`,
                );
            }
            const alpha = fake.storedConfig("alpha-us-east-1");
            assert.deepStrictEqual(alpha["aws:profile"], { value: "alpha-admin", secret: false });
            assert.deepStrictEqual(alpha["omics-registry-maps:workflowBuckets"]?.objectValue, ["shared-workflows"]);

            const rows = run.stdout.split("\n");
            assert.match(rows[0] ?? "", /^TARGET\s+RESULT\s+CHANGES\s+POLICY VIOLATIONS\s+DURATION$/);
            for (const stack of ["alpha-us-east-1", "alpha-eu-west-1", "beta-eu-west-1"]) {
                assert.ok(
                    rows.some(row =>
                        new RegExp(
                            `^${stack}\\s+succeeded\\s+create 5\\s+1 \\(0 mandatory, 1 advisory\\)\\s+\\d+\\.\\ds$`,
                        ).test(row),
                    ),
                    run.stdout,
                );
            }
            assert.ok(
                rows.some(row =>
                    /^beta-us-east-1\s+failed\s+create 5\s+1 \(1 mandatory, 0 advisory\)\s+\d+\.\ds$/.test(row),
                ),
                run.stdout,
            );
            assert.ok(
                run.stdout.includes(
                    "beta-us-east-1: error: preview failed: one or more policy violations of mandatory policies",
                ),
                run.stdout,
            );

            for (const stack of ["alpha-us-east-1", "alpha-eu-west-1", "beta-us-east-1", "beta-eu-west-1"]) {
                assert.match(run.stderr, new RegExp(`started\\s+${stack}`));
                assert.ok(fs.existsSync(path.join(logDir, `${stack}.log`)), `no log for ${stack}`);
            }
            assert.match(run.stderr, /failed\s+beta-us-east-1 \[\d\/4\]/);
            assert.match(
                fs.readFileSync(path.join(logDir, "beta-us-east-1.log"), "utf8"),
                /\[mandatory\]\s+registry-policy-matches-pull-through-rules/,
            );
            assert.match(fs.readFileSync(path.join(logDir, "alpha-eu-west-1.log"), "utf8"), /\+ 5 to create/);
            assertNoSecret(run, logDir);
        },
    );

    it(
        "--up runs `up --yes --skip-preview` with the policy pack on the --only stack, reads outputs and " +
            "history; exit 0",
        async () => {
            const fake = new StandInPulumi({ default: { up: "up-creates" } });
            const { dir, logDir, args } = project(fourStackRollout(), fake);
            const run = await runCli(args("--up", "--only", "alpha-eu-west-1"), HUB_ENV);

            assert.strictEqual(run.code, 0, run.stderr + run.stdout);
            const sequence = fake.calls().map(call => call.args.slice(0, 2).join(" "));
            assert.deepStrictEqual(sequence, [
                "version",
                "stack select",
                "stack init",
                "config set-all",
                "config set",
                "up --yes",
                "stack output",
                "stack output",
                "stack history",
            ]);
            const up = fake.callsOf("up").at(0);
            assert.ok(up, "no up call");
            assert.ok(up.args.includes("--skip-preview"));
            assert.strictEqual(up.args[up.args.indexOf("--policy-pack") + 1], path.join(dir, "policy-pack"));
            assert.strictEqual(up.args[up.args.indexOf("--stack") + 1], "alpha-eu-west-1");
            assert.match(run.stdout, /^alpha-eu-west-1\s+succeeded\s+create 5\s+1 \(0 mandatory, 1 advisory\)/m);
            assert.strictEqual(
                run.stdout.split("\n").filter(line => line.startsWith("alpha") || line.startsWith("beta")).length,
                1,
            );
            assert.deepStrictEqual(fs.readdirSync(logDir), ["alpha-eu-west-1.log"]);
        },
    );

    it("a failed config write fails its stack only, and the error shown has the secret removed; exit 1", async () => {
        const fake = new StandInPulumi({
            default: { preview: "preview-no-changes" },
            stacks: { "alpha-us-east-1": { configFails: true } },
        });
        const { logDir, args } = project(fourStackRollout(), fake);
        const run = await runCli(args("--only", "alpha"), HUB_ENV);

        assert.strictEqual(run.code, 1, run.stderr);
        assert.match(run.stdout, /^alpha-us-east-1\s+failed\s+-\s+0\s/m);
        assert.match(run.stdout, /^alpha-eu-west-1\s+succeeded\s+no changes\s+0\s/m);
        assert.match(run.stdout, /alpha-us-east-1: error: could not save the stack's configuration/);
        assert.deepStrictEqual(
            fake.callsOf("preview").map(call => call.args[call.args.indexOf("--stack") + 1]),
            ["alpha-eu-west-1"],
        );
        // The Automation API's error repeats the failed command line: it holds the plain keys only, and the log keeps
        // it.
        const log = fs.readFileSync(path.join(logDir, "alpha-us-east-1.log"), "utf8");
        assert.match(log, /config set-all --stack alpha-us-east-1 --json/);
        for (const call of fake.calls()) {
            assert.ok(!call.args.join(" ").includes(HUB_SECRET), "no secret in any command line");
        }
        assertNoSecret(run, logDir);
    });

    it(
        "with a CLI of 3.205 or before, the Automation API tails an event-log file instead; the counts still " +
            "arrive",
        async () => {
            const fake = new StandInPulumi({ version: "3.205.0", default: { preview: "preview-creates" } });
            const { args } = project(fourStackRollout(), fake);
            const run = await runCli(args("--only", "beta-us-east-1"), HUB_ENV);
            assert.strictEqual(run.code, 0, run.stderr);
            const preview = fake.callsOf("preview").at(0);
            assert.ok(preview, "no preview call");
            assert.match(preview.args[preview.args.indexOf("--event-log") + 1] ?? "", /eventlog\.txt$/);
            assert.match(run.stdout, /^beta-us-east-1\s+succeeded\s+create 5\s+1 \(0 mandatory, 1 advisory\)/m);
        },
    );

    it(
        "--destroy with the stacks typed back destroys without creating stacks or loading the policy pack; a " +
            "missing stack fails",
        async () => {
            const fake = new StandInPulumi({ default: { destroy: "destroy-deletes" } }, ["alpha-us-east-1"]);
            const { args } = project(fourStackRollout(), fake);
            const run = await runCli(
                args("--destroy", "--only", "alpha", "--confirm", "alpha-eu-west-1,alpha-us-east-1"),
                HUB_ENV,
            );

            assert.strictEqual(run.code, 1, run.stderr);
            assert.deepStrictEqual(fake.callsOf("stack", "init"), []);
            const destroys = fake.callsOf("destroy");
            assert.strictEqual(destroys.length, 1);
            assert.ok(destroys[0]?.args.includes("--yes") && destroys[0]?.args.includes("--skip-preview"));
            assert.ok(!destroys[0]?.args.includes("--policy-pack"));
            assert.match(run.stdout, /^alpha-us-east-1\s+succeeded\s+delete 6\s/m);
            assert.match(run.stdout, /^alpha-eu-west-1\s+failed\s/m);
            assert.match(run.stdout, /alpha-eu-west-1: error: no stack named 'alpha-eu-west-1' found/);
        },
    );
});

describe("rollout refusals and dry run (real CLI entry; the stand-in must never be called)", () => {
    const cases: {
        name: string;
        document?: unknown;
        extra: string[];
        env?: Record<string, string>;
        stderr: RegExp[];
    }[] = [
        {
            name: "two targets in one account and region",
            document: {
                targets: [
                    { alias: "a", accountId: "111122223333", profile: "p", regions: ["us-east-1"] },
                    { alias: "b", accountId: "111122223333", profile: "q", regions: ["us-west-2", "us-east-1"] },
                ],
            },
            extra: [],
            stderr: [/targets "a" and "b" both deploy to account 111122223333 in us-east-1/],
        },
        {
            name: "destroy without the list typed back (no terminal)",
            extra: ["--destroy"],
            stderr: [
                new RegExp(
                    String.raw`destroy refused: type the stacks back with --confirm ` +
                        String.raw`alpha-us-east-1,alpha-eu-west-1,beta-us-east-1,beta-eu-west-1`,
                ),
            ],
        },
        {
            name: "destroy with a list that differs",
            extra: ["--destroy", "--only", "alpha", "--confirm", "alpha-us-east-1"],
            stderr: [/does not list exactly the stacks to destroy: alpha-eu-west-1,alpha-us-east-1/],
        },
        {
            name: "--confirm without --destroy",
            extra: ["--confirm", "alpha-us-east-1"],
            stderr: [/--confirm goes with --destroy/],
        },
        {
            name: "--up with --destroy",
            extra: ["--up", "--destroy"],
            stderr: [/option '--up' cannot be used with option '--destroy'/],
        },
        { name: "--concurrency 0", extra: ["--concurrency", "0"], stderr: [/give a whole number of at least 1/] },
        {
            name: "an unknown --only name",
            extra: ["--only", "gamma"],
            stderr: [/"gamma" is neither a target alias nor a stack name/],
        },
        {
            name: "a secret variable that is not set",
            extra: [],
            env: {},
            stderr: [
                new RegExp(
                    String.raw`alpha-us-east-1: config omics-registry-maps:dockerHubCredentials takes a secret from ` +
                        String.raw`environment variable ROLLOUT_TEST_HUB, which is not set`,
                ),
            ],
        },
        {
            // The program's own validation (config/validate-config.ts) runs on each target's merged config.
            name:
                "a target whose merged config the program would refuse (region without HealthOmics, a misspelt " +
                "prefix)",
            document: {
                config: {
                    registries: [{ upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "Quay" }],
                    workflowBuckets: ["shared-workflows"],
                },
                targets: [
                    { alias: "alpha", accountId: "111122223333", profile: "p", regions: ["us-east-1", "sa-east-1"] },
                    {
                        alias: "beta",
                        accountId: "444455556666",
                        profile: "q",
                        regions: ["us-east-1"],
                        config: { registries: [{ upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" }] },
                    },
                ],
            },
            extra: ["--dry-run"],
            stderr: [
                new RegExp(
                    String.raw`alpha-us-east-1: omics-registry-maps:registries\[0\]\.ecrRepositoryPrefix: "Quay" is ` +
                        String.raw`not a valid ECR repository prefix`,
                ),
                /alpha-sa-east-1: aws:region: sa-east-1 does not offer AWS HealthOmics/,
            ],
        },
        {
            name: "schema problems, all of them",
            document: {
                targets: [
                    { alias: "x", accountId: "12", profile: "p", regions: ["us-east-1"] },
                    { alias: "y", profile: "p", regions: ["nowhere"] },
                ],
            },
            extra: [],
            stderr: [
                /targets\[0\] \(x\)\.accountId: "12" is not valid/,
                /targets\[1\] \(y\): missing required field "accountId"/,
                /targets\[1\] \(y\)\.regions\[0\]: "nowhere" is not valid/,
            ],
        },
    ];
    for (const testCase of cases) {
        it(`refuses ${testCase.name} with exit 2 before running Pulumi`, async () => {
            const fake = new StandInPulumi({ default: { preview: "preview-creates", destroy: "destroy-deletes" } });
            const { args } = project(testCase.document ?? fourStackRollout(), fake);
            const env = testCase.env ?? HUB_ENV;
            const saved = process.env.ROLLOUT_TEST_HUB;
            delete process.env.ROLLOUT_TEST_HUB;
            try {
                const run = await runCli(args(...testCase.extra), env);
                assert.strictEqual(run.code, 2, run.stderr + run.stdout);
                for (const pattern of testCase.stderr) {
                    assert.match(run.stderr, pattern);
                }
            } finally {
                if (saved !== undefined) {
                    process.env.ROLLOUT_TEST_HUB = saved;
                }
            }
            assert.deepStrictEqual(fake.calls(), []);
        });
    }

    it("asks for the typed-back list on a terminal, and refuses a wrong answer (exit 2)", async () => {
        const fake = new StandInPulumi({ default: { destroy: "destroy-deletes" } });
        const { dir, logDir } = project(fourStackRollout(), fake);
        const questions: string[] = [];
        let stderr = "";
        const code = await rollout({
            file: path.join(dir, "rollout.yaml"),
            workDir: dir,
            operation: "destroy",
            only: "beta",
            concurrency: 4,
            logDir,
            dryRun: false,
            policyPack: "policy-pack",
            pulumiRoot: fake.root,
            env: HUB_ENV,
            askConfirmation: question => {
                questions.push(question);
                return Promise.resolve("beta-us-east-1");
            },
            stdout: () => undefined,
            stderr: text => {
                stderr += text;
            },
        });
        assert.strictEqual(code, 2);
        assert.match(questions[0] ?? "", /beta-us-east-1,beta-eu-west-1/);
        assert.match(stderr, /does not list exactly the stacks to destroy/);
        assert.deepStrictEqual(fake.calls(), []);
    });

    it("--dry-run prints every planned stack with its config, secrets as placeholders, and runs nothing", async () => {
        const fake = new StandInPulumi({});
        const { args } = project(fourStackRollout(), fake);
        const run = await runCli(args("--dry-run", "--only", "beta-eu-west-1"), HUB_ENV);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(run.stdout, /^Plan: preview of 1 stack\(s\), at most 4 at once/);
        assert.match(
            run.stdout,
            new RegExp(
                String.raw`stack: beta-eu-west-1\n\s+account: "444455556666"\n\s+region: ` +
                    String.raw`eu-west-1\n\s+credentials:\n\s+roleArn: arn:aws:iam::444455556666:role\/deployer`,
            ),
        );
        assert.match(run.stdout, /omics-registry-maps:dockerHubCredentials: "\[secret from \$ROLLOUT_TEST_HUB\]"/);
        assert.ok(!run.stdout.includes("alpha-"));
        assert.deepStrictEqual(fake.calls(), []);
        assertNoSecret(run, "/nonexistent");
    });

    it("refuses when the Pulumi CLI is missing, saying how to install it (exit 2)", async () => {
        const { args } = project(fourStackRollout());
        const run = await runCli(
            [...args("--only", "alpha-us-east-1"), "--pulumi-root", path.join(__dirname, "no-such-install")],
            HUB_ENV,
        );
        assert.strictEqual(run.code, 2);
        // Issue 14: it said "cannot be run: code -2"; now it names the missing file and the install page.
        assert.match(
            run.stderr,
            new RegExp(
                String.raw`the Pulumi CLI was not found: .*no-such-install\/bin\/pulumi does not exist; install it ` +
                    String.raw`\(https:\/\/www\.pulumi\.com\/docs\/install\/`,
            ),
        );
        const onPath = await runCli(args("--only", "alpha-us-east-1"), {
            ...HUB_ENV,
            PATH: path.join(__dirname, "no-such-install"),
        });
        assert.strictEqual(onPath.code, 2);
        assert.match(onPath.stderr, /the Pulumi CLI was not found \(no pulumi on PATH\); install it/);
    });
});
