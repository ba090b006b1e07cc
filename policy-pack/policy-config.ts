// The pack's CrossGuard policy config: the schemas the engine validates `--policy-pack-config` against, and
// tolerant readers for what `args.getConfig()` returns (an empty object when nothing is configured).
import { PolicyConfigSchema } from "@pulumi/policy";

/** Settings of `organization-conventions` (issue 8.3): each one is off when left out. */
// A type alias, not an interface: pack-options.ts keeps it in a Record<string, Setting<Record<string, unknown>>>, and
// only type aliases get the implicit index signature that assignment needs.
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- see the comment above
export type OrganizationConfig = {
    /** The prefix each upstream host must use in every stack, e.g. {"registry-1.docker.io": "docker-hub"}. */
    upstreamPrefixes?: Partial<Record<string, string>>;
    /**
     * The only upstream hosts rules and registry mappings may name (an alias such as docker.io passes when its upstream
     * is listed).
     */
    allowedUpstreamHosts?: string[];
    /** The only AWS accounts the stack may deploy to and its documents may name. */
    allowedAccounts?: string[];
    /** The only regions the stack may deploy to and its image URIs may name. */
    allowedRegions?: string[];
};

export const ORGANIZATION_CONFIG_SCHEMA: PolicyConfigSchema = {
    properties: {
        upstreamPrefixes: {
            type: "object",
            description:
                "The ECR repository prefix each upstream registry host must use across the organization, " +
                'e.g. {"registry-1.docker.io": "docker-hub"}.',
            additionalProperties: { type: "string", minLength: 2, maxLength: 30 },
        },
        allowedUpstreamHosts: {
            type: "array",
            description: "Upstream registry hosts that pull-through cache rules and registry mappings may name.",
            items: { type: "string", minLength: 1 },
        },
        allowedAccounts: {
            type: "array",
            description:
                "12-digit AWS account ids the stack may deploy to and its registry policy, image " +
                "mappings and secrets may name.",
            items: { type: "string", pattern: "^\\d{12}$" },
        },
        allowedRegions: {
            type: "array",
            description: "AWS regions the stack may deploy to and its image mappings and secrets may name.",
            items: { type: "string", minLength: 1 },
        },
    },
};

/** Settings of `image-mappings-pinned`. Whether pinning is required at all is the policy's enforcement level. */
// A type alias, not an interface: pack-options.ts keeps it in a Record<string, Setting<Record<string, unknown>>>, and
// only type aliases get the implicit index signature that assignment needs.
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- see the comment above
export type PinningConfig = {
    /** Accept only digests (`@sha256:...`), not tags. Default false: a tag other than `latest` is enough. */
    requireDigest?: boolean;
};

export const PINNING_CONFIG_SCHEMA: PolicyConfigSchema = {
    properties: {
        requireDigest: {
            type: "boolean",
            default: false,
            description:
                "Accept only image mappings pinned by digest (@sha256:...); by default an explicit tag " +
                "other than 'latest' is enough.",
        },
    },
};

function stringList(value: unknown): string[] | undefined {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

/** The organization settings in `raw` (what getConfig returned), ignoring anything malformed. */
export function readOrganizationConfig(raw: unknown): OrganizationConfig {
    const config = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
    const prefixes = config.upstreamPrefixes;
    const upstreamPrefixes =
        typeof prefixes === "object" && prefixes !== null && !Array.isArray(prefixes)
            ? Object.fromEntries(
                  Object.entries(prefixes)
                      .filter((e): e is [string, string] => typeof e[1] === "string")
                      .map(([h, p]) => [h.toLowerCase(), p]),
              )
            : undefined;
    const allowedUpstreamHosts = stringList(config.allowedUpstreamHosts)?.map(h => h.toLowerCase());
    const allowedAccounts = stringList(config.allowedAccounts);
    const allowedRegions = stringList(config.allowedRegions);
    return {
        ...(upstreamPrefixes !== undefined ? { upstreamPrefixes } : {}),
        ...(allowedUpstreamHosts !== undefined ? { allowedUpstreamHosts } : {}),
        ...(allowedAccounts !== undefined ? { allowedAccounts } : {}),
        ...(allowedRegions !== undefined ? { allowedRegions } : {}),
    };
}

export function readPinningConfig(raw: unknown): PinningConfig {
    const config = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
    return { requireDigest: config.requireDigest === true };
}
