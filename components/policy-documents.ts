// IAM policy documents, as plain data built from the validated config: least privilege, prefixes only.
// Sources: HealthOmics User Guide permissions-service.html (service role),
// cross-service-confused-deputy-prevention.html
// (trust condition), workflows-ecr.html (registry and repository policies); ECR User Guide
// repository-creation-templates-custom.html and -create-iam.html (template role).
import {
    ECR_SERVICE_PRINCIPAL,
    OMICS_SERVICE_PRINCIPAL,
    prefixRepositoriesArn,
    RegistryLocation,
} from "../policy-pack/rules/ecr-naming";
import { DeploymentTarget, PolicyStatementJson } from "../config/types";

export interface PolicyStatement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]>;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: (PolicyStatement | PolicyStatementJson)[];
}

function location(target: DeploymentTarget): RegistryLocation {
    return { partition: target.partition, region: target.region, account: target.account };
}

function prefixArns(target: DeploymentTarget, prefixes: readonly string[]): string[] {
    return prefixes.map(prefix => prefixRepositoriesArn(location(target), prefix));
}

/** Sid of this stack's own registry policy statement. */
export const OMICS_REGISTRY_POLICY_SID = "OmicsPullThroughCache";

/**
 * ECR registry policy: HealthOmics may create and fill pull-through cache repositories, on these prefixes only,
 * followed by the statements others need in the account's one registry policy (`registryPolicyStatements`).
 */
export function registryPolicyDocument(
    target: DeploymentTarget,
    prefixes: readonly string[],
    kept: readonly PolicyStatementJson[] = [],
): PolicyDocument {
    const own: PolicyStatement[] =
        prefixes.length === 0
            ? []
            : [
                  {
                      Sid: OMICS_REGISTRY_POLICY_SID,
                      Effect: "Allow",
                      Principal: { Service: OMICS_SERVICE_PRINCIPAL },
                      Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
                      Resource: prefixArns(target, prefixes),
                  },
              ];
    return { Version: "2012-10-17", Statement: [...own, ...kept] };
}

/** Repository policy every pull-through cache repository is created with: HealthOmics may pull. */
export function repositoryPolicyDocument(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "OmicsPullImages",
                Effect: "Allow",
                Principal: { Service: OMICS_SERVICE_PRINCIPAL },
                Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            },
        ],
    };
}

/** Trust policy: only HealthOmics acting for this account in this region (the documented confused-deputy condition). */
export function omicsTrustPolicyDocument(target: DeploymentTarget): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "OmicsOfThisAccount",
                Effect: "Allow",
                Principal: { Service: OMICS_SERVICE_PRINCIPAL },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": target.account },
                    StringLike: {
                        "aws:SourceArn": `arn:${target.partition}:omics:${target.region}:${target.account}:*`,
                    },
                },
            },
        ],
    };
}

/** What the HealthOmics role needs beyond pulls for the registries HealthOmics copies from. */
export interface CopyAccess {
    prefixes: readonly string[];
    /** ARNs (or `name-??????` ARN patterns) of the copy registries' credential secrets. */
    secretArns: readonly string[];
    /** Customer KMS keys encrypting existing copy secrets: the role decrypts through Secrets Manager only. */
    kmsKeyArns?: readonly string[];
}

/**
 * What a HealthOmics run needs: its buckets, its workflow logs, images under the prefixes, and copying where it copies.
 */
export function omicsRunPolicyDocument(
    target: DeploymentTarget,
    prefixes: readonly string[],
    buckets: readonly string[],
    copy: CopyAccess,
): PolicyDocument {
    const logGroup = `arn:${target.partition}:logs:${target.region}:${target.account}:log-group:/aws/omics/WorkflowLog`;
    const statements: PolicyStatement[] = [
        {
            Sid: "WorkflowBucketObjects",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject"],
            Resource: buckets.map(bucket => `arn:${target.partition}:s3:::${bucket}/*`),
        },
        {
            Sid: "WorkflowBucketListing",
            Effect: "Allow",
            Action: ["s3:ListBucket"],
            Resource: buckets.map(bucket => `arn:${target.partition}:s3:::${bucket}`),
        },
        {
            Sid: "WorkflowLogGroup",
            Effect: "Allow",
            Action: ["logs:CreateLogGroup"],
            Resource: [`${logGroup}:*`],
        },
        {
            Sid: "WorkflowLogStreams",
            Effect: "Allow",
            Action: ["logs:DescribeLogStreams", "logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: [`${logGroup}:log-stream:*`],
        },
        {
            Sid: "PullCachedImages",
            Effect: "Allow",
            Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            Resource: prefixArns(target, prefixes),
        },
    ];
    if (copy.prefixes.length > 0) {
        statements.push(
            {
                Sid: "CopyUpstreamImages",
                Effect: "Allow",
                // Repository-policy rights as AWS's HealthOmics agent guide gives the run role for registries
                // HealthOmics copies from (kirodotdev/powers aws-healthomics/steering/image-staging.md, "Step 1").
                Action: [
                    "ecr:CreateRepository",
                    "ecr:InitiateLayerUpload",
                    "ecr:UploadLayerPart",
                    "ecr:CompleteLayerUpload",
                    "ecr:PutImage",
                    "ecr:DescribeImages",
                    "ecr:GetRepositoryPolicy",
                    "ecr:SetRepositoryPolicy",
                ],
                Resource: prefixArns(target, copy.prefixes),
            },
            { Sid: "EcrAuthorization", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
        );
        if (copy.secretArns.length > 0) {
            statements.push({
                Sid: "CopyRegistryCredentials",
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue"],
                Resource: [...copy.secretArns],
            });
        }
        const keys = [...new Set(copy.kmsKeyArns ?? [])];
        if (keys.length > 0) {
            // Secrets Manager decrypts with the caller's rights; kms:ViaService keeps the key usable through it only
            // (Secrets Manager User Guide security-encryption.html, KMS Developer Guide
            // conditions-kms.html#conditions-kms-via-service).
            statements.push({
                Sid: "DecryptCopyRegistryCredentials",
                Effect: "Allow",
                Action: ["kms:Decrypt"],
                Resource: keys,
                Condition: {
                    StringEquals: { "kms:ViaService": `secretsmanager.${target.region}.${target.dnsSuffix}` },
                },
            });
        }
    }
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * Trust policy of the repository creation template role, exactly as ECR documents it
 * (repository-creation-templates-create-iam.html): no condition, since ECR's page names none it sends.
 */
export function templateRoleTrustPolicyDocument(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "EcrCreatesCachedRepositories",
                Effect: "Allow",
                Principal: { Service: ECR_SERVICE_PRINCIPAL },
                Action: "sts:AssumeRole",
            },
        ],
    };
}

/** What ECR needs to create tagged or KMS-encrypted repositories under the prefixes. */
export function templateRolePolicyDocument(
    target: DeploymentTarget,
    prefixes: readonly string[],
    kmsKeyArn: string | undefined,
): PolicyDocument {
    const statements: PolicyStatement[] = [
        {
            Sid: "CreateCachedRepositories",
            Effect: "Allow",
            Action: ["ecr:CreateRepository", "ecr:TagResource"],
            Resource: prefixArns(target, prefixes),
        },
    ];
    if (kmsKeyArn !== undefined) {
        statements.push({
            Sid: "EncryptCachedRepositories",
            Effect: "Allow",
            Action: ["kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey"],
            Resource: kmsKeyArn,
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** Bucket policy refusing every request that does not use TLS. */
export function tlsOnlyBucketPolicyDocument(bucketArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: { AWS: "*" },
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}
