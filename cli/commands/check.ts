// `check <workflow>`: resolves every container a workflow uses through a HealthOmics container registry map.
import * as fs from "fs";
import * as path from "path";
import { Command, Option } from "commander";
import { partitionOfRegion, RegistryLocation } from "../../policy-pack/rules/ecr-naming";
import { ContainerRegistryMapJson } from "../../policy-pack/rules/image-resolution";
import { checkWorkflow, CheckOptions, exitCodeFor } from "../../workflow-check/check-workflow";
import { formatTable } from "../../workflow-check/format-table";
import { locationFromMap, readMapFile } from "../../workflow-check/map-file";
import { addOnlineOptions, formatOnline, OnlineFlags, parseOnlineFlags, runOnline, StackContext } from "./check-online";
import { progressLine } from "./progress-line";
import { checkAccountOption, EXIT_BAD_INPUT, loadStackDocuments, loadStackFiles, PLACEHOLDER_ACCOUNT, PLACEHOLDER_VALIDATION_NOTE, projectDirFrom } from "./render";

interface CheckFlags extends OnlineFlags {
    map?: string;
    stack?: string;
    account?: string;
    region?: string;
    format: "table" | "json";
    strict?: boolean;
    project?: string;
    esc?: boolean;
}

interface MapSource {
    map: ContainerRegistryMapJson;
    location: RegistryLocation;
    options: CheckOptions;
    notes: string[];
    /** With --stack: what was read, for check --online (credentials, --write). */
    stack?: StackContext;
}

const PLACEHOLDER_REGION = "us-east-1";

async function fromStack(flags: CheckFlags & { stack: string }): Promise<MapSource | undefined> {
    const projectDir = await projectDirFrom(flags.project);
    if (projectDir === undefined) {
        return undefined;
    }
    const { evaluateStackOffline } = await loadStackFiles();
    const accountIsPlaceholder = flags.account === undefined;
    const evaluated = evaluateStackOffline(projectDir, flags.stack, { account: flags.account ?? PLACEHOLDER_ACCOUNT, assumeUnsetSecrets: true, esc: flags.esc === true });
    if (!evaluated.ok) {
        process.stderr.write(`${evaluated.message}\n${accountIsPlaceholder ? `${PLACEHOLDER_VALIDATION_NOTE}\n` : ""}`);
        return undefined;
    }
    const { config } = evaluated;
    const defaultMap = (await loadStackDocuments()).renderStack(config).maps[0];
    const { account, region, partition } = config.target;
    const { files } = evaluated;
    return {
        stack: {
            projectDir, name: flags.stack, namespace: files.namespace, stackFile: files.stackFile, config,
            readableSecret: key => { const entry = files.raw.secretConfig(key); return entry?.readable === true ? entry.value : undefined; },
            effective: { imageMappings: files.raw.imageMappings, maps: files.raw.maps },
        },
        map: defaultMap.map,
        location: { account, region, partition },
        options: { fixStyle: "stack-yaml", namespace: evaluated.files.namespace, stackFile: path.basename(evaluated.files.stackFile) },
        notes: [
            `map: ${defaultMap.name} of stack ${flags.stack} (${region})`,
            ...(accountIsPlaceholder ? [`account ${PLACEHOLDER_ACCOUNT} in resolved URIs is a placeholder; pass --account <12 digits>`] : []),
            ...evaluated.notes,
        ],
    };
}

function fromMapFile(flags: CheckFlags & { map: string }): MapSource | undefined {
    const read = readMapFile(flags.map);
    if (!read.ok) {
        process.stderr.write(`${read.message}\n`);
        return undefined;
    }
    const inferred = locationFromMap(read.map);
    const region = flags.region ?? inferred?.region ?? PLACEHOLDER_REGION;
    const account = flags.account ?? inferred?.account ?? PLACEHOLDER_ACCOUNT;
    const placeholder = [
        ...(flags.account === undefined && inferred === undefined ? [`account ${PLACEHOLDER_ACCOUNT}`] : []),
        ...(flags.region === undefined && inferred === undefined ? [`region ${PLACEHOLDER_REGION}`] : []),
    ];
    return {
        map: read.map,
        location: { account, region, partition: partitionOfRegion(region) },
        options: { fixStyle: "map-json" },
        notes: [
            `map: ${flags.map}`,
            ...(placeholder.length > 0 ? [`${placeholder.join(" and ")} in resolved URIs ${placeholder.length > 1 ? "are placeholders" : "is a placeholder"}; pass --account and --region`] : []),
        ],
    };
}

