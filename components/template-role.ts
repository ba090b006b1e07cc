// The role ECR assumes to create tagged or KMS-encrypted repositories from the creation templates (customRoleArn):
// ECR's service-linked role can only CreateRepository, so without it every pull through a tagged template fails.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "./policy-documents";

export interface TemplateRoleArgs {
    trust: PolicyDocument;
    policy: PolicyDocument;
    tags: Record<string, string>;
}

export class TemplateRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    /** The role's policy: templates wait for it, so ECR never assumes a role without its permissions. */
    readonly policy: aws.iam.RolePolicy;

    constructor(name: string, args: TemplateRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("omics-registry-maps:index:TemplateRole", name, {}, opts);
        this.role = new aws.iam.Role("ecr-template-role", {
            description: "Assumed by Amazon ECR to create pull-through cache repositories with tags or KMS encryption",
            assumeRolePolicy: JSON.stringify(args.trust),
            tags: args.tags,
        }, { parent: this });
        this.policy = new aws.iam.RolePolicy("ecr-template-permissions", {
            role: this.role.id,
            policy: JSON.stringify(args.policy),
        }, { parent: this });
        this.registerOutputs({ roleArn: this.role.arn });
    }
}
