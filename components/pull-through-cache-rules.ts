// One ECR pull-through cache rule per upstream registry.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegistryConfig } from "../config/types";

export interface PullThroughCacheRulesArgs {
    registries: readonly RegistryConfig[];
    /** Credential secret ARN by prefix, for the registries that use credentials. */
    credentialArns: Record<string, pulumi.Input<string>>;
}

export class PullThroughCacheRules extends pulumi.ComponentResource {
    readonly rules: aws.ecr.PullThroughCacheRule[];

    constructor(name: string, args: PullThroughCacheRulesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("omics-registry-maps:index:PullThroughCacheRules", name, {}, opts);
        this.rules = args.registries.map(registry => new aws.ecr.PullThroughCacheRule(registry.ecrRepositoryPrefix, {
            ecrRepositoryPrefix: registry.ecrRepositoryPrefix,
            upstreamRegistryUrl: registry.upstreamRegistryUrl,
            credentialArn: args.credentialArns[registry.ecrRepositoryPrefix],
        }, { parent: this }));
        this.registerOutputs({});
    }
}
