// The report for people: one row per distinct image, grouped by registry host, fitted to the terminal width; the
// findings that are not about a missing registry beneath their row; one block per missing registry at the end.
import { styleText } from "util";
import { displayImage } from "./group-images";
import { plural, printable, printableLines, truncateMiddle, wrap } from "./printable";
import { shortenImage, shortenPlace, shortestImage, shortestPlace } from "./shorten";
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

/** What follows a resolved URI: how it resolves when not through a registry mapping (the JSON says `via` always). */
function resolvedSuffix(image: Pick<DistinctImage, "via">): string {
    return image.via === null ? " (private ECR)" : image.via === "imageMapping" ? " (image mapping)" : "";
}

function resolvedColumn(image: Pick<DistinctImage, "resolved" | "via">, width = Infinity): string {
    if (image.resolved === null) {
        return "-";
    }
    const suffix = resolvedSuffix(image);
    return `${shortenImage(printable(image.resolved), width - suffix.length)}${suffix}`;
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

/** The first place of an image and what follows it: the count of places and the place's marks. */
function usedParts(image: DistinctImage): { place: string; after: string } {
    const count = image.places.length;
    return {
        place: printable(`${image.places[0].file}:${image.places[0].line}`),
        after: `${count === 1 ? "" : ` (${plural(count, "place")})`}${printable(placeMarks(image.places[0]))}`,
    };
}

/**
 * The first place, the count and the place's marks (`tasks/Qc.wdl:391 (4 places) [when ...]`). When it is too wide,
 * whole folders are cut from the start of the place; its file name, line, count and marks are never cut.
 */
function usedColumn(image: DistinctImage, width = Infinity): string {
    const { place, after } = usedParts(image);
    return shortenPlace(place, after, width);
}

interface Row {
    image: DistinctImage;
    cells: string[];
}

/** Which columns a table shows, how wide, and whether each row's USED goes on a line of its own beneath it. */
interface Layout {
    columns: number[];
    widths: number[];
    usedBelow: boolean;
}

/** RESOLVED is kept on a narrow terminal only when it can show this much (its repository and tag readable). */
const MIN_RESOLVED = 48;

/**
 * Column widths that fit `width`. STATUS, the repository name and tag of IMAGE, and USED's file name, line and marks
 * are never cut. When all four columns cannot show that, RESOLVED is left out; when IMAGE and USED still do not fit
 * side by side, USED goes on a line of its own beneath each row.
 */
function planLayout(rows: readonly Row[], width: number | undefined): Layout {
    const natural = HEADER.map((title, column) => Math.max(title.length, ...rows.map(row => row.cells[column].length)));
    const all = [IMAGE_COLUMN, STATUS_COLUMN, RESOLVED_COLUMN, USED_COLUMN];
    const room = (columns: readonly number[]) =>
        (width ?? Infinity) - ROW_INDENT.length - GAP.length * (columns.length - 1);
    const sum = (columns: readonly number[], widths: readonly number[]) =>
        columns.reduce((total, column) => total + widths[column], 0);
    if (sum(all, natural) <= room(all)) {
        return { columns: all, widths: natural, usedBelow: false };
    }
    const minimum = [
        Math.max(HEADER[IMAGE_COLUMN].length, ...rows.map(row => shortestImage(row.cells[IMAGE_COLUMN]))),
        natural[STATUS_COLUMN],
        Math.min(natural[RESOLVED_COLUMN], MIN_RESOLVED),
        Math.max(
            HEADER[USED_COLUMN].length,
            ...rows.map(row => {
                const { place, after } = usedParts(row.image);
                return shortestPlace(place, after);
            }),
        ),
    ];
    for (const columns of [all, [IMAGE_COLUMN, STATUS_COLUMN, USED_COLUMN]]) {
        if (sum(columns, minimum) <= room(columns)) {
            // the room left is shared out one character at a time among the columns still cut
            const widths = [...minimum];
            let extra = room(columns) - sum(columns, widths);
            while (extra > 0 && columns.some(column => widths[column] < natural[column])) {
                for (const column of columns) {
                    if (extra > 0 && widths[column] < natural[column]) {
                        widths[column]++;
                        extra--;
                    }
                }
            }
            return { columns, widths, usedBelow: false };
        }
    }
    const widths = [...natural];
    widths[IMAGE_COLUMN] = Math.min(
        natural[IMAGE_COLUMN],
        Math.max(1, room([IMAGE_COLUMN, STATUS_COLUMN]) - widths[1]),
    );
    return { columns: [IMAGE_COLUMN, STATUS_COLUMN], widths, usedBelow: true };
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
    out.push(
        ...fit(
            printable(
                workflowFile !== undefined
                    ? `workflow: ${workflowFile} (its folder ${report.workflow} is the workflow root)`
                    : `workflow: ${report.workflow}`,
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
        const { columns, widths, usedBelow } = planLayout(rows, options.width);
        const cut = (cell: string, column: number, image?: DistinctImage) =>
            image === undefined || column === STATUS_COLUMN
                ? cell
                : column === IMAGE_COLUMN
                  ? shortenImage(cell, widths[column])
                  : column === RESOLVED_COLUMN
                    ? resolvedColumn(image, widths[column])
                    : usedColumn(image, widths[column]);
        const line = (cells: readonly string[], styleStatus: boolean, image?: DistinctImage) =>
            ROW_INDENT +
            columns
                .map((column, i) => {
                    const cell = cut(cells[column], column, image);
                    const padded = i === columns.length - 1 ? cell : cell.padEnd(widths[column]);
                    return styleStatus && column === STATUS_COLUMN
                        ? paint(STATUS_STYLE[cells[column] as ImageStatus], padded)
                        : padded;
                })
                .join(GAP);
        if (!columns.includes(RESOLVED_COLUMN) && options.width !== undefined) {
            out.push(
                ...fit(
                    `(RESOLVED is left out to fit ${options.width} columns; piped output and --format json show it` +
                        `${usedBelow ? "; USED is beneath each image" : ""})`,
                ),
            );
        }
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
            if (usedBelow && !(options.verbose === true && row.image.places.length > 1)) {
                out.push(...fit(`      at ${usedColumn(row.image, (options.width ?? Infinity) - 9)}`));
            }
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
        `${plural(findings("error"), "error")}, ${plural(findings("warning"), "warning")}${problems}`
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
