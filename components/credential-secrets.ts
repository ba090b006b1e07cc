// Secrets Manager secrets holding upstream registry credentials, one per credentialed registry.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CREDENTIAL_SECRET_NAME_PREFIX } from "../policy-pack/rules/ecr-naming";
import { RegistryConfig } from "../config/types";

export interface CredentialSecretsArgs {
    registries: readonly RegistryConfig[];
    /** Config namespace holding the secret config keys named by the registries. */
    namespace: string;
    tags: Record<string, string>;
}

interface UpstreamCredential {
    username: string;
    accessToken: string;
}

export class CredentialSecrets extends pulumi.ComponentResource {
    /** Secret ARN to hand to each credentialed registry's pull-through cache rule, by prefix. */
    readonly credentialArns: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: CredentialSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("omics-registry-maps:index:CredentialSecrets", name, {}, opts);
        const config = new pulumi.Config(args.namespace);
        for (const registry of args.registries) {
            const prefix = registry.ecrRepositoryPrefix;
            const credentials = registry.credentials;
            if (credentials?.kind === "existing-secret") {
                this.credentialArns[prefix] = pulumi.output(credentials.secretArn);
            } else if (credentials?.kind === "pulumi-secret") {
                const secret = new aws.secretsmanager.Secret(prefix, {
                    name: `${CREDENTIAL_SECRET_NAME_PREFIX}${prefix}`,
                    description: `Credentials for ${registry.upstreamRegistryUrl}, used by the ECR pull-through cache rule '${prefix}'`,
                    // The value lives in Pulumi config, so the secret can be recreated at once after a destroy.
                    recoveryWindowInDays: 0,
                    tags: args.tags,
                }, { parent: this });
                const secretString = config.requireSecretObject<UpstreamCredential>(credentials.configKey)
                    .apply(value => JSON.stringify({ username: value.username, accessToken: value.accessToken }));
                new aws.secretsmanager.SecretVersion(prefix, { secretId: secret.id, secretString }, { parent: this });
                this.credentialArns[prefix] = secret.arn;
            }
        }
        this.registerOutputs({ credentialArns: this.credentialArns });
    }
}
