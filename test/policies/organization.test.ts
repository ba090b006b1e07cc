// organization-conventions with and without CrossGuard policy config; the harness validates each config against the
// policy's configSchema and applies its defaults, as the engine does before Configure.
import * as assert from "assert/strict";
import { organizationConventions } from "../../policy-pack/policies";
import { listOf } from "./fixtures/documents";
import { ACCOUNT, edit, editPolicy, programLikeStack, T, urn } from "./fixtures/stacks";
import { expectNone, expectOne, violationsOf } from "./helpers";

const messages = async (stack = programLikeStack(), config?: Record<string, unknown>) =>
    (await violationsOf(organizationConventions, stack, { config })).map(v => v.message);

describe("organization-conventions", () => {
    it("checks nothing without config (today's behaviour), even on a stack that breaks every convention", async () => {
        const odd = edit(programLikeStack(), "rule-docker-hub", p => {
            p.ecrRepositoryPrefix = "dockerhub";
        });
        await expectNone(organizationConventions, odd);
        await expectNone(organizationConventions, odd, { config: "mandatory" });
    });

    it("passes the program-like stack with conventions it follows", async () => {
        await expectNone(organizationConventions, programLikeStack(), {
            config: {
                upstreamPrefixes: { "registry-1.docker.io": "docker-hub", "us.gcr.io": "us-gcr" },
                allowedUpstreamHosts: [
                    "registry-1.docker.io",
                    "quay.io",
                    "public.ecr.aws",
                    "us.gcr.io",
                    "community.wave.seqera.io",
                ],
                allowedAccounts: [ACCOUNT],
                allowedRegions: ["us-east-1"],
            },
        });
    });

    it(
        "upstreamPrefixes: names the rule and every map " + "entry (alias hosts included) that use another prefix",
        async () => {
            const found = await messages(programLikeStack(), {
                upstreamPrefixes: { "registry-1.docker.io": "dockerhub" },
            });
            assert.deepEqual(found, [
                "Pull-through cache rule for 'registry-1.docker.io' uses prefix 'docker-hub', but this " +
                    "organization's prefix for 'registry-1.docker.io' is 'dockerhub'",
                "Container registry map 'map-default-3f2a' registryMappings[0] maps 'registry-1.docker.io' to " +
                    "prefix 'docker-hub', but this organization's prefix for 'registry-1.docker.io' is 'dockerhub'",
                "Container registry map 'map-default-3f2a' registryMappings[3] maps 'docker.io' to prefix " +
                    "'docker-hub', but this organization's prefix for 'registry-1.docker.io' is 'dockerhub'",
            ]);
        },
    );

    it("allowedUpstreamHosts: rejects a host not listed; an alias passes when its upstream is listed", async () => {
        const found = await messages(programLikeStack(), {
            allowedUpstreamHosts: ["registry-1.docker.io", "quay.io", "public.ecr.aws", "community.wave.seqera.io"],
        });
        assert.deepEqual(found, [
            "Container registry map 'map-default-3f2a' registryMappings[4] names upstream 'us.gcr.io', " +
                "which is not an allowed upstream host (allowed: registry-1.docker.io, quay.io, " +
                "public.ecr.aws, community.wave.seqera.io)",
        ]);
    });

    it(
        "allowedAccounts: rejects the stack's own account, " + "and an account its documents name, also in a preview",
        async () => {
            const stackAccount = await messages(programLikeStack(), { allowedAccounts: ["999999999999"] });
            assert.ok(
                stackAccount[0].startsWith(
                    "This stack deploys to account 111122223333, which is not an allowed account (allowed: " +
                        "999999999999)",
                ),
                stackAccount.join("\n"),
            );
            const placeholder = editPolicy(programLikeStack(), "registry-policy", d => {
                listOf(d.Statement[0], "Resource")[0] = "arn:aws:ecr:us-east-1:123456789012:repository/docker-hub/*";
            });
            const stackWide = [...new Set(programLikeStack().map(r => r.type))].map(type => ({
                type,
                props: ["registryId", "arn", "id"],
            }));
            await expectOne(
                organizationConventions,
                placeholder,
                [
                    "Registry policy 'registry-policy' resource " +
                        "'arn:aws:ecr:us-east-1:123456789012:repository/docker-hub/*' names account 123456789012, " +
                        "which is not an allowed account",
                ],
                urn(T.registryPolicy, "registry-policy"),
                { unknown: stackWide, config: { allowedAccounts: [ACCOUNT] } },
            );
        },
    );

    it("allowedRegions: rejects the stack's region and image URIs in other regions", async () => {
        const found = await messages(programLikeStack(), { allowedRegions: ["eu-west-1"] });
        assert.ok(
            found.includes(
                "This stack deploys to region us-east-1, which is not an allowed region (allowed: eu-west-1)",
            ),
            found.join("\n"),
        );
        assert.ok(
            found.some(m =>
                m.startsWith(
                    "Container registry map 'map-quay-only-9c1d' imageMappings[0] destinationImage names " +
                        "region us-east-1",
                ),
            ),
            found.join("\n"),
        );
    });

    it("the engine refuses config that does not match the schema", async () => {
        await assert.rejects(
            messages(programLikeStack(), { allowedAccounts: ["12345"] }),
            /does not match its configSchema/,
        );
        await assert.rejects(
            messages(programLikeStack(), { upstreamPrefixes: { "quay.io": 7 } }),
            /does not match its configSchema/,
        );
    });
});
