// Runs the Pulumi program under Pulumi's mock runtime and records every resource it declares.
import * as assert from "assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ProgramOptions, runOmicsRegistryMaps, StackOutputs } from "../../components/omics-registry-maps";
import { isRecord } from "../../config/problems";
import { ConfigMap, PROJECT } from "./stack-config";

export const ACCOUNT = "123456789012";

export interface MockedResource {
    type: string;
    name: string;
    custom: boolean;
    id: string;
    /** Inputs as the engine received them; secret values keep their secret wrapper. */
    inputs: Record<string, unknown>;
    /** What the mock returned as the resource's state: the inputs plus computed ARNs and names. */
    state: Record<string, unknown>;
    /** The resource options the program gave (recorded by a stack transformation, as the engine would receive them). */
    options: pulumi.CustomResourceOptions;
}

export interface ProgramRun {
    resources: MockedResource[];
    outputs?: StackOutputs;
    error?: Error;
}

/** Id and computed state the way AWS would fill them: bucket and role ids are their names, secrets get ARNs. */
function computed(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    region: string,
): { id: string; state: Record<string, unknown> } {
    switch (type) {
        case "aws:secretsmanager/secret:Secret": {
            const arn = `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${String(inputs.name)}-AbCdEf`;
            return { id: arn, state: { arn } };
        }
        case "aws:secretsmanager/secretVersion:SecretVersion":
            // The version's ARN outputs are the secret's ARN (its secretId here, since a mocked secret's id is its
            // ARN).
            return {
                id: `${String(inputs.secretId)}|version-1`,
                state: { arn: inputs.secretId, secretArn: inputs.secretId, versionId: "version-1" },
            };
        case "aws:iam/role:Role":
            return {
                id: `${name}-1a2b3c`,
                state: { name: `${name}-1a2b3c`, arn: `arn:aws:iam::${ACCOUNT}:role/${name}-1a2b3c` },
            };
        case "aws:s3/bucket:Bucket":
            return { id: `${name}-4d5e6f`, state: { bucket: `${name}-4d5e6f`, arn: `arn:aws:s3:::${name}-4d5e6f` } };
        default:
            return { id: `${name}-id`, state: { arn: `arn:aws:mock:${region}:${ACCOUNT}:${type}/${name}` } };
    }
}

/** KMS key id each existing secret reports, by ARN (absent: the default aws/secretsmanager key). */
export const SECRET_KMS_KEYS = new Map<string, string>();

/** The mock AWS provider's answers to the program's data-source calls, for a provider deployed to `account`. */
export function mockInvoke(
    token: string,
    args: Record<string, unknown>,
    account: string = ACCOUNT,
): Record<string, unknown> {
    switch (token) {
        case "aws:secretsmanager/getSecret:getSecret": {
            const arn = String(args.arn);
            if (SECRET_KMS_KEYS.get(arn) === "<lookup fails>") {
                throw new Error("AccessDeniedException: not authorized to perform secretsmanager:DescribeSecret");
            }
            return { arn, id: arn, name: arn.split(":secret:")[1], kmsKeyId: SECRET_KMS_KEYS.get(arn) ?? "" };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: account, arn: `arn:aws:iam::${account}:user/ci`, userId: "AIDACI", id: account };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
        default:
            throw new Error(`unexpected invoke ${token}`);
    }
}

/** A mocked resource's or call's inputs, which @pulumi/pulumi's mock interfaces type as `any`: always an object. */
function inputsOf(inputs: unknown, what: string): Record<string, unknown> {
    if (!isRecord(inputs)) {
        throw new Error(`the mock runtime passed ${what} inputs that are not an object`);
    }
    return inputs;
}

/** Runs the program with `config` (secret keys listed in `secretKeys`); never throws, the error is returned. */
export async function runProgram(
    config: ConfigMap,
    secretKeys: string[] = [],
    programOptions: ProgramOptions = {},
): Promise<ProgramRun> {
    const resources: MockedResource[] = [];
    const options = new Map<string, pulumi.CustomResourceOptions>();
    const region = config["aws:region"] ?? "us-east-1";
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const inputs = inputsOf(args.inputs, `${args.type} ${args.name}`);
                const { id, state: computedState } = computed(args.type, args.name, inputs, region);
                const state = { ...inputs, ...computedState };
                if (args.type !== "pulumi:pulumi:Stack") {
                    resources.push({
                        type: args.type,
                        name: args.name,
                        custom: args.custom ?? true,
                        id,
                        inputs,
                        state,
                        options: options.get(`${args.type}::${args.name}`) ?? {},
                    });
                }
                return { id, state };
            },
            call(args) {
                return mockInvoke(args.token, inputsOf(args.inputs, args.token));
            },
        },
        PROJECT,
        "dev",
        false,
    );
    pulumi.runtime.setAllConfig(config, secretKeys);
    try {
        let outputs: StackOutputs | undefined;
        // Inside a root stack, as `pulumi up` runs a program, so that a stack transformation sees every resource's
        // options.
        await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation(args => {
                options.set(`${args.type}::${args.name}`, args.opts);
                return undefined;
            });
            outputs = await runOmicsRegistryMaps(programOptions);
            return {};
        });
        await pulumi.runtime.disconnect();
        return { resources, outputs };
    } catch (error) {
        await pulumi.runtime.disconnect();
        return { resources, error: error as Error };
    }
}

/** The run's stack outputs, failing the test (with the program's error) when the program returned none. */
export function outputsOf(run: ProgramRun): StackOutputs {
    assert.ok(run.outputs !== undefined, run.error?.message ?? "the program returned no stack outputs");
    return run.outputs;
}

/** The value of an output of a finished mock run. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise(resolve => output.apply(value => resolve(value)));
}

export function customResources(run: ProgramRun, type?: string): MockedResource[] {
    return run.resources.filter(r => r.custom && (type === undefined || r.type === type));
}
