// Reads a workflow root (a directory or a .zip) one file at a time, with '/'-separated relative paths.
// Directories: symbolic links inside the root are followed (never out of it, never round a loop). Zips: the central
// directory is checked against ZIP_LIMITS before anything is inflated, and each file is inflated on demand, streamed
// through fflate's Inflate with the same limits enforced on the bytes actually produced (headers can lie).
import * as fs from "fs";
import * as path from "path";
import { Inflate } from "fflate";
import { ParseProblem } from "./types";

const SKIPPED_DIRECTORIES = new Set([".git", "node_modules"]);

/**
 * Bounds on a workflow .zip. HealthOmics takes a definition zip of at most 100 MB from S3 (4.4 MB inline) and, from a
 * Git repository, at most 1 GiB with 100 MiB per file (HealthOmics User Guide, workflow-defn-packaging.html, "Choose
 * a workflow definition source"); it documents no bound on the inflated size of a zip, so the repository bounds are
 * used for that.
 */
export const ZIP_LIMITS = {
    /** The archive itself (the definitionUri maximum, 100 MB, read as MiB). */
    archiveBytes: 100 * 1024 * 1024,
    /** Sum of the inflated sizes of all entries, as the central directory declares them (1 GiB). */
    totalInflatedBytes: 1024 * 1024 * 1024,
    /** One entry, declared or actually inflated (100 MiB). */
    entryInflatedBytes: 100 * 1024 * 1024,
    /** Entries in the central directory. */
    entries: 100_000,
} as const;

/** A workflow root that cannot be read or is refused (missing, not a directory or zip, an unsafe or oversized zip). */
export class WorkflowSourceError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "WorkflowSourceError";
    }
}

/** A workflow root: the relevant file names up front, each file's text read on demand. */
export interface WorkflowSource {
    /** Relative paths ('/' separators) of every file in the root, sorted. */
    readonly files: readonly string[];
    /**
     * Text of a file, or undefined when there is no such file. The path is relative to the root and may leave it
     * (`../tasks/x.wdl`, as a WDL import does): a directory's neighbours are read from disk, a zip has none.
     */
    readText(relativePath: string): string | undefined;
    /** What was not followed while listing the root (symbolic links out of it, loops, broken links). */
    readonly warnings: readonly ParseProblem[];
}

export function openWorkflowSource(root: string): WorkflowSource {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(root);
    } catch {
        throw new WorkflowSourceError(`workflow not found: ${root}`);
    }
    if (stat.isDirectory()) return directorySource(root);
    if (stat.isFile() && root.toLowerCase().endsWith(".zip")) return zipSource(root, stat.size);
    throw new WorkflowSourceError(`workflow must be a directory or a .zip file: ${root}`);
}

// ---- directories ------------------------------------------------------------------------------

function isInside(child: string, parent: string): boolean {
    const relative = path.relative(parent, child);
    return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

function directorySource(root: string): WorkflowSource {
    const files: string[] = [];
    const warnings: ParseProblem[] = [];
    const rootReal = fs.realpathSync(root);
    const walk = (relativeDir: string, visiting: readonly string[]): void => {
        const absolute = relativeDir ? path.join(root, relativeDir) : root;
        for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
            const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
            if (entry.isDirectory()) {
                if (!SKIPPED_DIRECTORIES.has(entry.name))
                    walk(relative, [...visiting, fs.realpathSync(path.join(root, relative))]);
            } else if (entry.isFile()) {
                files.push(relative);
            } else if (entry.isSymbolicLink() && !SKIPPED_DIRECTORIES.has(entry.name)) {
                followLink(relative, visiting);
            }
        }
    };
    const followLink = (relative: string, visiting: readonly string[]): void => {
        const link = path.join(root, relative);
        let target: string;
        let stat: fs.Stats;
        try {
            target = fs.realpathSync(link);
            stat = fs.statSync(target);
        } catch {
            warnings.push({
                file: relative,
                message: `symbolic link to ${fs.readlinkSync(link)}, which does not exist: not followed`,
            });
            return;
        }
        if (!isInside(target, rootReal)) {
            warnings.push({
                file: relative,
                message: `symbolic link to ${target}, outside the workflow root: not followed`,
            });
        } else if (stat.isFile()) {
            files.push(relative);
        } else if (stat.isDirectory()) {
            if (visiting.includes(target)) {
                warnings.push({
                    file: relative,
                    message: `symbolic link to ${target}, a folder that contains it: not followed (a loop)`,
                });
            } else {
                walk(relative, [...visiting, target]);
            }
        }
    };
    try {
        walk("", [rootReal]);
    } catch (error) {
        throw new WorkflowSourceError(`cannot read workflow directory ${root}: ${(error as Error).message}`);
    }
    files.sort();
    return {
        files,
        warnings,
        readText: relativePath => {
            const file = path.join(root, relativePath);
            try {
                return fs.statSync(file).isFile() ? fs.readFileSync(file, "utf8") : undefined;
            } catch {
                return undefined;
            }
        },
    };
}

