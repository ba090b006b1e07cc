// Runs a Pulumi program under Pulumi's mock runtime, as `pulumi up` or as a first `pulumi preview`, and builds what
// the engine hands a stack policy (AnalyzeStack): engine URNs, the providers, property dependencies and outputs
// with secrets and unknowns encoded as the engine encodes them, read back through @pulumi/policy's own
// deserializer and unknown-checking proxy. In preview the mock provider returns no computed output (inputs
// echoed, id ""), so every value the program derives from one is unknown through Pulumi's own propagation.
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import * as deserializeModule from "@pulumi/policy/deserialize";
import * as proxyModule from "@pulumi/policy/proxy";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ProgramOptions, runOmicsRegistryMaps, StackOutputs } from "../../components/omics-registry-maps";
import { ACCOUNT, mockInvoke } from "./mock-program";
import { ConfigMap, PROJECT } from "./stack-config";

// @pulumi/policy's internals (untyped): what its Analyzer server calls on every AnalyzeStack resource.
const policySdk = {
    deserialize: deserializeModule as unknown as {
        deserializeProperties(struct: Struct, proxySecrets: boolean): Record<string, unknown>;
    },
    proxy: proxyModule as unknown as { unknownCheckingProxy<T extends object>(value: T): T },
};

/** The engine's wire markers (sdk/go/common/resource/sig and plugin/rpc.go, the same in the Node SDK). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const UNKNOWN_WIRE = {
    string: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    array: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
};

/** One resource of the engine's state, as AnalyzeStack sends it; `properties` are wire values (secrets, unknowns). */
export interface EngineResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent: string;
    /** URN of the pulumi:providers:* resource that manages it. */
    provider?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    properties: Record<string, unknown>;
}

export interface EngineStack {
    preview: boolean;
    resources: EngineResource[];
    error?: Error;
    outputs?: StackOutputs;
}

export interface EngineRunOptions {
    config: ConfigMap;
    secretKeys?: string[];
    preview: boolean;
    /** The account each explicit provider (by logical name) deploys to; the default provider's is ACCOUNT. */
    accounts?: Record<string, string>;
    stack?: string;
}

interface Registration {
    type: string;
    name: string;
    custom: boolean;
    parent: string;
    provider: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    inputs: Record<string, unknown>;
    mockUrn: string;
    id: string;
}

/** Names the AWS provider fills in at Check when the program gives none (auto-naming): inputs, known in preview. */
const AUTONAMED: Partial<Record<string, { prop: string; suffix: string }>> = {
    "aws:iam/role:Role": { prop: "name", suffix: "-1a2b3c" },
    "aws:iam/rolePolicy:RolePolicy": { prop: "name", suffix: "-7d8e9f" },
    "aws:iam/policy:Policy": { prop: "name", suffix: "-5a6b7c" },
    "aws:s3/bucket:Bucket": { prop: "bucket", suffix: "-4d5e6f" },
};

function withAutoName(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const auto = AUTONAMED[type];
    return auto === undefined || auto.prop in inputs ? inputs : { ...inputs, [auto.prop]: `${name}${auto.suffix}` };
}

/**
 * What the mock AWS provider computes on create, the way AWS fills it: ids, ARNs, auto-names, `registryId`.
 * In preview exactly these outputs are unknown (the provider has computed nothing yet).
 */
function computedOutputs(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    account: string,
    region: string,
): Record<string, unknown> {
    const str = (value: unknown, fallback: string) => (typeof value === "string" ? value : fallback);
    switch (type) {
        case "aws:secretsmanager/secret:Secret": {
            const arn = `arn:aws:secretsmanager:${region}:${account}:secret:${str(inputs.name, name)}-AbCdEf`;
            return { id: arn, arn };
        }
        case "aws:secretsmanager/secretVersion:SecretVersion": {
            const secretArn = str(inputs.secretId, "");
            return { id: `${secretArn}|v1`, arn: secretArn, secretArn, versionId: "v1" };
        }
        case "aws:iam/role:Role": {
            const roleName = str(inputs.name, `${name}-1a2b3c`);
            return {
                id: roleName,
                name: roleName,
                arn: `arn:aws:iam::${account}:role/${roleName}`,
                uniqueId: "AROAEXAMPLE",
                inlinePolicies: [],
            };
        }
        case "aws:iam/policy:Policy": {
            const policyName = str(inputs.name, `${name}-5a6b7c`);
            return {
                id: `arn:aws:iam::${account}:policy/${policyName}`,
                name: policyName,
                arn: `arn:aws:iam::${account}:policy/${policyName}`,
            };
        }
        case "aws:iam/rolePolicy:RolePolicy":
            return {
                id: `${str(inputs.role, "role")}:${str(inputs.name, `${name}-7d8e9f`)}`,
                name: str(inputs.name, `${name}-7d8e9f`),
            };
        case "aws:s3/bucket:Bucket":
            return {
                id: `${name}-4d5e6f`,
                bucket: str(inputs.bucket, `${name}-4d5e6f`),
                arn: `arn:aws:s3:::${str(inputs.bucket, `${name}-4d5e6f`)}`,
            };
        case "aws:ecr/pullThroughCacheRule:PullThroughCacheRule":
        case "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate":
        case "aws:ecr/registryPolicy:RegistryPolicy":
        case "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration":
            return { id: `${name}-id`, registryId: account };
        default:
            return { id: `${name}-id` };
    }
}

