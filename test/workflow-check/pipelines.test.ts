// `check` on whole public pipelines vendored as fixtures (nf-core/rnaseq, broadinstitute/warp), through the CLI's real
// entry (main(argv)) with real parsers, stack files and render. Every suggested fix is applied: a stack entry must pass
// the program's own config validation and the pack on the program's stack (the program under the engine-style harness,
// test/harness/engine-stack.ts, policies given what the engine's Analyzer gives them); a map entry must pass every
// policy of the pack on a stack the program built, its map holding that entry.
import * as assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { parse, stringify } from "yaml";
import { CallerIdentity, validateConfig } from "../../config/validate-config";
import { rawConfigFrom } from "../../config/raw-config";
import { policies } from "../../policy-pack/policies";
import { writtenHost } from "../../policy-pack/rules/docker-reference";
import { DOCKER_HUB_UPSTREAM } from "../../policy-pack/rules/registry-catalogue";
import { CheckReport, RegistryFix } from "../../workflow-check/types";
import { changeProperties, EngineStack, enginePolicyResources, runOmicsStack } from "../harness/engine-stack";
import { runPolicy } from "../harness/policy-stack";
import { ConfigMap, DOCKER_HUB_SECRET, PROJECT, readProjectFile } from "../harness/stack-config";
import { onTerminal, REPO_ROOT, runCli, suiteProjects } from "../cli/run-cli";

const PIPELINES = path.join(REPO_ROOT, "test", "fixtures", "pipelines");
const RNASEQ = path.join(PIPELINES, "nf-core-rnaseq");
// warp's WGS pipeline from its own folder, as a user runs it: the tasks it imports from ../../../../../../tasks are
// followed
const WARP_WGS = path.join(
    PIPELINES,
    "broadinstitute-warp",
    "pipelines",
    "wdl",
    "dna_seq",
    "germline",
    "single_sample",
    "wgs",
);
const ACCOUNT = "123456789012";
const CALLER: CallerIdentity = { account: ACCOUNT, partition: "aws", dnsSuffix: "amazonaws.com" };
const validateReport = new Ajv({ allErrors: true }).compile(
    JSON.parse(fs.readFileSync(path.join(__dirname, "check-report.schema.json"), "utf8")),
);

async function jsonReport(argv: string[], cwd?: string): Promise<CheckReport> {
    const run = await runCli([...argv, "--format", "json"], cwd);
    assert.ok(run.code === 0 || run.code === 1, `${argv.join(" ")}: exit ${run.code}: ${run.stderr}`);
    const report = JSON.parse(run.stdout) as CheckReport;
    assert.ok(validateReport(report), JSON.stringify(validateReport.errors));
    return report;
}

/**
 * The table's rows: from the header to the first blank line; group headings have no indent, rows two spaces (a
 * narrow terminal leaves RESOLVED out, and may put USED beneath each row).
 */
function tableRows(stdout: string): string[] {
    const lines = stdout.split("\n");
    const header = lines.findIndex(line => /^ {2}IMAGE\s+STATUS(\s+RESOLVED)?(\s+USED)?$/.test(line));
    assert.ok(header >= 0, stdout);
    const end = lines.indexOf("", header);
    return lines.slice(header + 1, end).filter(line => /^ {2}\S/.test(line));
}

/** The missing hosts and their distinct-image counts, computed from the JSON images (not from the report's fixes). */
function expectedMissingHosts(report: CheckReport): Map<string, number> {
    const images = new Map<string, Set<string>>();
    for (const image of report.images.filter(
        i => i.inVerdict && i.findings.some(f => f.message.startsWith("no mapping for")),
    )) {
        // The host as written; Nextflow's docker.registry supplies it where the image names none (quay.io in nf-core).
        const referenceHost = image.reference !== null ? writtenHost(image.reference) : undefined;
        const host =
            writtenHost(image.image) ??
            (referenceHost === "docker.io" || referenceHost === undefined ? DOCKER_HUB_UPSTREAM : referenceHost);
        images.set(host, (images.get(host) ?? new Set()).add(image.reference ?? image.image));
    }
    return new Map([...images.entries()].map(([host, set]) => [host, set.size]));
}

