// The IAM role HealthOmics runs assume: workflow buckets, workflow logs, cached images, and copies where HealthOmics copies.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "./policy-documents";

export interface OmicsServiceRoleArgs {
    trust: PolicyDocument;
    policy: PolicyDocument;
    tags: Record<string, string>;
}

export class OmicsServiceRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;

    constructor(name: string, args: OmicsServiceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("omics-registry-maps:index:OmicsServiceRole", name, {}, opts);
        this.role = new aws.iam.Role("omics-service-role", {
            description: "Service role for AWS HealthOmics workflow runs using the ECR pull-through cache",
            assumeRolePolicy: JSON.stringify(args.trust),
            tags: args.tags,
        }, { parent: this });
        new aws.iam.RolePolicy("omics-run-permissions", {
            role: this.role.id,
            policy: JSON.stringify(args.policy),
        }, { parent: this });
        this.registerOutputs({ roleArn: this.role.arn });
    }
}
