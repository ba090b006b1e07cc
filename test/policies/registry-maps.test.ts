// registry-map-matches-pull-through-rules, image-mappings-inside-pull-through-prefixes and image-mappings-pinned
// on hand-made stacks with several map objects, copy registries and alias hosts (policies called directly).
import * as assert from "assert/strict";
import { imageMappingsInsidePrefixes, imageMappingsPinned, registryMapMatchesRules } from "../../policy-pack/policies";
import { imageMappingsOf, mappingFor, RegistryMap } from "./fixtures/documents";
import { editMap, editPolicy, HOST, programLikeStack, T, urn } from "./fixtures/stacks";
import { everythingUnknown, expectNone, expectOne, violationsOf } from "./helpers";

const MAP = "map-default-3f2a";
const SECOND = "map-quay-only-9c1d";
const map = (name: string, change: (d: RegistryMap) => void) => editMap(programLikeStack(), name, change);
const destination = (value: string, name = MAP) =>
    map(name, d => {
        imageMappingsOf(d)[0].destinationImage = value;
    });

describe("registry-map-matches-pull-through-rules with copy registries and alias hosts", () => {
    it(
        "passes maps with copy-registry entries (no rule " + "needed) and docker.io mapped to Docker Hub's prefix",
        async () => {
            await expectNone(registryMapMatchesRules, programLikeStack());
            await expectNone(registryMapMatchesRules, programLikeStack(), {
                unknown: everythingUnknown(programLikeStack()),
            });
        },
    );

    it("checks every map object, naming the one that is wrong", async () => {
        await expectOne(
            registryMapMatchesRules,
            map(SECOND, d => {
                d.registryMappings[0].ecrRepositoryPrefix = "qauy";
            }),
            ["Container registry map 'map-quay-only-9c1d' registryMappings[0] names ecrRepositoryPrefix 'qauy'"],
            urn(T.object, SECOND),
        );
    });

    it("rejects a copy-registry entry without credentialArn", async () => {
        await expectOne(
            registryMapMatchesRules,
            map(MAP, d => {
                delete mappingFor(d, "us.gcr.io").credentialArn;
            }),
            ["maps HealthOmics-copy registry 'us.gcr.io' to prefix 'us-gcr' without a credentialArn"],
        );
    });

    it("rejects a copy-registry entry that reuses a pull-through prefix", async () => {
        await expectOne(
            registryMapMatchesRules,
            map(MAP, d => {
                mappingFor(d, "us.gcr.io").ecrRepositoryPrefix = "quay";
            }),
            [
                "maps HealthOmics-copy registry 'us.gcr.io' to prefix 'quay', which the pull-through cache " +
                    "rule for 'quay.io' already uses",
            ],
        );
    });

    it("rejects an alias host mapped to another upstream's rule", async () => {
        await expectOne(
            registryMapMatchesRules,
            map(MAP, d => {
                mappingFor(d, "docker.io").ecrRepositoryPrefix = "quay";
            }),
            [
                "maps prefix 'quay' to upstreamRegistryUrl 'docker.io', but the pull-through cache rule " +
                    "for 'quay' pulls from 'quay.io'",
            ],
        );
    });
});

