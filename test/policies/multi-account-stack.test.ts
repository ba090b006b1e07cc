// A stack written by hand with two explicit AWS providers (two accounts, each with its own rules, templates,
// registry policy, scanning, HealthOmics role and map) is judged registry by registry. Layers: the hand-written
// program runs under Pulumi's mock runtime, after `up` and in an engine-style first preview (the mock provider
// computes nothing in preview); the policies get the engine's encoding through @pulumi/policy's deserializer.
import * as assert from "assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackValidationPolicy } from "@pulumi/policy";
import {
    imageMappingsInsidePrefixes,
    policies,
    registryPolicyMatchesRules,
    registryPolicyNamesOwnRegistry,
    scanningCoversPrefixes,
} from "../../policy-pack/policies";
import {
    changeProperties,
    EngineStack,
    enginePolicyResources,
    runEngineProgram,
    runOmicsStack,
} from "../harness/engine-stack";
import { runPolicy, Violation } from "../harness/policy-stack";
import { devStackConfig } from "../harness/stack-config";

const REGION = "us-east-1";
const ACCOUNTS = { "account-a": "111122223333", "account-b": "444455556666" } as const;
type AccountName = keyof typeof ACCOUNTS;
/** Each account's pull-through cache rules; both cache quay.io under the same prefix, each in its own registry. */
const RULES: Record<AccountName, { prefix: string; upstream: string }[]> = {
    "account-a": [
        { prefix: "quay", upstream: "quay.io" },
        { prefix: "ecr-public", upstream: "public.ecr.aws" },
    ],
    "account-b": [
        { prefix: "quay", upstream: "quay.io" },
        { prefix: "k8s", upstream: "registry.k8s.io" },
    ],
};

interface Variant {
    /** Account A's registry policy names account B's repositories (a copy-paste mistake). */
    crossAccountPolicy?: boolean;
    /**
     * The providers name no account (no allowedAccountIds, no assumed role): in a first preview no account is known.
     */
    unpinnedProviders?: boolean;
    /** Account A declares a second registry policy and a second scanning configuration. */
    secondPolicyInA?: boolean;
}

const json = (value: unknown) => JSON.stringify(value);
const LIFECYCLE = json({
    rules: [
        {
            rulePriority: 1,
            description: "expire images not pulled for 90 days",
            selection: { tagStatus: "any", countType: "sinceImagePulled", countUnit: "days", countNumber: 90 },
            action: { type: "expire" },
        },
    ],
});

