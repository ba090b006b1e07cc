// Checks the container registry maps: the default map (all registries + `imageMappings`) or the named `maps`.
import { checkKnownFields, describeType, isRecord, Problems } from "./problems";
import { MapConfig } from "./types";
import { DestinationContext, validateImageMappings } from "./validate-image-mappings";

const MAP_FIELDS = ["name", "registries", "imageMappings"] as const;
const MAP_NAME = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const DEFAULT_MAP_NAME = "default";

export function validateMaps(
    rawMaps: unknown,
    rawImageMappings: unknown,
    context: DestinationContext,
    problems: Problems,
): MapConfig[] {
    if (rawMaps === undefined || (Array.isArray(rawMaps) && rawMaps.length === 0)) {
        const imageMappings = validateImageMappings(rawImageMappings, "imageMappings", context, problems);
        return [{ name: DEFAULT_MAP_NAME, registryPrefixes: [...context.prefixes], imageMappings }];
    }
    if (Array.isArray(rawImageMappings) && rawImageMappings.length > 0) {
        problems.add(
            "imageMappings",
            "cannot be used together with maps; move these image mappings into the imageMappings of a map",
        );
    }
    if (!Array.isArray(rawMaps) || rawMaps.length === 0) {
        problems.add(
            "maps",
            `must be a non-empty list of {name, registries, imageMappings}, ` +
                `got ${Array.isArray(rawMaps) ? "an empty list" : describeType(rawMaps)}`,
        );
        return [];
    }
    const maps: MapConfig[] = [];
    const names = new Map<string, number>();
    rawMaps.forEach((entry: unknown, index) => {
        const path = `maps[${index}]`;
        if (!isRecord(entry)) {
            problems.add(path, `must be an object with ${MAP_FIELDS.join(", ")}, got ${describeType(entry)}`);
            return;
        }
        checkKnownFields(entry, MAP_FIELDS, path, problems);
        const name = entry.name;
        if (typeof name !== "string" || !MAP_NAME.test(name)) {
            problems.add(
                `${path}.name`,
                `must be 1-64 lowercase letters, digits and '-' (it names the map's outputs and S3 ` +
                    `keys), got ${typeof name === "string" ? JSON.stringify(name) : describeType(name)}`,
            );
        } else if (names.has(name)) {
            problems.add(`${path}.name`, `"${name}" is already the name of maps[${names.get(name)}]`);
        } else {
            names.set(name, index);
        }
        const registryPrefixes = validateMapRegistries(
            entry.registries,
            `${path}.registries`,
            context.prefixes,
            problems,
        );
        const imageMappings = validateImageMappings(entry.imageMappings, `${path}.imageMappings`, context, problems);
        if (typeof name === "string") {
            maps.push({ name, registryPrefixes, imageMappings });
        }
    });
    return maps;
}

/** A map's registries, by prefix; absent means every declared registry. */
function validateMapRegistries(raw: unknown, path: string, prefixes: readonly string[], problems: Problems): string[] {
    if (raw === undefined) {
        return [...prefixes];
    }
    if (!Array.isArray(raw)) {
        problems.add(
            path,
            `must be a list of ecrRepositoryPrefix values of the declared registries, got ${describeType(raw)}`,
        );
        return [];
    }
    const chosen: string[] = [];
    raw.forEach((prefix: unknown, index) => {
        if (typeof prefix !== "string" || !prefixes.includes(prefix)) {
            problems.add(
                `${path}[${index}]`,
                `${typeof prefix === "string" ? JSON.stringify(prefix) : describeType(prefix)} is not ` +
                    `the ecrRepositoryPrefix of a declared registry; ` +
                    `declared: ${prefixes.join(", ") || "(none valid)"}`,
            );
        } else if (!chosen.includes(prefix)) {
            chosen.push(prefix);
        }
    });
    return chosen;
}
