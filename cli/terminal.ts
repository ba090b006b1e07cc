// How the CLI writes to a terminal: colour (NO_COLOR, FORCE_COLOR, a TTY), the width tables fit, the tool's version.
import * as fs from "fs";
import * as path from "path";
import { wrap } from "../workflow-check/printable";

interface OutputStream {
    isTTY?: boolean;
    columns?: number;
}

/**
 * Colour on `stream`: FORCE_COLOR wins (as in Node: `0` or `false` turns colour off, any other value on), then
 * NO_COLOR (any non-empty value turns colour off, no-color.org), else colour only on a terminal.
 */
export function useColor(stream: OutputStream, env: NodeJS.ProcessEnv = process.env): boolean {
    const force = env.FORCE_COLOR;
    if (force !== undefined) {
        return force !== "0" && force.toLowerCase() !== "false";
    }
    if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") {
        return false;
    }
    return stream.isTTY === true;
}

/** The width a table fits on `stream`: the terminal's columns; undefined (no limit) when it is not a terminal. */
export function tableWidth(stream: OutputStream): number | undefined {
    return stream.isTTY === true && typeof stream.columns === "number" && stream.columns > 0
        ? stream.columns
        : undefined;
}

/**
 * A message for stderr (a note, a warning, an error), ending in a newline: each line word-wrapped to the terminal's
 * width on a terminal, continuation lines indented; never wrapped when stderr is piped.
 */
export function stderrText(text: string, stream: OutputStream = process.stderr): string {
    const width = tableWidth(stream);
    return `${text
        .split("\n")
        .flatMap(line => wrap(line, width))
        .join("\n")}\n`;
}

/**
 * This tool's version: that of the package.json declaring the `omics-registry-maps` command, found upwards from this
 * file (cli/ in the sources, dist/cli/ when built, node_modules/@omics-registry-maps/cli/dist/cli/ when installed).
 */
export function toolVersion(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { bin?: unknown; version?: unknown };
            if (
                typeof manifest.bin === "object" &&
                manifest.bin !== null &&
                TOOL_NAME in manifest.bin &&
                typeof manifest.version === "string"
            ) {
                return manifest.version;
            }
        }
        if (path.dirname(dir) === dir) {
            return "unknown";
        }
    }
}

export const TOOL_NAME = "omics-registry-maps";
