// `check <workflow>`: resolves every container a workflow uses through a HealthOmics container registry map.
import * as fs from "fs";
import * as path from "path";
import { Command, Option } from "commander";
import { partitionOfRegion, RegistryLocation } from "../../policy-pack/rules/ecr-naming";
import { ContainerRegistryMapJson } from "../../policy-pack/rules/image-resolution";
import { checkWorkflow, CheckOptions, exitCodeFor } from "../../workflow-check/check-workflow";
import { formatTable } from "../../workflow-check/format-table";
import { locationFromMap, readMapFile } from "../../workflow-check/map-file";
import { printable, terminalSafeJson } from "../../workflow-check/printable";
import { CheckInputs, CheckReport } from "../../workflow-check/types";
import { stderrText, tableWidth, TOOL_NAME, toolVersion, useColor } from "../terminal";
import { addOnlineOptions, formatOnline, OnlineFlags, parseOnlineFlags, runOnline, StackContext } from "./check-online";
import { progressLine } from "./progress-line";
import {
    checkAccountOption,
    EXIT_BAD_INPUT,
    loadStackDocuments,
    loadStackFiles,
    PLACEHOLDER_ACCOUNT,
    PLACEHOLDER_VALIDATION_NOTE,
    projectDirFrom,
    stackFileErrorMessage,
} from "./render";

interface CheckFlags extends OnlineFlags {
    map?: string;
    stack?: string;
    account?: string;
    region?: string;
    format: "table" | "json";
    strict?: boolean;
    project?: string;
    profile?: string;
    verbose?: boolean;
    esc?: boolean;
}

/** What the report records of the map and where it resolves (CheckInputs without the tool, profiles, workflow file). */
type MapInputs = Omit<CheckInputs, "tool" | "profiles" | "workflowFile">;