/** Config as the Pulumi CLI hands it to the program: Pulumi.yaml defaults, then the stack file's values. */
function configFromStackText(stackText: string): ConfigMap {
    const encode = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
    const config: ConfigMap = {};
    for (const [key, declared] of Object.entries(readProjectFile().config)) {
        if (declared.default !== undefined) {
            config[`${PROJECT}:${key}`] = encode(declared.default);
        }
    }
    for (const [key, value] of Object.entries((parse(stackText) as { config: Record<string, unknown> }).config)) {
        config[key] = encode(value);
    }
    return config;
}

interface AppliedStack {
    config: ConfigMap;
    secrets: Record<string, Record<string, string>>;
}

/**
 * Applies stack-file fixes as a user would: the YAML entry appended to the stack's registries, then each
 * `pulumi config set --secret --path '<key>.<field>' <value>` command run (a quoted value as given, a placeholder
 * replaced by a made-up token).
 */
function applyStackFixes(base: AppliedStack, fixes: readonly RegistryFix[]): AppliedStack {
    const config = { ...base.config };
    const secrets = structuredClone(base.secrets);
    const registriesKey = `${PROJECT}:registries`;
    for (const fix of fixes) {
        const [first, ...rest] = fix.text.split("\n");
        assert.match(first, /^add to Pulumi\.[\w-]+\.yaml:$/, fix.text);
        const secretAt = rest.findIndex(line => line.startsWith("then set the secret"));
        const yamlLines = secretAt >= 0 ? rest.slice(0, secretAt) : rest;
        const added = (parse(yamlLines.join("\n")) as Record<string, unknown[]>)[registriesKey];
        assert.ok(Array.isArray(added) && added.length === 1, fix.text);
        assert.deepEqual(added[0], fix.entry, "the JSON report's entry is the one printed");
        config[registriesKey] = JSON.stringify([...(JSON.parse(config[registriesKey]) as unknown[]), added[0]]);
        for (const line of secretAt >= 0 ? rest.slice(secretAt + 1) : []) {
            if (line.startsWith("allowUndocumentedHost: ")) {
                continue; // why the entry opts in to a host no AWS source documents (regional gcr.io hosts)
            }
            const command = /^ {2}pulumi config set --secret --path '([A-Za-z][\w-]*)\.(\w+)' (.+)$/.exec(line);
            assert.ok(command, `not a pulumi config command: ${line}`);
            const [, key, field, value] = command;
            const quoted = /^'(.*)'$/.exec(value);
            secrets[key] = { ...secrets[key], [field]: quoted !== null ? quoted[1] : `made-up-${field}-for-${key}` };
        }
    }
    return { config, secrets };
}

function withSecrets(applied: AppliedStack): { config: ConfigMap; secretKeys: string[] } {
    const config = { ...applied.config };
    for (const [key, value] of Object.entries(applied.secrets)) {
        config[`${PROJECT}:${key}`] = JSON.stringify(value);
    }
    return { config, secretKeys: Object.keys(applied.secrets).map(key => `${PROJECT}:${key}`) };
}

function validates(applied: AppliedStack): void {
    const { config } = withSecrets(applied);
    const raw = rawConfigFrom(
        config["aws:region"],
        key => config[`${PROJECT}:${key}`],
        key => {
            return key in applied.secrets ? { isSecret: true, value: applied.secrets[key], readable: true } : undefined;
        },
    );
    const result = validateConfig(PROJECT, raw, CALLER);
    assert.ok(result.ok, result.ok ? "" : result.problems.map(p => `${p.path}: ${p.message}`).join("\n"));
}

/** The program's stack after `pulumi up` with the applied config. */
async function programStack(applied: AppliedStack): Promise<EngineStack> {
    const { config, secretKeys } = withSecrets(applied);
    const stack = await runOmicsStack(config, secretKeys, false);
    assert.equal(stack.error, undefined, stack.error?.message);
    return stack;
}

async function passesEveryPolicy(stack: EngineStack): Promise<void> {
    const found: string[] = [];
    for (const policy of policies) {
        for (const violation of await runPolicy(policy, enginePolicyResources(stack))) {
            found.push(`${policy.name}: ${violation.message}`);
        }
    }
    assert.deepEqual(found, []);
}

const MAP_OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2";
const SECRET = "aws:secretsmanager/secret:Secret";

