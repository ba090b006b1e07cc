// Hand-made stacks as CrossGuard hands them to a stack policy after `up` (and with chosen properties unknown), and
// runs policies on PolicyResources with their config validated as the engine does. Program stacks: engine-stack.ts.
import Ajv from "ajv";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import * as proxyModule from "@pulumi/policy/proxy";
import { PROJECT } from "./stack-config";

// The policy SDK's own preview machinery: props read through this proxy throw on unknown values, as in `pulumi
// preview`. (internal to @pulumi/policy, hence untyped)
const proxy = proxyModule as unknown as {
    unknownCheckingProxy<T extends object>(value: T): T;
    unknownStringValue: string;
};

/**
 * Properties to make unknown: a probe of how a policy treats chosen unknown values (engine-style previews:
 * engine-stack.ts).
 */
export interface UnknownProps {
    type: string;
    props: string[];
}

/**
 * A PolicyResource as the SDK builds it for a stack policy: props read through the unknown-checking proxy, no
 * dependencies yet.
 */
function engineResource(type: string, name: string, urn: string, props: Record<string, unknown>): PolicyResource {
    return {
        type,
        name,
        urn,
        props: proxy.unknownCheckingProxy(props),
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
        },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    };
}

export interface Violation {
    message: string;
    urn?: string;
}

/**
 * A policy's entry of a `--policy-pack-config` file: an enforcement level, or `{enforcementLevel?, ...properties}`.
 * Passing one makes runPolicy validate it against the policy's configSchema and apply the schema's defaults, as the
 * engine's ReconcilePolicyPackConfig does before it calls Configure.
 */
export type PolicyConfigEntry = string | Record<string, unknown>;

/** What `args.getConfig()` returns in the pack for `entry`: the validated properties, without enforcementLevel. */
export function policyConfig(
    policy: StackValidationPolicy,
    entry: PolicyConfigEntry | undefined,
): Record<string, unknown> {
    if (entry === undefined || typeof entry === "string") {
        return {};
    }
    const { enforcementLevel: _level, ...properties } = entry;
    const schema = policy.configSchema;
    if (schema === undefined) {
        if (Object.keys(properties).length > 0) {
            throw new Error(
                `policy ${policy.name} has no configSchema, but config was given: ${JSON.stringify(properties)}`,
            );
        }
        return {};
    }
    const validate = new Ajv({ useDefaults: true, strict: false, allErrors: true }).compile({
        type: "object",
        ...schema,
    });
    const copy = JSON.parse(JSON.stringify(properties)) as Record<string, unknown>;
    if (!validate(copy)) {
        throw new Error(
            `config for ${policy.name} does not match its configSchema: ${JSON.stringify(validate.errors)}`,
        );
    }
    return copy;
}

export async function runPolicy(
    policy: StackValidationPolicy,
    resources: PolicyResource[],
    config?: PolicyConfigEntry,
): Promise<Violation[]> {
    const violations: Violation[] = [];
    const properties = policyConfig(policy, config);
    await policy.validateStack(
        {
            resources,
            stackTags: new Map(),
            // @pulumi/policy declares `getConfig<T extends object>(): T` (the policy names the type of its own config,
            // as the SDK's makeGetConfigFun returns it untyped); an implementation of that signature has T only once.
            // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
            getConfig: <T extends object>() => properties as T,
            notApplicable: (reason?: string): never => {
                throw new Error(`not applicable: ${reason}`);
            },
        },
        (message, urn) => violations.push({ message, urn }),
    );
    return violations;
}

/**
 * A resource of a hand-made stack, as the engine hands it to a stack policy after an update: its outputs, and which
 * of its properties came from which other resources (by name; the engine's propertyDependencies).
 */
export interface HandMadeResource {
    type: string;
    name: string;
    props: Record<string, unknown>;
    dependsOn?: Record<string, string[]>;
}

/** Engine-style URN of a hand-made resource (one stack, no parents). */
export function handMadeUrn(type: string, name: string): string {
    return `urn:pulumi:dev::${PROJECT}::${type}::${name}`;
}

/**
 * PolicyResources of a hand-made stack. Properties listed in `unknown` (by type, or by `type::name` for one
 * resource) become the SDK's unknown value, read through the same proxy the SDK uses in a preview.
 */
export function handMadeResources(
    specs: readonly HandMadeResource[],
    unknown: readonly UnknownProps[] = [],
): PolicyResource[] {
    const converted = specs.map(spec => {
        const props = JSON.parse(JSON.stringify(spec.props)) as Record<string, unknown>;
        for (const entry of unknown.filter(u => u.type === spec.type || u.type === `${spec.type}::${spec.name}`)) {
            for (const prop of entry.props) {
                props[prop] = proxy.unknownStringValue;
            }
        }
        return engineResource(spec.type, spec.name, handMadeUrn(spec.type, spec.name), props);
    });
    specs.forEach((spec, index) => {
        for (const [prop, names] of Object.entries(spec.dependsOn ?? {})) {
            const targets = names.map(name => {
                const found = converted.find(r => r.name === name);
                if (found === undefined) {
                    throw new Error(`${spec.name}.${prop} depends on ${name}, which is not in the stack`);
                }
                return found;
            });
            converted[index].propertyDependencies[prop] = targets;
            converted[index].dependencies.push(...targets.filter(t => !converted[index].dependencies.includes(t)));
        }
    });
    return converted;
}
