// An IAM role a service assumes, with one inline policy: the role HealthOmics runs assume, and the role ECR assumes
// to create tagged or KMS-encrypted repositories from the creation templates (customRoleArn; ECR's service-linked
// role can only CreateRepository, so without it every pull through a tagged template fails).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "./policy-documents";

export interface ServiceRoleArgs {
    description: string;
    trust: PolicyDocument;
    policy: PolicyDocument;
    tags: Record<string, string>;
    /** Logical name of the inline policy. */
    policyName: string;
}

class ServiceRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    /**
     * The inline policy: whoever hands the role to a service waits for it, so it is never assumed without its rights.
     */
    readonly policy: aws.iam.RolePolicy;

    constructor(type: string, name: string, args: ServiceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        this.role = new aws.iam.Role(
            name,
            {
                description: args.description,
                assumeRolePolicy: JSON.stringify(args.trust),
                tags: args.tags,
            },
            { parent: this },
        );
        this.policy = new aws.iam.RolePolicy(
            args.policyName,
            {
                role: this.role.id,
                policy: JSON.stringify(args.policy),
            },
            { parent: this },
        );
        this.registerOutputs({ roleArn: this.role.arn });
    }
}

export class OmicsServiceRole extends ServiceRole {
    constructor(
        name: string,
        args: Omit<ServiceRoleArgs, "description" | "policyName">,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(
            "omics-registry-maps:index:OmicsServiceRole",
            name,
            {
                ...args,
                description: "Service role for AWS HealthOmics workflow runs using the ECR pull-through cache",
                policyName: "omics-run-permissions",
            },
            opts,
        );
    }
}

export class TemplateRole extends ServiceRole {
    constructor(
        name: string,
        args: Omit<ServiceRoleArgs, "description" | "policyName">,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(
            "omics-registry-maps:index:TemplateRole",
            name,
            {
                ...args,
                description:
                    "Assumed by Amazon ECR to create pull-through cache repositories with tags or KMS encryption",
                policyName: "ecr-template-permissions",
            },
            opts,
        );
    }
}
