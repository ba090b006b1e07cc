// The `check --online`, `--pin` and `--write <stack>` options of `check`: flags, the run, the report's `online` key.
import { Command, Option } from "commander";
import { OmicsRegistryConfig } from "../../config/types";
import { ContainerRegistryMapJson } from "../../policy-pack/rules/image-resolution";
import { checkOnline, distinctOnline, OnlineImage, OnlineReport } from "../../online/check-online";
import { planPins, PinPlan, pinsAsYaml, writePins } from "../../online/pin";
import { BasicCredentials, RegistryClient } from "../../online/registry-client";
import { loadStackCredentials } from "../../online/stack-credentials";
import { plural, printable } from "../../workflow-check/printable";
import { CheckReport } from "../../workflow-check/types";
import { stderrText } from "../terminal";
import { progressLine } from "./progress-line";

export interface OnlineFlags {
    online?: boolean;
    registryEndpoint?: string[];
    concurrency?: string;
    pin?: boolean;
    write?: string;
}

/** What `check --stack` read, for credentials and for `--write`. */
export interface StackContext {
    projectDir: string;
    name: string;
    namespace: string;
    stackFile: string;
    config: OmicsRegistryConfig;
    readableSecret(key: string): unknown;
    effective: { imageMappings: unknown; maps: unknown };
}

export const DEFAULT_ONLINE_CONCURRENCY = 8;

