// Reads a workflow root (a directory or a .zip) one file at a time, with '/'-separated relative paths.
import * as fs from "fs";
import * as path from "path";
import { unzipSync } from "fflate";

const SKIPPED_DIRECTORIES = new Set([".git", "node_modules"]);

/** A workflow root: the relevant file names up front, each file's text read on demand. */
export interface WorkflowSource {
    /** Relative paths ('/' separators) of every file in the root, sorted. */
    readonly files: readonly string[];
    /** Text of a file, or undefined when the root has no such file. */
    readText(relativePath: string): string | undefined;
}

export function openWorkflowSource(root: string): WorkflowSource {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(root);
    } catch {
        throw new Error(`Workflow not found: ${root}`);
    }
    if (stat.isDirectory()) return directorySource(root);
    if (stat.isFile() && root.toLowerCase().endsWith(".zip")) return zipSource(root);
    throw new Error(`Workflow must be a directory or a .zip file: ${root}`);
}

function directorySource(root: string): WorkflowSource {
    const files: string[] = [];
    const walk = (relativeDir: string): void => {
        const absolute = relativeDir ? path.join(root, relativeDir) : root;
        for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
            const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
            if (entry.isDirectory()) {
                if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(relative);
            } else if (entry.isFile()) {
                files.push(relative);
            }
        }
    };
    try {
        walk("");
    } catch (error) {
        throw new Error(`Cannot read workflow directory ${root}: ${(error as Error).message}`);
    }
    files.sort();
    const known = new Set(files);
    return {
        files,
        readText: (relativePath) => (known.has(relativePath) ? fs.readFileSync(path.join(root, relativePath), "utf8") : undefined),
    };
}

function zipSource(zipPath: string): WorkflowSource {
    let entries: Record<string, Uint8Array>;
    const names: string[] = [];
    try {
        // A definition zip is small (HealthOmics caps it); every entry is inflated, as $include may name any file.
        entries = unzipSync(fs.readFileSync(zipPath), {
            filter: (file) => {
                const name = file.name.replace(/\\/g, "/");
                if (name.endsWith("/") || name.split("/").some((part) => SKIPPED_DIRECTORIES.has(part))) return false;
                names.push(name);
                return true;
            },
        });
    } catch (error) {
        throw new Error(`Cannot read workflow zip ${zipPath}: ${(error as Error).message}`);
    }
    const decoder = new TextDecoder("utf-8");
    const byName = new Map(Object.entries(entries).map(([name, data]) => [name.replace(/\\/g, "/"), data]));
    return {
        files: names.sort(),
        readText: (relativePath) => {
            const data = byName.get(relativePath);
            return data ? decoder.decode(data) : undefined;
        },
    };
}
