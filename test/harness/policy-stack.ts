// Turns the resources of a mock run into what CrossGuard hands a stack policy, and runs policies on them.
import Ajv from "ajv";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import * as proxyModule from "@pulumi/policy/proxy";
import { MockedResource } from "./mock-program";
import { PROJECT } from "./stack-config";

// The policy SDK's own preview machinery: props read through this proxy throw on unknown values, as in `pulumi preview`.
// (internal to @pulumi/policy, hence untyped)
const proxy = proxyModule as unknown as {
    unknownCheckingProxy<T extends object>(value: T): T;
    unknownStringValue: string;
};

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Policies see secrets as plain values. */
function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        if (SECRET_SIG_KEY in record) {
            return unwrapSecrets(record.value);
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** Properties to make unknown, as they are in a preview before the resources exist. */
export interface UnknownProps {
    type: string;
    props: string[];
}

/** A PolicyResource as the SDK builds it for a stack policy: props read through the unknown-checking proxy, no dependencies yet. */
function engineResource(type: string, name: string, urn: string, props: Record<string, unknown>): PolicyResource {
    return {
        type,
        name,
        urn,
        props: proxy.unknownCheckingProxy(props),
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    };
}

function urnOf(resource: MockedResource): string {
    return `urn:pulumi:dev::${PROJECT}::${resource.type}::${resource.name}`;
}

/**
 * One PolicyResource per mocked resource. A property whose input equals another resource's id or ARN
 * depends on that resource, which is how the engine fills `propertyDependencies`.
 */
export function policyResources(resources: readonly MockedResource[], unknown: readonly UnknownProps[] = []): PolicyResource[] {
    const converted = resources.map(resource => {
        const props = resource.custom ? unwrapSecrets(resource.state) as Record<string, unknown> : {};
        for (const entry of unknown.filter(u => u.type === resource.type)) {
            for (const prop of entry.props) {
                props[prop] = proxy.unknownStringValue;
            }
        }
        return engineResource(resource.type, resource.name, urnOf(resource), props);
    });
    resources.forEach((resource, index) => {
        const target = converted[index];
        for (const [prop, value] of Object.entries(resource.inputs)) {
            const referenced = resources
                .map((other, otherIndex) => ({ other, otherIndex }))
                .filter(({ other }) => typeof value === "string" && (value === other.id || value === other.state.arn))
                .map(({ otherIndex }) => converted[otherIndex]);
            if (referenced.length > 0) {
                target.propertyDependencies[prop] = referenced;
                target.dependencies.push(...referenced);
            }
        }
    });
    return converted;
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
export function policyConfig(policy: StackValidationPolicy, entry: PolicyConfigEntry | undefined): Record<string, unknown> {
    if (entry === undefined || typeof entry === "string") {
        return {};
    }
    const { enforcementLevel: _level, ...properties } = entry;
    const schema = policy.configSchema;
    if (schema === undefined) {
        if (Object.keys(properties).length > 0) {
            throw new Error(`policy ${policy.name} has no configSchema, but config was given: ${JSON.stringify(properties)}`);
        }
        return {};
    }
    const validate = new Ajv({ useDefaults: true, strict: false, allErrors: true }).compile({ type: "object", ...schema });
    const copy = JSON.parse(JSON.stringify(properties)) as Record<string, unknown>;
    if (!validate(copy)) {
        throw new Error(`config for ${policy.name} does not match its configSchema: ${JSON.stringify(validate.errors)}`);
    }
    return copy;
}

export async function runPolicy(policy: StackValidationPolicy, resources: PolicyResource[], config?: PolicyConfigEntry): Promise<Violation[]> {
    const violations: Violation[] = [];
    const properties = policyConfig(policy, config);
    await policy.validateStack({
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => properties as T,
        notApplicable: (reason?: string): never => {
            throw new Error(`not applicable: ${reason}`);
        },
    }, (message, urn) => violations.push({ message, urn }));
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
export function handMadeResources(specs: readonly HandMadeResource[], unknown: readonly UnknownProps[] = []): PolicyResource[] {
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

/** A copy of the resources where the one of `type` named `name` has its state changed by `change`. */
export function changeState(
    resources: readonly MockedResource[],
    type: string,
    name: string,
    change: (state: Record<string, unknown>) => Record<string, unknown>,
): MockedResource[] {
    const found = resources.some(r => r.type === type && r.name === name);
    if (!found) {
        throw new Error(`no ${type} named ${name}`);
    }
    return resources.map(r => r.type === type && r.name === name ? { ...r, state: change({ ...r.state }) } : r);
}

export function withoutResource(resources: readonly MockedResource[], type: string, name: string): MockedResource[] {
    const kept = resources.filter(r => !(r.type === type && r.name === name));
    if (kept.length === resources.length) {
        throw new Error(`no ${type} named ${name}`);
    }
    return kept;
}
