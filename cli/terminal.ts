// How the CLI writes to a terminal: colour (NO_COLOR, FORCE_COLOR, a TTY), the width tables fit, the tool's version.
import * as fs from "fs";
import * as path from "path";

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
    return stream.isTTY === true && typeof stream.columns === "number" && stream.columns > 0 ? stream.columns : undefined;
}

/** This tool's version: package.json's, found upwards from this file (cli/ in the sources, dist/cli/ when built). */
export function toolVersion(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
            if (manifest.name === "omics-registry-maps" && typeof manifest.version === "string") {
                return manifest.version;
            }
        }
        if (path.dirname(dir) === dir) {
            return "unknown";
        }
    }
}

export const TOOL_NAME = "omics-registry-maps";