// ---- zips -------------------------------------------------------------------------------------

interface ZipEntry {
    name: string;
    method: number;
    flags: number;
    compressedSize: number;
    inflatedSize: number;
    localHeaderOffset: number;
    /** A symbolic link stored by a Unix zip tool (made by Unix, mode S_IFLNK): its data is the target path. */
    isSymlink: boolean;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_EOCD_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const MAX_EOCD_SEARCH = 22 + 0xffff;
/** 16 KiB of deflate input inflates to at most about 16 MiB (deflate tops out near 1032:1), so one push stays small. */
const READ_CHUNK = 16 * 1024;

function readAt(fd: number, position: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    const read = fs.readSync(fd, buffer, 0, length, position);
    if (read !== length) throw new Error("unexpected end of file");
    return buffer;
}

function mib(bytes: number): string {
    return `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 3 : 0)} MiB`;
}

/** Why an entry name is refused, or undefined: names must stay inside the archive (`zip slip`). */
function unsafeEntryName(name: string): string | undefined {
    if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "is an absolute path";
    if (name.split("/").includes("..")) return "has a '..' path segment";
    return undefined;
}

/** The central directory's entries (ZIP64 records read too). Throws on a malformed archive. */
function centralDirectory(fd: number, size: number): ZipEntry[] {
    const tailLength = Math.min(size, MAX_EOCD_SEARCH);
    const tail = readAt(fd, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
        if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
            eocd = i;
            break;
        }
    }
    if (eocd < 0) throw new Error("no end of central directory record (not a zip archive)");
    let count = tail.readUInt16LE(eocd + 10);
    let directorySize = tail.readUInt32LE(eocd + 12);
    let directoryOffset = tail.readUInt32LE(eocd + 16);
    const locator = eocd - 20;
    if (locator >= 0 && tail.readUInt32LE(locator) === ZIP64_EOCD_LOCATOR_SIGNATURE) {
        const record = readAt(fd, Number(tail.readBigUInt64LE(locator + 8)), 56);
        if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE)
            throw new Error("bad ZIP64 end of central directory record");
        count = Number(record.readBigUInt64LE(32));
        directorySize = Number(record.readBigUInt64LE(40));
        directoryOffset = Number(record.readBigUInt64LE(48));
    }
    if (count > ZIP_LIMITS.entries)
        throw new WorkflowSourceError(`it has ${count} entries, more than the ${ZIP_LIMITS.entries} this check reads`);
    if (directoryOffset + directorySize > size) throw new Error("the central directory lies past the end of the file");
    const directory = readAt(fd, directoryOffset, directorySize);
    const entries: ZipEntry[] = [];
    let at = 0;
    for (let n = 0; n < count; n++) {
        if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_HEADER_SIGNATURE)
            throw new Error("malformed central directory");
        const nameLength = directory.readUInt16LE(at + 28);
        const extraLength = directory.readUInt16LE(at + 30);
        const commentLength = directory.readUInt16LE(at + 32);
        const entry: ZipEntry = {
            name: directory.toString("utf8", at + 46, at + 46 + nameLength).replace(/\\/g, "/"),
            flags: directory.readUInt16LE(at + 8),
            method: directory.readUInt16LE(at + 10),
            compressedSize: directory.readUInt32LE(at + 20),
            inflatedSize: directory.readUInt32LE(at + 24),
            localHeaderOffset: directory.readUInt32LE(at + 42),
            isSymlink:
                directory.readUInt8(at + 5) === 3 && ((directory.readUInt32LE(at + 38) >>> 16) & 0o170000) === 0o120000,
        };
        readZip64Extra(entry, directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
        entries.push(entry);
        at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
}

