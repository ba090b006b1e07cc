// Text from workflow files made safe for a terminal: control bytes (C0, DEL, C1) shown escaped, never raw.

// Below 0x20 (tab and newline apart), DEL and the C1 range (0x80-0x9f, where CSI 0x9b lives) are escaped.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function escape(char: string): string {
    return `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

/** `text` with control bytes written as `\xNN`; one line stays one line (newlines in a value are escaped too). */
export function printable(text: string): string {
    return text.replace(CONTROL, escape).replace(/[\n\t]/g, escape);
}

/** Multi-line text with control bytes escaped, its newlines kept. */
export function printableLines(text: string): string {
    return text.split("\n").map(printable).join("\n");
}

/** JSON text with DEL and C1 characters escaped too (JSON.stringify escapes only those below 0x20). */
export function terminalSafeJson(json: string): string {
    return json.replace(/[\u007f-\u009f]/g, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** "1 image", "2 images". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
    return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** Cuts the middle out of a long value: `community.wave…:ee2e600b`. */
export function truncateMiddle(text: string, width: number): string {
    if (text.length <= width) {
        return text;
    }
    if (width <= 1) {
        return "…".slice(0, width);
    }
    const keep = width - 1;
    const head = Math.ceil(keep / 2);
    return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

/** Cuts the start off a long value, keeping its tail: `…/quay/biocontainers/samtools:1.17`. */
export function truncateStart(text: string, width: number): string {
    if (text.length <= width) {
        return text;
    }
    return width <= 1 ? "…".slice(0, width) : `…${text.slice(text.length - (width - 1))}`;
}

/** An expression on one line, whitespace collapsed, at most `width` characters (the middle cut out). */
export function briefExpression(text: string, width = 80): string {
    return truncateMiddle(text.replace(/\s+/g, " ").trim(), width);
}

/** Word-wraps one line to `width`, continuation lines indented like the first; long words are cut. */
export function wrap(line: string, width: number | undefined): string[] {
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
