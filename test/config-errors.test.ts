// Every kind of bad configuration is reported by entry and field, all at once, before anything is declared.
import * as assert from "assert/strict";
import { ContainerRegistryMap } from "../components/registry-map";
import { outputsOf, ProgramRun, runProgram, valueOf } from "./harness/mock-program";
import { ConfigMap, devStackConfig, PROJECT, withConfig } from "./harness/stack-config";

const DEV = devStackConfig();
const DOCKER_HUB = {
    upstreamRegistryUrl: "registry-1.docker.io",
    ecrRepositoryPrefix: "docker-hub",
    credentials: { secretConfigKey: "dockerHubCredentials" },
};
const QUAY = { upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" };
const ECR_PUBLIC = { upstreamRegistryUrl: "public.ecr.aws", ecrRepositoryPrefix: "ecr-public" };
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/ghcr-Ab12Cd";

/** A replication statement another team needs in the registry policy. */
const REPLICATION = {
    Sid: "ReplicateToDr",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::210987654321:root" },
    Action: ["ecr:ReplicateImage"],
    Resource: "arn:aws:ecr:us-east-1:123456789012:repository/*",
};

function registries(...entries: unknown[]): ConfigMap {
    return withConfig(withConfig(DEV.config, "registries", entries), "imageMappings", []);
}

interface ErrorCase {
    name: string;
    config: ConfigMap;
    secretKeys?: string[];
    /** Fully qualified config path, then a fragment of its message. */
    expect: [string, string];
}

const CASES: ErrorCase[] = [
    {
        name: "registries missing",
        config: withConfig(DEV.config, "registries", undefined),
        expect: ["registries", "is required: a list of upstream registries"],
    },
    {
        name: "registries not a list",
        config: withConfig(DEV.config, "registries", "docker-hub"),
        expect: ["registries", "must be a non-empty list of upstream registries, got a string"],
    },
    { name: "registries empty", config: registries(), expect: ["registries", "got an empty list"] },
    {
        name: "entry not an object",
        config: registries("quay.io"),
        expect: [
            "registries[0]",
            "must be an object with upstreamRegistryUrl, ecrRepositoryPrefix, credentials, additionalHosts",
        ],
    },
    {
        name: "misspelt field",
        config: registries(DOCKER_HUB, { upstreamRegistryUrl: "quay.io", ecrRepositoryPrefx: "quay" }),
        expect: [
            "registries[1].ecrRepositoryPrefx",
            "is not a known field; allowed fields: upstreamRegistryUrl, ecrRepositoryPrefix, credentials, " +
                "additionalHosts",
        ],
    },
    {
        name: "prefix missing",
        config: registries({ upstreamRegistryUrl: "quay.io" }),
        expect: ["registries[0].ecrRepositoryPrefix", "is required: the ECR repository prefix"],
    },
    {
        name: "prefix with capitals",
        config: registries({ ...QUAY, ecrRepositoryPrefix: "Quay_IO" }),
        expect: [
            "registries[0].ecrRepositoryPrefix",
            '"Quay_IO" is not a valid ECR repository prefix; use 2-30 characters',
        ],
    },
    {
        name: "prefix too short",
        config: registries({ ...QUAY, ecrRepositoryPrefix: "q" }),
        expect: ["registries[0].ecrRepositoryPrefix", '"q" is not a valid ECR repository prefix'],
    },
    {
        name: "prefix too long",
        config: registries({ ...QUAY, ecrRepositoryPrefix: "q".repeat(31) }),
        expect: ["registries[0].ecrRepositoryPrefix", "is not a valid ECR repository prefix"],
    },
    {
        name: "prefix with a trailing slash",
        config: registries({ ...QUAY, ecrRepositoryPrefix: "quay/" }),
        expect: [
            "registries[0].ecrRepositoryPrefix",
            '"quay/" is accepted by ECR but not by this project: ROOT would cache every repository',
        ],
    },
    {
        name: "duplicate prefix",
        config: registries(QUAY, { ...ECR_PUBLIC, ecrRepositoryPrefix: "quay" }),
        expect: ["registries[1].ecrRepositoryPrefix", '"quay" is already used by registries[0]'],
    },
    {
        name: "overlapping prefix",
        config: registries(QUAY, { ...ECR_PUBLIC, ecrRepositoryPrefix: "quay/public" }),
        expect: ["registries[1].ecrRepositoryPrefix", '"quay/public" overlaps "quay" of registries[0]'],
    },
    {
        name: "unsupported upstream",
        config: registries({ ...QUAY, upstreamRegistryUrl: "registry.example.com" }),
        expect: [
            "registries[0].upstreamRegistryUrl",
            '"registry.example.com" is neither an upstream registry ECR pull-through cache supports nor ' +
                "one HealthOmics copies from; allowed: registry-1.docker.io, quay.io, public.ecr.aws, ghcr.io, " +
                "registry.k8s.io, registry.gitlab.com or <registry>.azurecr.io (pull-through cache), or " +
                "community.wave.seqera.io, wave.seqera.io, nvcr.io, gcr.io, <region>-docker.pkg.dev or us-, " +
                "europe-, asia-docker.pkg.dev (us.gcr.io, eu.gcr.io, asia.gcr.io with allowUndocumentedHost: " +
                "true) (HealthOmics copies)",
        ],
    },
    {
        name: "Docker Hub alias",
        config: registries({ ...DOCKER_HUB, upstreamRegistryUrl: "docker.io" }),
        expect: [
            "registries[0].upstreamRegistryUrl",
            "(the upstream URL is registry-1.docker.io; list docker.io under its additionalHosts",
        ],
    },
    {
        name: "upstream with scheme",
        config: registries({ ...QUAY, upstreamRegistryUrl: "https://quay.io" }),
        expect: ["registries[0].upstreamRegistryUrl", "(give the host name only, without a scheme such as https://)"],
    },
    {
        name: "upstream mapped twice",
        config: registries(QUAY, { ...QUAY, ecrRepositoryPrefix: "quay-again" }),
        expect: ["registries[1].upstreamRegistryUrl", '"quay.io" is already mapped by registries[0]'],
    },
    {
        name: "Docker Hub without credentials",
        config: registries({ upstreamRegistryUrl: "registry-1.docker.io", ecrRepositoryPrefix: "docker-hub" }),
        expect: ["registries[0].credentials", "Docker Hub (registry-1.docker.io) requires credentials"],
    },
    {
        name: "GHCR without credentials",
        config: registries({ upstreamRegistryUrl: "ghcr.io", ecrRepositoryPrefix: "ghcr" }),
        expect: ["registries[0].credentials", "GitHub Container Registry (ghcr.io) requires credentials"],
    },
    {
        name: "GitLab without credentials",
        config: registries({ upstreamRegistryUrl: "registry.gitlab.com", ecrRepositoryPrefix: "gitlab" }),
        expect: ["registries[0].credentials", "GitLab Container Registry (registry.gitlab.com) requires credentials"],
    },
    {
        name: "Azure without credentials",
        config: registries({ upstreamRegistryUrl: "myteam.azurecr.io", ecrRepositoryPrefix: "azure" }),
        expect: ["registries[0].credentials", "Azure Container Registry (myteam.azurecr.io) requires credentials"],
    },
    {
        name: "ECR Public with credentials",
        config: registries({ ...ECR_PUBLIC, credentials: { secretConfigKey: "dockerHubCredentials" } }),
        expect: [
            "registries[0].credentials",
            "Amazon ECR Public (public.ecr.aws) does not take credentials; remove this field",
        ],
    },
    {
        name: "both credential sources",
        config: registries({
            ...DOCKER_HUB,
            credentials: { secretConfigKey: "dockerHubCredentials", secretArn: SECRET_ARN },
        }),
        expect: ["registries[0].credentials", "must set exactly one of secretConfigKey or secretArn, found both"],
    },
    {
        name: "credential config key not set",
        config: registries({ ...DOCKER_HUB, credentials: { secretConfigKey: "hubCreds" } }),
        expect: [
            "registries[0].credentials.secretConfigKey",
            `names ${PROJECT}:hubCreds, which is not set; set it with: pulumi config set --secret --path ` +
                `'hubCreds.username' <username> && pulumi config set --secret --path 'hubCreds.accessToken' ` +
                `<accessToken>`,
        ],
    },
    {
        name: "credential config in plain text",
        config: DEV.config,
        secretKeys: [],
        expect: [
            "registries[0].credentials.secretConfigKey",
            `names ${PROJECT}:dockerHubCredentials, which is stored in plain text`,
        ],
    },
    {
        name: "credential secret without access token",
        config: withConfig(DEV.config, "dockerHubCredentials", { username: "octo-user" }),
        expect: [
            "registries[0].credentials.secretConfigKey",
            "whose secret value must be an object with 'username' and 'accessToken' ('accessToken' must be " +
                "a non-empty string)",
        ],
    },
    {
        name: "credential secret that is a bare token",
        config: withConfig(DEV.config, "dockerHubCredentials", "dckr_pat_bare"),
        expect: ["registries[0].credentials.secretConfigKey", "(it must be an object, got a string)"],
    },
    {
        name: "secret ARN not an ARN",
        config: registries({
            upstreamRegistryUrl: "ghcr.io",
            ecrRepositoryPrefix: "ghcr",
            credentials: { secretArn: "ecr-pullthroughcache/ghcr" },
        }),
        expect: [
            "registries[0].credentials.secretArn",
            "must be the ARN of a Secrets Manager secret, " +
                "arn:<partition>:secretsmanager:<region>:<account>:secret:ecr-pullthroughcache/<name>[-<6 " +
                "characters>]",
        ],
    },
    {
        name: "secret ARN with the wrong name",
        config: registries({
            upstreamRegistryUrl: "ghcr.io",
            ecrRepositoryPrefix: "ghcr",
            credentials: { secretArn: SECRET_ARN.replace("ecr-pullthroughcache/", "github/") },
        }),
        expect: [
            "registries[0].credentials.secretArn",
            "secret name 'github/ghcr' does not start with 'ecr-pullthroughcache/'",
        ],
    },
    {
        name: "secret ARN in another region and account",
        config: registries({
            upstreamRegistryUrl: "ghcr.io",
            ecrRepositoryPrefix: "ghcr",
            credentials: { secretArn: SECRET_ARN.replace("us-east-1:123456789012", "eu-west-1:210987654321") },
        }),
        expect: [
            "registries[0].credentials.secretArn",
            "region eu-west-1 is not this stack's region us-east-1; account 210987654321 is not this " +
                "stack's account 123456789012",
        ],
    },
    {
        name: "image mapping outside the prefixes",
        config: withConfig(DEV.config, "imageMappings", [
            { sourceImage: "ubuntu", destinationImage: "dockerhub/library/ubuntu:latest" },
        ]),
        expect: [
            "imageMappings[0].destinationImage",
            '"dockerhub/library/ubuntu:latest" is not under a declared ecrRepositoryPrefix; declared: ' +
                "docker-hub, quay, ecr-public",
        ],
    },
    {
        name: "image mapping onto a bare prefix",
        config: withConfig(DEV.config, "imageMappings", [
            { sourceImage: "ubuntu", destinationImage: "docker-hub:latest" },
        ]),
        expect: ["imageMappings[0].destinationImage", "is not under a declared ecrRepositoryPrefix"],
    },
    {
        name: "image mapping into another account",
        config: withConfig(DEV.config, "imageMappings", [
            {
                sourceImage: "ubuntu",
                destinationImage: "999999999999.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/ubuntu:latest",
            },
        ]),
        expect: [
            "imageMappings[0].destinationImage",
            "points into account 999999999999, not this stack's account 123456789012",
        ],
    },
    {
        name: "image mapping into another region",
        config: withConfig(DEV.config, "imageMappings", [
            {
                sourceImage: "ubuntu",
                destinationImage: "123456789012.dkr.ecr.us-west-2.amazonaws.com/docker-hub/library/ubuntu:latest",
            },
        ]),
        expect: [
            "imageMappings[0].destinationImage",
            "points into region us-west-2, not this stack's region us-east-1",
        ],
    },
    {
        name: "image mapping not an image",
        config: withConfig(DEV.config, "imageMappings", [
            { sourceImage: "ubuntu", destinationImage: "docker-hub/Library/Ubuntu" },
        ]),
        expect: ["imageMappings[0].destinationImage", "is not an ECR image; write <prefix>/<repository>[:tag]"],
    },
    {
        name: "image mapping without destination",
        config: withConfig(DEV.config, "imageMappings", [{ sourceImage: "ubuntu" }]),
        expect: ["imageMappings[0].destinationImage", "is required"],
    },
    {
        name: "source image mapped twice",
        config: withConfig(DEV.config, "imageMappings", [
            { sourceImage: "ubuntu", destinationImage: "docker-hub/library/ubuntu:latest" },
            { sourceImage: "ubuntu", destinationImage: "docker-hub/library/ubuntu:22.04" },
        ]),
        expect: ["imageMappings[1].sourceImage", '"ubuntu" is already mapped by imageMappings[0]'],
    },
    {
        name: "workflow buckets missing",
        config: withConfig(DEV.config, "workflowBuckets", undefined),
        expect: ["workflowBuckets", "is required: a non-empty list of S3 bucket names"],
    },
    {
        name: "invalid bucket name",
        config: withConfig(DEV.config, "workflowBuckets", ["My_Bucket"]),
        expect: ["workflowBuckets[0]", '"My_Bucket" is not a valid S3 bucket name'],
    },
    {
        name: "bucket given as a URI",
        config: withConfig(DEV.config, "workflowBuckets", ["s3://omics-data/runs"]),
        expect: ["workflowBuckets[0]", "must be the bare bucket name"],
    },
    {
        name: "region missing",
        config: withConfig(DEV.config, "aws:region", undefined),
        expect: ["aws:region", "is required: the AWS region this stack deploys to"],
    },
    {
        name: "reserved tag key",
        config: withConfig(DEV.config, "tags", { "aws:owner": "me" }),
        expect: ["tags.aws:owner", "must not start with aws:"],
    },
    {
        name: "tag value not a string",
        config: withConfig(DEV.config, "tags", { cost: 12 }),
        expect: ["tags.cost", "tag values must be strings"],
    },
    {
        name: "the first release's mapObjectKey",
        config: withConfig(DEV.config, "mapObjectKey", "maps/registry.json"),
        expect: [
            "mapObjectKey",
            "was replaced by mapObjectPrefix: each map revision is now stored at <mapObjectPrefix>/<map " +
                "name>/<content hash>.json",
        ],
    },
    {
        name: "map key prefix starting with a slash",
        config: withConfig(DEV.config, "mapObjectPrefix", "/maps"),
        expect: [
            "mapObjectPrefix",
            "must be an S3 key prefix of 1-900 letters, digits and ! _ . * ' ( ) / -, not starting or " +
                "ending with '/', got \"/maps\"",
        ],
    },
    // Issue 5: what would deploy and then break real runs, or fail at deploy time.
    {
        name: "ROOT prefix",
        config: registries({ ...QUAY, ecrRepositoryPrefix: "ROOT" }),
        expect: [
            "registries[0].ecrRepositoryPrefix",
            '"ROOT" is accepted by ECR but not by this project: ROOT would cache every repository of the ' +
                "registry under one rule",
        ],
    },
    {
        name: "Docker Hub official image without library/",
        config: withConfig(DEV.config, "imageMappings", [
            { sourceImage: "ubuntu:22.04", destinationImage: "docker-hub/ubuntu:22.04" },
        ]),
        expect: [
            "imageMappings[0].destinationImage",
            "names a Docker Hub official image without library/: ECR caches official images under library/ " +
                "(ECR User Guide, pull-through-cache-working.html), so this repository never exists; write " +
                '"docker-hub/library/ubuntu:22.04"',
        ],
    },
    {
        name: "China host suffix in the aws partition",
        config: withConfig(DEV.config, "imageMappings", [
            {
                sourceImage: "ubuntu",
                destinationImage: "123456789012.dkr.ecr.us-east-1.amazonaws.com.cn/docker-hub/library/ubuntu:20.04",
            },
        ]),
        expect: [
            "imageMappings[0].destinationImage",
            "points into host suffix .amazonaws.com.cn, not .amazonaws.com of partition aws",
        ],
    },
    {
        name: "source image over 750 characters",
        config: withConfig(DEV.config, "imageMappings", [
            { sourceImage: `quay.io/${"a".repeat(750)}`, destinationImage: "quay/biocontainers/bwa:1" },
        ]),
        expect: [
            "imageMappings[0].sourceImage",
            "is 758 characters long; HealthOmics takes at most 750 characters for sourceImage",
        ],
    },
    {
        name: "more than 50 pull-through rules",
        config: registries(
            ...Array.from({ length: 51 }, (_, i) => ({
                upstreamRegistryUrl: `bioacr${String(i).padStart(2, "0")}x.azurecr.io`,
                ecrRepositoryPrefix: `azure-${i}`,
                credentials: { secretArn: SECRET_ARN },
            })),
        ),
        expect: [
            "registries",
            "declares 51 pull-through cache rules; ECR allows at most 50 per registry (account and " +
                "region), and the quota is not adjustable",
        ],
    },
    {
        name: "more than 50 tags",
        config: withConfig(
            DEV.config,
            "tags",
            Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])),
        ),
        expect: [
            "tags",
            "has 51 tags; ECR repositories (and so the repository creation templates that tag them) take " +
                "at most 50 tags",
        ],
    },
    {
        name: "role inline policy over 10,240 characters",
        config: withConfig(
            DEV.config,
            "workflowBuckets",
            Array.from(
                { length: 90 },
                (_, i) => `omics-workflow-bucket-with-a-long-descriptive-name-${String(i).padStart(3, "0")}`,
            ),
        ),
        expect: ["workflowBuckets", "IAM allows at most 10240 for a role's inline policies (IAM quotas)"],
    },
    {
        name: "region without HealthOmics",
        config: withConfig(DEV.config, "aws:region", "sa-east-1"),
        expect: [
            "aws:region",
            "sa-east-1 does not offer AWS HealthOmics (HealthOmics regions in the 2026-07 API model: " +
                "ap-northeast-1, ap-northeast-2, ap-southeast-1, eu-central-1, eu-west-1, eu-west-2, " +
                "il-central-1, us-east-1, us-east-2, us-west-2); if HealthOmics has since launched there, add " +
                "it with: pulumi config set --path 'additionalHealthOmicsRegions[0]' sa-east-1",
        ],
    },
    {
        name: "kept statement with a duplicate Sid",
        config: withConfig(DEV.config, "registryPolicyStatements", [REPLICATION, REPLICATION]),
        expect: [
            "registryPolicyStatements[1].Sid",
            '"ReplicateToDr" is already the Sid of registryPolicyStatements[0]; Sids must be unique',
        ],
    },
    {
        name: "kept statement taking this stack's Sid",
        config: withConfig(DEV.config, "registryPolicyStatements", [{ ...REPLICATION, Sid: "OmicsPullThroughCache" }]),
        expect: ["registryPolicyStatements[0].Sid", "is the Sid of this stack's own statement"],
    },
    {
        name: "kept statement without a Sid",
        config: withConfig(DEV.config, "registryPolicyStatements", [{ ...REPLICATION, Sid: undefined }]),
        expect: ["registryPolicyStatements[0].Sid", "is required: 1-128 letters and digits"],
    },
    {
        name: "kept statement letting anyone create repositories",
        config: withConfig(DEV.config, "registryPolicyStatements", [
            { Sid: "Open", Effect: "Allow", Principal: "*", Action: "ecr:CreateRepository", Resource: "*" },
        ]),
        expect: [
            "registryPolicyStatements[0]",
            "the registry policy may let principals create or import repositories only under this stack's " +
                "prefixes (docker-hub, quay, ecr-public)",
        ],
    },
    {
        name: "kept statement letting omics (beside another account) import outside the prefixes",
        config: withConfig(DEV.config, "registryPolicyStatements", [
            {
                Sid: "Partner",
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::210987654321:root", Service: "omics.amazonaws.com" },
                Action: ["ecr:*"],
                Resource: "arn:aws:ecr:us-east-1:123456789012:repository/partner/*",
            },
        ]),
        expect: ["registryPolicyStatements[0]", "Partner"],
    },
    {
        name: "kept statement that is not a statement",
        config: withConfig(DEV.config, "registryPolicyStatements", [
            { Sid: "Typo", Effect: "Allow", Principal: "*", Actions: ["ecr:ReplicateImage"] },
        ]),
        expect: ["registryPolicyStatements[0].Actions", "is not an IAM policy statement element"],
    },
    // Issue 6: registries HealthOmics copies from, hosts, cached repositories.
    {
        name: "copy registry without credentials",
        config: registries({ upstreamRegistryUrl: "community.wave.seqera.io", ecrRepositoryPrefix: "seqera" }),
        expect: [
            "registries[0].credentials",
            "Seqera Containers (community) (community.wave.seqera.io) requires credentials (HealthOmics " +
                "requires a credentialArn on every mapping of a registry it copies from)",
        ],
    },
    {
        name: "copy registry secret from the pull-through naming in another account",
        config: registries({
            upstreamRegistryUrl: "nvcr.io",
            ecrRepositoryPrefix: "nvcr",
            credentials: { secretArn: "arn:aws:secretsmanager:us-east-1:210987654321:secret:omics-registry/nvcr" },
        }),
        expect: [
            "registries[0].credentials.secretArn",
            "cannot be used by a HealthOmics registry mapping of this stack: account 210987654321 is not " +
                "this stack's account 123456789012",
        ],
    },
    {
        name: "Artifact Registry host that is not regional",
        config: registries({ upstreamRegistryUrl: "docker.pkg.dev", ecrRepositoryPrefix: "gar" }),
        expect: ["registries[0].upstreamRegistryUrl", '"docker.pkg.dev" is neither an upstream registry'],
    },
    {
        name: "additional host that is a registry of its own",
        config: registries({ ...QUAY, additionalHosts: ["ghcr.io"] }),
        expect: [
            "registries[0].additionalHosts[0]",
            '"ghcr.io" is a registry of its own (GitHub Container Registry); declare it as its own registries entry',
        ],
    },
    {
        name: "additional host mapped by two entries",
        config: registries(
            { ...QUAY, additionalHosts: ["mirror.example.org"] },
            { ...ECR_PUBLIC, additionalHosts: ["mirror.example.org"] },
        ),
        expect: ["registries[1].upstreamRegistryUrl", '"mirror.example.org" is already mapped by registries[0]'],
    },
    {
        name: "additional hosts not a list",
        config: registries({ ...QUAY, additionalHosts: "docker.io" }),
        expect: ["registries[0].additionalHosts", "must be a list of registry hosts workflows write for this registry"],
    },
    {
        name: "map naming an undeclared registry",
        config: withConfig(withConfig(DEV.config, "imageMappings", []), "maps", [
            { name: "wdl", registries: ["quay", "ghcr"] },
        ]),
        expect: [
            "maps[0].registries[1]",
            '"ghcr" is not the ecrRepositoryPrefix of a declared registry; declared: docker-hub, quay, ecr-public',
        ],
    },
    {
        name: "two maps with one name",
        config: withConfig(withConfig(DEV.config, "imageMappings", []), "maps", [{ name: "wdl" }, { name: "wdl" }]),
        expect: ["maps[1].name", '"wdl" is already the name of maps[0]'],
    },
    {
        name: "maps beside top-level image mappings",
        config: withConfig(DEV.config, "maps", [{ name: "wdl" }]),
        expect: [
            "imageMappings",
            "cannot be used together with maps; move these image mappings into the imageMappings of a map",
        ],
    },
    {
        name: "image mapping of a named map outside the prefixes",
        config: withConfig(withConfig(DEV.config, "imageMappings", []), "maps", [
            { name: "nf", imageMappings: [{ sourceImage: "x", destinationImage: "other/x:1" }] },
        ]),
        expect: ["maps[0].imageMappings[0].destinationImage", "is not under a declared ecrRepositoryPrefix"],
    },
    {
        name: "KMS key in another region",
        config: withConfig(DEV.config, "cachedRepositories", {
            kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        }),
        expect: [
            "cachedRepositories.kmsKeyArn",
            "must be a key in this stack's region us-east-1 (ECR encrypts with keys of the repository's " +
                "region), got region eu-west-1",
        ],
    },
    {
        name: "KMS alias instead of a key ARN",
        config: withConfig(DEV.config, "cachedRepositories", { kmsKeyArn: "alias/ecr" }),
        expect: ["cachedRepositories.kmsKeyArn", "must be the full ARN of a customer-managed KMS key"],
    },
    {
        name: "continuous scanning without Inspector",
        config: withConfig(DEV.config, "cachedRepositories", { scanning: { scanFrequency: "CONTINUOUS_SCAN" } }),
        expect: [
            "cachedRepositories.scanning.scanFrequency",
            'must be SCAN_ON_PUSH, or CONTINUOUS_SCAN with scanType ENHANCED, got "CONTINUOUS_SCAN"',
        ],
    },
    {
        name: "kept scanning rule with a bad filter",
        config: withConfig(DEV.config, "cachedRepositories", {
            scanning: { keepRules: [{ scanFrequency: "SCAN_ON_PUSH", filters: ["Team A/*"] }] },
        }),
        expect: [
            "cachedRepositories.scanning.keepRules[0].filters",
            "must be a non-empty list of ECR wildcard repository filters",
        ],
    },
    {
        name: "scanning switch not a boolean",
        config: withConfig(DEV.config, "cachedRepositories", { scanning: { enabled: "false" } }),
        expect: ["cachedRepositories.scanning.enabled", "must be true or false, got a string"],
    },
    {
        name: "lifecycle days not a whole number",
        config: withConfig(DEV.config, "cachedRepositories", { lifecycle: { expireNotPulledForDays: 0.5 } }),
        expect: [
            "cachedRepositories.lifecycle.expireNotPulledForDays",
            "must be a whole number of days from 1 to 3650, got 0.5",
        ],
    },
    {
        name: "regional Container Registry host without opt-in (in no HealthOmics page)",
        config: registries(QUAY, {
            upstreamRegistryUrl: "us.gcr.io",
            ecrRepositoryPrefix: "us-gcr",
            credentials: {
                secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:omics-registry/us-gcr-Ab12Cd",
            },
        }),
        expect: [
            "registries[1].upstreamRegistryUrl",
            "us.gcr.io is not documented for HealthOmics (HealthOmics documents gcr.io and <region>-docker.pkg.dev",
        ],
    },
    {
        name: "opt-in on a documented host",
        config: registries({ ...QUAY, allowUndocumentedHost: true }),
        expect: [
            "registries[0].allowUndocumentedHost",
            "is only for hosts no AWS source documents; quay.io is documented",
        ],
    },
    {
        name: "KMS key on a pull-through cache secret",
        config: registries({
            upstreamRegistryUrl: "ghcr.io",
            ecrRepositoryPrefix: "ghcr",
            credentials: {
                secretArn: SECRET_ARN,
                kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            },
        }),
        expect: ["registries[0].credentials.kmsKeyArn", "is only for registries HealthOmics copies from"],
    },
    {
        name: "more than 100 scanning filters in one rule",
        config: withConfig(DEV.config, "cachedRepositories", {
            scanning: {
                keepRules: [
                    { scanFrequency: "SCAN_ON_PUSH", filters: Array.from({ length: 98 }, (_, i) => `team-${i}/*`) },
                ],
            },
        }),
        expect: ["cachedRepositories.scanning", "the SCAN_ON_PUSH scanning rule would have 101 repository filters"],
    },
    {
        name: "audit trail not an object",
        config: withConfig(DEV.config, "auditTrail", true),
        expect: ["auditTrail", "must be {enabled: true|false}"],
    },
];

