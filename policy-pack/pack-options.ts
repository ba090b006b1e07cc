// AWSGuard-style options for the pack: one enforcement level for all policies, and per policy a level or
// `{enforcementLevel, ...config}`. Turned into the policy list and the PolicyPack's initial config.
import { EnforcementLevel, PolicyPack, PolicyPackConfig, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "./policies";
import { OrganizationConfig, PinningConfig } from "./policy-config";

type Setting<C> = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & C);

/** Settings per policy name; policies without config take only a level (or `{enforcementLevel}`). */
export interface OmicsRegistryMapsPolicyOptions {
    /** Enforcement level of every policy that is not set on its own. */
    all?: EnforcementLevel;
    "organization-conventions"?: Setting<OrganizationConfig>;
    "image-mappings-pinned"?: Setting<PinningConfig>;
    [policyName: string]: Setting<Record<string, unknown>> | undefined;
}

export interface PackSetup {
    policies: StackValidationPolicy[];
    initialConfig: PolicyPackConfig;
}

/** The pack's policies with the options' levels applied, and the config to hand the PolicyPack. Unknown names throw. */
export function packSetup(options: OmicsRegistryMapsPolicyOptions = {}): PackSetup {
    const names = policies.map(p => p.name);
    const unknown = Object.keys(options).filter(k => k !== "all" && !names.includes(k));
    if (unknown.length > 0) {
        throw new Error(
            `Unknown policy name${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; the pack's ` +
                `policies are ${names.join(", ")}`,
        );
    }
    const initialConfig: PolicyPackConfig = {};
    const configured = policies.map(policy => {
        const setting = options[policy.name];
        const level =
            typeof setting === "string"
                ? setting
                : (setting?.enforcementLevel ?? options.all ?? policy.enforcementLevel);
        if (typeof setting === "object") {
            initialConfig[policy.name] = { ...setting, enforcementLevel: level };
        } else if (level !== policy.enforcementLevel) {
            initialConfig[policy.name] = level ?? "mandatory";
        }
        return { ...policy, enforcementLevel: level };
    });
    return { policies: configured, initialConfig };
}

export const PACK_NAME = "omics-registry-maps";
export const PACK_DESCRIPTION =
    "ECR pull-through cache for AWS HealthOmics: rules, creation templates, registry policy, service " +
    "role, credential secrets, scanning and container registry maps agree on their prefixes.";

/**
 * The pack, AWSGuard style: `new OmicsRegistryMapsPolicies({ all: "advisory", "image-mappings-pinned": "mandatory",
 * "organization-conventions": { upstreamPrefixes: { "registry-1.docker.io": "docker-hub" } } })`.
 * Constructing it starts the Analyzer server, so only a pack's entry point does.
 */
export class OmicsRegistryMapsPolicies extends PolicyPack {
    constructor(options: OmicsRegistryMapsPolicyOptions = {}, name: string = PACK_NAME) {
        const { policies: configured, initialConfig } = packSetup(options);
        super(
            name,
            { description: PACK_DESCRIPTION, enforcementLevel: "mandatory", policies: configured },
            initialConfig,
        );
    }
}
