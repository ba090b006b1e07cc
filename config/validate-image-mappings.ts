// Checks image mappings: each destination must be an ECR image under a declared prefix in this account and region.
import {
    ECR_REPOSITORY_NAME_MAX_LENGTH,
    ECR_REPOSITORY_NAME_PATTERN,
    ecrHostSuffix,
    isUnderPrefix,
    officialImageWithoutLibrary,
    parseEcrImageUri,
    registryHost,
} from "../policy-pack/rules/ecr-naming";
import { MAX_MAP_URI_LENGTH } from "../policy-pack/rules/service-limits";
import { checkKnownFields, describeType, isRecord, Problems, requireString } from "./problems";
import { DeploymentTarget, ImageMapping } from "./types";

const MAPPING_FIELDS = ["sourceImage", "destinationImage"] as const;
/** `<repository>[:tag][@sha256:digest]` relative to this stack's registry. */
const RELATIVE_IMAGE = /^([^:@\s]+)(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

export interface DestinationContext {
    /** Declared prefixes (of every kind). */
    prefixes: readonly string[];
    /** Prefixes whose upstream is Docker Hub. */
    dockerHubPrefixes: readonly string[];
    /** Undefined when aws:region is unusable; account, region and partition checks are then skipped. */
    target: DeploymentTarget | undefined;
}

/** Validates a list of image mappings found at `path` (`imageMappings` or `maps[i].imageMappings`). */
export function validateImageMappings(
    raw: unknown,
    path: string,
    context: DestinationContext,
    problems: Problems,
): ImageMapping[] {
    if (raw === undefined) {
        return [];
    }
    if (!Array.isArray(raw)) {
        problems.add(path, `must be a list of {sourceImage, destinationImage} entries, got ${describeType(raw)}`);
        return [];
    }
    const valid: ImageMapping[] = [];
    const sources = new Map<string, number>();
    raw.forEach((entry: unknown, index) => {
        const entryPath = `${path}[${index}]`;
        if (!isRecord(entry)) {
            problems.add(
                entryPath,
                `must be an object with ${MAPPING_FIELDS.join(" and ")}, got ${describeType(entry)}`,
            );
            return;
        }
        checkKnownFields(entry, MAPPING_FIELDS, entryPath, problems);
        const source = validateSource(entry, entryPath, sources, `${path}[`, index, problems);
        const destination = validateDestination(entry, entryPath, context, problems);
        if (source !== undefined && destination !== undefined) {
            valid.push({ sourceImage: source, destinationImage: destination });
        }
    });
    return valid;
}

function validateSource(
    entry: Record<string, unknown>,
    path: string,
    seen: Map<string, number>,
    listPath: string,
    index: number,
    problems: Problems,
): string | undefined {
    const source = requireString(
        entry,
        "sourceImage",
        path,
        "the image as the workflow names it, e.g. ubuntu or quay.io/biocontainers/bwa:0.7.17--hed695b0_7",
        problems,
    );
    if (source === undefined) {
        return undefined;
    }
    if (/\s/.test(source) || source.includes("://")) {
        problems.add(
            `${path}.sourceImage`,
            `${JSON.stringify(source)} must be an image reference without spaces or a URL scheme`,
        );
        return undefined;
    }
    if (source.length > MAX_MAP_URI_LENGTH) {
        problems.add(
            `${path}.sourceImage`,
            `is ${source.length} characters long; HealthOmics takes at most ${MAX_MAP_URI_LENGTH} ` +
                `characters for sourceImage`,
        );
        return undefined;
    }
    const earlier = seen.get(source);
    if (earlier !== undefined) {
        problems.add(
            `${path}.sourceImage`,
            `"${source}" is already mapped by ${listPath}${earlier}]; each source image may be mapped once`,
        );
        return undefined;
    }
    seen.set(source, index);
    return source;
}

interface Destination {
    repository: string;
    full?: ReturnType<typeof parseEcrImageUri>;
}

function parseDestination(destination: string): Destination | undefined {
    if (destination.includes(".dkr.ecr.")) {
        const full = parseEcrImageUri(destination);
        return full === undefined ? undefined : { repository: full.repository, full };
    }
    const relative = RELATIVE_IMAGE.exec(destination);
    return relative === null ? undefined : { repository: relative[1] };
}

function validateDestination(
    entry: Record<string, unknown>,
    path: string,
    context: DestinationContext,
    problems: Problems,
): string | undefined {
    const destination = requireString(
        entry,
        "destinationImage",
        path,
        "<prefix>/<repository>[:tag] under a declared ecrRepositoryPrefix",
        problems,
    );
    if (destination === undefined) {
        return undefined;
    }
    const field = `${path}.destinationImage`;
    const { prefixes, target } = context;
    const parsed = parseDestination(destination);
    if (
        parsed === undefined ||
        !ECR_REPOSITORY_NAME_PATTERN.test(parsed.repository) ||
        parsed.repository.length > ECR_REPOSITORY_NAME_MAX_LENGTH
    ) {
        problems.add(
            field,
            `${JSON.stringify(destination)} is not an ECR image; write <prefix>/<repository>[:tag] (or ` +
                `the full <account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<repository>[:tag]) with a ` +
                `lowercase repository path of at most ${ECR_REPOSITORY_NAME_MAX_LENGTH} characters`,
        );
        return undefined;
    }
    const full = parsed.full;
    const expectedSuffix = target ? ecrHostSuffix(target.partition) : undefined;
    const wrongPlace = [
        full && target && full.account !== target.account
            ? `account ${full.account}, not this stack's account ${target.account}`
            : undefined,
        full && target && full.region !== target.region
            ? `region ${full.region}, not this stack's region ${target.region}`
            : undefined,
        full && expectedSuffix && full.hostSuffix !== expectedSuffix
            ? `host suffix .${full.hostSuffix}, not .${expectedSuffix} of partition ${target?.partition}`
            : undefined,
    ].filter((m): m is string => m !== undefined);
    if (wrongPlace.length > 0) {
        problems.add(
            field,
            `${JSON.stringify(destination)} points into ${wrongPlace.join(" and ")}; use the relative ` +
                `form <prefix>/<repository>[:tag] to follow the stack`,
        );
        return undefined;
    }
    const prefix = prefixes.find(p => isUnderPrefix(parsed.repository, p) && parsed.repository !== p);
    if (prefix === undefined) {
        problems.add(
            field,
            `${JSON.stringify(destination)} is not under a declared ecrRepositoryPrefix; ` +
                `declared: ${prefixes.join(", ") || "(none valid)"}`,
        );
        return undefined;
    }
    const official = officialImageWithoutLibrary(parsed.repository, context.dockerHubPrefixes);
    if (official !== undefined) {
        const suggestion = destination.replace(parsed.repository, `${official.prefix}/library/${official.name}`);
        problems.add(
            field,
            `${JSON.stringify(destination)} names a Docker Hub official image without library/: ECR ` +
                `caches official images under library/ (ECR User Guide, pull-through-cache-working.html), so ` +
                `this repository never exists; write ${JSON.stringify(suggestion)}`,
        );
        return undefined;
    }
    // HealthOmics takes destinationImage up to MAX_MAP_URI_LENGTH characters; a repository name of at most 256
    // characters, a 128-character tag and a digest keep a full ECR URI under 520, so that limit cannot be reached.
    return full || !target ? destination : `${registryHost(target)}/${destination}`;
}
