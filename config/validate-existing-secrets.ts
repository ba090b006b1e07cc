// Checks existing pull-through credential secrets where AWS can tell: ECR can only read secrets encrypted with the
// default aws/secretsmanager key ("You must use the default aws/secretsmanager encryption key", ECR User Guide
// pull-through-cache-creating-secret.html; its service-linked role has no kms:Decrypt).
import { ConfigProblem, OmicsRegistryConfig } from "./types";

/** The KMS key id DescribeSecret reports for a secret ("" or undefined for the default aws/secretsmanager key). */
export type SecretKeyLookup = (arn: string) => Promise<string | undefined>;

function isDefaultKey(kmsKeyId: string | undefined): boolean {
    return kmsKeyId === undefined || kmsKeyId === "" || kmsKeyId === "alias/aws/secretsmanager" || kmsKeyId.endsWith(":alias/aws/secretsmanager");
}

/**
 * Problems for existing secrets encrypted with another key. A secret that cannot be looked up is reported through
 * `warn` only: the deploying credentials may lack secretsmanager:DescribeSecret while ECR can still read it, and if it
 * cannot, CreatePullThroughCacheRule says so itself.
 */
export async function checkExistingSecretKeys(config: OmicsRegistryConfig, lookup: SecretKeyLookup, warn: (message: string) => void): Promise<ConfigProblem[]> {
    const checks = config.registries.map(async (registry, index): Promise<ConfigProblem | undefined> => {
        const credentials = registry.credentials;
        if (registry.servedBy !== "pull-through-cache" || credentials?.kind !== "existing-secret") {
            return undefined;
        }
        const path = `registries[${index}].credentials.secretArn`;
        let kmsKeyId: string | undefined;
        try {
            kmsKeyId = await lookup(credentials.secretArn);
        } catch (error) {
            const reason = error instanceof Error && error.message !== "" ? error.message.split("\n")[0] : "no reason given";
            warn(`${path}: could not check which KMS key encrypts ${credentials.secretArn} (${reason}); ECR can only read secrets encrypted with the default aws/secretsmanager key`);
            return undefined;
        }
        return isDefaultKey(kmsKeyId)
            ? undefined
            : { path, message: `is encrypted with KMS key ${kmsKeyId}; ECR pull-through cache can only read secrets encrypted with the default aws/secretsmanager key: re-encrypt it (aws secretsmanager update-secret --kms-key-id alias/aws/secretsmanager) or let this stack create the secret with credentials.secretConfigKey` };
    });
    return (await Promise.all(checks)).filter((p): p is ConfigProblem => p !== undefined);
}
