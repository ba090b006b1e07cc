// The policy pack, called directly on the program's own stacks (real program under Pulumi's mock runtime, after `up`
// and in an engine-style first preview; policies get the engine's encoding through @pulumi/policy's own
// deserializer and unknown-value proxy) and on broken variants of them.
import * as assert from "assert/strict";
import { StackValidationPolicy } from "@pulumi/policy";
import {
    copyRegistryCredentials,
    credentialSecretNames,
    imageMappingsInsidePrefixes,
    omicsRoleMatchesRules,
    policies,
    registryMapMatchesRules,
    registryPolicyMatchesRules,
    ruleHasCreationTemplate,
} from "../../policy-pack/policies";
import {
    changeProperties,
    EngineStack,
    enginePolicyResources,
    removeResource,
    runOmicsStack,
    UNKNOWN_WIRE,
} from "../harness/engine-stack";
import { runPolicy, Violation } from "../harness/policy-stack";
import { devStackConfig, gatkStackConfig } from "../harness/stack-config";
import {
    DocumentReader,
    hasAction,
    imageMappingsOf,
    jsonObject,
    listOf,
    PolicyDocument,
    policyDocument,
    principalOf,
    RegistryMap,
    registryMap,
    rewriteJson,
    statementWithAction,
} from "./fixtures/documents";

const T = {
    rule: "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
    template: "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
    registryPolicy: "aws:ecr/registryPolicy:RegistryPolicy",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    object: "aws:s3/bucketObjectv2:BucketObjectv2",
    bucket: "aws:s3/bucket:Bucket",
};
const REGISTRY = "arn:aws:ecr:us-east-1:123456789012:repository";
const HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

let own: EngineStack;
/** The dev stack in its first preview, as the engine makes it: whatever the provider computes is unknown. */
let ownPreview: EngineStack;
/** The logical name of the program's (default) map object. */
let mapObject: string;

async function programStack(config: ReturnType<typeof devStackConfig>, preview: boolean): Promise<EngineStack> {
    const stack = await runOmicsStack(config.config, config.secretKeys, preview);
    assert.equal(stack.error, undefined, stack.error?.message);
    return stack;
}

before(async () => {
    own = await programStack(devStackConfig(), false);
    ownPreview = await programStack(devStackConfig(), true);
    const maps = own.resources.filter(
        r => r.type === T.object && String(r.properties.content).includes("registryMappings"),
    );
    assert.ok(maps.length >= 1, "the program declares a registry map object");
    mapObject = maps[0].name;
});

/** Where in a map's registryMappings the entry for `upstream` is. */
function entryIndex(document: RegistryMap, upstream: string): number {
    const index = document.registryMappings.findIndex(e => e.upstreamRegistryUrl === upstream);
    assert.ok(index >= 0, `the map has an entry for ${upstream}`);
    return index;
}

async function violations(policy: StackValidationPolicy, stack: EngineStack): Promise<Violation[]> {
    return runPolicy(policy, enginePolicyResources(stack));
}

/** The engine URN of the program's resource of `type` named `name` (its parents' types included). */
function urnOf(type: string, name: string): string {
    const found = own.resources.find(r => r.type === type && r.name === name);
    assert.ok(found !== undefined, `the program declares ${type} ${name}`);
    return found.urn;
}

/** Exactly one violation, containing every fragment. */
async function expectOne(
    policy: StackValidationPolicy,
    stack: EngineStack,
    fragments: string[],
    urn?: string,
): Promise<void> {
    const found = await violations(policy, stack);
    assert.equal(found.length, 1, `expected one violation, got:\n${found.map(v => v.message).join("\n")}`);
    for (const fragment of fragments) {
        assert.ok(found[0].message.includes(fragment), `expected "${fragment}" in: ${found[0].message}`);
    }
    if (urn !== undefined) {
        assert.equal(found[0].urn, urn);
    }
}

