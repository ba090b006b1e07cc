// Shortening for a table cell that keeps what a reader needs: an image's repository name and tag, a place's file
// name, line and marks; what is cut is the middle of a digest, the middle of the path or the start of a folder.
import { truncateMiddle } from "./printable";

/** The shortest a tag is cut to (`:9cfb5…c5dcea`); a digest's hex keeps 12 characters around its cut. */
const MIN_TAG = 13;
const MIN_HEX = 13;
const REFERENCE = /^((?:[^/@\s]+\/)*)([^/:@\s]+)(:[^/:@\s]+)?(@[a-z0-9]+:[0-9a-f]+)?$/;

interface ReferenceParts {
    prefix: string;
    name: string;
    tag: string;
    digest: string;
}

function parts(text: string): ReferenceParts | undefined {
    const match = REFERENCE.exec(text);
    if (match === null) {
        return undefined;
    }
    // the tag and the digest groups are optional: undefined when absent
    const optional = (group: string | undefined) => group ?? "";
    return { prefix: match[1], name: match[2], tag: optional(match[3]), digest: optional(match[4]) };
}

function cutDigest(digest: string, width: number): string {
    const colon = digest.indexOf(":");
    return digest.slice(0, colon + 1) + truncateMiddle(digest.slice(colon + 1), Math.max(MIN_HEX, width - colon - 1));
}

/** The prefix (host and namespaces, with its last `/`) cut in its middle to `width`, at least `…/`. */
function cutPrefix(prefix: string, width: number): string {
    return prefix === "" ? "" : `${truncateMiddle(prefix.slice(0, -1), Math.max(1, width - 1))}/`;
}

/**
 * An image reference (or a resolved URI) in at most `width` characters if it can be: the digest's middle is cut
 * first, then the middle of the path before the repository name, then the middle of the tag; the repository name is
 * kept. Text that is not a reference has its middle cut.
 */
export function shortenImage(text: string, width: number): string {
    const p = parts(text);
    if (text.length <= width || p === undefined) {
        return truncateMiddle(text, width);
    }
    const digest = cutDigest(p.digest, width - p.prefix.length - p.name.length - p.tag.length);
    const prefix = cutPrefix(p.prefix, width - p.name.length - p.tag.length - digest.length);
    const tag = p.tag === "" ? "" : truncateMiddle(p.tag, Math.max(MIN_TAG, width - prefix.length - p.name.length));
    const short = `${prefix}${p.name}${tag}${digest}`;
    return short.length <= width ? short : truncateMiddle(short, width);
}

/** The shortest `shortenImage` makes `text` without cutting its repository name. */
export function shortestImage(text: string): number {
    const p = parts(text);
    if (p === undefined) {
        return Math.min(text.length, 24);
    }
    const digest = p.digest === "" ? 0 : cutDigest(p.digest, 0).length;
    return (p.prefix === "" ? 0 : 2) + p.name.length + Math.min(p.tag.length, MIN_TAG) + digest;
}

/**
 * A place (`folder/file:line`) and what follows it (a count, marks) in `width` characters: whole folders are cut
 * from the start (`…/removebackground/main.nf:10`); the file name, the line and what follows are never cut.
 */
export function shortenPlace(place: string, after: string, width: number): string {
    if (place.length + after.length <= width) {
        return place + after;
    }
    const segments = place.split("/");
    for (let first = 1; first < segments.length; first++) {
        const tail = `…/${segments.slice(first).join("/")}`;
        if (tail.length + after.length <= width || first === segments.length - 1) {
            return tail + after;
        }
    }
    return place + after;
}

/** The shortest `shortenPlace` makes a place. */
export function shortestPlace(place: string, after: string): number {
    const slash = place.lastIndexOf("/");
    return (slash < 0 ? place.length : place.length - slash + 1) + after.length;
}