function qualified(path: string): string {
    return path.startsWith("aws:") ? path : `${PROJECT}:${path}`;
}

async function runFailing(config: ConfigMap, secretKeys: string[]): Promise<ProgramRun & { error: Error }> {
    const run = await runProgram(config, secretKeys);
    assert.ok(run.error, "the program should have failed");
    return run as ProgramRun & { error: Error };
}

describe("configuration errors", () => {
    for (const errorCase of CASES) {
        it(`${errorCase.name}: names ${errorCase.expect[0]} and declares nothing`, async () => {
            const run = await runFailing(errorCase.config, errorCase.secretKeys ?? DEV.secretKeys);
            const [path, fragment] = errorCase.expect;
            const line = run.error.message.split("\n").find(l => l.startsWith(`  - ${qualified(path)}: `));
            assert.ok(line, `no line for ${qualified(path)} in:\n${run.error.message}`);
            assert.ok(line.includes(fragment), `expected "${fragment}" in:\n${line}`);
            assert.match(run.error.message, /configuration errors? in stack config; no resources were declared/);
            assert.deepEqual(run.resources, []);
        });
    }

    it("reports every problem in one error", async () => {
        let config = registries(
            { ...QUAY, ecrRepositoryPrefix: "Quay" },
            { upstreamRegistryUrl: "ghcr.io", ecrRepositoryPrefix: "ghcr" },
        );
        config = withConfig(config, "workflowBuckets", ["Bad_Bucket"]);
        config = withConfig(config, "aws:region", undefined);
        const run = await runFailing(config, DEV.secretKeys);
        const lines = run.error.message.split("\n").filter(l => l.startsWith("  - "));
        assert.deepEqual(
            lines.map(l => l.slice(4, l.indexOf(": "))),
            [
                "aws:region",
                `${PROJECT}:registries[0].ecrRepositoryPrefix`,
                `${PROJECT}:registries[1].credentials`,
                `${PROJECT}:workflowBuckets[0]`,
            ],
        );
        assert.match(run.error.message, /^4 configuration errors in stack config/);
        assert.deepEqual(run.resources, []);
    });

    it("never puts a credential value in a message", async () => {
        const leaky = { username: "octo-user-visible", accessToken: "", extra: "dckr_pat_visible" };
        const run = await runFailing(withConfig(DEV.config, "dockerHubCredentials", leaky), DEV.secretKeys);
        assert.match(run.error.message, /'accessToken' must be a non-empty string; 'extra' is not allowed/);
        assert.ok(!run.error.message.includes("octo-user-visible"));
        assert.ok(!run.error.message.includes("dckr_pat_visible"));
    });
});

