// The grouped view of a check report: one entry per distinct image by registry host, one fix per missing registry.
import { parseImageReference, writtenHost } from "../policy-pack/rules/docker-reference";
import { Evaluation, unquoted } from "./evaluate-reference";
import { briefExpression } from "./printable";
import { CheckSummary, DistinctImage, HostGroup, ImagePlace, ImageResult, RegistryFix } from "./types";

/** The host group of images whose registry is not known (computed at run time, or not a valid reference). */
export const UNKNOWN_HOST = "(unknown host)";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** What a row shows: the normalized reference, or what is known (the input name and "no default"). */
export function displayImage(image: ImageResult): string {
    if (image.reference !== null) {
        return image.reference;
    }
    if (image.status === "unresolvable") {
        const written = unquoted(image.image);
        if (!IDENTIFIER.test(written)) {
            return `${briefExpression(written, 60)} (computed at run time)`;
        }
        return image.expression !== undefined && image.expression !== written
            ? `${written} = ${briefExpression(image.expression, 50)} (computed at run time)`
            : `${written} (input, no default)`;
    }
    return image.image;
}

/** The registry host: the normalized reference's, else the host written at the start of what is known, if any. */
function hostOf(image: ImageResult): string {
    if (image.reference !== null) {
        const parsed = parseImageReference(image.reference);
        if (parsed.ok && parsed.reference.host !== undefined) {
            return parsed.reference.host;
        }
    }
    return writtenHost(unquoted(image.image)) ?? UNKNOWN_HOST;
}

function placeOf(image: ImageResult): ImagePlace {
    return {
        file: image.file,
        line: image.line,
        ...(image.profiles !== undefined ? { profiles: image.profiles } : {}),
        ...(image.testOnly === true ? { testOnly: true } : {}),
        ...(image.condition !== undefined ? { condition: image.condition } : {}),
    };
}

/** Distinct images (same shown image, same outcome), grouped by host; hosts and images in alphabetical order. */
export function groupImages(images: readonly ImageResult[]): HostGroup[] {
    const byHost = new Map<string, Map<string, DistinctImage>>();
    for (const image of images) {
        const host = hostOf(image);
        const shown = displayImage(image);
        const key = `${shown}\u0000${image.status}\u0000${image.resolved ?? ""}`;
        const group = byHost.get(host) ?? new Map<string, DistinctImage>();
        byHost.set(host, group);
        const existing = group.get(key);
        if (existing === undefined) {
            group.set(key, {
                image: shown,
                reference: image.reference,
                status: image.status,
                resolved: image.resolved,
                via: image.via,
                inVerdict: image.inVerdict,
                places: [placeOf(image)],
            });
        } else {
            existing.places.push(placeOf(image));
            existing.inVerdict = existing.inVerdict || image.inVerdict;
        }
    }
    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return [...byHost.entries()]
        .sort(([a], [b]) => (a === UNKNOWN_HOST ? 1 : b === UNKNOWN_HOST ? -1 : byName(a, b)))
        .map(([host, group]) => ({ host, images: [...group.values()].sort((a, b) => byName(a.image, b.image)) }));
}

/** One fix per missing registry (the same fix is never listed twice), counting the verdict's distinct images. */
export function registryFixes(evaluations: readonly Evaluation[]): RegistryFix[] {
    const fixes = new Map<string, { fix: RegistryFix; images: Set<string> }>();
    for (const { result, registryFix } of evaluations) {
        if (registryFix === undefined || !result.inVerdict) {
            continue;
        }
        const entry = fixes.get(registryFix.text) ?? { fix: { ...registryFix, images: 0 }, images: new Set<string>() };
        fixes.set(registryFix.text, entry);
        entry.images.add(displayImage(result));
    }
    return [...fixes.values()]
        .map(({ fix, images }) => ({ ...fix, images: images.size }))
        .sort((a, b) => b.images - a.images || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

export function summarize(images: readonly ImageResult[]): CheckSummary {
    const counted = images.filter(image => image.inVerdict);
    const count = (predicate: (image: ImageResult) => boolean) => counted.filter(predicate).length;
    return {
        images: counted.length,
        distinct: groupImages(counted).reduce((total, group) => total + group.images.length, 0),
        excluded: images.length - counted.length,
        mapped: count(i => i.status === "mapped"),
        unmapped: count(i => i.status === "unmapped"),
        unresolvable: count(i => i.status === "unresolvable"),
        unpinned: count(i => i.pinned === "unpinned"),
    };
}