/** A copy of the stack with every property of every custom resource unknown: the worst case of a preview. */
function everythingUnknown(stack: EngineStack): EngineStack {
    return {
        ...stack,
        resources: stack.resources.map(r =>
            r.custom && !r.type.startsWith("pulumi:providers:")
                ? {
                      ...r,
                      properties: Object.fromEntries(
                          Object.keys(r.properties).map(k => [
                              k,
                              Array.isArray(r.properties[k]) ? UNKNOWN_WIRE.array : UNKNOWN_WIRE.string,
                          ]),
                      ),
                  }
                : r,
        ),
    };
}

/** A change of a resource's state: its JSON text property `prop`, read by `read`, edited by `edit`. */
function editJson<D>(
    prop: string,
    read: DocumentReader<D>,
    edit: (document: D) => void,
): (state: Record<string, unknown>) => Record<string, unknown> {
    return state => ({ ...state, [prop]: rewriteJson(state[prop], prop, read, edit) });
}

/** The Resource list of the role's statement that lets runs pull cached images. */
const ecrResources = (d: PolicyDocument) => listOf(statementWithAction(d, "ecr:BatchGetImage"), "Resource");

describe("policy pack on the program's own resources", () => {
    it("keeps the six mandatory stack policies of the first release, by name and in order, then the new ones", () => {
        assert.deepEqual(
            policies.map(p => [p.name, p.enforcementLevel]),
            [
                ["pull-through-rule-has-creation-template", "mandatory"],
                ["registry-policy-matches-pull-through-rules", "mandatory"],
                ["omics-role-ecr-matches-pull-through-rules", "mandatory"],
                ["registry-map-matches-pull-through-rules", "mandatory"],
                ["image-mappings-inside-pull-through-prefixes", "mandatory"],
                ["credential-secret-name-prefix", "mandatory"],
                ["creation-template-has-custom-role", "mandatory"],
                ["pull-through-cache-tags-mutable", "mandatory"],
                ["registry-policy-names-own-registry", "mandatory"],
                ["copy-registry-credentials-readable", "mandatory"],
                ["organization-conventions", "mandatory"],
                ["pull-through-template-has-lifecycle-policy", "advisory"],
                ["scanning-covers-prefixes", "advisory"],
                ["image-mappings-pinned", "advisory"],
                ["registry-policy-account-grants", "advisory"],
            ],
        );
        assert.ok(
            policies.every(p => "validateStack" in p),
            "every policy is a stack policy",
        );
    });

    for (const policy of policies) {
        it(`${policy.name} passes after an update`, async () => {
            assert.deepEqual(await violations(policy, own), []);
        });
        it(
            `${policy.name} passes in an engine-style first preview (provider-computed values and what derives from ` +
                `them unknown)`,
            async () => {
                assert.deepEqual(await violations(policy, ownPreview), []);
            },
        );
        it(`${policy.name} neither crashes nor guesses when every property is unknown`, async () => {
            assert.deepEqual(await violations(policy, everythingUnknown(ownPreview)), []);
        });
    }
});

describe("pull-through-rule-has-creation-template", () => {
    it("fails a rule whose prefix has no template, naming the prefix", async () => {
        await expectOne(
            ruleHasCreationTemplate,
            removeResource(own, T.template, "quay"),
            ["Pull-through cache rule for prefix 'quay' has no repository creation template with prefix 'quay'"],
            urnOf(T.rule, "quay"),
        );
    });

    it("fails a template with the rule's prefix that is not applied for PULL_THROUGH_CACHE", async () => {
        const replicationOnly = changeProperties(own, T.template, "docker-hub", s => ({
            ...s,
            appliedFors: ["REPLICATION"],
        }));
        await expectOne(
            ruleHasCreationTemplate,
            replicationOnly,
            ["template for prefix 'docker-hub' is not applied for PULL_THROUGH_CACHE"],
            urnOf(T.rule, "docker-hub"),
        );
    });

    it("fails a template whose prefix has a typo", async () => {
        const typo = changeProperties(own, T.template, "ecr-public", s => ({ ...s, prefix: "ecr-pubilc" }));
        await expectOne(ruleHasCreationTemplate, typo, ["prefix 'ecr-public'"]);
    });
});

