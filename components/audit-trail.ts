// Opt-in CloudTrail trail for the stack's region, so ECR and HealthOmics API calls are logged (the guide's
// "Access Logging" practice). Most organizations already have an organization-wide trail; see README.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DeploymentTarget } from "../config/types";
import { PrivateBucket } from "./private-bucket";

export class AuditTrail extends pulumi.ComponentResource {
    readonly trail: aws.cloudtrail.Trail;

    constructor(
        name: string,
        args: { target: DeploymentTarget; tags: Record<string, string> },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("omics-registry-maps:index:AuditTrail", name, {}, opts);
        const { partition, region, account } = args.target;
        const trailName = `${name}-${region}`;
        const trailArn = `arn:${partition}:cloudtrail:${region}:${account}:trail/${trailName}`;
        const condition = { StringEquals: { "aws:SourceArn": trailArn } };
        // The CloudTrail bucket policy of the CloudTrail User Guide (create-s3-bucket-policy-for-cloudtrail.html).
        const logs = new PrivateBucket(
            "audit-logs",
            {
                tags: args.tags,
                forceDestroy: false,
                extraStatements: bucketArn => [
                    {
                        Sid: "CloudTrailAclCheck",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "s3:GetBucketAcl",
                        Resource: bucketArn,
                        Condition: condition,
                    },
                    {
                        Sid: "CloudTrailWrite",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: `${bucketArn}/AWSLogs/${account}/*`,
                        Condition: {
                            StringEquals: { "aws:SourceArn": trailArn, "s3:x-amz-acl": "bucket-owner-full-control" },
                        },
                    },
                ],
            },
            { parent: this },
        );
        this.trail = new aws.cloudtrail.Trail(
            name,
            {
                name: trailName,
                s3BucketName: logs.bucket.id,
                isMultiRegionTrail: false,
                includeGlobalServiceEvents: false,
                enableLogFileValidation: true,
                tags: args.tags,
            },
            { parent: this, dependsOn: logs.ready },
        );
        this.registerOutputs({ trailArn: this.trail.arn });
    }
}
