// The pack's AWSGuard-style options (packSetup) and config schemas. The PolicyPack itself is not constructed here,
// since that starts the Analyzer server; analyzer-harness (../shared/tools) runs it through the real protocol.
import * as assert from "assert/strict";
import Ajv from "ajv";
import { packSetup } from "../../policy-pack/pack-options";
import { policies } from "../../policy-pack/policies";

describe("pack options (OmicsRegistryMapsPolicies)", () => {
    it("without options keeps each policy's own level and hands the engine no initial config", () => {
        const { policies: configured, initialConfig } = packSetup();
        assert.deepEqual(
            configured.map(p => [p.name, p.enforcementLevel]),
            policies.map(p => [p.name, p.enforcementLevel]),
        );
        assert.deepEqual(initialConfig, {});
    });

    it("`all` sets every level; a policy's own entry wins, and config objects reach the initial config", () => {
        const { policies: configured, initialConfig } = packSetup({
            all: "advisory",
            "pull-through-template-has-lifecycle-policy": "advisory",
            "image-mappings-pinned": "mandatory",
            "organization-conventions": {
                enforcementLevel: "mandatory",
                upstreamPrefixes: { "registry-1.docker.io": "docker-hub" },
            },
        });
        const level = (name: string) => configured.find(p => p.name === name)?.enforcementLevel;
        assert.equal(level("registry-policy-matches-pull-through-rules"), "advisory");
        assert.equal(level("image-mappings-pinned"), "mandatory");
        assert.equal(level("organization-conventions"), "mandatory");
        assert.deepEqual(initialConfig["organization-conventions"], {
            enforcementLevel: "mandatory",
            upstreamPrefixes: { "registry-1.docker.io": "docker-hub" },
        });
        assert.equal(initialConfig["image-mappings-pinned"], "mandatory");
        assert.equal(
            initialConfig["pull-through-template-has-lifecycle-policy"],
            undefined,
            "a level equal to the policy's own needs no entry",
        );
        assert.equal(initialConfig["registry-policy-matches-pull-through-rules"], "advisory");
    });

    it("refuses an unknown policy name, listing the real ones", () => {
        assert.throws(
            () => packSetup({ "image-mapping-pinned": "mandatory" }),
            /Unknown policy name image-mapping-pinned; the pack's policies are .*image-mappings-pinned/,
        );
    });

    it("every config schema is valid JSON schema without an enforcementLevel property (the SDK refuses one)", () => {
        const configurable = policies.filter(p => p.configSchema !== undefined);
        assert.deepEqual(
            configurable.map(p => p.name),
            ["organization-conventions", "image-mappings-pinned"],
        );
        for (const policy of configurable) {
            assert.equal(policy.configSchema?.properties.enforcementLevel, undefined);
            assert.doesNotThrow(() => new Ajv({ strict: false }).compile({ type: "object", ...policy.configSchema }));
        }
    });

    it("policy names are unique", () => {
        assert.equal(new Set(policies.map(p => p.name)).size, policies.length);
    });
});