describe("registry-policy-matches-pull-through-rules", () => {
    const registryPolicy = (edit: (document: PolicyDocument) => void) =>
        changeProperties(own, T.registryPolicy, "omics-pull-through-cache", editJson("policy", policyDocument, edit));

    it("fails a prefix that no rule declares", async () => {
        const extra = registryPolicy(d => listOf(d.Statement[0], "Resource").push(`${REGISTRY}/biocontainers/*`));
        await expectOne(
            registryPolicyMatchesRules,
            extra,
            ["covers prefix 'biocontainers', which no pull-through cache rule declares"],
            urnOf(T.registryPolicy, "omics-pull-through-cache"),
        );
    });

    it("fails a rule's prefix that the policy does not cover", async () => {
        const missing = registryPolicy(d => listOf(d.Statement[0], "Resource").pop());
        await expectOne(registryPolicyMatchesRules, missing, ["does not cover prefix 'ecr-public'"]);
    });

    it("fails a grant wider than a prefix", async () => {
        const wide = registryPolicy(d => listOf(d.Statement[0], "Resource").push(`${REGISTRY}/*`));
        await expectOne(registryPolicyMatchesRules, wide, [
            `grants on '${REGISTRY}/*', which is not limited to one pull-through cache prefix`,
        ]);
    });

    it("fails actions beyond CreateRepository and BatchImportUpstreamImage", async () => {
        const more = registryPolicy(d => listOf(d.Statement[0], "Action").push("ecr:PutImage"));
        await expectOne(registryPolicyMatchesRules, more, ["allows ecr:putimage to omics.amazonaws.com"]);
    });

    it("fails when the registry policy is missing, naming the prefixes", async () => {
        await expectOne(registryPolicyMatchesRules, removeResource(own, T.registryPolicy, "omics-pull-through-cache"), [
            "No ECR registry policy lets omics.amazonaws.com create repositories for the pull-through " +
                "cache prefixes docker-hub, ecr-public, quay",
        ]);
    });
});

describe("omics-role-ecr-matches-pull-through-rules", () => {
    const rolePolicy = (edit: (document: PolicyDocument) => void, stack: EngineStack = own) =>
        changeProperties(stack, T.rolePolicy, "omics-run-permissions", editJson("policy", policyDocument, edit));

    it("fails a role that misses a rule's prefix, also in a preview", async () => {
        const withoutQuay = (d: PolicyDocument) =>
            ecrResources(d).splice(
                ecrResources(d).findIndex(r => r.endsWith("/quay/*")),
                1,
            );
        const message = ["HealthOmics role 'omics-service-role' (ECR statements) does not cover prefix 'quay'"];
        await expectOne(omicsRoleMatchesRules, rolePolicy(withoutQuay), message, urnOf(T.role, "omics-service-role"));
        await expectOne(
            omicsRoleMatchesRules,
            rolePolicy(withoutQuay, ownPreview),
            message,
            urnOf(T.role, "omics-service-role"),
        );
    });

    it("fails a role granting ECR on a prefix no rule declares", async () => {
        const extra = rolePolicy(d => ecrResources(d).push(`${REGISTRY}/private-tools/*`));
        await expectOne(omicsRoleMatchesRules, extra, [
            "covers prefix 'private-tools', which no pull-through cache rule declares",
        ]);
    });

    it("fails a role granting ECR on every repository", async () => {
        const wide = rolePolicy(d => d.Statement.push({ Effect: "Allow", Action: "ecr:*", Resource: "*" }));
        await expectOne(omicsRoleMatchesRules, wide, [
            "grants on '*', which is not limited to one pull-through cache prefix",
        ]);
    });

    it("fails when no role trusts omics.amazonaws.com", async () => {
        const untrusted = changeProperties(
            own,
            T.role,
            "omics-service-role",
            editJson("assumeRolePolicy", policyDocument, d => {
                principalOf(d.Statement[0]).Service = "ec2.amazonaws.com";
            }),
        );
        await expectOne(omicsRoleMatchesRules, untrusted, ["No IAM role trusts omics.amazonaws.com"]);
    });
});