/** One account's share of the stack, every resource managed by that account's provider. */
function declareAccount(name: AccountName, variant: Variant): void {
    const account = ACCOUNTS[name];
    const provider = new aws.Provider(
        name,
        variant.unpinnedProviders === true
            ? { region: REGION }
            : {
                  region: REGION,
                  allowedAccountIds: [account],
                  assumeRoles: [{ roleArn: `arn:aws:iam::${account}:role/deploy` }],
              },
    );
    const opts = { provider };
    const identity = aws.getCallerIdentityOutput({}, { provider });
    const rules = RULES[name];
    for (const { prefix, upstream } of rules) {
        new aws.ecr.PullThroughCacheRule(
            `${name}-${prefix}`,
            { ecrRepositoryPrefix: prefix, upstreamRegistryUrl: upstream },
            opts,
        );
        new aws.ecr.RepositoryCreationTemplate(
            `${name}-${prefix}`,
            {
                prefix,
                appliedFors: ["PULL_THROUGH_CACHE"],
                imageTagMutability: "MUTABLE",
                lifecyclePolicy: LIFECYCLE,
                repositoryPolicy: json({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "OmicsPull",
                            Effect: "Allow",
                            Principal: { Service: "omics.amazonaws.com" },
                            Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                        },
                    ],
                }),
            },
            opts,
        );
    }
    const policyAccount =
        variant.crossAccountPolicy === true && name === "account-a"
            ? pulumi.output(ACCOUNTS["account-b"])
            : identity.accountId;
    const registryPolicy = (logicalName: string) =>
        new aws.ecr.RegistryPolicy(
            logicalName,
            {
                policy: policyAccount.apply(id =>
                    json({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "OmicsPullThroughCache",
                                Effect: "Allow",
                                Principal: { Service: "omics.amazonaws.com" },
                                Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
                                Resource: rules.map(r => `arn:aws:ecr:${REGION}:${id}:repository/${r.prefix}/*`),
                            },
                        ],
                    }),
                ),
            },
            opts,
        );
    registryPolicy(`${name}-registry-policy`);
    if (variant.secondPolicyInA === true && name === "account-a") {
        registryPolicy(`${name}-second-registry-policy`);
    }
    const scanning = (logicalName: string) =>
        new aws.ecr.RegistryScanningConfiguration(
            logicalName,
            {
                scanType: "BASIC",
                rules: [
                    {
                        scanFrequency: "SCAN_ON_PUSH",
                        repositoryFilters: rules.map(r => ({ filter: `${r.prefix}/*`, filterType: "WILDCARD" })),
                    },
                ],
            },
            opts,
        );
    scanning(`${name}-scanning`);
    if (variant.secondPolicyInA === true && name === "account-a") {
        scanning(`${name}-second-scanning`);
    }
    const role = new aws.iam.Role(
        `${name}-omics-role`,
        {
            assumeRolePolicy: json({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Principal: { Service: "omics.amazonaws.com" }, Action: "sts:AssumeRole" },
                ],
            }),
        },
        opts,
    );
    new aws.iam.RolePolicy(
        `${name}-omics-ecr`,
        {
            role: role.id,
            policy: identity.accountId.apply(id =>
                json({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: [
                                "ecr:BatchGetImage",
                                "ecr:GetDownloadUrlForLayer",
                                "ecr:BatchCheckLayerAvailability",
                            ],
                            Resource: rules.map(r => `arn:aws:ecr:${REGION}:${id}:repository/${r.prefix}/*`),
                        },
                        { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
                    ],
                }),
            ),
        },
        opts,
    );
    const bucket = new aws.s3.Bucket(`${name}-maps`, {}, opts);
    new aws.s3.BucketObjectv2(
        `${name}-map`,
        {
            bucket: bucket.id,
            key: "container-registry-maps/default.json",
            contentType: "application/json",
            content: identity.accountId.apply(id =>
                json({
                    registryMappings: rules.map(r => ({
                        upstreamRegistryUrl: r.upstream,
                        ecrRepositoryPrefix: r.prefix,
                    })),
                    imageMappings: [
                        {
                            sourceImage: "quay.io/biocontainers/bwa:0.7.17--hed695b0_7",
                            destinationImage:
                                `${id}.dkr.ecr.${REGION}.amazonaws.com` + "/quay/biocontainers/bwa:0.7.17--hed695b0_7",
                        },
                    ],
                }),
            ),
        },
        opts,
    );
}

async function twoAccountStack(preview: boolean, variant: Variant = {}): Promise<EngineStack> {
    const run = await runEngineProgram(
        () => {
            declareAccount("account-a", variant);
            declareAccount("account-b", variant);
        },
        { config: { "aws:region": REGION }, preview, accounts: ACCOUNTS },
    );
    assert.equal(run.error, undefined, run.error?.message);
    return run;
}

function urnOf(stack: EngineStack, type: string, name: string): string {
    const found = stack.resources.find(r => r.type === type && r.name === name);
    assert.ok(found !== undefined, `${type} ${name} is in the stack`);
    return found.urn;
}

async function allViolations(stack: EngineStack): Promise<(Violation & { policy: string })[]> {
    const resources = enginePolicyResources(stack);
    const found: (Violation & { policy: string })[] = [];
    for (const policy of policies) {
        found.push(...(await runPolicy(policy, resources)).map(v => ({ ...v, policy: policy.name })));
    }
    return found;
}

const REGISTRY_POLICY = "aws:ecr/registryPolicy:RegistryPolicy";
const MAP_OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2";
const SCANNING = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration";

