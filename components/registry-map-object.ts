// A private bucket holding the container registry map JSON that `aws omics create-workflow` reads.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tlsOnlyBucketPolicyDocument } from "./policy-documents";
import { ContainerRegistryMap } from "./registry-map";

export interface RegistryMapObjectArgs {
    map: ContainerRegistryMap;
    key: string;
    tags: Record<string, string>;
    /** Resources that must exist before the map is published (so a published map always works). */
    publishAfter: pulumi.Resource[];
}

export class RegistryMapObject extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    /** `s3://<bucket>/<key>`, for `--container-registry-map-uri`. */
    readonly uri: pulumi.Output<string>;

    constructor(name: string, args: RegistryMapObjectArgs, opts?: pulumi.ComponentResourceOptions) {
        super("omics-registry-maps:index:RegistryMapObject", name, {}, opts);
        const parent = { parent: this };
        // The bucket only holds generated content, so it may be emptied on destroy.
        this.bucket = new aws.s3.Bucket("registry-map", { forceDestroy: true, tags: args.tags }, parent);
        const bucket = this.bucket.id;
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock("registry-map", {
            bucket,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, parent);
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration("registry-map", {
            bucket,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        }, parent);
        const versioning = new aws.s3.BucketVersioning("registry-map", {
            bucket,
            versioningConfiguration: { status: "Enabled" },
        }, parent);
        const tlsOnly = new aws.s3.BucketPolicy("registry-map-tls-only", {
            bucket,
            policy: this.bucket.arn.apply(arn => JSON.stringify(tlsOnlyBucketPolicyDocument(arn))),
        }, { parent: this, dependsOn: [publicAccessBlock] });
        const object = new aws.s3.BucketObjectv2("container-registry-map", {
            bucket,
            key: args.key,
            content: JSON.stringify(args.map, null, 2),
            contentType: "application/json",
        }, { parent: this, dependsOn: [publicAccessBlock, encryption, versioning, tlsOnly, ...args.publishAfter] });
        this.uri = pulumi.interpolate`s3://${object.bucket}/${object.key}`;
        this.registerOutputs({ uri: this.uri });
    }
}
