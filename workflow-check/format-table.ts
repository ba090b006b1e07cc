// The report for people: one row per distinct image, grouped by registry host, fitted to the terminal width; the
// findings that are not about a missing registry beneath their row; one block per missing registry at the end.
import { styleText } from "util";
import { displayImage } from "./group-images";
import { plural, printable, printableLines, truncateMiddle, truncateStart } from "./printable";
import {
    CheckInputs,
    CheckReport,
    DistinctImage,
    Finding,
    ImagePlace,
    ImageResult,
    ImageStatus,
    Severity,
} from "./types";

type Style = Parameters<typeof styleText>[0];

export interface TableOptions {
    /** Colour the status and severities (the caller decides: terminal, NO_COLOR, FORCE_COLOR). */
    color: boolean;
    /** Fit every line to this many columns (a terminal's width); undefined: no limit, one row per line. */
    width?: number;
    /** List every place an image is written, not only the first. */
    verbose?: boolean;
}

const STATUS_STYLE: Readonly<Record<ImageStatus, Style>> = {
    mapped: "green",
    unmapped: "red",
    unresolvable: "yellow",
    invalid: "red",
    ignored: "gray",
};
const SEVERITY_STYLE: Readonly<Record<Severity, Style>> = { error: "red", warning: "yellow" };
const HEADER = ["IMAGE", "STATUS", "RESOLVED", "USED"] as const;
const IMAGE_COLUMN = 0;
const STATUS_COLUMN = 1;
const RESOLVED_COLUMN = 2;
const USED_COLUMN = 3;
const ROW_INDENT = "  ";
const GAP = "  ";
/** Columns other than STATUS are not cut below this (unless the terminal is narrower than every minimum). */
const MIN_COLUMN = 24;
/** RESOLVED and USED keep their tails (the registry host is the same for every row, and printed above the table). */
const MIN_RESOLVED = 28;
/** On a narrow terminal RESOLVED and USED shrink to this before IMAGE is cut below MIN_COLUMN. */
const NARROW_COLUMN = 12;

/** Word-wraps one line to `width`, continuation lines indented like the first; long words are cut. */
function wrap(line: string, width: number | undefined): string[] {
    if (width === undefined || line.length <= width) {
        return [line];
    }
    const indent = /^ */.exec(line)?.[0] ?? "";
    const room = Math.max(8, width - indent.length - 2);
    const out: string[] = [];
    let current = "";
    for (const word of line.slice(indent.length).split(" ")) {
        for (let rest = word; rest.length > 0; rest = rest.slice(room)) {
            const piece = rest.slice(0, room);
            if (current === "") {
                current = piece;
            } else if (current.length + 1 + piece.length <= room) {
                current = `${current} ${piece}`;
            } else {
                out.push(current);
                current = piece;
            }
        }
    }
    out.push(current);
    return out.map((text, i) => `${indent}${i === 0 ? "" : "  "}${text}`);
}

function resolvedColumn(image: Pick<DistinctImage, "resolved" | "via">): string {
    if (image.resolved === null) {
        return "-";
    }
    // A registry mapping is the usual way (the JSON report says `via` for every image).
    return image.via === null
        ? `${image.resolved} (private ECR)`
        : image.via === "imageMapping"
          ? `${image.resolved} (image mapping)`
          : image.resolved;
}

function placeMarks(place: ImagePlace): string {
    const marks = [
        ...(place.profiles !== undefined ? [`profile ${place.profiles.join("|")}`] : []),
        ...(place.testOnly === true ? ["test only"] : []),
        ...(place.condition !== undefined ? [`when ${place.condition}`] : []),
    ];
    return marks.length > 0 ? ` [${marks.join("; ")}]` : "";
}

function placeText(place: ImagePlace): string {
    return `${place.file}:${place.line}${placeMarks(place)}`;
}

/**
 * The first place, the count and the place's marks (`tasks/Qc.wdl:391 (4 places) [when ...]`). When it is too wide,
 * the marks are cut first (from their end), then the place (from its start); the count is kept.
 */
function usedColumn(image: DistinctImage, width = Infinity): string {
    const place = printable(`${image.places[0].file}:${image.places[0].line}`);
    const marks = printable(placeMarks(image.places[0]));
    const count = image.places.length;
    const suffix = count === 1 ? "" : ` (${plural(count, "place")})`;
    const full = `${place}${suffix}${marks}`;
    if (full.length <= width) {
        return full;
    }
    const roomForMarks = width - place.length - suffix.length;
    if (marks !== "" && roomForMarks >= 6) {
        return `${place}${suffix}${marks.slice(0, roomForMarks - 1)}…`;
    }
    const kept = count === 1 ? "" : width - suffix.length >= 8 ? suffix : ` ×${count}`;
    return `${truncateStart(place, Math.max(1, width - kept.length))}${kept}`;
}

/**
 * Column widths that fit `width`. STATUS is never cut; USED and RESOLVED are cut first (widest first), down to
 * NARROW_COLUMN, then IMAGE down to MIN_COLUMN, then all of them down to one character if the terminal is narrower
 * still.
 */