/**
 * The program's stack with the default map's registry mappings for the fixes' hosts replaced by the fixes' map
 * entries. A credentialArn names the stack's secret by name; the real ARN carries Secrets Manager's random suffix,
 * which the user copies from their secret, as the fix says.
 */
function withMapEntries(stack: EngineStack, fixes: readonly RegistryFix[]): EngineStack {
    const secretArns = stack.resources.filter(r => r.type === SECRET).map(r => String(r.properties.arn));
    const entries = fixes.map(fix => {
        const arn = fix.entry.credentialArn;
        if (typeof arn !== "string") {
            return fix.entry;
        }
        const real = secretArns.find(
            candidate => candidate.startsWith(`${arn}-`) && /^-[A-Za-z0-9]{6}$/.test(candidate.slice(arn.length)),
        );
        assert.ok(real, `credentialArn ${arn} names none of the stack's secrets (${secretArns.join(", ")})`);
        return { ...fix.entry, credentialArn: real };
    });
    const hosts = new Set(fixes.map(fix => fix.host));
    const maps = stack.resources.filter(
        r =>
            r.type === MAP_OBJECT &&
            typeof r.properties.content === "string" &&
            r.properties.content.includes("registryMappings"),
    );
    assert.equal(maps.length, 1, "one map object");
    return changeProperties(stack, MAP_OBJECT, maps[0].name, properties => {
        const map = JSON.parse(String(properties.content)) as { registryMappings: Record<string, unknown>[] };
        map.registryMappings = [
            ...map.registryMappings.filter(m => !hosts.has(String(m.upstreamRegistryUrl))),
            ...entries,
        ];
        return { ...properties, content: JSON.stringify(map) };
    });
}