async function check(workflow: string, flags: CheckFlags): Promise<number> {
    if (!checkAccountOption(flags.account)) {
        return EXIT_BAD_INPUT;
    }
    const online = parseOnlineFlags(flags, flags.stack);
    if (!online.ok) {
        process.stderr.write(`${online.message}\n`);
        return EXIT_BAD_INPUT;
    }
    if (flags.map === undefined && flags.stack === undefined) {
        process.stderr.write("check: give the map to check against: --map <file.json> or --stack <name>\n");
        return EXIT_BAD_INPUT;
    }
    let source: MapSource | undefined;
    try {
        source = flags.stack !== undefined ? await fromStack({ ...flags, stack: flags.stack }) : fromMapFile({ ...flags, map: flags.map ?? "" });
    } catch (error) {
        if (error instanceof Error && error.name === "StackFileError") {
            process.stderr.write(`${error.message}\n`);
            return EXIT_BAD_INPUT;
        }
        throw error;
    }
    if (source === undefined) {
        return EXIT_BAD_INPUT;
    }
    if (!fs.existsSync(workflow)) {
        process.stderr.write(`check: workflow not found: ${workflow} (give a workflow directory or a .zip)\n`);
        return EXIT_BAD_INPUT;
    }
    for (const note of [...new Set(source.notes)]) {
        process.stderr.write(`note: ${note}\n`);
    }
    const progress = progressLine("scanning workflow files");
    let report;
    try {
        report = await checkWorkflow(workflow, source.map, source.location, { ...source.options, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) });
    } catch (error) {
        process.stderr.write(`check: ${error instanceof Error ? error.message : String(error)}\n`);
        return EXIT_BAD_INPUT;
    } finally {
        progress.done();
    }
    for (const problem of report.problems) {
        process.stderr.write(`error: ${problem.file}${problem.line !== undefined ? `:${problem.line}` : ""}: cannot be parsed: ${problem.message}\n`);
    }
    for (const warning of report.warnings) {
        process.stderr.write(`warning: ${warning.file}${warning.line !== undefined ? `:${warning.line}` : ""}: ${warning.message}\n`);
    }
    if (report.importsOutsideRoot.length > 0) {
        process.stderr.write(`note: ${report.importsOutsideRoot.length} imported file(s) lie outside ${workflow}; the definition zip must carry them `
            + `(zip from a folder that holds them all):\n${report.importsOutsideRoot.map(file => `  ${file}\n`).join("")}`);
    }
    const outcome = flags.online === true ? await runOnline(report, source.map, flags, online, source.stack) : undefined;
    const onlineJson = outcome !== undefined ? { online: { ...outcome.online, ...(outcome.pins !== undefined ? { pins: outcome.pins } : {}) } } : {};
    process.stdout.write(flags.format === "json"
        ? `${JSON.stringify({ ...report, ...onlineJson }, null, 2)}\n`
        : formatTable(report, { color: process.stdout.isTTY }) + (outcome !== undefined ? formatOnline(outcome.online) + outcome.tableText : ""));
    return outcome?.failed === true ? EXIT_BAD_INPUT : exitCodeFor(report, flags.strict === true);
}

export function registerCheck(program: Command): void {
    const command = program.command("check")
        .description("resolve every container of a WDL, Nextflow or CWL workflow through a HealthOmics container registry map (offline; --online also asks the upstream registries)")
        .argument("<workflow>", "workflow directory, or a .zip as given to aws omics create-workflow --definition-zip")
        .addOption(new Option("--map <file.json>", "a container registry map JSON file").conflicts("stack"))
        .option("--stack <name>", "the default map of this stack (Pulumi.yaml defaults + Pulumi.<name>.yaml)")
        .option("--account <id>", `12-digit AWS account id for resolved URIs (default: placeholder ${PLACEHOLDER_ACCOUNT}, flagged)`)
        .addOption(new Option("--region <region>", "with --map: the region of resolved URIs (default: from the map's image mappings)").conflicts("stack"))
        .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
        .option("--strict", "exit 1 on warnings too (unpinned or unresolvable images)")
        .option("--project <dir>", "with --stack: the Pulumi project directory (default: the nearest with Pulumi.yaml)")
        .option("--esc", "with --stack: read the stack's Pulumi ESC environments with `pulumi env open` (Pulumi CLI and login)")
        .action(async (workflow: string, flags: CheckFlags) => {
            process.exitCode = await check(workflow, flags);
        });
    addOnlineOptions(command);
}