describe("configurations that are accepted", () => {
    it("uses an existing ecr-pullthroughcache/ secret by ARN without declaring a new secret", async () => {
        const run = await runProgram(
            registries({
                upstreamRegistryUrl: "ghcr.io",
                ecrRepositoryPrefix: "ghcr",
                credentials: { secretArn: SECRET_ARN },
            }),
            DEV.secretKeys,
        );
        assert.equal(run.error, undefined, run.error?.message);
        assert.equal(run.resources.filter(r => r.type.startsWith("aws:secretsmanager/")).length, 0);
        const rule = run.resources.find(r => r.type === "aws:ecr/pullThroughCacheRule:PullThroughCacheRule");
        assert.deepEqual(rule?.inputs, {
            ecrRepositoryPrefix: "ghcr",
            upstreamRegistryUrl: "ghcr.io",
            credentialArn: SECRET_ARN,
        });
    });

    it("accepts Quay with optional credentials, an Azure registry, and full image URIs of this registry", async () => {
        let config = registries(
            { ...QUAY, credentials: { secretConfigKey: "dockerHubCredentials" } },
            {
                upstreamRegistryUrl: "myteam.azurecr.io",
                ecrRepositoryPrefix: "azure/team",
                credentials: { secretConfigKey: "dockerHubCredentials" },
            },
        );
        config = withConfig(config, "imageMappings", [
            {
                sourceImage: "myteam.azurecr.io/tools/samtools:1.19",
                destinationImage: "123456789012.dkr.ecr.us-east-1.amazonaws.com/azure/team/tools/samtools:1.19",
            },
        ]);
        const run = await runProgram(config, DEV.secretKeys);
        assert.equal(run.error, undefined, run.error?.message);
        const secrets = run.resources
            .filter(r => r.type === "aws:secretsmanager/secret:Secret")
            .map(r => r.inputs.name)
            .sort();
        assert.deepEqual(secrets, ["ecr-pullthroughcache/azure/team", "ecr-pullthroughcache/quay"]);
        assert.deepEqual(((await valueOf(outputsOf(run).containerRegistryMap)) as ContainerRegistryMap).imageMappings, [
            {
                sourceImage: "myteam.azurecr.io/tools/samtools:1.19",
                destinationImage: "123456789012.dkr.ecr.us-east-1.amazonaws.com/azure/team/tools/samtools:1.19",
            },
        ]);
    });

    it("follows the stack's region: the same relative image mappings land in eu-west-1", async () => {
        const run = await runProgram(withConfig(DEV.config, "aws:region", "eu-west-1"), DEV.secretKeys);
        assert.equal(run.error, undefined, run.error?.message);
        assert.deepEqual(
            ((await valueOf(outputsOf(run).containerRegistryMap)) as ContainerRegistryMap).imageMappings?.map(
                m => m.destinationImage,
            ),
            [
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/ubuntu:20.04",
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/quay/biocontainers/bwa:0.7.17--hed695b0_7",
            ],
        );
    });

    it("leaves imageMappings out of the map when none are configured", async () => {
        const run = await runProgram(withConfig(DEV.config, "imageMappings", []), DEV.secretKeys);
        assert.equal(run.error, undefined, run.error?.message);
        assert.deepEqual(Object.keys((await valueOf(outputsOf(run).containerRegistryMap)) as ContainerRegistryMap), [
            "registryMappings",
        ]);
    });
});
