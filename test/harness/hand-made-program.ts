// Declares a hand-made stack (the resources as they are after `up`, with the engine's property dependencies) as a
// Pulumi program of generic custom resources, so that its first preview is made the way the engine makes one: the
// mock provider computes nothing, and every input taken from another resource's computed output is unknown.
import * as pulumi from "@pulumi/pulumi";
import { EngineStack, providerComputedOutputs, runEngineProgram } from "./engine-stack";
import { HandMadeResource } from "./policy-stack";

/** A custom resource of any type, with the given inputs (undefined ones are outputs only). */
class GenericResource extends pulumi.CustomResource {}

/** Dependencies before dependents (the engine registers them in that order). */
function ordered(specs: readonly HandMadeResource[]): HandMadeResource[] {
    const done = new Set<string>();
    const out: HandMadeResource[] = [];
    const visit = (spec: HandMadeResource, path: string[]) => {
        if (done.has(spec.name)) {
            return;
        }
        if (path.includes(spec.name)) {
            throw new Error(`dependency cycle: ${[...path, spec.name].join(" -> ")}`);
        }
        for (const name of Object.values(spec.dependsOn ?? {}).flat()) {
            const target = specs.find(s => s.name === name);
            if (target === undefined) {
                throw new Error(`${spec.name} depends on ${name}, which is not in the stack`);
            }
            visit(target, [...path, spec.name]);
        }
        done.add(spec.name);
        out.push(spec);
    };
    specs.forEach(s => visit(s, []));
    return out;
}

/**
 * The stack's first preview. An input that depends on another resource takes that resource's output whose after-up
 * value it equals (its `id` when none does); provider-computed properties are outputs only.
 */
export async function handMadePreview(specs: readonly HandMadeResource[], region = "us-east-1"): Promise<EngineStack> {
    const run = await runEngineProgram(
        () => {
            const declared = new Map<string, pulumi.CustomResource>();
            for (const spec of ordered(specs)) {
                const computed = providerComputedOutputs(spec.type);
                const inputs: Record<string, unknown> = {};
                for (const [key, value] of Object.entries(spec.props)) {
                    if (key === "id") {
                        continue; // every custom resource's id is the provider's
                    }
                    const from = spec.dependsOn?.[key]?.[0];
                    if (computed.includes(key)) {
                        inputs[key] = undefined; // an output the provider fills in
                    } else if (from !== undefined) {
                        const target = specs.find(s => s.name === from);
                        const resource = declared.get(from);
                        const output = Object.entries(target?.props ?? {}).find(
                            ([k, v]) => k !== "id" && JSON.stringify(v) === JSON.stringify(value),
                        )?.[0];
                        inputs[key] =
                            output === undefined
                                ? resource?.id
                                : (resource as unknown as Record<string, pulumi.Output<unknown>>)[output];
                    } else {
                        inputs[key] = value;
                    }
                }
                declared.set(spec.name, new GenericResource(spec.type, spec.name, inputs));
            }
        },
        { config: { "aws:region": region }, preview: true },
    );
    if (run.error !== undefined) {
        throw run.error;
    }
    return run;
}
