// The README stays true: its CLI commands run as written (real CLI entry, offline), its pack-settings example is
// valid for the pack's own config schemas, and its configuration reference names every key the program reads.
import * as assert from "assert/strict";
import Ajv from "ajv";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { policies } from "../policy-pack/policies";
import { CONFIG_KEYS } from "../config/raw-config";
import { REPO_ROOT, runCli } from "./cli/run-cli";

const README = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

function codeBlocks(language: string): string[] {
    return [...README.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map(m => m[1]);
}

function section(heading: string): string {
    const start = README.indexOf(`## ${heading}\n`);
    assert.ok(start >= 0, `README has no "## ${heading}" section`);
    const end = README.indexOf("\n## ", start + 3);
    return README.slice(start, end < 0 ? undefined : end);
}

describe("README", () => {
    const cliLines = codeBlocks("sh")
        .flatMap(block => block.split("\n"))
        .map(l => l.trim())
        .filter(l => l.startsWith("npx --no-install omics-registry-maps "));

    it("shows the CLI's commands, the workflow check first after install", () => {
        assert.ok(cliLines.length >= 4);
        const setUp =
            /## Set-up\s+```sh\n([\s\S]*?)```/
                .exec(README)?.[1]
                .split("\n")
                .map(l => l.trim())
                .filter(Boolean) ?? [];
        assert.deepEqual(setUp.slice(0, 2), [
            "npm ci",
            "npx --no-install omics-registry-maps check examples/genomics-workflow --stack dev",
        ]);
    });

    for (const line of [...new Set(cliLines)]) {
        it(`runs \`${line}\` offline with exit code 0`, async () => {
            const argv = line.replace(/^npx --no-install omics-registry-maps /, "").split(/\s+/);
            const out = argv.indexOf("--out");
            const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "readme-"));
            if (out >= 0) {
                argv[out + 1] = path.join(scratch, argv[out + 1]);
            }
            try {
                const run = await runCli(argv, REPO_ROOT);
                assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
                if (argv.includes("json") && argv[0] === "check") {
                    assert.deepEqual((JSON.parse(run.stdout) as { summary: unknown }).summary, {
                        images: 2,
                        distinct: 2,
                        excluded: 0,
                        mapped: 2,
                        unmapped: 0,
                        unresolvable: 0,
                        unpinned: 0,
                    });
                }
            } finally {
                fs.rmSync(scratch, { recursive: true, force: true });
            }
        });
    }

    it(
        "gives pack settings every policy accepts: known policy names, each value valid for that policy's " +
            "configSchema",
        () => {
            const [example] = codeBlocks("json").filter(block => block.includes("organization-conventions"));
            assert.ok(example, "README needs the pack-settings example");
            const settings = JSON.parse(example) as Record<string, Record<string, unknown>>;
            for (const [name, value] of Object.entries(settings)) {
                const policy = policies.find(p => p.name === name);
                assert.ok(policy, `README configures ${name}, which is not a policy of the pack`);
                const { enforcementLevel, ...config } = value;
                assert.ok(
                    enforcementLevel === undefined ||
                        ["advisory", "mandatory", "remediate", "disabled"].includes(enforcementLevel as string),
                );
                const schema = {
                    type: "object",
                    additionalProperties: false,
                    properties: policy.configSchema?.properties ?? {},
                };
                const validate = new Ajv().compile(schema);
                assert.ok(validate(config), `${name}: ${JSON.stringify(validate.errors)}`);
            }
        },
    );

    it("documents every config key the program reads", () => {
        const reference = section("Configuration reference");
        for (const key of ["aws:region", ...CONFIG_KEYS]) {
            assert.ok(reference.includes(`| \`${key}\` |`), `README's configuration reference does not list ${key}`);
        }
    });

    it(
        "has a section per part of the product: set-up, deploying, config, CLI, rollout, CI, pack settings, " +
            "benchmarks",
        () => {
            for (const heading of [
                "Set-up",
                "Deploying, one stack per region",
                "Configuration reference",
                "The CLI",
                "Rollout to many accounts and regions",
                "CI",
                "Policy pack (`policy-pack/`)",
                "Benchmarks",
            ]) {
                section(heading);
            }
            assert.match(section("Benchmarks"), /2 vCPU AMD EPYC/);
        },
    );
});