for (const preview of [false, true]) {
    const mode = preview ? "in its first preview" : "after up";
    describe(`a stack with two AWS providers for two accounts, ${mode} (hand-written program under mocks)`, () => {
        it("passes every policy of the pack", async () => {
            const stack = await twoAccountStack(preview);
            if (preview) {
                const rule = stack.resources.find(r => r.type === "aws:ecr/pullThroughCacheRule:PullThroughCacheRule");
                assert.equal(
                    rule?.properties.registryId,
                    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
                    "registryId is unknown in a first preview",
                );
            }
            assert.deepEqual(
                (await allViolations(stack)).map(v => `${v.policy}: ${v.message}`),
                [],
            );
        });

        it(
            "passes every policy when the providers do not " + "name their accounts (unknown in a first preview)",
            async () => {
                const stack = await twoAccountStack(preview, { unpinnedProviders: true });
                assert.deepEqual(
                    (await allViolations(stack)).map(v => `${v.policy}: ${v.message}`),
                    [],
                );
            },
        );

        it(
            "rejects account A's registry policy when it names account B's repositories, on that registry " +
                "policy only",
            async () => {
                const stack = await twoAccountStack(preview, { crossAccountPolicy: true });
                const found = await allViolations(stack);
                const policyUrn = urnOf(stack, REGISTRY_POLICY, "account-a-registry-policy");
                assert.ok(found.length >= 1, "the cross-account registry policy is rejected");
                for (const v of found) {
                    assert.equal(v.policy, registryPolicyNamesOwnRegistry.name, v.message);
                    assert.equal(v.urn, policyUrn, v.message);
                    assert.match(
                        v.message,
                        /in account 444455556666, but this stack's registry is in account 111122223333/,
                    );
                }
            },
        );

        it("does not hold account A's correct map destinations against the wrong registry policy text", async () => {
            const stack = await twoAccountStack(preview, { crossAccountPolicy: true });
            assert.deepEqual(await runPolicy(imageMappingsInsidePrefixes, enginePolicyResources(stack)), []);
        });

        it(
            "counts registry policies and scanning configurations per account: second ones in A are reported " +
                "on A's, not B's",
            async () => {
                const stack = await twoAccountStack(preview, { secondPolicyInA: true });
                const resources = enginePolicyResources(stack);
                /** The URNs of `policy`'s violations whose message contains `fragment`, and the messages. */
                const reported = async (policy: StackValidationPolicy, fragment: string) => {
                    const found = (await runPolicy(policy, resources)).filter(v => v.message.includes(fragment));
                    return { urns: found.map(v => v.urn).sort(), messages: found.map(v => v.message) };
                };
                const policiesOfA = await reported(registryPolicyMatchesRules, "one registry policy per account");
                const expected = (type: string, names: string[]) => names.map(n => urnOf(stack, type, n)).sort();
                assert.deepEqual(
                    policiesOfA.urns,
                    expected(REGISTRY_POLICY, ["account-a-registry-policy", "account-a-second-registry-policy"]),
                );
                assert.match(policiesOfA.messages[0], /declares 2 for account 111122223333 in us-east-1/);
                const scanningOfA = await reported(scanningCoversPrefixes, "one registry scanning configuration");
                assert.deepEqual(
                    scanningOfA.urns,
                    expected(SCANNING, ["account-a-scanning", "account-a-second-scanning"]),
                );
            },
        );

        it("rejects account A's map when it points into account B, on A's map", async () => {
            const stack = changeProperties(await twoAccountStack(preview), MAP_OBJECT, "account-a-map", p => {
                if (typeof p.content !== "string" || !p.content.startsWith("{")) {
                    return p;
                }
                const document = JSON.parse(p.content) as { imageMappings: { destinationImage: string }[] };
                document.imageMappings[0].destinationImage = document.imageMappings[0].destinationImage.replace(
                    "111122223333",
                    "444455556666",
                );
                return { ...p, content: json(document) };
            });
            const found = await runPolicy(imageMappingsInsidePrefixes, enginePolicyResources(stack));
            assert.equal(found.length, 1, found.map(v => v.message).join("\n"));
            assert.equal(found[0].urn, urnOf(stack, MAP_OBJECT, "account-a-map"));
            assert.match(
                found[0].message,
                new RegExp(
                    /points into account 444455556666 in us-east-1, but this stack's registry is account /.source +
                        /111122223333 in us-east-1/.source,
                ),
            );
        });
    });
}

describe(
    "image-mappings-inside-pull-through-prefixes takes the registry from provider-computed values (dev stack " +
        "under mocks)",
    () => {
        it(
            "a registry policy naming the wrong account does " + "not make the map's correct destinations look wrong",
            async () => {
                const { config, secretKeys } = devStackConfig();
                const own = await runOmicsStack(config, secretKeys, false);
                assert.equal(own.error, undefined, own.error?.message);
                const wrongPolicy = changeProperties(own, REGISTRY_POLICY, "omics-pull-through-cache", p => ({
                    ...p,
                    policy: String(p.policy).replace(/:123456789012:/g, ":999999999999:"),
                }));
                assert.deepEqual(await runPolicy(imageMappingsInsidePrefixes, enginePolicyResources(wrongPolicy)), []);
                const named = await runPolicy(registryPolicyNamesOwnRegistry, enginePolicyResources(wrongPolicy));
                assert.ok(
                    named.length > 0 && named.every(v => v.message.includes("in account 999999999999")),
                    named.map(v => v.message).join("\n"),
                );
            },
        );
    },
);
