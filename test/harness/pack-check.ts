// The pack's mandatory policies on the program's stack for a config, after `up` and in an engine-style first preview
// (the real program under Pulumi's mock runtime, policies on the engine's encoding): every valid config must pass.
import * as assert from "assert/strict";
import { policies } from "../../policy-pack/policies";
import { ProgramOptions } from "../../components/omics-registry-maps";
import { enginePolicyResources, runOmicsStack } from "./engine-stack";
import { runPolicy } from "./policy-stack";
import { ConfigMap } from "./stack-config";

const MANDATORY = policies.filter(p => p.enforcementLevel === "mandatory");

/** `policy: message` of every mandatory violation of the program's stack for `config`. */
export async function mandatoryViolations(
    config: ConfigMap,
    secretKeys: string[],
    preview: boolean,
    program: ProgramOptions = {},
): Promise<string[]> {
    const stack = await runOmicsStack(config, secretKeys, preview, program);
    assert.equal(stack.error, undefined, stack.error?.message);
    const resources = enginePolicyResources(stack);
    const found: string[] = [];
    for (const policy of MANDATORY) {
        found.push(...(await runPolicy(policy, resources)).map(v => `${policy.name}: ${v.message}`));
    }
    return found;
}

/** Asserts the stack for `config` passes every mandatory policy after `up` and in its first preview. */
export async function expectPackPasses(config: ConfigMap, secretKeys: string[]): Promise<void> {
    assert.deepEqual(await mandatoryViolations(config, secretKeys, false), [], "the pack after up");
    assert.deepEqual(await mandatoryViolations(config, secretKeys, true), [], "the pack in the first preview");
}