/** The outputs the mock provider computes for `type` (unknown in a preview), auto-names aside (known at Check). */
export function providerComputedOutputs(type: string): string[] {
    const auto = AUTONAMED[type]?.prop;
    return Object.keys(computedOutputs(type, "x", {}, ACCOUNT, "us-east-1")).filter(k => k !== auto);
}

function providerName(reference: string): string | undefined {
    // "<urn>::<id>", the urn ending in "::<name>"
    const parts = reference.split("::");
    return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}

/** Resource references as the engine marshals them without KeepResources: a custom resource's id, else its URN. */
function fromSdkWire(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(fromSdkWire);
    }
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === RESOURCE_REFERENCE_SIG) {
            return typeof record.id === "string" && record.id !== "" ? record.id : record.urn;
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromSdkWire(v)]));
    }
    return value;
}

interface MonitorLike {
    registerResource(req: RegisterRequest, callback: (error: Error | null, response: RegisterResponse) => void): void;
    registerResourceOutputs(req: OutputsRequest, callback: (error: Error | null, response: unknown) => void): void;
}
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getCustom(): boolean;
    getParent(): string;
    getProvider(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(f: (deps: { getUrnsList(): string[] }, prop: string) => void): void };
    getObject(): Struct | undefined;
}
interface RegisterResponse {
    getUrn(): string;
    getId(): string;
}
interface OutputsRequest {
    getUrn(): string;
    getOutputs(): Struct | undefined;
}

const AWS_VERSION = "7.48.0";

/**
 * Runs `program` under mocks (inside the root stack, as `pulumi up`/`preview` run a program) and returns the engine's
 * view.
 */
export async function runEngineProgram<T>(
    program: () => Promise<T> | T,
    options: EngineRunOptions,
): Promise<EngineStack & { result?: T }> {
    const stackName = options.stack ?? "dev";
    const region = options.config["aws:region"] ?? "us-east-1";
    const providerAccounts = new Map<string, string>();
    const providerRegions = new Map<string, string>();
    const accountOf = (reference: string | undefined): string => {
        const name = reference === undefined || reference === "" ? undefined : providerName(reference);
        return (name !== undefined ? options.accounts?.[name] : undefined) ?? ACCOUNT;
    };
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const given = args.inputs as Record<string, unknown>;
                if (args.type.startsWith("pulumi:providers:")) {
                    providerAccounts.set(args.name, options.accounts?.[args.name] ?? ACCOUNT);
                    providerRegions.set(args.name, typeof given.region === "string" ? given.region : region);
                    return { id: options.preview ? "" : `${args.name}-provider-id`, state: given };
                }
                const inputs = withAutoName(args.type, args.name, given);
                if (options.preview) {
                    return { id: "", state: inputs };
                }
                const name = args.provider ? providerName(args.provider) : undefined;
                const computed = computedOutputs(
                    args.type,
                    args.name,
                    inputs,
                    accountOf(args.provider),
                    (name !== undefined ? providerRegions.get(name) : undefined) ?? region,
                );
                return { id: String(computed.id), state: { ...inputs, ...computed } };
            },
            call(args) {
                return mockInvoke(args.token, args.inputs as Record<string, unknown>, accountOf(args.provider));
            },
        },
        PROJECT,
        stackName,
        options.preview,
    );
    pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);

    const monitor = settings.getMonitor() as unknown as MonitorLike;
    const registrations: Registration[] = [];
    const stackOutputs = new Map<string, Record<string, unknown>>();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) =>
        register(req, (error, response) => {
            if (error === null) {
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((deps, prop) => {
                    propertyDependencies[prop] = deps.getUrnsList();
                });
                registrations.push({
                    type: req.getType(),
                    name: req.getName(),
                    custom: req.getCustom(),
                    parent: req.getParent(),
                    provider: req.getProvider(),
                    dependencies: req.getDependenciesList(),
                    propertyDependencies,
                    inputs: fromSdkWire(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
                    mockUrn: response.getUrn(),
                    id: response.getId(),
                });
            }
            callback(error, response);
        });
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, callback) => {
        stackOutputs.set(req.getUrn(), fromSdkWire(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>);
        registerOutputs(req, callback);
    };

    let result: T | undefined;
    let error: Error | undefined;
    try {
        await pulumi.runtime.runInPulumiStack(async () => {
            result = await program();
            return {};
        });
    } catch (caught) {
        error = caught as Error;
    }
    await pulumi.runtime.disconnect();
    const resources = engineResources(registrations, stackOutputs, {
        stackName,
        region,
        preview: options.preview,
        accountOf,
        providerRegions,
    });
    return {
        preview: options.preview,
        resources,
        ...(error !== undefined ? { error } : {}),
        ...(result !== undefined ? { result } : {}),
    };
}