/** ZIP64 extended information (header 0x0001): the 64-bit values of the fields set to 0xFFFFFFFF, in order. */
function readZip64Extra(entry: ZipEntry, extra: Buffer): void {
    for (let at = 0; at + 4 <= extra.length;) {
        const id = extra.readUInt16LE(at);
        const length = extra.readUInt16LE(at + 2);
        if (id === 0x0001) {
            let field = at + 4;
            const next = (): number => {
                const value = field + 8 <= at + 4 + length ? Number(extra.readBigUInt64LE(field)) : 0;
                field += 8;
                return value;
            };
            if (entry.inflatedSize === 0xffffffff) entry.inflatedSize = next();
            if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
            if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
            return;
        }
        at += 4 + length;
    }
}

/** Refuses the archive, before anything is inflated, for unsafe names or declared sizes past ZIP_LIMITS. */
function checkEntries(entries: readonly ZipEntry[]): void {
    let total = 0;
    for (const entry of entries) {
        const unsafe = unsafeEntryName(entry.name);
        if (unsafe !== undefined)
            throw new WorkflowSourceError(
                `entry ${JSON.stringify(entry.name)} ${unsafe}; a definition zip must hold only paths inside it`,
            );
        if (entry.inflatedSize > ZIP_LIMITS.entryInflatedBytes) {
            throw new WorkflowSourceError(
                `entry ${JSON.stringify(entry.name)} would inflate to ${mib(entry.inflatedSize)}, past the limit of ` +
                    `${mib(ZIP_LIMITS.entryInflatedBytes)} per file`,
            );
        }
        total += entry.inflatedSize;
    }
    if (total > ZIP_LIMITS.totalInflatedBytes) {
        throw new WorkflowSourceError(
            `its entries would inflate to ${mib(total)}, past the limit of ${mib(ZIP_LIMITS.totalInflatedBytes)}`,
        );
    }
}

/** Inflates one entry from the file, chunk by chunk, never producing more than it declares (nor than the limit). */
function inflateEntry(fd: number, entry: ZipEntry): Uint8Array {
    if ((entry.flags & 1) !== 0) throw new Error("the entry is encrypted");
    const local = readAt(fd, entry.localHeaderOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) throw new Error("bad local file header");
    const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const limit = Math.min(entry.inflatedSize, ZIP_LIMITS.entryInflatedBytes);
    const chunks: Uint8Array[] = [];
    let produced = 0;
    const take = (chunk: Uint8Array): void => {
        produced += chunk.length;
        if (produced > limit) {
            throw new WorkflowSourceError(
                `entry ${JSON.stringify(entry.name)} inflates past the ${mib(limit)} its header declares; refusing ` +
                    `the archive`,
            );
        }
        chunks.push(chunk);
    };
    let inflater: Inflate | undefined;
    if (entry.method === 8) {
        inflater = new Inflate();
        inflater.ondata = chunk => take(chunk);
    } else if (entry.method !== 0) {
        throw new Error(`unsupported compression method ${entry.method} (only stored and deflate are read)`);
    }
    for (let offset = 0; offset < entry.compressedSize; offset += READ_CHUNK) {
        const length = Math.min(READ_CHUNK, entry.compressedSize - offset);
        const data = readAt(fd, dataStart + offset, length);
        if (inflater) inflater.push(data, offset + length >= entry.compressedSize);
        else take(data);
    }
    if (inflater && entry.compressedSize === 0) inflater.push(new Uint8Array(0), true);
    return Buffer.concat(chunks);
}

