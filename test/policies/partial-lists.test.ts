// Policies never treat a partial list as complete (issue 11.1): while a map's content is unknown (its copy-registry
// secrets do not exist yet), the copy prefixes it declares are unknown, so no policy may call a prefix undeclared.
// Hand-made stacks, each starting from the passing program-like stack and changing one thing; the previews are the
// stacks declared under Pulumi's mock runtime in preview mode, or one map's content made unknown.
import * as assert from "assert/strict";
import {
    imageMappingsInsidePrefixes,
    omicsRoleMatchesRules,
    policies,
    registryPolicyMatchesRules,
} from "../../policy-pack/policies";
import { UnknownProps } from "../harness/policy-stack";
import { imageMappingsOf, Statement } from "./fixtures/documents";
import { editMap, editPolicy, HOST, programLikeStack, REGISTRY_ARN, T, urn } from "./fixtures/stacks";
import { expectNone, expectOne, violationsOf } from "./helpers";

const DEFAULT_MAP = "map-default-3f2a";
const QUAY_MAP = "map-quay-only-9c1d";
/** The default map (the one naming the copy registries' secrets) not known yet, as in a first preview. */
const DEFAULT_MAP_UNKNOWN: UnknownProps[] = [{ type: `${T.object}::${DEFAULT_MAP}`, props: ["content"] }];
/** The same stack with the default map's content known to declare no copy registry at all. */
const withoutCopies = () =>
    editMap(programLikeStack(), DEFAULT_MAP, d => {
        d.registryMappings = d.registryMappings.filter(e => e.credentialArn === undefined);
        d.imageMappings = imageMappingsOf(d).filter(m => !m.destinationImage.includes("/us-gcr/"));
    });

describe("no policy treats a partial list of prefixes as complete (hand-made stacks)", () => {
    it(
        "the program-like stack passes every policy with the copy registries' map unknown, and in its " +
            "engine-style preview",
        async () => {
            for (const policy of policies) {
                await expectNone(policy, programLikeStack(), { unknown: DEFAULT_MAP_UNKNOWN });
                await expectNone(policy, programLikeStack(), { preview: true });
            }
        },
    );

    it(
        "omics-role-ecr-matches-pull-through-rules: the role's copy prefixes are not 'undeclared' while the " +
            "map is unknown",
        async () => {
            await expectNone(omicsRoleMatchesRules, programLikeStack(), { unknown: DEFAULT_MAP_UNKNOWN });
            // once the map is known and declares no copy registry, the same grants are undeclared
            const found = await violationsOf(omicsRoleMatchesRules, withoutCopies());
            assert.deepEqual(
                found
                    .map(v => /covers prefix '([^']+)', which no pull-through cache rule declares/.exec(v.message)?.[1])
                    .sort(),
                ["seqera-community", "us-gcr"],
            );
            assert.ok(found.every(v => v.urn === urn(T.role, "omics-service-role")));
        },
    );

    it(
        "omics-role-ecr-matches-pull-through-rules still rejects a grant wider than a prefix while the map is " +
            "unknown",
        async () => {
            const wide = editPolicy(programLikeStack(), "omics-run-permissions", d => {
                d.Statement.push({ Effect: "Allow", Action: "ecr:*", Resource: `${REGISTRY_ARN}/*` });
            });
            await expectOne(
                omicsRoleMatchesRules,
                wide,
                [`grants on '${REGISTRY_ARN}/*'`],
                urn(T.role, "omics-service-role"),
                { unknown: DEFAULT_MAP_UNKNOWN },
            );
        },
    );

    it(
        "image-mappings-inside-pull-through-prefixes: a known map's destination under a copy prefix of the " +
            "unknown map is not judged",
        async () => {
            const underCopy = editMap(programLikeStack(), QUAY_MAP, d => {
                imageMappingsOf(d)[0].destinationImage = `${HOST}/us-gcr/broad-gatk/gatk:4.6.0.2`;
            });
            await expectNone(imageMappingsInsidePrefixes, underCopy, { unknown: DEFAULT_MAP_UNKNOWN });
            await expectNone(imageMappingsInsidePrefixes, underCopy);
            const outside = editMap(programLikeStack(), QUAY_MAP, d => {
                imageMappingsOf(d)[0].destinationImage = `${HOST}/eu-gcr/broad-gatk/gatk:4.6.0.2`;
            });
            await expectOne(
                imageMappingsInsidePrefixes,
                outside,
                ["is not under a pull-through cache prefix"],
                urn(T.object, QUAY_MAP),
            );
        },
    );

    it(
        "registry-policy-matches-pull-through-rules: a kept statement on a copy prefix is not judged while the " +
            "map is unknown",
        async () => {
            const kept: Statement = {
                Sid: "TeamCopies",
                Effect: "Allow",
                Principal: "*",
                Action: "ecr:CreateRepository",
                Resource: `${REGISTRY_ARN}/us-gcr/*`,
            };
            const withKept = (stack: ReturnType<typeof programLikeStack>) =>
                editPolicy(stack, "registry-policy", d => {
                    d.Statement.push(kept);
                });
            await expectNone(registryPolicyMatchesRules, withKept(programLikeStack()), {
                unknown: DEFAULT_MAP_UNKNOWN,
            });
            await expectOne(
                registryPolicyMatchesRules,
                withKept(withoutCopies()),
                ["Statement 'TeamCopies'"],
                urn(T.registryPolicy, "registry-policy"),
            );
        },
    );
});