function fitWidths(natural: number[], width: number | undefined): number[] {
    const widths = [...natural];
    if (width === undefined) {
        return widths;
    }
    const room = width - ROW_INDENT.length - GAP.length * (widths.length - 1);
    const excess = () => widths.reduce((a, b) => a + b, 0) - room;
    const cut = (columns: readonly number[], floor: number) => {
        while (excess() > 0) {
            const widest = columns.reduce((a, b) => (widths[b] > widths[a] ? b : a));
            if (widths[widest] <= floor) {
                return;
            }
            const next = Math.max(floor, ...columns.filter(c => c !== widest).map(c => widths[c]));
            widths[widest] -= Math.max(1, Math.min(excess(), widths[widest] - next));
        }
    };
    cut([USED_COLUMN], MIN_COLUMN);
    cut([RESOLVED_COLUMN, USED_COLUMN], MIN_RESOLVED);
    cut([RESOLVED_COLUMN, USED_COLUMN], NARROW_COLUMN);
    cut([IMAGE_COLUMN], MIN_COLUMN);
    cut([IMAGE_COLUMN, RESOLVED_COLUMN, USED_COLUMN], 1);
    return widths;
}

/**
 * The findings of a distinct image of the verdict, other than its missing registry (that fix is printed once, at the
 * end); images outside the verdict show none.
 */
function rowFindings(
    image: DistinctImage,
    byPlace: ReadonlyMap<string, ImageResult>,
    registryFixes: ReadonlySet<string>,
): Finding[] {
    if (!image.inVerdict) {
        return [];
    }
    const first = byPlace.get(`${image.places[0].file}:${image.places[0].line}:${image.image}`);
    return (first?.findings ?? []).filter(f => !registryFixes.has(f.fix));
}

/** Prose is wrapped to the width; an entry or command (few words) is kept whole so that it can be pasted. */
function isProse(line: string): boolean {
    return line.trim().split(/\s+/).length >= 10;
}

export function formatTable(report: CheckReport, options: TableOptions): string {
    // The caller decides about colour; styleText would otherwise look at process.stdout itself.
    const paint = (style: Style, text: string) =>
        options.color ? styleText(style, text, { validateStream: false }) : text;
    const fit = (line: string) => wrap(line, options.width);
    const out: string[] = [];
    const workflowFile = report.inputs?.workflowFile;
    const main = report.inputs?.main;
    out.push(
        ...fit(
            printable(
                workflowFile !== undefined
                    ? `workflow: ${workflowFile} (its folder ${report.workflow} is the workflow root)`
                    : `workflow: ${report.workflow}${main !== undefined ? ` (main ${main})` : ""}`,
            ),
        ),
    );
    if (report.inputs !== undefined) {
        out.push(...fit(printable(inputsLine(report.inputs))));
    }
    out.push("");

    const byPlace = new Map(report.images.map(image => [`${image.file}:${image.line}:${displayImage(image)}`, image]));
    const rows = report.groups.flatMap(group =>
        group.images.map(image => ({
            group,
            image,
            cells: [printable(image.image), image.status, printable(resolvedColumn(image)), usedColumn(image)],
        })),
    );
    if (rows.length === 0) {
        out.push("no container references found");
    } else {
        const natural = HEADER.map((title, column) =>
            Math.max(title.length, ...rows.map(row => row.cells[column].length)),
        );
        const widths = fitWidths(natural, options.width);
        const line = (cells: readonly string[], styleStatus: boolean, image?: DistinctImage) =>
            ROW_INDENT +
            cells
                .map((cell, column) => {
                    const cut =
                        column === STATUS_COLUMN
                            ? cell
                            : column === RESOLVED_COLUMN
                              ? truncateStart(cell, widths[column])
                              : column === USED_COLUMN && image !== undefined
                                ? usedColumn(image, widths[column])
                                : truncateMiddle(cell, widths[column]);
                    const padded = column === cells.length - 1 ? cut : cut.padEnd(widths[column]);
                    return styleStatus && column === STATUS_COLUMN
                        ? paint(STATUS_STYLE[cell as ImageStatus], padded)
                        : padded;
                })
                .join(GAP);
        out.push(paint("bold", line(HEADER, false)));
        let group: string | undefined;
        const registryFixTexts = new Set(report.fixes.map(fix => fix.text));
        const fixesShown = new Set<string>();
        for (const row of rows) {
            if (row.group.host !== group) {
                group = row.group.host;
                out.push(
                    truncateMiddle(
                        `${printable(group)} (${plural(row.group.images.length, "image")})`,
                        options.width ?? Infinity,
                    ),
                );
            }
            out.push(line(row.cells, true, row.image));
            if (options.verbose === true && row.image.places.length > 1) {
                for (const place of row.image.places) {
                    out.push(...fit(`      at ${printable(placeText(place))}`));
                }
            }
            for (const finding of rowFindings(row.image, byPlace, registryFixTexts)) {
                out.push(
                    ...fit(
                        `      ${paint(SEVERITY_STYLE[finding.severity], finding.severity)}: ` +
                            printable(finding.message),
                    ),
                );
                const fix = printableLines(finding.fix);
                if (fixesShown.has(fix)) {
                    out.push("        fix: as above");
                } else {
                    fixesShown.add(fix);
                    fix.split("\n").forEach((fixLine, i) => {
                        const text = `        ${i === 0 ? "fix: " : "     "}${fixLine}`;
                        out.push(...(isProse(fixLine) ? fit(text) : [text]));
                    });
                }
            }
        }
    }
    for (const problem of report.problems) {
        out.push(
            ...fit(
                `${paint("red", "error")}: ` + printable(`${placeOf(problem)}: cannot be parsed: ${problem.message}`),
            ),
        );
    }
    out.push(...excludedLines(report).flatMap(fit));
    if (report.fixes.length > 0) {
        out.push(
            "",
            paint(
                "bold",
                `${plural(report.fixes.length, "registry is", "registries are")} missing; the run would fail:`,
            ),
        );
        for (const fix of report.fixes) {
            out.push(
                "",
                ...fit(
                    `${printable(fix.host)}: ${plural(fix.images, "image needs", "images need")} it; ` +
                        (fix.servedBy === "healthomics-copy"
                            ? "HealthOmics copies from it"
                            : "served by ECR pull-through cache"),
                ),
            );
            // The entry itself is not wrapped, so that it can be pasted; prose lines are.
            for (const fixLine of printableLines(fix.text).split("\n")) {
                out.push(...(isProse(fixLine) ? fit(`  ${fixLine}`) : [`  ${fixLine}`]));
            }
        }
    }
    out.push("", ...fit(summaryLine(report, byPlace)));
    return `${out.join("\n")}\n`;
}