interface MapSource {
    map: ContainerRegistryMapJson;
    location: RegistryLocation;
    options: CheckOptions;
    notes: string[];
    inputs: MapInputs;
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
    const evaluated = evaluateStackOffline(projectDir, flags.stack, {
        account: flags.account ?? PLACEHOLDER_ACCOUNT,
        assumeUnsetSecrets: true,
        esc: flags.esc === true,
    });
    if (!evaluated.ok) {
        process.stderr.write(
            stderrText(`${evaluated.message}${accountIsPlaceholder ? `\n${PLACEHOLDER_VALIDATION_NOTE}` : ""}`),
        );
        return undefined;
    }
    const { config } = evaluated;
    const defaultMap = (await loadStackDocuments()).renderStack(config).maps[0];
    const { account, region, partition } = config.target;
    const { files } = evaluated;
    return {
        inputs: {
            map: {
                kind: "stack",
                stack: flags.stack,
                stackFile: path.relative(process.cwd(), files.stackFile) || files.stackFile,
                mapName: defaultMap.name,
            },
            account,
            accountIsPlaceholder,
            region,
            regionIsPlaceholder: false,
            partition,
        },
        stack: {
            projectDir,
            name: flags.stack,
            namespace: files.namespace,
            stackFile: files.stackFile,
            config,
            readableSecret: key => {
                const entry = files.raw.secretConfig(key);
                return entry?.readable === true ? entry.value : undefined;
            },
            effective: { imageMappings: files.raw.imageMappings, maps: files.raw.maps },
        },
        map: defaultMap.map,
        location: { account, region, partition },
        options: {
            fixStyle: "stack-yaml",
            namespace: evaluated.files.namespace,
            stackFile: path.basename(evaluated.files.stackFile),
        },
        notes: [
            `map: ${defaultMap.name} of stack ${flags.stack} (${region})`,
            ...(accountIsPlaceholder
                ? [`account ${PLACEHOLDER_ACCOUNT} in resolved URIs is a placeholder; pass --account <12 digits>`]
                : []),
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
    const partition = partitionOfRegion(region);
    return {
        inputs: {
            map: { kind: "map-file", file: flags.map },
            account,
            accountIsPlaceholder: flags.account === undefined && inferred === undefined,
            region,
            regionIsPlaceholder: flags.region === undefined && inferred === undefined,
            partition,
        },
        map: read.map,
        location: { account, region, partition },
        options: { fixStyle: "map-json" },
        notes: [
            `map: ${flags.map}`,
            ...(placeholder.length > 0
                ? [
                      `${placeholder.join(" and ")} in resolved URIs ` +
                          `${placeholder.length > 1 ? "are placeholders" : "is a placeholder"}; ` +
                          "pass --account and --region",
                  ]
                : []),
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
        process.stderr.write(
            `check: give the map to check against: --map <file.json> or --stack <name> (run '${TOOL_NAME} check ` +
                `--help' for usage)\n`,
        );
        return EXIT_BAD_INPUT;
    }
    const profiles = parseProfiles(flags.profile);
    if (profiles === undefined) {
        process.stderr.write(
            `check: --profile takes profile names separated by commas, as nextflow run -profile does, got ` +
                `${JSON.stringify(flags.profile)} (run '${TOOL_NAME} check --help' for usage)\n`,
        );
        return EXIT_BAD_INPUT;
    }
    let source: MapSource | undefined;
    try {
        source =
            flags.stack !== undefined
                ? await fromStack({ ...flags, stack: flags.stack })
                : flags.map !== undefined
                  ? fromMapFile({ ...flags, map: flags.map })
                  : undefined;
    } catch (error) {
        if (error instanceof Error && error.name === "StackFileError") {
            process.stderr.write(`${stackFileErrorMessage(error, flags.stack ?? "")}\n`);
            return EXIT_BAD_INPUT;
        }
        throw error;
    }
    if (source === undefined) {
        return EXIT_BAD_INPUT;
    }
    if (!fs.existsSync(workflow)) {
        process.stderr.write(
            `check: workflow not found: ${workflow} (give a workflow directory, a .zip or a workflow file)\n`,
        );
        return EXIT_BAD_INPUT;
    }
    // A single workflow file: its folder is the root (as HealthOmics reads the files beside a main workflow file).
    const isFile = fs.statSync(workflow).isFile() && !workflow.toLowerCase().endsWith(".zip");
    const root = isFile ? path.dirname(workflow) : workflow;
    const notes = [
        ...source.notes,
        ...(isFile ? [`${workflow} is a file: checking its folder ${root} as the workflow root`] : []),
    ];
    for (const note of [...new Set(notes)]) {
        process.stderr.write(stderrText(`note: ${printable(note)}`));
    }
    const inputs: CheckInputs = {
        tool: { name: TOOL_NAME, version: toolVersion() },
        ...source.inputs,
        profiles,
        ...(isFile ? { workflowFile: workflow } : {}),
    };
    const progress = progressLine("scanning workflow files");
    let report;
    try {
        report = await checkWorkflow(root, source.map, source.location, {
            ...source.options,
            profiles,
            inputs,
            ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
        });
    } catch (error) {
        process.stderr.write(stderrText(`check: ${error instanceof Error ? error.message : String(error)}`));
        return EXIT_BAD_INPUT;
    } finally {
        progress.done();
    }
    for (const problem of report.problems) {
        const where = `${problem.file}${problem.line !== undefined ? `:${problem.line}` : ""}`;
        process.stderr.write(stderrText(`error: ${printable(`${where}: cannot be parsed: ${problem.message}`)}`));
    }
    for (const note of profileNotes(report, profiles)) {
        process.stderr.write(stderrText(`note: ${printable(note)}`));
    }
    for (const warning of report.warnings) {
        process.stderr.write(
            stderrText(
                `warning: ${warning.file}${warning.line !== undefined ? `:${warning.line}` : ""}: ${warning.message}`,
            ),
        );
    }
    if (report.importsOutsideRoot.length > 0) {
        const files = report.importsOutsideRoot.map(file => `\n  ${file}`).join("");
        process.stderr.write(
            stderrText(
                `note: ${report.importsOutsideRoot.length} imported file(s) lie outside ${workflow}; ` +
                    `the definition zip must carry them (zip from a folder that holds them all):${files}`,
            ),
        );
    }
    const outcome =
        flags.online === true ? await runOnline(report, source.map, flags, online, source.stack) : undefined;
    const onlineJson =
        outcome !== undefined
            ? { online: { ...outcome.online, ...(outcome.pins !== undefined ? { pins: outcome.pins } : {}) } }
            : {};
    process.stdout.write(
        flags.format === "json"
            ? `${terminalSafeJson(JSON.stringify({ ...report, ...onlineJson }, null, 2))}\n`
            : formatTable(report, {
                  color: useColor(process.stdout),
                  width: tableWidth(process.stdout),
                  verbose: flags.verbose === true,
              }) + (outcome !== undefined ? formatOnline(outcome.online, report) + outcome.tableText : ""),
    );
    return outcome?.failed === true ? EXIT_BAD_INPUT : exitCodeFor(report, flags.strict === true);
}

/**
 * A note for each --profile name that brings in no image of this workflow (a typo, or a profile without containers).
 */
function profileNotes(report: CheckReport, selected: readonly string[]): string[] {
    const known = [...new Set(report.images.flatMap(image => image.profiles ?? []))].sort();
    const hasTestOnly = report.images.some(image => image.testOnly === true);
    return selected
        .filter(name => !known.includes(name) && !(name === "test" && hasTestOnly))
        .map(
            name =>
                `--profile ${name}: no image of this workflow comes only from profile ${name}` +
                (known.length > 0
                    ? ` (profiles that bring images in: ${known.join(", ")})`
                    : " (no image comes only from a profile)"),
        );
}

/** `--profile a,b` → ["a", "b"]; undefined when a name is empty. */
function parseProfiles(option: string | undefined): string[] | undefined {
    if (option === undefined) {
        return [];
    }
    const names = option.split(",").map(name => name.trim());
    return names.every(name => name !== "") ? names : undefined;
}

export function registerCheck(program: Command): void {
    const command = program
        .command("check")
        .description(
            "resolve every container of a WDL, Nextflow or CWL workflow through a HealthOmics container registry map " +
                "(offline; --online also asks the upstream registries)",
        )
        .argument(
            "<workflow>",
            "workflow directory, a .zip as given to aws omics create-workflow --definition-zip, or a workflow file " +
                "(its folder is the root)",
        )
        .addOption(new Option("--map <file.json>", "a container registry map JSON file").conflicts("stack"))
        .option("--stack <name>", "the default map of this stack (Pulumi.yaml defaults + Pulumi.<name>.yaml)")
        .option(
            "--account <id>",
            `12-digit AWS account id for resolved URIs (default: placeholder ${PLACEHOLDER_ACCOUNT}, flagged)`,
        )
        .addOption(
            new Option(
                "--region <region>",
                "with --map: the region of resolved URIs (default: from the map's image mappings)",
            ).conflicts("stack"),
        )
        .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
        .option("--strict", "exit 1 on warnings too (unpinned or unresolvable images)")
        .option("--project <dir>", "with --stack: the Pulumi project directory (default: the nearest with Pulumi.yaml)")
        .option(
            "--profile <names>",
            "Nextflow profiles (comma-separated, as nextflow run -profile): their profile-only and test images count " +
                "in the verdict",
        )
        .option("--verbose", "list every place an image is written (the JSON report always does)")
        .option(
            "--esc",
            "with --stack: read the stack's Pulumi ESC environments with `pulumi env open` (Pulumi CLI and login)",
        )
        .action(async (workflow: string, flags: CheckFlags) => {
            process.exitCode = await check(workflow, flags);
        });
    addOnlineOptions(command);
}
