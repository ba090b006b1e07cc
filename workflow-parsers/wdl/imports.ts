// Follows local WDL imports the way miniwdl does (relative to the importing file), also out of the workflow root;
// names missing imports as problems, and remote or absolute ones as warnings, without following them.
import * as path from "path";
import { ParseProblem, SyntaxProblem } from "../types";
import { WdlDocument } from "./model";
import { parseWdl } from "./parser";

/** A URI with a scheme (`https://`, `http://`, `file://`, ...). */
const URI_WITH_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

export interface FollowedImports {
    /** Files reached through imports only, parsed (keys relative to the root, `../` when outside it). */
    parsed: number;
    /** Imported files that lie outside the workflow root, sorted. */
    outsideRoot: string[];
    problems: ParseProblem[];
    warnings: ParseProblem[];
}

/** The path an import names, relative to the workflow root (as the importing file's path is). */
export function importedPath(importer: string, uri: string): string {
    return path.posix.normalize(path.posix.join(path.posix.dirname(importer), uri));
}

export function isRemoteImport(uri: string): boolean {
    return URI_WITH_SCHEME.test(uri);
}

/**
 * Adds to `documents` every WDL file their imports reach, transitively. `readText` reads a path relative to the root
 * (undefined when there is no such file); each file is parsed once.
 */
export function followWdlImports(
    documents: Map<string, WdlDocument>,
    readText: (relativePath: string) => string | undefined,
): FollowedImports {
    const result: FollowedImports = { parsed: 0, outsideRoot: [], problems: [], warnings: [] };
    const queue = [...documents.values()];
    const failed = new Set<string>();
    for (let doc = queue.shift(); doc !== undefined; doc = queue.shift()) {
        for (const entry of doc.imports) {
            const at = { file: doc.file, line: entry.line };
            if (isRemoteImport(entry.uri)) {
                result.warnings.push({
                    ...at,
                    message:
                        `import "${entry.uri}" is remote: not followed, so the containers of the tasks it ` +
                        `brings in are not checked; copy the file into the workflow and import it by a relative path ` +
                        `to have them checked`,
                });
                continue;
            }
            if (entry.uri.startsWith("/")) {
                result.problems.push({
                    ...at,
                    message:
                        `import "${entry.uri}" is an absolute path, which a HealthOmics definition zip cannot ` +
                        `carry; import it by a path relative to this file`,
                });
                continue;
            }
            const target = importedPath(doc.file, entry.uri);
            if (documents.has(target) || failed.has(target)) continue;
            let text: string | undefined;
            try {
                text = readText(target);
            } catch (error) {
                if (error instanceof Error && error.name === "WorkflowSourceError") throw error;
                text = undefined;
            }
            if (text === undefined) {
                failed.add(target);
                result.problems.push({
                    ...at,
                    message:
                        `import "${entry.uri}" not found: no file ${target} (imports are read relative to the ` +
                        `importing file)`,
                });
                continue;
            }
            result.parsed++;
            if (target.startsWith("../")) result.outsideRoot.push(target);
            try {
                const imported = parseWdl(target, text);
                documents.set(target, imported);
                queue.push(imported);
            } catch (error) {
                failed.add(target);
                const message = error instanceof Error ? error.message : String(error);
                result.problems.push(
                    error instanceof SyntaxProblem && error.line !== undefined
                        ? { file: target, line: error.line, message }
                        : { file: target, message },
                );
            }
        }
    }
    result.outsideRoot.sort();
    return result;
}