describe(
    "check on real pipelines: nf-core/rnaseq and broadinstitute/warp (real CLI entry, parsers, stack files, " +
        "program and pack)",
    () => {
        const project = suiteProjects();
        const devText = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
        // The dev stack without Quay (and the image mapping under its prefix), so that rnaseq needs a pull-through
        // registry too.
        const noQuay = parse(devText) as { config: Record<string, unknown[]> };
        noQuay.config[`${PROJECT}:registries`] = noQuay.config[`${PROJECT}:registries`].filter(
            r => (r as { upstreamRegistryUrl: string }).upstreamRegistryUrl !== "quay.io",
        );
        noQuay.config[`${PROJECT}:imageMappings`] = noQuay.config[`${PROJECT}:imageMappings`].filter(
            m => !(m as { destinationImage: string }).destinationImage.startsWith("quay/"),
        );
        const noQuayText = stringify(noQuay);
        const dir = project({ "Pulumi.dev.yaml": devText, "Pulumi.noquay.yaml": noQuayText });
        const base = (stackText: string): AppliedStack => ({
            config: configFromStackText(stackText),
            secrets: { dockerHubCredentials: { ...DOCKER_HUB_SECRET } },
        });

        const cases = [
            {
                name: "nf-core/rnaseq",
                root: RNASEQ,
                stack: "noquay",
                stackText: noQuayText,
                hosts: ["community.wave.seqera.io", "nvcr.io", "quay.io"],
            },
            // the Azure hosts are the branches of warp's `if cloud_provider == "gcp"` (marked with their condition,
            // still checked)
            {
                name: "broadinstitute/warp",
                root: WARP_WGS,
                stack: "dev",
                stackText: devText,
                hosts: ["dsppipelinedev.azurecr.io", "terrapublic.azurecr.io", "us.gcr.io"],
            },
        ];

        for (const pipeline of cases) {
            describe(pipeline.name, () => {
                let stackReport: CheckReport;
                before(async () => {
                    stackReport = await jsonReport([
                        "check",
                        pipeline.root,
                        "--stack",
                        pipeline.stack,
                        "--project",
                        dir,
                    ]);
                });

                for (const columns of [80, 120]) {
                    it(`the widest table line fits ${columns} columns, one row per distinct image`, async () => {
                        const run = await onTerminal(columns, [
                            "check",
                            pipeline.root,
                            "--stack",
                            pipeline.stack,
                            "--project",
                            dir,
                        ]);
                        assert.equal(run.code, 1, run.stderr);
                        const rows = tableRows(run.stdout);
                        const widest = Math.max(
                            ...run.stdout
                                .split("\n")
                                .slice(0, run.stdout.split("\n").indexOf("", 3))
                                .map(line => line.length),
                        );
                        assert.ok(widest <= columns, `a table line is ${widest} characters wide`);
                        // distinct: the normalized reference; an image that cannot be resolved, by what is written and
                        // its expression
                        const distinct = new Set(
                            stackReport.images.map(i => i.reference ?? `${i.image} ${i.expression ?? ""}`),
                        );
                        assert.equal(rows.length, distinct.size);
                        assert.ok(
                            rows.every(row => /\s(mapped|unmapped|unresolvable|invalid)(\s|$)/.test(row)),
                            "STATUS is never cut",
                        );
                    });
                }

                it("plain output when not a terminal: one row per line, images whole", async () => {
                    const run = await runCli(["check", pipeline.root, "--stack", pipeline.stack, "--project", dir]);
                    const rows = tableRows(run.stdout);
                    for (const reference of new Set(
                        stackReport.images.flatMap(i => (i.reference !== null ? [i.reference] : [])),
                    )) {
                        assert.equal(rows.filter(row => row.startsWith(`  ${reference} `)).length, 1, reference);
                    }
                });

                it("the summary names each missing host once, with its image count", async () => {
                    const run = await runCli(["check", pipeline.root, "--stack", pipeline.stack, "--project", dir]);
                    const expected = expectedMissingHosts(stackReport);
                    assert.deepEqual([...expected.keys()].sort(), pipeline.hosts);
                    for (const [host, count] of expected) {
                        const lines = run.stdout.split("\n").filter(line => line.startsWith(`${host}: `));
                        assert.deepEqual(
                            lines.map(line => line.replace(/;.*/, "")),
                            [`${host}: ${count} ${count === 1 ? "image needs" : "images need"} it`],
                        );
                    }
                    assert.deepEqual(
                        stackReport.fixes.map(f => [f.host, f.images]).sort(),
                        [...expected.entries()].sort(),
                    );
                    assert.equal(
                        new Set(stackReport.fixes.map(f => f.text)).size,
                        stackReport.fixes.length,
                        "no fix twice",
                    );
                });

                it(
                    "every stack-file fix has its registry's credential shape and passes the program's validation " +
                        "and the pack",
                    async () => {
                        for (const fix of stackReport.fixes) {
                            assert.equal(fix.style, "stack-yaml");
                            const shape = /then set the secret, (\{[^}]*\})/.exec(fix.text)?.[1];
                            const expectedShape: Record<string, string | undefined> = {
                                "community.wave.seqera.io": "{accessToken}",
                                "nvcr.io": '{username: "$oauthtoken", accessToken}',
                                "us.gcr.io": '{username: "_json_key", accessToken}',
                                "quay.io": undefined,
                                "dsppipelinedev.azurecr.io": "{username, accessToken}",
                                "terrapublic.azurecr.io": "{username, accessToken}",
                            };
                            assert.ok(fix.host in expectedShape, fix.host);
                            assert.equal(shape, expectedShape[fix.host], fix.text);
                        }
                        const applied = applyStackFixes(base(pipeline.stackText), stackReport.fixes);
                        validates(applied);
                        await passesEveryPolicy(await programStack(applied));
                        const after = await jsonReport([
                            "check",
                            pipeline.root,
                            "--stack",
                            pipeline.stack,
                            "--project",
                            project({
                                [`Pulumi.${pipeline.stack}.yaml`]: stringify({
                                    config: {
                                        ...(parse(pipeline.stackText) as { config: object }).config,
                                        [`${PROJECT}:registries`]: JSON.parse(
                                            applied.config[`${PROJECT}:registries`],
                                        ) as unknown,
                                    },
                                }),
                            }),
                        ]);
                        assert.deepEqual(after.fixes, [], "once applied, no registry is missing");
                    },
                );

                it(
                    "every map fix is valid for its registry kind: " + "the pack passes a stack whose map holds it",
                    async () => {
                        const out = path.join(project({}), "render");
                        const rendered = await runCli([
                            "render",
                            "--stack",
                            pipeline.stack,
                            "--project",
                            dir,
                            "--out",
                            out,
                        ]);
                        assert.equal(rendered.code, 0, rendered.stderr);
                        const mapReport = await jsonReport([
                            "check",
                            pipeline.root,
                            "--map",
                            path.join(out, "maps", "default.json"),
                            "--account",
                            ACCOUNT,
                            "--region",
                            "us-east-1",
                        ]);
                        assert.deepEqual(mapReport.fixes.map(f => f.host).sort(), pipeline.hosts);
                        for (const fix of mapReport.fixes) {
                            assert.equal(fix.style, "map-json");
                            if (fix.servedBy === "healthomics-copy") {
                                assert.match(
                                    String(fix.entry.credentialArn),
                                    new RegExp(`^arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:omics-registry/`),
                                );
                                assert.doesNotMatch(
                                    fix.text,
                                    /pull-through cache rule for prefix/,
                                    "ECR cannot serve a copy host",
                                );
                            } else {
                                assert.equal(fix.entry.credentialArn, undefined);
                                assert.match(fix.text, /and an ECR pull-through cache rule for prefix/);
                            }
                        }
                        // The stack the map entries go with: the program's, with the registries those hosts need.
                        const stack = await programStack(applyStackFixes(base(pipeline.stackText), stackReport.fixes));
                        await passesEveryPolicy(withMapEntries(stack, mapReport.fixes));
                    },
                );
            });
        }
    },
);

