// The report for people: one row per image (location, image, status, resolved URI), its findings beneath.
import { styleText } from "util";
import { countFindings } from "./check-workflow";
import { CheckReport, ImageResult, ImageStatus, Severity } from "./types";

type Style = Parameters<typeof styleText>[0];

export interface TableOptions {
    /** Colour the status and severities (only when writing to a terminal). */
    color: boolean;
}

const STATUS_STYLE: Readonly<Record<ImageStatus, Style>> = {
    mapped: "green", unmapped: "red", unresolvable: "yellow", invalid: "red", ignored: "gray",
};
const SEVERITY_STYLE: Readonly<Record<Severity, Style>> = { error: "red", warning: "yellow" };

function indent(text: string, prefix: string): string {
    return text.split("\n").map(line => `${prefix}${line}`).join("\n");
}

function resolvedColumn(image: ImageResult): string {
    if (image.resolved === null) {
        return "-";
    }
    return image.via === null ? `${image.resolved} (private ECR)` : `${image.resolved} (${image.via})`;
}

export function formatTable(report: CheckReport, options: TableOptions): string {
    // The caller decides about colour (a TTY check); styleText would otherwise look at process.stdout itself.
    const paint = (style: Style, text: string) => (options.color ? styleText(style, text, { validateStream: false }) : text);
    const header = ["LOCATION", "IMAGE", "STATUS", "RESOLVED"];
    const rows = report.images.map(image => [`${image.file}:${image.line}`, image.image, image.status, resolvedColumn(image)]);
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => row[column].length)));
    const line = (cells: string[], styleStatus: boolean) => cells
        .map((cell, column) => {
            const padded = column === cells.length - 1 ? cell : cell.padEnd(widths[column]);
            return styleStatus && column === 2 ? paint(STATUS_STYLE[cell as ImageStatus], padded) : padded;
        })
        .join("  ");
    const out: string[] = [`workflow: ${report.workflow}`, ""];
    if (report.images.length === 0) {
        out.push("no container references found");
    } else {
        out.push(paint("bold", line(header, false)));
        report.images.forEach((image, index) => {
            out.push(line(rows[index], true));
            for (const finding of image.findings) {
                out.push(indent(`${paint(SEVERITY_STYLE[finding.severity], finding.severity)}: ${finding.message}`, "    "));
                out.push(indent(`fix: ${finding.fix}`, "      "));
            }
        });
    }
    for (const problem of report.problems) {
        out.push(`${paint("red", "error")}: ${problem.file}${problem.line !== undefined ? `:${problem.line}` : ""}: cannot be parsed: ${problem.message}`);
    }
    const { summary } = report;
    const { errors, warnings } = countFindings(report);
    out.push("", `${summary.images} images: ${summary.mapped} mapped, ${summary.unmapped} unmapped, ${summary.unresolvable} unresolvable, ${summary.unpinned} unpinned; ` +
        `${errors} errors, ${warnings} warnings${report.problems.length > 0 ? `, ${report.problems.length} ${report.problems.length === 1 ? "file" : "files"} that cannot be parsed` : ""}`);
    return `${out.join("\n")}\n`;
}
