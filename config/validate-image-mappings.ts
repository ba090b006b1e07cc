// Checks `imageMappings`: each destination must sit under a declared prefix in this account and region.
import { ECR_PREFIX_PATTERN, isUnderPrefix, parseEcrImageUri, registryHost } from "../policy-pack/rules/ecr-naming";
import { checkKnownFields, describeType, isRecord, Problems, requireString } from "./problems";
import { DeploymentTarget, ImageMapping } from "./types";

const MAPPING_FIELDS = ["sourceImage", "destinationImage"] as const;
/** `<repository>[:tag|@sha256:digest]` relative to this stack's registry. */
const RELATIVE_IMAGE = /^([^:@\s]+)(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})?$/;

/** `target` is undefined when aws:region is unusable; account and region checks are then skipped. */
export function validateImageMappings(raw: unknown, prefixes: readonly string[], target: DeploymentTarget | undefined, problems: Problems): ImageMapping[] {
    if (raw === undefined) {
        return [];
    }
    if (!Array.isArray(raw)) {
        problems.add("imageMappings", `must be a list of {sourceImage, destinationImage} entries, got ${describeType(raw)}`);
        return [];
    }
    const valid: ImageMapping[] = [];
    const sources = new Map<string, number>();
    raw.forEach((entry: unknown, index) => {
        const path = `imageMappings[${index}]`;
        if (!isRecord(entry)) {
            problems.add(path, `must be an object with ${MAPPING_FIELDS.join(" and ")}, got ${describeType(entry)}`);
            return;
        }
        checkKnownFields(entry, MAPPING_FIELDS, path, problems);
        const source = validateSource(entry, path, sources, index, problems);
        const destination = validateDestination(entry, path, prefixes, target, problems);
        if (source !== undefined && destination !== undefined) {
            valid.push({ sourceImage: source, destinationImage: destination });
        }
    });
    return valid;
}

function validateSource(entry: Record<string, unknown>, path: string, seen: Map<string, number>, index: number, problems: Problems): string | undefined {
    const source = requireString(entry, "sourceImage", path, "the image as the workflow names it, e.g. ubuntu or quay.io/biocontainers/bwa:0.7.17--hed695b0_7", problems);
    if (source === undefined) {
        return undefined;
    }
    if (/\s/.test(source) || source.includes("://")) {
        problems.add(`${path}.sourceImage`, `${JSON.stringify(source)} must be an image reference without spaces or a URL scheme`);
        return undefined;
    }
    const earlier = seen.get(source);
    if (earlier !== undefined) {
        problems.add(`${path}.sourceImage`, `"${source}" is already mapped by imageMappings[${earlier}]; each source image may be mapped once`);
        return undefined;
    }
    seen.set(source, index);
    return source;
}

function validateDestination(entry: Record<string, unknown>, path: string, prefixes: readonly string[], target: DeploymentTarget | undefined, problems: Problems): string | undefined {
    const destination = requireString(entry, "destinationImage", path, "<prefix>/<repository>[:tag] under a declared ecrRepositoryPrefix", problems);
    if (destination === undefined) {
        return undefined;
    }
    const field = `${path}.destinationImage`;
    const isFullUri = destination.includes(".dkr.ecr.");
    const parsed = isFullUri ? parseEcrImageUri(destination) : undefined;
    const repository = isFullUri ? parsed?.repository : RELATIVE_IMAGE.exec(destination)?.[1];
    if (repository === undefined || !ECR_PREFIX_PATTERN.test(repository)) {
        problems.add(field, `${JSON.stringify(destination)} is not an ECR image; write <prefix>/<repository>[:tag] (or the full <account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<repository>[:tag]) with a lowercase repository path`);
        return undefined;
    }
    const wrongPlace = [
        parsed && target && parsed.account !== target.account ? `account ${parsed.account}, not this stack's account ${target.account}` : undefined,
        parsed && target && parsed.region !== target.region ? `region ${parsed.region}, not this stack's region ${target.region}` : undefined,
    ].filter((m): m is string => m !== undefined);
    if (wrongPlace.length > 0) {
        problems.add(field, `${JSON.stringify(destination)} points into ${wrongPlace.join(" and ")}; use the relative form <prefix>/<repository>[:tag] to follow the stack`);
        return undefined;
    }
    if (!prefixes.some(prefix => isUnderPrefix(repository, prefix) && repository !== prefix)) {
        problems.add(field, `${JSON.stringify(destination)} is not under a declared ecrRepositoryPrefix; declared: ${prefixes.join(", ") || "(none valid)"}`);
        return undefined;
    }
    return isFullUri || !target ? destination : `${registryHost(target)}/${destination}`;
}
