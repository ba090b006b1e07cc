// Assertions shared by the policy tests: run one policy on a hand-made stack and compare its violations.
import * as assert from "assert/strict";
import { StackValidationPolicy } from "@pulumi/policy";
import { enginePolicyResources } from "../harness/engine-stack";
import { handMadePreview } from "../harness/hand-made-program";
import {
    HandMadeResource,
    handMadeResources,
    PolicyConfigEntry,
    runPolicy,
    UnknownProps,
    Violation,
} from "../harness/policy-stack";

/** `value`, failing the test with "expected <what>" when it is undefined or null. */
export function must<T>(value: T | undefined | null, what: string): T {
    assert.ok(value !== undefined && value !== null, `expected ${what}`);
    return value;
}

export interface RunOptions {
    unknown?: UnknownProps[];
    /** Judge the stack's first preview, made the way the engine makes it (the stack declared under mocks). */
    preview?: boolean;
    config?: PolicyConfigEntry;
}

export async function violationsOf(
    policy: StackValidationPolicy,
    stack: readonly HandMadeResource[],
    options: RunOptions = {},
): Promise<Violation[]> {
    const resources =
        options.preview === true
            ? enginePolicyResources(await handMadePreview(stack))
            : handMadeResources(stack, options.unknown);
    return runPolicy(policy, resources, options.config);
}

export async function expectNone(
    policy: StackValidationPolicy,
    stack: readonly HandMadeResource[],
    options: RunOptions = {},
): Promise<void> {
    const found = await violationsOf(policy, stack, options);
    assert.deepEqual(
        found.map(v => v.message),
        [],
        `expected no violation of ${policy.name}`,
    );
}

/** Exactly one violation, containing every fragment (and on `urn` when given). */
export async function expectOne(
    policy: StackValidationPolicy,
    stack: readonly HandMadeResource[],
    fragments: string[],
    urn?: string,
    options: RunOptions = {},
): Promise<Violation> {
    const found = await violationsOf(policy, stack, options);
    assert.equal(
        found.length,
        1,
        `expected one violation of ${policy.name}, got:\n${found.map(v => v.message).join("\n")}`,
    );
    for (const fragment of fragments) {
        assert.ok(found[0].message.includes(fragment), `expected "${fragment}" in: ${found[0].message}`);
    }
    if (urn !== undefined) {
        assert.equal(found[0].urn, urn);
    }
    return found[0];
}

/** Every property of every resource of the stack unknown, as in a preview of a stack whose inputs are all computed. */
export function everythingUnknown(stack: readonly HandMadeResource[]): UnknownProps[] {
    return stack.map(r => ({ type: `${r.type}::${r.name}`, props: Object.keys(r.props) }));
}
