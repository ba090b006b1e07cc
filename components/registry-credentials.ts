// Secrets Manager secrets holding upstream registry credentials: `ecr-pullthroughcache/<prefix>` for pull-through
// cache rules, `omics-registry/<prefix>` for registries HealthOmics copies from. The value is written through the
// write-only `secretStringWo`: the provider never reads it back, so it is in no output or refreshed state; the engine
// still records the input, encrypted as a secret (bridged write-only fields, pulumi/pulumi-terraform-bridge#3201).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { RegistryConfig } from "../config/types";
import { credentialSecretName } from "../config/validate-credentials";

export interface RegistryCredentialsArgs {
    registries: readonly RegistryConfig[];
    /** Config namespace holding the secret config keys named by the registries. */
    namespace: string;
    tags: Record<string, string>;
}

/** Registries are validated to hold `accessToken` and, except Seqera, `username`. */
interface UpstreamCredential {
    username?: string;
    accessToken: string;
}

/**
 * `secretStringWoVersion` must change for a new value to be written: derive it from the value, so rotating the token
 * in Pulumi config rotates it in Secrets Manager. 48 bits of SHA-256, kept secret in state like the value it comes
 * from.
 */
export function writeOnlyVersion(secretString: string): number {
    return parseInt(createHash("sha256").update(secretString).digest("hex").slice(0, 12), 16);
}

export class RegistryCredentials extends pulumi.ComponentResource {
    /**
     * The ARN to hand each credentialed registry's rule or map entry, by prefix; it resolves once the value is written.
     */
    readonly credentialArns: Partial<Record<string, pulumi.Output<string>>> = {};

    constructor(name: string, args: RegistryCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("omics-registry-maps:index:RegistryCredentials", name, {}, opts);
        const config = new pulumi.Config(args.namespace);
        for (const registry of args.registries) {
            const prefix = registry.ecrRepositoryPrefix;
            const credentials = registry.credentials;
            if (credentials?.kind === "existing-secret") {
                this.credentialArns[prefix] = pulumi.output(credentials.secretArn);
            } else if (credentials?.kind === "pulumi-secret") {
                const user =
                    registry.servedBy === "pull-through-cache"
                        ? `the ECR pull-through cache rule '${prefix}'`
                        : `HealthOmics copies under '${prefix}'`;
                const secret = new aws.secretsmanager.Secret(
                    prefix,
                    {
                        name: credentialSecretName(registry.servedBy, prefix),
                        description: `Credentials for ${registry.upstreamRegistryUrl}, used by ${user}`,
                        // The value lives in Pulumi config, so the secret can be recreated at once after a destroy.
                        recoveryWindowInDays: 0,
                        tags: args.tags,
                    },
                    { parent: this },
                );
                const secretString = config
                    .requireSecretObject<UpstreamCredential>(credentials.configKey)
                    .apply(value =>
                        JSON.stringify(
                            value.username === undefined
                                ? { accessToken: value.accessToken }
                                : { username: value.username, accessToken: value.accessToken },
                        ),
                    );
                const version = new aws.secretsmanager.SecretVersion(
                    prefix,
                    {
                        secretId: secret.id,
                        secretStringWo: secretString,
                        secretStringWoVersion: secretString.apply(writeOnlyVersion),
                    },
                    { parent: this },
                );
                // Whoever reads the secret (ECR, while creating the rule) must wait for the value: take the ARN from
                // the version.
                this.credentialArns[prefix] = version.secretArn;
            }
        }
        this.registerOutputs({ credentialArns: this.credentialArns });
    }
}
