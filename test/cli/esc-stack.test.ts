// `check --stack` and `render` on Pulumi's stack layouts: `stackConfigDir` and stack files importing Pulumi ESC
// environments (`environment:`). Real layers: the CLI entry (main(argv)), the stack-file reader, the program's own
// validation. Replaced: the Pulumi CLI behind `--esc` (`pulumi env open`), by the recorded stand-in on PATH
// (test/rollout/stand-in/pulumi.js), which prints an environment as the ESC CLI's `--format detailed` does.
import * as assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import { StandInPulumi } from "../rollout/stand-in/stand-in";
import { REPO_ROOT, runCli, suiteProjects } from "./run-cli";

const EXAMPLE = path.join(REPO_ROOT, "examples", "genomics-workflow");
const HUB_TOKEN = "dckr_pat_EscSecretValue";

/** A stack file that keeps registries and buckets in ESC: only the region and tags are in the file. */
const ESC_STACK =
    "environment:\n  - omics/dev\nconfig:\n  aws:region: us-east-1\n  omics-registry-maps:tags:\n    environment: " +
    "dev\n";

/** `pulumi env open omics/dev pulumiConfig --format detailed`: values with `secret` flags and traces. */
const detailed = (value: unknown, secret = false): Record<string, unknown> => ({
    value,
    ...(secret ? { secret: true } : {}),
    trace: { def: { environment: "omics/dev" } },
});
const OMICS_DEV = detailed({
    registries: detailed([
        detailed({
            upstreamRegistryUrl: detailed("registry-1.docker.io"),
            ecrRepositoryPrefix: detailed("docker-hub"),
            credentials: detailed({ secretConfigKey: detailed("dockerHubCredentials") }),
        }),
        detailed({ upstreamRegistryUrl: detailed("quay.io"), ecrRepositoryPrefix: detailed("quay") }),
    ]),
    workflowBuckets: detailed([detailed("omics-dev-workflows")]),
    dockerHubCredentials: detailed({ username: detailed("maps-bot"), accessToken: detailed(HUB_TOKEN, true) }),
});

function withStandInOnPath<T>(fake: StandInPulumi, body: () => Promise<T>): Promise<T> {
    const saved = process.env.PATH;
    process.env.PATH = `${path.join(fake.root, "bin")}${path.delimiter}${saved ?? ""}`;
    return body().finally(() => {
        process.env.PATH = saved;
    });
}

describe("stack layout and Pulumi ESC in check/render (real CLI entry; stand-in Pulumi CLI for --esc)", () => {
    const project = suiteProjects();

    it("honours stackConfigDir: the stack file is read from stacks/ as the Pulumi CLI does", async () => {
        const dir = project({});
        fs.appendFileSync(path.join(dir, "Pulumi.yaml"), "stackConfigDir: stacks\n");
        fs.mkdirSync(path.join(dir, "stacks"));
        fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), path.join(dir, "stacks", "Pulumi.dev.yaml"));
        const run = await runCli(["check", EXAMPLE, "--stack", "dev", "--project", dir]);
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /docker-hub\/broadinstitute\/gatk/);
    });

    it(
        "without --esc: says the values come from ESC and that missing required keys may come from the " +
            "environment",
        async () => {
            const dir = project({ "Pulumi.dev.yaml": ESC_STACK });
            const run = await runCli(["check", EXAMPLE, "--stack", "dev", "--project", dir]);
            assert.equal(run.code, 2);
            assert.match(
                run.stderr,
                new RegExp(
                    /registries: is required[^\n]*may come from ESC environment omics\/dev, which offline eva/.source +
                        /luation cannot read \(pass --esc/.source,
                ),
            );
            assert.match(run.stderr, /workflowBuckets: is required[^\n]*may come from ESC environment omics\/dev/);
            assert.match(
                run.stderr,
                /Pulumi\.dev\.yaml imports Pulumi ESC environment\(s\) omics\/dev: their values come from Pulumi ESC/,
            );
        },
    );

    it(
        "--esc reads the environment's pulumiConfig with pulumi env open; the secret is used as set, never " +
            "printed",
        async () => {
            const fake = new StandInPulumi({ esc: { "omics/dev": OMICS_DEV } });
            const dir = project({ "Pulumi.dev.yaml": ESC_STACK });
            const out = path.join(dir, "render-out");
            const [check, render] = await withStandInOnPath(fake, async () => [
                await runCli(["check", EXAMPLE, "--stack", "dev", "--project", dir, "--esc"]),
                await runCli(["render", "--stack", "dev", "--project", dir, "--esc", "--out", out]),
            ]);
            assert.equal(check.code, 0, check.stderr);
            assert.match(check.stdout, /docker-hub\/broadinstitute\/gatk/);
            assert.match(check.stderr, /values of ESC environment\(s\) omics\/dev were read with pulumi env open/);
            assert.equal(render.code, 0, render.stderr);
            const rolePolicy = fs.readFileSync(path.join(out, "omics-role-policy.json"), "utf8");
            assert.match(rolePolicy, /omics-dev-workflows/, "the bucket from ESC reaches the HealthOmics role policy");
            for (const text of [
                check.stdout,
                check.stderr,
                render.stdout,
                render.stderr,
                ...fs
                    .readdirSync(out, { recursive: true })
                    .map(String)
                    .filter(file => file.endsWith(".json"))
                    .map(file => fs.readFileSync(path.join(out, file), "utf8")),
            ]) {
                assert.ok(!text.includes(HUB_TOKEN), "the ESC secret is never printed or written");
            }
            assert.deepEqual(
                fake.callsOf("env", "open").map(call => call.args),
                [
                    ["env", "open", "omics/dev", "pulumiConfig", "--format", "detailed"],
                    ["env", "open", "omics/dev", "pulumiConfig", "--format", "detailed"],
                ],
            );
        },
    );

    it("--esc with an environment the login cannot open: exit 2 with the CLI's reason", async () => {
        const fake = new StandInPulumi({ esc: {} });
        const dir = project({ "Pulumi.dev.yaml": ESC_STACK });
        const run = await withStandInOnPath(fake, () =>
            runCli(["check", EXAMPLE, "--stack", "dev", "--project", dir, "--esc"]),
        );
        assert.equal(run.code, 2);
        assert.match(run.stderr, /pulumi env open omics\/dev failed: error: environment 'omics\/dev' not found/);
    });
});
