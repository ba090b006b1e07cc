// One pull-through cache prefix as a unit: its ECR pull-through cache rule and the repository creation template
// the cache creates its repositories with (repository policy for HealthOmics, lifecycle, tags, encryption).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegistryConfig } from "../config/types";

export interface PullThroughPrefixArgs {
    registry: RegistryConfig;
    /** The credential secret's ARN, taken from its version so the rule waits for the value. */
    credentialArn?: pulumi.Input<string>;
    repositoryPolicy: string;
    lifecyclePolicy?: string;
    tags: Record<string, string>;
    kmsKeyArn?: string;
    /** Required by ECR when the template tags or KMS-encrypts repositories. */
    customRoleArn?: pulumi.Input<string>;
    /** Aliases to where the first release declared the rule and the template. */
    previousRuleParent?: Pick<pulumi.CustomResourceOptions, "aliases">;
    previousTemplateParent?: Pick<pulumi.CustomResourceOptions, "aliases">;
}

export class PullThroughPrefix extends pulumi.ComponentResource {
    readonly rule: aws.ecr.PullThroughCacheRule;
    readonly template: aws.ecr.RepositoryCreationTemplate;

    constructor(name: string, args: PullThroughPrefixArgs, opts?: pulumi.ComponentResourceOptions) {
        super("omics-registry-maps:index:PullThroughPrefix", name, {}, opts);
        const prefix = args.registry.ecrRepositoryPrefix;
        // A prefix is unique per registry: a replacement must delete the old rule or template before creating the new
        // one.
        const unique = { parent: this, deleteBeforeReplace: true };
        this.rule = new aws.ecr.PullThroughCacheRule(
            prefix,
            {
                ecrRepositoryPrefix: prefix,
                upstreamRegistryUrl: args.registry.upstreamRegistryUrl,
                credentialArn: args.credentialArn,
            },
            { ...unique, ...args.previousRuleParent },
        );
        const tagged = Object.keys(args.tags).length > 0;
        this.template = new aws.ecr.RepositoryCreationTemplate(
            prefix,
            {
                prefix,
                appliedFors: ["PULL_THROUGH_CACHE"],
                description: `Repositories the pull-through cache creates under ${prefix}/, readable by HealthOmics`,
                repositoryPolicy: args.repositoryPolicy,
                // HealthOmics: the cache stays synchronized with upstream only while tags are mutable.
                imageTagMutability: "MUTABLE",
                lifecyclePolicy: args.lifecyclePolicy,
                encryptionConfigurations: [
                    args.kmsKeyArn !== undefined
                        ? { encryptionType: "KMS", kmsKey: args.kmsKeyArn }
                        : { encryptionType: "AES256" },
                ],
                ...(tagged ? { resourceTags: args.tags } : {}),
                customRoleArn: args.customRoleArn,
            },
            { ...unique, ...args.previousTemplateParent },
        );
        this.registerOutputs({});
    }
}
