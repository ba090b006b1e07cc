// Checks existing pull-through credential secrets where AWS can tell: ECR can only read secrets encrypted with the
// default aws/secretsmanager key ("You must use the default aws/secretsmanager encryption key", ECR User Guide
// pull-through-cache-creating-secret.html; its service-linked role has no kms:Decrypt).
import { ConfigProblem, OmicsRegistryConfig } from "./types";

/** The KMS key id DescribeSecret reports for a secret ("" or undefined for the default aws/secretsmanager key). */
export type SecretKeyLookup = (arn: string) => Promise<string | undefined>;

function isDefaultKey(kmsKeyId: string | undefined): boolean {
    return kmsKeyId === undefined || kmsKeyId === "" || kmsKeyId === "alias/aws/secretsmanager" || kmsKeyId.endsWith(":alias/aws/secretsmanager");
}

export async function checkExistingSecretKeys(config: OmicsRegistryConfig, lookup: SecretKeyLookup): Promise<ConfigProblem[]> {
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
            return { path, message: `could not be read with the deploying credentials (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); ECR must find it in this account and region` };
        }
        return isDefaultKey(kmsKeyId)
            ? undefined
            : { path, message: `is encrypted with KMS key ${kmsKeyId}; ECR pull-through cache can only read secrets encrypted with the default aws/secretsmanager key: re-encrypt it (aws secretsmanager update-secret --kms-key-id alias/aws/secretsmanager) or let this stack create the secret with credentials.secretConfigKey` };
    });
    return (await Promise.all(checks)).filter((p): p is ConfigProblem => p !== undefined);
}