describe("image-mappings-inside-pull-through-prefixes: partition host, Docker Hub library/, copy prefixes", () => {
    it("passes destinations under pull-through and copy prefixes in every map, also in previews", async () => {
        await expectNone(imageMappingsInsidePrefixes, programLikeStack());
        await expectNone(imageMappingsInsidePrefixes, programLikeStack(), {
            unknown: everythingUnknown(programLikeStack()),
        });
    });

    it("rejects the aws-cn host suffix in a commercial region", async () => {
        await expectOne(imageMappingsInsidePrefixes, destination(`${HOST}.cn/docker-hub/library/ubuntu:22.04`), [
            "has the wrong host: ECR hosts in partition aws (region us-east-1) end in .amazonaws.com, not " +
                ".amazonaws.com.cn",
        ]);
    });

    it("rejects the commercial host suffix in a China region", async () => {
        const cn = "111122223333.dkr.ecr.cn-north-1.amazonaws.com/docker-hub/library/ubuntu:22.04";
        const found = await violationsOf(imageMappingsInsidePrefixes, destination(cn));
        assert.ok(
            found.some(v =>
                v.message.includes(
                    "ECR hosts in partition aws-cn (region cn-north-1) end in .amazonaws.com.cn, not .amazonaws.com",
                ),
            ),
            found.map(v => v.message).join("\n"),
        );
    });

    it("rejects a Docker Hub official image without library/, suggesting the library/ path", async () => {
        await expectOne(imageMappingsInsidePrefixes, destination(`${HOST}/docker-hub/ubuntu:22.04`), [
            `'${HOST}/docker-hub/ubuntu:22.04' names Docker Hub image 'ubuntu' without its namespace`,
            "use 'docker-hub/library/ubuntu:22.04'",
        ]);
        await expectNone(imageMappingsInsidePrefixes, destination(`${HOST}/docker-hub/broadinstitute/gatk:4.6.0.2`));
    });

    it("lists copy prefixes among the declared ones, and checks the second map too", async () => {
        await expectOne(
            imageMappingsInsidePrefixes,
            destination(`${HOST}/eu-gcr/x/y:1`, SECOND),
            [
                "Container registry map 'map-quay-only-9c1d' imageMappings[0]",
                "is not under a pull-through cache prefix (declared: docker-hub, ecr-public, quay, " +
                    "seqera-community, us-gcr)",
            ],
            urn(T.object, SECOND),
        );
    });

    it("knows the stack's registry from the provider's values when the registry policy says nothing", async () => {
        const noPolicyPrefixes = editPolicy(
            destination(`999999999999.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/ubuntu:22.04`),
            "registry-policy",
            d => {
                d.Statement = d.Statement.slice(1);
            },
        );
        const found = await violationsOf(imageMappingsInsidePrefixes, noPolicyPrefixes);
        assert.ok(
            found.some(v =>
                v.message.includes(
                    "points into account 999999999999 in us-east-1, but this stack's registry is account " +
                        "111122223333 in us-east-1",
                ),
            ),
            found.map(v => v.message).join("\n"),
        );
    });
});

describe("image-mappings-pinned (advisory, configurable)", () => {
    it("passes tags other than latest and digests", async () => {
        await expectNone(imageMappingsPinned, programLikeStack());
        await expectNone(imageMappingsPinned, programLikeStack(), { unknown: everythingUnknown(programLikeStack()) });
    });

    it("reports :latest and a missing tag", async () => {
        await expectOne(
            imageMappingsPinned,
            destination(`${HOST}/docker-hub/library/ubuntu:latest`),
            ["imageMappings[0] destinationImage", "is not pinned"],
            urn(T.object, MAP),
        );
        await expectOne(imageMappingsPinned, destination(`${HOST}/docker-hub/library/ubuntu`), ["is not pinned"]);
    });

    it("with requireDigest, reports tags and still accepts digests", async () => {
        const config = { enforcementLevel: "mandatory", requireDigest: true };
        const found = await violationsOf(imageMappingsPinned, programLikeStack(), { config });
        assert.deepEqual(
            found.map(v => v.message),
            [
                `Container registry map ` +
                    `'map-default-3f2a' ` +
                    `imageMappings[0] destinationImage '${HOST}/docker-hub/library/ubuntu:22.04' is pinned by tag ` +
                    `only; this organization requires a digest (@sha256:...)`,
                `Container registry map ` +
                    `'map-default-3f2a' ` +
                    `imageMappings[1] destinationImage '${HOST}/us-gcr/broad-gatk/gatk:4.6.0.2' is pinned by tag ` +
                    `only; this organization requires a digest (@sha256:...)`,
            ],
        );
        await expectNone(imageMappingsPinned, programLikeStack(), { config: { requireDigest: false } });
    });
});
