// An S3 bucket that is private, encrypted, versioned and refuses requests without TLS (map objects, audit logs).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, tlsOnlyBucketPolicyDocument } from "./policy-documents";

export interface PrivateBucketArgs {
    tags: Record<string, string>;
    /** Generated content only: emptied on destroy. */
    forceDestroy: boolean;
    /** Statements besides the TLS-only one (e.g. CloudTrail's), given the bucket ARN. */
    extraStatements?: (bucketArn: string) => PolicyDocument["Statement"];
    /** The bucket policy's name in an earlier release, kept as an alias. */
    previousPolicyName?: string;
}

export class PrivateBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    /** Everything an object or a writer must wait for, so nothing lands in a bucket that is not yet locked down. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: PrivateBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("omics-registry-maps:index:PrivateBucket", name, {}, opts);
        const parent = { parent: this };
        this.bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy, tags: args.tags }, parent);
        const bucket = this.bucket.id;
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            name,
            {
                bucket,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            parent,
        );
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            {
                bucket,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
            },
            parent,
        );
        const versioning = new aws.s3.BucketVersioning(
            name,
            {
                bucket,
                versioningConfiguration: { status: "Enabled" },
            },
            parent,
        );
        const policy = new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket,
                policy: this.bucket.arn.apply(arn => {
                    const document = tlsOnlyBucketPolicyDocument(arn);
                    return JSON.stringify({
                        ...document,
                        Statement: [...document.Statement, ...(args.extraStatements?.(arn) ?? [])],
                    });
                }),
            },
            {
                parent: this,
                dependsOn: [publicAccessBlock],
                aliases: args.previousPolicyName ? [{ name: args.previousPolicyName }] : [],
            },
        );
        this.ready = [publicAccessBlock, encryption, versioning, policy];
        this.registerOutputs({});
    }
}