describe("registry-map-matches-pull-through-rules", () => {
    const map = (edit: (document: RegistryMap) => void, stack: EngineStack = own) =>
        changeProperties(stack, T.object, mapObject, editJson("content", registryMap, edit));
    let quay = -1;
    before(() => {
        map(d => {
            quay = entryIndex(d, "quay.io");
        });
    });

    it("fails a prefix typo in registryMappings, also in a preview", async () => {
        const typo = (d: RegistryMap) => {
            d.registryMappings[entryIndex(d, "quay.io")].ecrRepositoryPrefix = "qauy";
        };
        const message = [
            `registryMappings[${quay}] names ecrRepositoryPrefix 'qauy', which no pull-through cache rule declares ` +
                `(declared: docker-hub, ecr-public, quay)`,
        ];
        await expectOne(registryMapMatchesRules, map(typo), message, urnOf(T.object, mapObject));
        await expectOne(registryMapMatchesRules, map(typo, ownPreview), message, urnOf(T.object, mapObject));
    });

    it("fails an upstream URL that differs from the rule's", async () => {
        const wrongUpstream = map(d => {
            d.registryMappings[entryIndex(d, "quay.io")].upstreamRegistryUrl = "ghcr.io";
        });
        await expectOne(registryMapMatchesRules, wrongUpstream, [
            "maps prefix 'quay' to upstreamRegistryUrl 'ghcr.io', but the pull-through cache rule for " +
                "'quay' pulls from 'quay.io'",
        ]);
    });

    it("ignores S3 objects that are not registry maps", async () => {
        const other = changeProperties(
            own,
            T.object,
            mapObject,
            editJson("content", jsonObject, d => {
                delete d.registryMappings;
                delete d.imageMappings;
                d.unrelated = true;
            }),
        );
        assert.deepEqual(await violations(registryMapMatchesRules, other), []);
    });
});

describe("image-mappings-inside-pull-through-prefixes", () => {
    const destination = (value: string) =>
        changeProperties(
            own,
            T.object,
            mapObject,
            editJson("content", registryMap, d => {
                imageMappingsOf(d)[0].destinationImage = value;
            }),
        );

    it("fails a destination outside the declared prefixes", async () => {
        await expectOne(imageMappingsInsidePrefixes, destination(`${HOST}/dockerhub/library/ubuntu:latest`), [
            `imageMappings[0] destinationImage '${HOST}/dockerhub/library/ubuntu:latest' is not under a ` +
                `pull-through cache prefix (declared: docker-hub, ecr-public, quay)`,
        ]);
    });

    it("fails a destination in another region", async () => {
        await expectOne(
            imageMappingsInsidePrefixes,
            destination("123456789012.dkr.ecr.us-west-2.amazonaws.com/docker-hub/library/ubuntu:latest"),
            [
                "points into account 123456789012 in us-west-2, but this stack's registry is account " +
                    "123456789012 in us-east-1",
            ],
        );
    });

    it("fails a destination in another account", async () => {
        await expectOne(
            imageMappingsInsidePrefixes,
            destination("999999999999.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/ubuntu:latest"),
            ["points into account 999999999999 in us-east-1"],
        );
    });

    it("fails a destination that is not an ECR image URI", async () => {
        await expectOne(imageMappingsInsidePrefixes, destination("docker.io/library/ubuntu:latest"), [
            '"docker.io/library/ubuntu:latest" is not an ECR image URI',
        ]);
    });
});

