// The IAM role HealthOmics runs assume: workflow buckets, workflow logs, and cached images only.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DeploymentTarget } from "../config/types";
import { omicsRunPolicyDocument, omicsTrustPolicyDocument } from "./policy-documents";

export interface OmicsServiceRoleArgs {
    target: DeploymentTarget;
    prefixes: readonly string[];
    workflowBuckets: readonly string[];
    tags: Record<string, string>;
}

export class OmicsServiceRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;

    constructor(name: string, args: OmicsServiceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("omics-registry-maps:index:OmicsServiceRole", name, {}, opts);
        this.role = new aws.iam.Role("omics-service-role", {
            description: "Service role for AWS HealthOmics workflow runs using the ECR pull-through cache",
            assumeRolePolicy: JSON.stringify(omicsTrustPolicyDocument(args.target)),
            tags: args.tags,
        }, { parent: this });
        new aws.iam.RolePolicy("omics-run-permissions", {
            role: this.role.id,
            policy: JSON.stringify(omicsRunPolicyDocument(args.target, args.prefixes, args.workflowBuckets)),
        }, { parent: this });
        this.registerOutputs({ roleArn: this.role.arn });
    }
}
