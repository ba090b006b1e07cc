// IAM policy documents, as plain data built from the validated config: least privilege, prefixes only.
import { OMICS_SERVICE_PRINCIPAL, prefixRepositoriesArn, RegistryLocation } from "../policy-pack/rules/ecr-naming";
import { DeploymentTarget } from "../config/types";

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
    Statement: PolicyStatement[];
}

function location(target: DeploymentTarget): RegistryLocation {
    return { partition: target.partition, region: target.region, account: target.account };
}

function prefixArns(target: DeploymentTarget, prefixes: readonly string[]): string[] {
    return prefixes.map(prefix => prefixRepositoriesArn(location(target), prefix));
}

/** ECR registry policy: HealthOmics may create and fill pull-through cache repositories, on these prefixes only. */
export function registryPolicyDocument(target: DeploymentTarget, prefixes: readonly string[]): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "OmicsPullThroughCache",
            Effect: "Allow",
            Principal: { Service: OMICS_SERVICE_PRINCIPAL },
            Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
            Resource: prefixArns(target, prefixes),
        }],
    };
}

/** Repository policy every pull-through cache repository is created with: HealthOmics may pull. */
export function repositoryPolicyDocument(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "OmicsPullImages",
            Effect: "Allow",
            Principal: { Service: OMICS_SERVICE_PRINCIPAL },
            Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        }],
    };
}

/** Trust policy: only HealthOmics runs of this account and region may assume the role. */
export function omicsTrustPolicyDocument(target: DeploymentTarget): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "OmicsRunsOfThisAccount",
            Effect: "Allow",
            Principal: { Service: OMICS_SERVICE_PRINCIPAL },
            Action: "sts:AssumeRole",
            Condition: {
                StringEquals: { "aws:SourceAccount": target.account },
                ArnLike: { "aws:SourceArn": `arn:${target.partition}:omics:${target.region}:${target.account}:run/*` },
            },
        }],
    };
}

/** What a HealthOmics run needs: its buckets, its workflow logs, and images under the cache prefixes. */
export function omicsRunPolicyDocument(target: DeploymentTarget, prefixes: readonly string[], buckets: readonly string[]): PolicyDocument {
    const logGroup = `arn:${target.partition}:logs:${target.region}:${target.account}:log-group:/aws/omics/WorkflowLog`;
    return {
        Version: "2012-10-17",
        Statement: [
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
                Sid: "PullThroughCacheImages",
                Effect: "Allow",
                Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                Resource: prefixArns(target, prefixes),
            },
        ],
    };
}

/** Bucket policy refusing every request that does not use TLS. */
export function tlsOnlyBucketPolicyDocument(bucketArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:*",
            Resource: [bucketArn, `${bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        }],
    };
}