interface BuildContext {
    stackName: string;
    region: string;
    preview: boolean;
    accountOf(reference: string | undefined): string;
    providerRegions: Map<string, string>;
}

/** The engine's `news`: full parent type chain in URNs, a default aws provider, outputs per resource. */
function engineResources(
    registrations: readonly Registration[],
    stackOutputs: Map<string, Record<string, unknown>>,
    context: BuildContext,
): EngineResource[] {
    const urnPrefix = `urn:pulumi:${context.stackName}::${PROJECT}::`;
    const engineUrns = new Map<string, string>();
    for (const r of registrations) {
        const parentUrn = r.parent === "" ? undefined : engineUrns.get(r.parent);
        const parentType = parentUrn?.split("::")[2];
        const type =
            parentType !== undefined && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${r.type}` : r.type;
        engineUrns.set(r.mockUrn, `${urnPrefix}${type}::${r.name}`);
    }
    const urnOf = (mockUrn: string) => engineUrns.get(mockUrn) ?? mockUrn;
    const defaultProvider = `${urnPrefix}pulumi:providers:aws::default_${AWS_VERSION.replace(/\./g, "_")}`;
    const resources: EngineResource[] = [];
    if (registrations.some(r => r.custom && r.type.startsWith("aws:") && r.provider === "")) {
        resources.push({
            urn: defaultProvider,
            type: "pulumi:providers:aws",
            name: defaultProvider.split("::").pop() ?? "default",
            custom: true,
            parent: "",
            dependencies: [],
            propertyDependencies: {},
            properties: { region: context.region, version: AWS_VERSION },
        });
    }
    for (const r of registrations) {
        const providerRef = r.provider === "" ? undefined : r.provider.split("::").slice(0, -1).join("::");
        const inputs = r.custom ? withAutoName(r.type, r.name, r.inputs) : r.inputs;
        let properties: Record<string, unknown>;
        if (!r.custom) {
            properties = stackOutputs.get(r.mockUrn) ?? {};
        } else if (r.type.startsWith("pulumi:providers:")) {
            properties = inputs;
        } else {
            const name = r.provider === "" ? undefined : providerName(r.provider);
            const computed = computedOutputs(
                r.type,
                r.name,
                inputs,
                context.accountOf(r.provider),
                (name !== undefined ? context.providerRegions.get(name) : undefined) ?? context.region,
            );
            properties = { ...inputs };
            for (const [key, value] of Object.entries(computed)) {
                if (!context.preview) {
                    properties[key] = key in inputs ? inputs[key] : value;
                } else if (!(key in inputs)) {
                    properties[key] = Array.isArray(value) ? UNKNOWN_WIRE.array : UNKNOWN_WIRE.string;
                }
            }
        }
        resources.push({
            urn: urnOf(r.mockUrn),
            type: r.type,
            name: r.name,
            custom: r.custom,
            parent: r.parent === "" ? "" : urnOf(r.parent),
            ...(r.custom && r.type.startsWith("aws:")
                ? { provider: providerRef !== undefined ? urnOf(providerRef) : defaultProvider }
                : {}),
            dependencies: r.dependencies.map(urnOf),
            propertyDependencies: Object.fromEntries(
                Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map(urnOf)]),
            ),
            properties,
        });
    }
    return resources;
}

/**
 * After an update the AWS provider reads a role's inline policies back into `inlinePolicies`, RolePolicy documents
 * included, and `[{name: "", policy: ""}]` when there are none. Done when the stack is handed to the policies, so
 * that a test's change to a RolePolicy shows in its role as it would after `up`.
 */
function readBackInlinePolicies(resources: readonly EngineResource[]): EngineResource[] {
    const rolePolicies = resources.filter(r => r.type === "aws:iam/rolePolicy:RolePolicy");
    return resources.map(role => {
        if (role.type !== "aws:iam/role:Role") {
            return role;
        }
        const attached = rolePolicies.filter(p => {
            const linked = "role" in p.propertyDependencies && p.propertyDependencies.role.includes(role.urn);
            return p.properties.role === role.properties.name || linked;
        });
        const inlinePolicies =
            attached.length > 0
                ? attached.map(p => ({ name: p.properties.name, policy: p.properties.policy }))
                : [{ name: "", policy: "" }];
        return { ...role, properties: { ...role.properties, inlinePolicies } };
    });
}

/** Engine wire properties -> what @pulumi/policy hands a policy (SkipInternalKeys, then its deserializer and proxy). */
function policyProps(properties: Record<string, unknown>): Record<string, unknown> {
    const wire = Object.fromEntries(
        Object.entries(properties).filter(([k, v]) => !k.startsWith("__") && v !== undefined),
    );
    const struct = Struct.fromJavaScript(
        JSON.parse(JSON.stringify(wire)) as Parameters<typeof Struct.fromJavaScript>[0],
    );
    return policySdk.proxy.unknownCheckingProxy(policySdk.deserialize.deserializeProperties(struct, false));
}

const NO_OPTIONS: PolicyResource["opts"] = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    additionalSecretOutputs: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
};

/** The PolicyResources a stack policy gets for `stack`, as @pulumi/policy's Analyzer server builds them. */
export function enginePolicyResources(stack: EngineStack): PolicyResource[] {
    const resources = stack.preview ? stack.resources : readBackInlinePolicies(stack.resources);
    const byUrn = new Map(resources.map(r => [r.urn, r]));
    const converted = new Map<string, PolicyResource>();
    for (const r of resources) {
        const props = policyProps(r.properties);
        const providerResource = r.provider !== undefined ? byUrn.get(r.provider) : undefined;
        const provider: PolicyProviderResource | undefined =
            providerResource === undefined
                ? undefined
                : {
                      type: providerResource.type,
                      urn: providerResource.urn,
                      name: providerResource.name,
                      props: policyProps(providerResource.properties),
                  };
        converted.set(r.urn, {
            type: r.type,
            name: r.name,
            urn: r.urn,
            props,
            opts: NO_OPTIONS,
            dependencies: [],
            propertyDependencies: {},
            ...(provider !== undefined ? { provider } : {}),
            isType: () => false,
            asType: () => undefined,
        });
    }
    for (const r of resources) {
        const target = converted.get(r.urn);
        if (target === undefined) {
            continue;
        }
        const find = (urns: readonly string[]) =>
            urns.map(u => converted.get(u)).filter((x): x is PolicyResource => x !== undefined);
        target.dependencies = find(r.dependencies);
        target.propertyDependencies = Object.fromEntries(
            Object.entries(r.propertyDependencies)
                .filter(([, v]) => v.length > 0)
                .map(([k, v]) => [k, find(v)]),
        );
        const parent = converted.get(r.parent);
        if (parent !== undefined) {
            target.parent = parent;
        }
    }
    return [...converted.values()];
}

/** The program's own stack from `config`, after `up` or in its first preview. */
export async function runOmicsStack(
    config: ConfigMap,
    secretKeys: string[],
    preview: boolean,
    program: ProgramOptions = {},
): Promise<EngineStack> {
    const run = await runEngineProgram(() => runOmicsRegistryMaps(program), { config, secretKeys, preview });
    return {
        preview: run.preview,
        resources: run.resources,
        ...(run.error !== undefined ? { error: run.error } : {}),
        ...(run.result !== undefined ? { outputs: run.result } : {}),
    };
}

function findOne(stack: EngineStack, type: string, name: string): EngineResource {
    const found = stack.resources.filter(r => r.type === type && r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
    }
    return found[0];
}

/** A copy of the stack where the resource of `type` named `name` has its properties changed by `change`. */
export function changeProperties(
    stack: EngineStack,
    type: string,
    name: string,
    change: (properties: Record<string, unknown>) => Record<string, unknown>,
): EngineStack {
    const target = findOne(stack, type, name);
    return {
        ...stack,
        resources: stack.resources.map(r =>
            r === target
                ? { ...r, properties: change(JSON.parse(JSON.stringify(r.properties)) as Record<string, unknown>) }
                : r,
        ),
    };
}

/** A copy of the stack without the resource of `type` named `name` (and the engine's links to it). */
export function removeResource(stack: EngineStack, type: string, name: string): EngineStack {
    const target = findOne(stack, type, name);
    const drop = (urns: readonly string[]) => urns.filter(u => u !== target.urn);
    return {
        ...stack,
        resources: stack.resources
            .filter(r => r !== target)
            .map(r => ({
                ...r,
                dependencies: drop(r.dependencies),
                propertyDependencies: Object.fromEntries(
                    Object.entries(r.propertyDependencies).map(([k, v]) => [k, drop(v)]),
                ),
            })),
    };
}

/** Whether a wire value is (or holds) the engine's unknown marker. */
export function holdsUnknown(value: unknown): boolean {
    if (typeof value === "string") {
        return Object.values<string>(UNKNOWN_WIRE).includes(value);
    }
    if (typeof value === "object" && value !== null) {
        return Object.values(value).some(holdsUnknown);
    }
    return false;
}