/** The closing line, in distinct images of the verdict (the JSON summary counts places, as issue 7's scripts do). */
function summaryLine(report: CheckReport, byPlace: ReadonlyMap<string, ImageResult>): string {
    const distinct = report.groups.flatMap(group => group.images).filter(image => image.inVerdict);
    const first = (image: DistinctImage) =>
        byPlace.get(`${image.places[0].file}:${image.places[0].line}:${image.image}`);
    const count = (predicate: (image: DistinctImage) => boolean) => distinct.filter(predicate).length;
    const status = (wanted: ImageStatus) => count(image => image.status === wanted);
    const findings = (severity: Severity) =>
        distinct.reduce(
            (total, image) => total + (first(image)?.findings.filter(f => f.severity === severity).length ?? 0),
            0,
        );
    const problems =
        report.problems.length > 0 ? `; ${plural(report.problems.length, "file")} that cannot be parsed` : "";
    return (
        `${plural(distinct.length, "distinct image")} (${plural(report.summary.images, "place")}): ` +
        `${status("mapped")} mapped, ` +
        `${status("unmapped")} unmapped, ${status("unresolvable")} unresolvable, ${status("invalid")} invalid, ` +
        `${count(image => first(image)?.pinned === "unpinned")} unpinned; ` +
        `${plural(findings("error"), "error")}, ${plural(findings("warning") + report.warnings.length, "warning")}` +
        problems
    );
}

function placeOf(problem: CheckReport["problems"][number]): string {
    return `${problem.file}${problem.line !== undefined ? `:${problem.line}` : ""}`;
}

function inputsLine(inputs: CheckInputs): string {
    const map =
        inputs.map.kind === "stack"
            ? `map ${inputs.map.mapName} of stack ${inputs.map.stack} (${inputs.map.stackFile})`
            : `map ${inputs.map.file}`;
    const mark = (placeholder: boolean) => (placeholder ? " (placeholder)" : "");
    const account = `account ${inputs.account}${mark(inputs.accountIsPlaceholder)}`;
    const where = `${account}, ${inputs.region}${mark(inputs.regionIsPlaceholder)}`;
    const profiles = inputs.profiles.length > 0 ? `; profiles ${inputs.profiles.join(",")}` : "";
    return `${map}, ${where}${profiles}`;
}

/** A line on the images the verdict leaves out, by profile, and how to include them. */
function excludedLines(report: CheckReport): string[] {
    const excluded = report.images.filter(image => !image.inVerdict);
    if (excluded.length === 0) {
        return [];
    }
    const byProfile = new Map<string, number>();
    for (const image of excluded) {
        for (const profile of image.profiles ?? (image.testOnly === true ? ["test"] : [])) {
            byProfile.set(profile, (byProfile.get(profile) ?? 0) + 1);
        }
    }
    const list = [...byProfile.entries()].map(([profile, count]) => `${printable(profile)} ${count}`).join(", ");
    return [
        "",
        `not in the verdict: ${plural(excluded.length, "place")} only profiles or tests bring in (${list}); ` +
            "--profile <name>[,<name>] includes them",
    ];
}
