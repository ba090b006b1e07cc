// Checks which KMS key encrypts each existing credential secret, where AWS can tell. Pull-through cache: ECR can only
// read secrets encrypted with the default aws/secretsmanager key ("You must use the default aws/secretsmanager
// encryption key", ECR User Guide pull-through-cache-creating-secret.html; its service-linked role has no
// kms:Decrypt). Registries HealthOmics copies from: the run role reads the secret, so a customer key works once the
// role may kms:Decrypt with it (credentials.kmsKeyArn), and fails every copy when it may not.
import { ConfigProblem, OmicsRegistryConfig } from "./types";

/** The KMS key id DescribeSecret reports for a secret ("" or undefined for the default aws/secretsmanager key). */
export type SecretKeyLookup = (arn: string) => Promise<string | undefined>;

function isDefaultKey(kmsKeyId: string | undefined): boolean {
    return (
        kmsKeyId === undefined ||
        kmsKeyId === "" ||
        kmsKeyId === "alias/aws/secretsmanager" ||
        kmsKeyId.endsWith(":alias/aws/secretsmanager")
    );
}

/**
 * Problems for existing secrets encrypted with another key. A secret that cannot be looked up is reported through
 * `warn` only: the deploying credentials may lack secretsmanager:DescribeSecret while ECR can still read it, and if it
 * cannot, CreatePullThroughCacheRule says so itself.
 */
/**
 * Whether DescribeSecret's KmsKeyId (key ARN, key id or alias) names the configured key ARN; undefined: cannot tell.
 */
function namesKey(kmsKeyId: string, keyArn: string): boolean | undefined {
    if (kmsKeyId.includes("alias/")) {
        return undefined;
    }
    return kmsKeyId === keyArn || keyArn.endsWith(`:key/${kmsKeyId}`);
}

/** The problem of a copy registry's existing secret under `kmsKeyId`, or undefined. */
function copySecretKeyProblem(
    path: string,
    arn: string,
    kmsKeyId: string | undefined,
    configured: string | undefined,
    warn: (message: string) => void,
): ConfigProblem | undefined {
    if (isDefaultKey(kmsKeyId) || kmsKeyId === undefined) {
        return undefined;
    }
    if (configured === undefined) {
        return {
            path,
            message:
                `is encrypted with customer KMS key ${kmsKeyId}; HealthOmics reads it with the run role, ` +
                `which then needs kms:Decrypt on that key: set credentials.kmsKeyArn to the key's ARN (and ` +
                `let the key policy allow the account's IAM policies)`,
        };
    }
    const same = namesKey(kmsKeyId, configured);
    if (same === undefined) {
        warn(
            `${path}: ${arn} is encrypted with ${kmsKeyId}, which cannot be compared with ` +
                `credentials.kmsKeyArn ${configured}; make sure the alias names that key`,
        );
        return undefined;
    }
    return same
        ? undefined
        : {
              path,
              message:
                  `is encrypted with KMS key ${kmsKeyId}, not with credentials.kmsKeyArn ${configured}: set ` +
                  `credentials.kmsKeyArn to the key that encrypts it`,
          };
}

export async function checkExistingSecretKeys(
    config: OmicsRegistryConfig,
    lookup: SecretKeyLookup,
    warn: (message: string) => void,
): Promise<ConfigProblem[]> {
    const checks = config.registries.map(async (registry, index): Promise<ConfigProblem | undefined> => {
        const credentials = registry.credentials;
        if (credentials?.kind !== "existing-secret") {
            return undefined;
        }
        const path = `registries[${index}].credentials.secretArn`;
        const copy = registry.servedBy === "healthomics-copy";
        let kmsKeyId: string | undefined;
        try {
            kmsKeyId = await lookup(credentials.secretArn);
        } catch (error) {
            const reason =
                error instanceof Error && error.message !== "" ? error.message.split("\n")[0] : "no reason given";
            warn(
                `${path}: could not check which KMS key encrypts ${credentials.secretArn} (${reason}); ${
                    copy
                        ? "if it is a customer key, set credentials.kmsKeyArn so the run role may decrypt it"
                        : "ECR can only read secrets encrypted with the default aws/secretsmanager key"
                }`,
            );
            return undefined;
        }
        if (copy) {
            return copySecretKeyProblem(path, credentials.secretArn, kmsKeyId, credentials.kmsKeyArn, warn);
        }
        return isDefaultKey(kmsKeyId)
            ? undefined
            : {
                  path,
                  message:
                      `is encrypted with KMS key ${kmsKeyId}; ECR pull-through cache can only read secrets ` +
                      `encrypted with the default aws/secretsmanager key: re-encrypt it (aws secretsmanager ` +
                      `update-secret --kms-key-id alias/aws/secretsmanager) or let this stack create the ` +
                      `secret with credentials.secretConfigKey`,
              };
    });
    return (await Promise.all(checks)).filter((p): p is ConfigProblem => p !== undefined);
}
