// Small lookups over the resources of a mock run, shared by the program tests.
import * as assert from "assert/strict";
import { customResources, MockedResource, ProgramRun } from "../harness/mock-program";

/** The one custom resource of `type` (named `name`), failing the test when there is not exactly one. */
export function only(run: ProgramRun, type: string, name?: string): MockedResource {
    const found = customResources(run, type).filter(r => name === undefined || r.name === name);
    assert.equal(found.length, 1, `expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
    return found[0];
}

/** A JSON document property, parsed. */
export function json(value: unknown): Record<string, unknown> {
    assert.equal(typeof value, "string");
    return JSON.parse(value as string) as Record<string, unknown>;
}
