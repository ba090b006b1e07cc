// `rollout` for issue 14: one round of problems, ESC environments, `--remote` on Pulumi Deployments, the plan as a
// GitHub Actions matrix, and the JSON summary. Real layers: the CLI entry (cli/main.ts, commander), rollout.yaml
// loading, planning and the program's validation, the bounded pool, and the Pulumi Automation API 3.248.0
// (LocalWorkspace, RemoteWorkspace, Stack, RemoteStack, its engine-event server). Replaced: the Pulumi CLI, by the
// recorded stand-in (stand-in/pulumi.js); for --remote, also Pulumi Deployments behind it (the stand-in replays the
// same recordings for a `--remote` operation and records the argv the Automation API built). No AWS, no network.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { StandInPulumi, runCli, scratchProject } from "./stand-in/stand-in";

const REGISTRIES = [
    {
        upstreamRegistryUrl: "registry-1.docker.io",
        ecrRepositoryPrefix: "docker-hub",
        credentials: { secretConfigKey: "dockerHubCredentials" },
    },
    { upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" },
];

/** Credentials through ESC: no secretFromEnv anywhere; each stack attaches omics/docker-hub. */
function escRollout(): Record<string, unknown> {
    return {
        config: { registries: REGISTRIES },
        environments: ["omics/docker-hub"],
        targets: [
            {
                alias: "alpha",
                accountId: "111122223333",
                roleArn: "arn:aws:iam::111122223333:role/deployer",
                regions: ["us-east-1", "eu-west-1"],
                config: { workflowBuckets: ["alpha-us"] },
                regionConfig: { "eu-west-1": { workflowBuckets: ["alpha-eu"] } },
            },
            {
                alias: "beta",
                accountId: "444455556666",
                roleArn: "arn:aws:iam::444455556666:role/deployer",
                regions: ["us-east-1"],
                environments: ["omics/beta"],
                config: { workflowBuckets: ["beta-us"] },
            },
        ],
    };
}

const HUB_TOKEN = "dckr_pat_FromEscOnly";
const detailed = (value: unknown, secret = false): Record<string, unknown> => ({
    value,
    ...(secret ? { secret: true } : {}),
    trace: {},
});
const ESC = {
    "omics/docker-hub": detailed({
        dockerHubCredentials: detailed({ username: detailed("bot"), accessToken: detailed(HUB_TOKEN, true) }),
    }),
    "omics/beta": detailed({ tags: detailed({ team: detailed("beta") }) }),
};

function args(dir: string, fake: StandInPulumi | undefined, ...extra: string[]): string[] {
    return [
        "rollout",
        "--work-dir",
        dir,
        "--file",
        path.join(dir, "rollout.yaml"),
        "--log-dir",
        path.join(dir, "logs"),
        ...(fake !== undefined ? ["--pulumi-root", fake.root] : []),
        ...extra,
    ];
}

describe("rollout: one round of problems (real CLI entry; the stand-in is never called)", function () {
    this.timeout(60_000);

    it("a file with mistakes of every kind is reported whole in one run, each naming target and key", async () => {
        const fake = new StandInPulumi({});
        const document = `
config:
  registries: [{upstreamRegistryUrl: quay.io, ecrRepositoryPrefix: Quay}]
  workflowBuckets: [shared-bucket]
  dockerHubCredentials: {secretFromEnv: ROLLOUT_UNSET_VARIABLE}
targets:
  - alias: alpha
    accountId: 111122223333
    profile: p
    regions: [us-east-1]
  - alias: beta
    accountId: "444455556666"
    profile: q
    roleArn: arn:aws:iam::444455556666:role/r
    regions: [us-east-1]
  - alias: gamma
    accountId: "777788889999"
    profile: g
    regions: [us-east-1, eu-west-1]
`;
        const dir = scratchProject(document);
        const run = await runCli(args(dir, fake, "--dry-run", "--policy-pack", "nope"));
        assert.strictEqual(run.code, 2, run.stdout);
        const expected = [
            // schema
            /targets\[0\] \(alpha\)\.accountId: must be a quoted string of 12 digits, e\.g\. accountId: "111122223333"/,
            // the file's rules
            /targets\[1\] \(beta\): give exactly one of "profile" \(an AWS CLI profile\) or "roleArn"/,
            // plan rules across targets
            new RegExp(
                String.raw`workflowBuckets: bucket "shared-bucket" is granted in 2 regions \(us-east-1: ` +
                    String.raw`gamma-us-east-1; eu-west-1: gamma-eu-west-1\)`,
            ),
            // the program's validation of a target's merged config
            new RegExp(
                String.raw`gamma-us-east-1: omics-registry-maps:registries\[0\]\.ecrRepositoryPrefix: "Quay" is not ` +
                    String.raw`a valid ECR repository prefix`,
            ),
            // the environment and the policy pack, in a dry run too
            new RegExp(
                String.raw`gamma-us-east-1: config omics-registry-maps:dockerHubCredentials takes a secret from ` +
                    String.raw`environment variable ROLLOUT_UNSET_VARIABLE, which is not set`,
            ),
            /--policy-pack: .*\/nope is not a policy pack folder \(no PulumiPolicy\.yaml there\)/,
        ];
        for (const pattern of expected) {
            assert.match(run.stderr, pattern);
        }
        assert.deepStrictEqual(fake.calls(), []);
    });
});

describe("rollout with Pulumi ESC environments (real CLI entry + Automation API, stand-in Pulumi CLI)", function () {
    this.timeout(60_000);

    it(
        "attaches each stack's environments with config env add (shared, then the target's), validates with " +
            "their values, writes no secret",
        async () => {
            const fake = new StandInPulumi({ default: { preview: "preview-creates" }, esc: ESC });
            const dir = scratchProject(escRollout());
            const run = await runCli(args(dir, fake));
            assert.strictEqual(run.code, 0, run.stderr + run.stdout);
            assert.deepStrictEqual(fake.environmentsOf("alpha-us-east-1"), ["omics/docker-hub"]);
            assert.deepStrictEqual(fake.environmentsOf("beta-us-east-1"), ["omics/docker-hub", "omics/beta"]);
            assert.deepStrictEqual(
                fake.callsOf("config", "env", "add").find(call => call.args.includes("beta-us-east-1"))?.args,
                [
                    "config",
                    "env",
                    "add",
                    "omics/docker-hub",
                    "omics/beta",
                    "--stack",
                    "beta-us-east-1",
                    "--yes",
                    "--non-interactive",
                ],
            );
            // The ESC values were read for validation (pulumi env open), once per list of environments, and nothing
            // secret was set from this machine.
            assert.deepStrictEqual(
                fake.callsOf("env", "open").map(call => call.args[2]),
                ["omics/docker-hub", "omics/docker-hub", "omics/beta"],
            );
            assert.strictEqual(fake.callsOf("config", "set").filter(call => call.args.includes("--secret")).length, 0);
            assert.strictEqual(
                fake.storedConfig("alpha-us-east-1")["omics-registry-maps:dockerHubCredentials"],
                undefined,
            );
            for (const file of fs.readdirSync(path.join(dir, "logs"))) {
                assert.ok(!fs.readFileSync(path.join(dir, "logs", file), "utf8").includes(HUB_TOKEN));
            }
            assert.ok(!run.stdout.includes(HUB_TOKEN) && !run.stderr.includes(HUB_TOKEN));
        },
    );

    it("a second run attaches nothing twice (config env ls first)", async () => {
        const fake = new StandInPulumi({ default: { preview: "preview-creates" }, esc: ESC });
        const dir = scratchProject(escRollout());
        assert.strictEqual((await runCli(args(dir, fake, "--only", "beta"))).code, 0);
        assert.strictEqual((await runCli(args(dir, fake, "--only", "beta"))).code, 0);
        assert.deepStrictEqual(fake.environmentsOf("beta-us-east-1"), ["omics/docker-hub", "omics/beta"]);
    });

    it("a required key missing from the file is refused when the environments do not set it either", async () => {
        const fake = new StandInPulumi({ esc: ESC });
        const document = escRollout();
        delete (document.targets as Record<string, unknown>[])[1]?.config;
        const dir = scratchProject(document);
        const run = await runCli(args(dir, fake, "--dry-run", "--only", "beta"));
        assert.strictEqual(run.code, 2);
        assert.match(run.stderr, /beta-us-east-1: omics-registry-maps:workflowBuckets: is required/);
    });

    it(
        "--dry-run without a Pulumi CLI: a missing required " + "key may come from the environments, and says so",
        async () => {
            const document = escRollout();
            delete (document.targets as Record<string, unknown>[])[1]?.config;
            const dir = scratchProject(document);
            const run = await runCli(args(dir, undefined, "--dry-run", "--only", "beta"), {
                PATH: path.join(dir, "no-bin"),
            });
            assert.strictEqual(run.code, 2);
            assert.match(
                run.stderr,
                new RegExp(
                    String.raw`beta-us-east-1: omics-registry-maps:workflowBuckets: is required[^\n]*may come from ` +
                        String.raw`ESC environment omics\/docker-hub or omics\/beta`,
                ),
            );
        },
    );
});

describe(
    "rollout --remote on Pulumi Deployments (real CLI entry + Automation API RemoteWorkspace, stand-in Pulumi " +
        "CLI)",
    function () {
        this.timeout(60_000);

        const remoteFlags = [
            "--remote",
            "https://github.com/example/omics-infra.git",
            "--remote-branch",
            "main",
            "--remote-project-path",
            "infra",
            "--remote-org",
            "acme",
        ];

        it(
            "runs each stack remotely with the same bound, logs and table; config and environments go in pre-run " +
                "commands",
            async () => {
                const fake = new StandInPulumi({
                    default: { preview: "preview-creates" },
                    esc: ESC,
                    stacks: { "acme/omics-registry-maps/beta-us-east-1": { preview: "preview-mandatory-violation" } },
                    barrier: { size: 2, timeoutMs: 10_000 },
                });
                const dir = scratchProject(escRollout());
                const run = await runCli([...args(dir, undefined, ...remoteFlags), "--concurrency", "2"], {
                    PATH: `${path.join(fake.root, "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
                });
                assert.strictEqual(run.code, 1, run.stderr + run.stdout);
                const previews = fake.callsOf("preview").filter(call => !call.args.includes("--help"));
                assert.strictEqual(previews.length, 3);
                assert.ok(Math.max(...previews.map(call => call.runningSeen ?? 0)) <= 2, "at most 2 at once");
                for (const call of previews) {
                    const flag = (name: string): string | undefined => call.args[call.args.indexOf(name) + 1];
                    // `pulumi preview --remote <url>`: the Automation API gives the repository as the argument after
                    // --remote.
                    assert.strictEqual(flag("--remote"), "https://github.com/example/omics-infra.git");
                    assert.strictEqual(flag("--remote-git-branch"), "main");
                    assert.strictEqual(flag("--remote-git-repo-dir"), "infra");
                    assert.match(flag("--stack") ?? "", /^acme\/omics-registry-maps\/(alpha|beta)-/);
                    assert.ok(
                        !call.args.includes("--policy-pack"),
                        "RemoteStack takes no policy pack: the Cloud policy group applies",
                    );
                }
                const beta = previews.find(call => call.args.includes("acme/omics-registry-maps/beta-us-east-1"));
                const preRun = (beta?.args ?? []).flatMap((arg, index, all) =>
                    all[index - 1] === "--remote-pre-run-command" ? [arg] : [],
                );
                assert.strictEqual(preRun.length, 2, preRun.join("\n"));
                assert.match(
                    preRun[0] ?? "",
                    /^pulumi config set-all --stack 'acme\/omics-registry-maps\/beta-us-east-1' --json '/,
                );
                const json = JSON.parse(/--json '(.*)'$/.exec(preRun[0] ?? "")?.[1] ?? "{}") as Record<
                    string,
                    { value: string } | undefined
                >;
                assert.strictEqual(json["aws:region"]?.value, "us-east-1");
                assert.deepStrictEqual(JSON.parse(json["omics-registry-maps:workflowBuckets"]?.value ?? "null"), [
                    "beta-us",
                ]);
                assert.strictEqual(
                    preRun[1],
                    "pulumi config env add 'omics/docker-hub' 'omics/beta' --stack " +
                        "'acme/omics-registry-maps/beta-us-east-1' --yes",
                );
                assert.match(run.stdout, /^TARGET\s+RESULT/);
                assert.match(run.stdout, /beta-us-east-1\s+failed/);
                assert.match(run.stdout, /alpha-eu-west-1\s+succeeded\s+create 5/);
                assert.ok(fs.existsSync(path.join(dir, "logs", "alpha-us-east-1.log")));
                assert.ok(
                    fake.stackExists("acme/omics-registry-maps/alpha-eu-west-1"),
                    "created through the Automation API's stack init",
                );
            },
        );

        it("refuses what Deployments cannot run: secrets from this shell, AWS profiles, no organization", async () => {
            const fake = new StandInPulumi({ esc: ESC });
            const document = escRollout();
            (document.config as Record<string, unknown>).dockerHubCredentials = { secretFromEnv: "HUB" };
            (document.targets as Record<string, unknown>[])[1] = {
                alias: "beta",
                accountId: "444455556666",
                profile: "beta-admin",
                regions: ["us-east-1"],
                config: { workflowBuckets: ["beta-us"] },
            };
            const dir = scratchProject(document);
            const run = await runCli(
                args(
                    dir,
                    undefined,
                    "--remote",
                    "https://github.com/example/omics-infra.git",
                    "--remote-branch",
                    "main",
                ),
                {
                    HUB: '{"username":"u","accessToken":"t0ken"}',
                    PATH: `${path.join(fake.root, "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
                },
            );
            assert.strictEqual(run.code, 2);
            assert.match(
                run.stderr,
                /--remote: give the Pulumi Cloud organization of the stacks with --remote-org <org>/,
            );
            assert.match(
                run.stderr,
                new RegExp(
                    String.raw`alpha-us-east-1: config omics-registry-maps:dockerHubCredentials takes a secret from ` +
                        String.raw`the environment \(secretFromEnv\); with --remote, keep it in an ESC environment`,
                ),
            );
            assert.match(run.stderr, /beta-us-east-1: profile "beta-admin" names credentials on this machine/);
            // Only the ESC environments were read (for validation); no stack was touched.
            assert.deepStrictEqual(
                fake.calls().filter(call => call.args[0] !== "env"),
                [],
            );
            const noBranch = await runCli(
                args(dir, undefined, "--remote", "https://github.com/example/omics-infra.git"),
            );
            assert.strictEqual(noBranch.code, 2);
            assert.match(noBranch.stderr, /--remote needs --remote-branch <branch>/);
        });
    },
);

describe("rollout plan and summary formats (real CLI entry; stand-in Pulumi CLI for the summary)", function () {
    this.timeout(60_000);

    it("plan --format github-matrix prints one line of JSON with include entries, in plan order", async () => {
        const dir = scratchProject(escRollout());
        const run = await runCli(
            [
                "rollout",
                "plan",
                "--work-dir",
                dir,
                "--file",
                path.join(dir, "rollout.yaml"),
                "--format",
                "github-matrix",
            ],
            { PATH: path.join(dir, "no-bin") },
        );
        assert.strictEqual(run.code, 0, run.stderr);
        assert.strictEqual(run.stdout.trim().split("\n").length, 1);
        assert.deepStrictEqual(JSON.parse(run.stdout), {
            include: [
                { stack: "alpha-us-east-1", alias: "alpha", account: "111122223333", region: "us-east-1" },
                { stack: "alpha-eu-west-1", alias: "alpha", account: "111122223333", region: "eu-west-1" },
                { stack: "beta-us-east-1", alias: "beta", account: "444455556666", region: "us-east-1" },
            ],
        });
    });

    it(
        "plan of the repository's rollout.yaml works from " + "another folder, and refuses a broken file with exit 2",
        async () => {
            const repo = path.join(__dirname, "..", "..");
            const run = await runCli(
                ["rollout", "plan", "--work-dir", repo, "--file", path.join(repo, "rollout.yaml"), "--format", "json"],
                { PATH: path.join(repo, "no-bin") },
            );
            assert.strictEqual(run.code, 0, run.stderr);
            const plan = JSON.parse(run.stdout) as { stacks: { stack: string; environments: string[] }[] };
            assert.deepStrictEqual(
                plan.stacks.map(stack => stack.stack),
                ["research-us-east-1", "research-eu-west-1", "clinical-us-east-1"],
            );
            const broken = scratchProject(
                stringify({ targets: [{ alias: "x", accountId: 1, profile: "p", regions: ["us-east-1"] }] }),
            );
            const refused = await runCli([
                "rollout",
                "plan",
                "--work-dir",
                broken,
                "--file",
                path.join(broken, "rollout.yaml"),
                "--format",
                "github-matrix",
            ]);
            assert.strictEqual(refused.code, 2);
            assert.strictEqual(refused.stdout, "");
            assert.match(refused.stderr, /accountId: must be a quoted string of 12 digits/);
        },
    );

    it("--format json prints the closing summary as JSON with the table's facts", async () => {
        const fake = new StandInPulumi({ default: { preview: "preview-creates" }, esc: ESC });
        const dir = scratchProject(escRollout());
        const run = await runCli(args(dir, fake, "--only", "alpha-eu-west-1", "--format", "json"));
        assert.strictEqual(run.code, 0, run.stderr);
        const summary = JSON.parse(run.stdout) as {
            operation: string;
            succeeded: boolean;
            stacks: Record<string, unknown>[];
        };
        assert.strictEqual(summary.operation, "preview");
        assert.strictEqual(summary.succeeded, true);
        assert.strictEqual(summary.stacks.length, 1);
        assert.strictEqual(summary.stacks[0]?.stack, "alpha-eu-west-1");
        assert.strictEqual(summary.stacks[0]?.result, "succeeded");
        assert.deepStrictEqual(summary.stacks[0]?.changes, { create: 5 });
        assert.strictEqual(summary.stacks[0]?.advisoryViolations, 1);
    });
});
