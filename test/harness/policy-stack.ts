// Turns the resources of a mock run into what CrossGuard hands a stack policy, and runs policies on them.
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
        const policyResource: PolicyResource = {
            type: resource.type,
            name: resource.name,
            urn: urnOf(resource),
            props: proxy.unknownCheckingProxy(props),
            opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        };
        return policyResource;
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

export async function runPolicy(policy: StackValidationPolicy, resources: PolicyResource[]): Promise<Violation[]> {
    const violations: Violation[] = [];
    await policy.validateStack({
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: (reason?: string): never => {
            throw new Error(`not applicable: ${reason}`);
        },
    }, (message, urn) => violations.push({ message, urn }));
    return violations;
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