describe("credential-secret-name-prefix", () => {
    const renamed = (stack: EngineStack = own) =>
        changeProperties(stack, T.secret, "docker-hub", s => ({ ...s, name: "dockerhub-creds" }));

    it("fails a credential secret named outside ecr-pullthroughcache/, naming the rule's prefix", async () => {
        await expectOne(
            credentialSecretNames,
            renamed(),
            [
                "Pull-through cache rule for prefix 'docker-hub' uses credential secret 'dockerhub-creds', " +
                    "whose name does not start with 'ecr-pullthroughcache/'",
            ],
            urnOf(T.rule, "docker-hub"),
        );
    });

    it("finds the secret through the rule's dependency in a preview, when its ARN is unknown", async () => {
        await expectOne(
            credentialSecretNames,
            renamed(ownPreview),
            ["uses credential secret 'dockerhub-creds'"],
            urnOf(T.rule, "docker-hub"),
        );
    });

    it("fails an existing secret ARN whose name is outside ecr-pullthroughcache/", async () => {
        const existing = changeProperties(removeResource(own, T.secret, "docker-hub"), T.rule, "docker-hub", s => ({
            ...s,
            credentialArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:team/docker-hub-Ab12Cd",
        }));
        await expectOne(credentialSecretNames, existing, [
            "prefix 'docker-hub' uses credential secret 'team/docker-hub'",
        ]);
    });
});

describe(
    "policy pack on the program's gatk stack (HealthOmics-copy registries us.gcr.io and " + "community.wave.seqera.io)",
    () => {
        let gatk: EngineStack;
        let gatkPreview: EngineStack;
        before(async () => {
            gatk = await programStack(gatkStackConfig(), false);
            gatkPreview = await programStack(gatkStackConfig(), true);
        });

        it(
            "in its first preview the map objects' content is unknown (it names the copy secrets' ARNs, not " +
                "created yet)",
            () => {
                const maps = gatkPreview.resources.filter(r => r.type === T.object);
                assert.ok(maps.length > 0 && maps.every(r => r.properties.content === UNKNOWN_WIRE.string));
            },
        );

        for (const policy of policies) {
            it(`${policy.name} passes after an update and in an engine-style first preview`, async () => {
                assert.deepEqual(await violations(policy, gatk), []);
                assert.deepEqual(await violations(policy, gatkPreview), []);
            });
        }

        it(
            "in that preview, a grant on a prefix declared nowhere is still reported, with the copy prefixes " +
                "unknown",
            async () => {
                const extra = changeProperties(
                    gatkPreview,
                    T.rolePolicy,
                    "omics-run-permissions",
                    editJson("policy", policyDocument, d => {
                        ecrResources(d).push(`${REGISTRY}/*`);
                    }),
                );
                await expectOne(
                    omicsRoleMatchesRules,
                    extra,
                    [`grants on '${REGISTRY}/*'`],
                    urnOf(T.role, "omics-service-role"),
                );
            },
        );

        it(
            "the program's copy secrets are what the copy-registry check reads: dropping the role's grant is " +
                "reported",
            async () => {
                const unreadable = changeProperties(
                    gatk,
                    T.rolePolicy,
                    "omics-run-permissions",
                    editJson("policy", policyDocument, d => {
                        d.Statement = d.Statement.filter(s => !hasAction(s, "secretsmanager:GetSecretValue"));
                    }),
                );
                const found = await violations(copyRegistryCredentials, unreadable);
                assert.deepEqual(
                    found.map(v => /\((.+?)\) credentialArn/.exec(v.message)?.[1]).sort(),
                    ["community.wave.seqera.io", "us.gcr.io"],
                    found.map(v => v.message).join("\n"),
                );
            },
        );
    },
);
