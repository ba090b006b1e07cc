// Every example stack file and a generated matrix of valid configs (each kind of registry alone and all together,
// tags on/off, KMS on/off, named maps, kept registry-policy statements, copy-only) pass every mandatory policy of the
// pack after `up` and in an engine-style first preview. Layers: the real program under Pulumi's mock runtime; the
// policies get the engine's encoding of secrets and unknowns through @pulumi/policy's own deserializer.
import * as assert from "assert/strict";
import { expectPackPasses, mandatoryViolations } from "../harness/pack-check";
import { ConfigMap, devStackConfig, gatkStackConfig, PROJECT, withConfig } from "../harness/stack-config";

const ACCOUNT = "123456789012";
const KMS_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const SECRETS = {
    dockerHubCredentials: { username: "octo-user", accessToken: "dckr_pat_not-a-real-token" },
    googleRegistryCredentials: { username: "_json_key", accessToken: '{"type":"service_account"}' },
};

interface Kind {
    label: string;
    registry: Record<string, unknown>;
    image?: { sourceImage: string; destinationImage: string };
}

/** One registry of each way the program serves it. */
const KINDS: Kind[] = [
    {
        label: "pull-through, no credentials",
        registry: { upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" },
        image: {
            sourceImage: "quay.io/biocontainers/bwa:0.7.17--hed695b0_7",
            destinationImage: "quay/biocontainers/bwa:0.7.17--hed695b0_7",
        },
    },
    {
        label: "pull-through, secret config",
        registry: {
            upstreamRegistryUrl: "registry-1.docker.io",
            ecrRepositoryPrefix: "docker-hub",
            credentials: { secretConfigKey: "dockerHubCredentials" },
        },
        image: { sourceImage: "ubuntu", destinationImage: "docker-hub/library/ubuntu:20.04" },
    },
    {
        label: "pull-through, existing secret",
        registry: {
            upstreamRegistryUrl: "ghcr.io",
            ecrRepositoryPrefix: "ghcr",
            credentials: {
                secretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ecr-pullthroughcache/ghcr-AbCdEf`,
            },
        },
    },
    {
        label: "HealthOmics copy, secret config",
        registry: {
            upstreamRegistryUrl: "us.gcr.io",
            ecrRepositoryPrefix: "us-gcr",
            // Not in HealthOmics' documentation, so opted in, as Pulumi.gatk.yaml does (README "Registries and
            // defaults").
            allowUndocumentedHost: true,
            credentials: { secretConfigKey: "googleRegistryCredentials" },
        },
        image: { sourceImage: "us.gcr.io/broad-gatk/gatk:4.5.0.0", destinationImage: "us-gcr/broad-gatk/gatk:4.5.0.0" },
    },
    {
        label: "HealthOmics copy, existing secret",
        registry: {
            upstreamRegistryUrl: "nvcr.io",
            ecrRepositoryPrefix: "nvcr",
            credentials: { secretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:omics-registry/nvcr-AbCdEf` },
        },
    },
];

const KEPT_STATEMENT = {
    Sid: "ReplicateToDr",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::210987654321:root" },
    Action: ["ecr:ReplicateImage"],
    Resource: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/*`,
};

interface Variant {
    label: string;
    config: ConfigMap;
}

function configFor(
    kinds: readonly Kind[],
    options: { tags: boolean; kms: boolean; namedMaps?: boolean; kept?: boolean },
): ConfigMap {
    let config = devStackConfig().config;
    for (const [key, value] of Object.entries(SECRETS)) {
        config[`${PROJECT}:${key}`] = JSON.stringify(value);
    }
    config = withConfig(
        config,
        "registries",
        kinds.map(k => k.registry),
    );
    const images = kinds.flatMap(k => (k.image !== undefined ? [k.image] : []));
    config = withConfig(config, "imageMappings", options.namedMaps === true ? [] : images);
    if (options.namedMaps === true) {
        const prefixes = kinds.map(k => String(k.registry.ecrRepositoryPrefix));
        config = withConfig(config, "maps", [
            {
                name: "wdl",
                registries: prefixes.slice(0, Math.ceil(prefixes.length / 2)),
                imageMappings: images.slice(0, 1),
            },
            { name: "nextflow", registries: prefixes.slice(Math.ceil(prefixes.length / 2)) },
        ]);
    }
    config = withConfig(config, "tags", options.tags ? { project: "omics-registry-maps", environment: "matrix" } : {});
    if (options.kms) {
        config = withConfig(config, "cachedRepositories", { kmsKeyArn: KMS_KEY });
    }
    if (options.kept === true) {
        config = withConfig(config, "registryPolicyStatements", [KEPT_STATEMENT]);
    }
    return config;
}

/**
 * Each kind alone (tags and KMS rotating, so each combination appears), and every kind together with each combination.
 */
function matrix(): Variant[] {
    const combinations = [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
    ] as const;
    const text = (tags: boolean, kms: boolean) => `tags ${tags ? "on" : "off"}, KMS ${kms ? "on" : "off"}`;
    const variants: Variant[] = KINDS.map((kind, index) => {
        const [tags, kms] = combinations[index % combinations.length];
        return { label: `${kind.label} alone, ${text(tags, kms)}`, config: configFor([kind], { tags, kms }) };
    });
    for (const [tags, kms] of combinations) {
        variants.push({ label: `every kind, ${text(tags, kms)}`, config: configFor(KINDS, { tags, kms }) });
    }
    const copies = KINDS.filter(k => k.label.startsWith("HealthOmics copy"));
    variants.push(
        { label: "every kind, named maps", config: configFor(KINDS, { tags: true, kms: false, namedMaps: true }) },
        {
            label: "every kind, kept registry-policy statements",
            config: configFor(KINDS, { tags: true, kms: true, kept: true }),
        },
        {
            label: "copy-only, kept registry-policy statements",
            config: configFor(copies, { tags: false, kms: false, kept: true }),
        },
        { label: "copy-only, named maps", config: configFor(copies, { tags: true, kms: false, namedMaps: true }) },
    );
    return variants;
}

const SECRET_KEYS = Object.keys(SECRETS).map(k => `${PROJECT}:${k}`);

describe(
    "every example stack passes the pack after `up` and in its first preview (program under mocks, engine " +
        "encoding)",
    () => {
        for (const [label, stack] of [
            ["Pulumi.dev.yaml", devStackConfig],
            ["Pulumi.gatk.yaml", gatkStackConfig],
        ] as const) {
            for (const preview of [false, true]) {
                it(`${label} ${preview ? "in its first preview" : "after up"}`, async () => {
                    const { config, secretKeys } = stack();
                    assert.deepEqual(await mandatoryViolations(config, secretKeys, preview), []);
                });
            }
        }
    },
);

describe(
    "a generated matrix of valid configs passes the pack after `up` and in its first preview (program under " +
        "mocks, engine encoding)",
    () => {
        for (const variant of matrix()) {
            it(variant.label, async () => {
                await expectPackPasses(variant.config, SECRET_KEYS);
            });
        }
    },
);
