// `check --online --pin`: image mappings that pin each checked tag to the digest it resolves to today, and the
// stack-file edit of `--write <stack>` (the stack's effective imageMappings, pins replacing entries of the same image).
import * as fs from "fs";
import { isMap, parseDocument } from "yaml";
import { parseEcrImageUri } from "../policy-pack/rules/ecr-naming";
import { OnlineImage } from "./check-online";

export interface Pin {
    sourceImage: string;
    /** Stack-file form: `<prefix>/<repository>@sha256:...`. */
    destinationImage: string;
    /** Full ECR image URI, for a map JSON. */
    destinationUri: string;
    digest: string;
}

export interface PinPlan {
    pins: Pin[];
    unpinned: { sourceImage: string; reason: string }[];
}

/** Pins for images whose tag exists upstream with linux/amd64; the others with the reason. */
export function planPins(images: readonly OnlineImage[]): PinPlan {
    const pins = new Map<string, Pin>();
    const unpinned = new Map<string, string>();
    for (const image of images) {
        if (pins.has(image.written)) {
            continue;
        }
        if (image.status !== "ok" || image.digest === null || image.resolved === null) {
            unpinned.set(
                image.written,
                image.status === "not-checked" ? image.message : `${image.status}: ${image.message}`,
            );
            continue;
        }
        if (image.tag === null) {
            unpinned.set(image.written, "already pinned by digest");
            continue;
        }
        const ecr = parseEcrImageUri(image.resolved);
        if (ecr === undefined) {
            unpinned.set(image.written, `${image.resolved} is not an ECR image URI`);
            continue;
        }
        const registryHost = image.resolved.slice(0, image.resolved.indexOf("/"));
        const repository = ecr.repository;
        pins.set(image.written, {
            sourceImage: image.written,
            destinationImage: `${repository}@${image.digest}`,
            destinationUri: `${registryHost}/${repository}@${image.digest}`,
            digest: image.digest,
        });
        unpinned.delete(image.written);
    }
    return {
        pins: [...pins.values()],
        unpinned: [...unpinned.entries()].map(([sourceImage, reason]) => ({ sourceImage, reason })),
    };
}

/** The pins as stack-file YAML lines (an `imageMappings` list). */
export function pinsAsYaml(namespace: string, pins: readonly Pin[]): string {
    const lines = [`  ${namespace}:imageMappings:`];
    for (const pin of pins) {
        lines.push(
            `    - sourceImage: ${JSON.stringify(pin.sourceImage)}`,
            `      destinationImage: ${JSON.stringify(pin.destinationImage)}`,
        );
    }
    return `${lines.join("\n")}\n`;
}

function entries(value: unknown): { sourceImage: string; destinationImage: string }[] {
    if (!Array.isArray(value)) {
        return [];
    }
    return value.filter(
        (v): v is { sourceImage: string; destinationImage: string } =>
            typeof v === "object" && v !== null && typeof (v as Record<string, unknown>).sourceImage === "string",
    );
}

/**
 * Writes the pins into the stack file, keeping its comments and other keys: into `maps[0].imageMappings` when the
 * stack sets `maps`, else into `imageMappings`, starting from `effective` (the list in force, which may come from
 * Pulumi.yaml) so no mapping is lost. Returns the file's previous text (for undoing).
 */
export function writePins(
    stackFile: string,
    namespace: string,
    pins: readonly Pin[],
    effective: { imageMappings: unknown; maps: unknown },
): string {
    const before = fs.readFileSync(stackFile, "utf8");
    const document = parseDocument(before);
    if (!isMap(document.get("config"))) {
        document.set("config", document.createNode({}));
    }
    const merge = (current: unknown) => {
        const list = entries(current).map(e => ({ sourceImage: e.sourceImage, destinationImage: e.destinationImage }));
        for (const pin of pins) {
            const at = list.findIndex(e => e.sourceImage === pin.sourceImage);
            const entry = { sourceImage: pin.sourceImage, destinationImage: pin.destinationImage };
            if (at >= 0) {
                list[at] = entry;
            } else {
                list.push(entry);
            }
        }
        return list;
    };
    const mapsKey = `${namespace}:maps`;
    if (Array.isArray(effective.maps) && effective.maps.length > 0) {
        const maps = effective.maps.map((m: unknown) =>
            typeof m === "object" && m !== null ? { ...(m as Record<string, unknown>) } : m,
        );
        const first = maps[0] as Record<string, unknown>;
        first.imageMappings = merge(first.imageMappings);
        document.setIn(["config", mapsKey], document.createNode(maps));
    } else {
        const key = `${namespace}:imageMappings`;
        document.setIn(["config", key], document.createNode(merge(effective.imageMappings)));
    }
    fs.writeFileSync(stackFile, document.toString());
    return before;
}