describe(
    "nf-core/rnaseq profiles through the CLI (real parsers: conf/arm.config is included only by the arm64 " +
        "profile)",
    () => {
        it(
            "arm64-only images are marked and out of the " + "default verdict; --profile arm64 brings them in",
            async function () {
                const byDefault = await jsonReport(["check", RNASEQ, "--stack", "dev"], REPO_ROOT);
                const arm = byDefault.images.filter(i => i.file === "conf/arm.config");
                assert.ok(arm.length > 0);
                if (arm.every(i => i.profiles === undefined)) {
                    // The parsers' side of issue 13 (profile marking, branch i12b) is not in this tree yet.
                    this.skip();
                }
                assert.ok(
                    arm.every(i => i.profiles?.includes("arm64") === true && !i.inVerdict),
                    "every conf/arm.config image is arm64-only",
                );
                assert.equal(byDefault.summary.excluded, byDefault.images.filter(i => !i.inVerdict).length);
                assert.equal(byDefault.summary.images, byDefault.images.length - byDefault.summary.excluded);
                const table = await runCli(["check", RNASEQ, "--stack", "dev"], REPO_ROOT);
                assert.match(
                    table.stdout,
                    new RegExp(
                        `\\nnot in the verdict: ${byDefault.summary.excluded} places only profiles or tests bring in ` +
                            `\\(arm64 ${arm.length}[,)]`,
                    ),
                );
                assert.match(table.stdout, /conf\/arm\.config:\d+( \(\d+ places\))? \[profile arm64\]/);

                const withArm = await jsonReport(["check", RNASEQ, "--stack", "dev", "--profile", "arm64"], REPO_ROOT);
                assert.deepEqual(withArm.inputs?.profiles, ["arm64"]);
                assert.ok(withArm.images.filter(i => i.file === "conf/arm.config").every(i => i.inVerdict));
                assert.equal(withArm.summary.images, byDefault.summary.images + arm.length);
                const seqera = (report: CheckReport) =>
                    report.fixes.find(f => f.host === "community.wave.seqera.io")?.images ?? 0;
                assert.ok(seqera(withArm) > seqera(byDefault), "the arm64 images need Seqera Containers too");
            },
        );

        it("a --profile name that brings in no image gets a note naming the profiles that do", async () => {
            const run = await runCli(["check", RNASEQ, "--stack", "dev", "--profile", "arm46"], REPO_ROOT);
            const report = await jsonReport(["check", RNASEQ, "--stack", "dev"], REPO_ROOT);
            const known = [...new Set(report.images.flatMap(i => i.profiles ?? []))].sort();
            const profilesNote =
                known.length > 0
                    ? `profiles that bring images in: ${known.join(", ")}`
                    : "no image comes only from a profile";
            assert.match(
                run.stderr,
                new RegExp(
                    `note: --profile arm46: no image of this workflow comes only from profile arm46 ` +
                        `\\(${profilesNote}\\)`,
                ),
            );
        });
    },
);