export function addOnlineOptions(command: Command): Command {
    return command
        .option("--online", "also ask each image's upstream registry: tag exists, digest, linux/amd64 image present")
        .addOption(
            new Option(
                "--registry-endpoint <host=url>",
                "with --online: ask <url> for images of upstream <host> (a mirror, a local registry); repeatable",
            ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
        )
        .option(
            "--concurrency <n>",
            `with --online: registry requests under way at once (default ${DEFAULT_ONLINE_CONCURRENCY})`,
        )
        .option("--pin", "with --online: print image mappings pinning each tag to the digest it resolves to today")
        .option("--write <stack>", "with --pin and --stack: add the pins to Pulumi.<stack>.yaml");
}

export type ParsedOnlineFlags =
    { ok: true; endpoints: Map<string, string>; concurrency: number } | { ok: false; message: string };

/** All usage problems of the online flags at once. */
export function parseOnlineFlags(flags: OnlineFlags, stack: string | undefined): ParsedOnlineFlags {
    const problems: string[] = [];
    if (
        flags.online !== true &&
        (flags.pin === true ||
            flags.write !== undefined ||
            flags.registryEndpoint !== undefined ||
            flags.concurrency !== undefined)
    ) {
        problems.push("--pin, --write, --registry-endpoint and --concurrency need --online");
    }
    if (flags.write !== undefined && flags.pin !== true) {
        problems.push("--write <stack> needs --pin");
    }
    if (flags.write !== undefined && flags.write !== stack) {
        problems.push(
            `--write ${flags.write} needs --stack ${flags.write}: pins name repositories under that stack's prefixes`,
        );
    }
    const endpoints = new Map<string, string>();
    for (const entry of flags.registryEndpoint ?? []) {
        const match = /^([a-z0-9.-]+(?::\d+)?)=(https?:\/\/[^\s/]+(?:\/[^\s]*)?)$/i.exec(entry);
        if (!match) {
            problems.push(
                `--registry-endpoint ${JSON.stringify(entry)}: give <host>=<http(s) URL>, e.g. ` +
                    `quay.io=http://127.0.0.1:5000`,
            );
            continue;
        }
        endpoints.set(match[1].toLowerCase(), match[2]);
    }
    const concurrency = flags.concurrency === undefined ? DEFAULT_ONLINE_CONCURRENCY : Number(flags.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
        problems.push(`--concurrency must be a whole number from 1 to 64, got ${JSON.stringify(flags.concurrency)}`);
    }
    return problems.length > 0
        ? { ok: false, message: problems.map(p => `check: ${p}`).join("\n") }
        : { ok: true, endpoints, concurrency };
}

export interface OnlineOutcome {
    online: OnlineReport;
    pins?: PinPlan;
    /** Extra text for the table (the pins as YAML, what was written). */
    tableText: string;
    /** Exit code 2 when --write failed. */
    failed: boolean;
}

export async function runOnline(
    report: CheckReport,
    map: ContainerRegistryMapJson,
    flags: OnlineFlags,
    parsed: { endpoints: Map<string, string>; concurrency: number },
    stack: StackContext | undefined,
): Promise<OnlineOutcome> {
    let byHost = new Map<string, BasicCredentials>();
    if (stack !== undefined) {
        const loaded = await loadStackCredentials({
            projectDir: stack.projectDir,
            stack: stack.name,
            namespace: stack.namespace,
            registries: stack.config.registries,
            readable: key => stack.readableSecret(key),
        });
        byHost = loaded.byHost;
        loaded.notes.forEach(note => process.stderr.write(stderrText(`note: ${note}`)));
    }
    const client = new RegistryClient({
        endpoints: parsed.endpoints,
        credentials: host => byHost.get(host),
        onBackOff: ({ host, waitMs, status }) => {
            const clear = process.stderr.isTTY ? "\r\x1b[2K" : "";
            const why = status === 429 ? " (rate limit)" : "";
            process.stderr.write(
                `${clear}note: ${host} answered HTTP ${status}${why}; backing off ${(waitMs / 1000).toFixed(1)} s\n`,
            );
        },
    });
    const progress = progressLine("asking upstream registries", " images");
    let online: OnlineReport;
    try {
        online = await checkOnline(report, map, client, {
            concurrency: parsed.concurrency,
            ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
        });
    } finally {
        progress.done();
    }
    if (flags.pin !== true) {
        return { online, tableText: "", failed: false };
    }
    const pins = planPins(online.images);
    const text: string[] = [];
    if (pins.pins.length > 0) {
        text.push(
            stack !== undefined
                ? `pins for ${stack.stackFile} (config:):\n${pinsAsYaml(stack.namespace, pins.pins)}`
                : `pins for the map's imageMappings:\n${JSON.stringify(
                      pins.pins.map(p => ({ sourceImage: p.sourceImage, destinationImage: p.destinationUri })),
                      null,
                      2,
                  )}\n`,
        );
    }
    for (const miss of pins.unpinned) {
        text.push(`not pinned: ${miss.sourceImage}: ${miss.reason}\n`);
    }
    let failed = false;
    if (flags.write !== undefined && stack !== undefined && pins.pins.length > 0) {
        const result = await writeAndValidate(stack, pins);
        failed = !result.ok;
        text.push(`${result.message}\n`);
        if (!result.ok) {
            process.stderr.write(`${result.message}\n`);
        }
    }
    return { online, pins, tableText: text.join(""), failed };
}

/** Writes the pins, then validates the stack as check does; restores the file when it no longer validates. */
async function writeAndValidate(stack: StackContext, pins: PinPlan): Promise<{ ok: boolean; message: string }> {
    const before = writePins(stack.stackFile, stack.namespace, pins.pins, stack.effective);
    const { evaluateStackOffline } = await import("../../config/stack-files");
    const evaluated = evaluateStackOffline(stack.projectDir, stack.name, {
        account: stack.config.target.account,
        assumeUnsetSecrets: true,
    });
    if (!evaluated.ok) {
        (await import("fs")).writeFileSync(stack.stackFile, before);
        return {
            ok: false,
            message:
                `check: the pinned stack would not validate, so ${stack.stackFile} was left as it ` +
                `was:\n${evaluated.message}`,
        };
    }
    return {
        ok: true,
        message: `wrote ${pins.pins.length} image mapping${pins.pins.length === 1 ? "" : "s"} to ${stack.stackFile}`,
    };
}

/** What was asked upstream (`registry-1.docker.io/library/ubuntu:20.04`), or undefined when nothing was. */
function upstreamAsked(answer: OnlineImage): string | undefined {
    if (answer.registry === null) {
        return undefined;
    }
    const version =
        answer.reference === null
            ? ""
            : answer.reference.includes(":")
              ? `@${answer.reference}`
              : `:${answer.reference}`;
    return `${answer.registry}/${answer.repository ?? ""}${version}`;
}

/**
 * The online answers for people: one row per distinct image (as the main table), with the count of places; what was
 * asked upstream beneath a row only when it differs from the image (Docker Hub's registry-1.docker.io, library/).
 */
export function formatOnline(online: OnlineReport, report: CheckReport): string {
    const header = ["IMAGE", "ONLINE", "DIGEST", "PLATFORMS", "PLACES"];
    const distinct = distinctOnline(online, report);
    const rows = distinct.map(({ image, answer, places }) => ({
        cells: [
            printable(image),
            answer.status,
            answer.digest ?? "-",
            answer.platforms.length > 0 ? answer.platforms.join(",") : "-",
            String(places),
        ],
        upstream: upstreamAsked(answer),
    }));
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => row.cells[column].length)));
    const line = (cells: string[]) =>
        cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join("  ");
    const s = online.distinct;
    const registries = online.registries.map(
        r =>
            `${r.host} via ${r.endpoint}: ${r.requests} ` +
            `requests${r.backOffs > 0 ? `, backed off ${r.backOffs} times (${(r.waitedMs / 1000).toFixed(1)} s)` : ""}`,
    );
    return [
        "",
        "online (upstream registries):",
        line(header),
        ...rows.flatMap(row => [
            line(row.cells),
            ...(row.upstream !== undefined && row.upstream !== row.cells[0]
                ? [`    asked upstream: ${printable(row.upstream)}`]
                : []),
        ]),
        "",
        `${plural(s.checked, "distinct image")} checked (${plural(online.summary.checked, "place")}): ` +
            `${s.ok} ok, ${s.missing} missing, ${s.noAmd64} without linux/amd64, ${s.unauthorized} unauthorized, ` +
            `${s.unreachable} unreachable, ${s.rateLimited} rate-limited; ${s.notChecked} not checked; ` +
            `concurrency ${online.concurrency}`,
        ...registries,
        "",
    ].join("\n");
}
