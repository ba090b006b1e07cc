// What lets HealthOmics use the cache: the registry policy and the repository creation templates.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DeploymentTarget } from "../config/types";
import { registryPolicyDocument, repositoryPolicyDocument } from "./policy-documents";

export interface OmicsEcrAccessArgs {
    target: DeploymentTarget;
    prefixes: readonly string[];
    tags: Record<string, string>;
}

export class OmicsEcrAccess extends pulumi.ComponentResource {
    readonly registryPolicy: aws.ecr.RegistryPolicy;
    readonly creationTemplates: aws.ecr.RepositoryCreationTemplate[];

    constructor(name: string, args: OmicsEcrAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("omics-registry-maps:index:OmicsEcrAccess", name, {}, opts);
        // ECR keeps one registry policy per account and region: this one replaces any other.
        this.registryPolicy = new aws.ecr.RegistryPolicy("omics-pull-through-cache", {
            policy: JSON.stringify(registryPolicyDocument(args.target, args.prefixes)),
        }, { parent: this });
        const repositoryPolicy = JSON.stringify(repositoryPolicyDocument());
        this.creationTemplates = args.prefixes.map(prefix => new aws.ecr.RepositoryCreationTemplate(prefix, {
            prefix,
            appliedFors: ["PULL_THROUGH_CACHE"],
            description: `Repositories the pull-through cache creates under ${prefix}/, readable by HealthOmics`,
            repositoryPolicy,
            resourceTags: args.tags,
        }, { parent: this }));
        this.registerOutputs({});
    }
}