const MAX_LINK_TARGET_BYTES = 4096;

/**
 * Adds the files that symbolic links stored in the zip lead to, under the links' names, as a folder's links are
 * followed: only to targets inside the archive, never round a loop. Returns a warning for each link not followed.
 */
function followZipLinks(zipPath: string, links: readonly ZipEntry[], byName: Map<string, ZipEntry>): ParseProblem[] {
    const warnings: ParseProblem[] = [];
    const fd = fs.openSync(zipPath, "r");
    try {
        for (const link of links) {
            if (link.inflatedSize > MAX_LINK_TARGET_BYTES) {
                warnings.push({
                    file: link.name,
                    message: "symbolic link with a target longer than 4096 bytes: not followed",
                });
                continue;
            }
            const written = new TextDecoder("utf-8").decode(inflateEntry(fd, link));
            const target = path.posix
                .normalize(path.posix.join(path.posix.dirname(link.name), written))
                .replace(/\/$/, "");
            if (written.startsWith("/") || target === ".." || target.startsWith("../")) {
                warnings.push({
                    file: link.name,
                    message: `symbolic link to ${written}, outside the workflow zip: not followed`,
                });
            } else if (target === "." || link.name === target || link.name.startsWith(`${target}/`)) {
                warnings.push({
                    file: link.name,
                    message: `symbolic link to ${written}, a folder that contains it: not followed (a loop)`,
                });
            } else {
                const file = byName.get(target);
                const below = [...byName].filter(([name]) => name.startsWith(`${target}/`));
                if (file !== undefined) byName.set(link.name, file);
                for (const [name, entry] of below) byName.set(`${link.name}${name.slice(target.length)}`, entry);
                if (file === undefined && below.length === 0) {
                    warnings.push({
                        file: link.name,
                        message: `symbolic link to ${written}, which the zip does not hold: not followed`,
                    });
                }
            }
        }
    } finally {
        fs.closeSync(fd);
    }
    return warnings;
}

function zipSource(zipPath: string, size: number): WorkflowSource {
    const refuse = (reason: string): WorkflowSourceError =>
        new WorkflowSourceError(`workflow zip ${zipPath} refused: ${reason} (nothing was inflated)`);
    if (size > ZIP_LIMITS.archiveBytes)
        throw refuse(`it is ${mib(size)}, past the ${mib(ZIP_LIMITS.archiveBytes)} HealthOmics takes`);
    let entries: ZipEntry[];
    const fd = fs.openSync(zipPath, "r");
    try {
        entries = centralDirectory(fd, size);
        checkEntries(entries);
    } catch (error) {
        fs.closeSync(fd);
        if (error instanceof WorkflowSourceError) throw refuse(error.message);
        throw new WorkflowSourceError(`cannot read workflow zip ${zipPath}: ${(error as Error).message}`);
    }
    fs.closeSync(fd);
    const byName = new Map<string, ZipEntry>();
    const links: ZipEntry[] = [];
    for (const entry of entries) {
        if (entry.name.endsWith("/") || entry.name.split("/").some(part => SKIPPED_DIRECTORIES.has(part))) continue;
        if (entry.isSymlink) links.push(entry);
        else byName.set(entry.name, entry);
    }
    const warnings = links.length > 0 ? followZipLinks(zipPath, links, byName) : [];
    const decoder = new TextDecoder("utf-8");
    return {
        files: [...byName.keys()].sort(),
        warnings,
        readText: relativePath => {
            const entry = byName.get(relativePath);
            if (entry === undefined) return undefined;
            const handle = fs.openSync(zipPath, "r");
            try {
                return decoder.decode(inflateEntry(handle, entry));
            } catch (error) {
                if (error instanceof WorkflowSourceError)
                    throw new WorkflowSourceError(`workflow zip ${zipPath} refused: ${error.message}`);
                throw error;
            } finally {
                fs.closeSync(handle);
            }
        },
    };
}
