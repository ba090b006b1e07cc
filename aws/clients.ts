// The AWS SDK clients verify and warm use: the stack's region and the credentials its AWS provider uses (profile or
// static keys, then each aws:assumeRoles role), so they act as the same identity as `pulumi up`.
// Each client retries throttling itself (standard retry mode, 3 attempts).
import { ECRClient } from "@aws-sdk/client-ecr";
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AwsProviderSettings, providerCredentials } from "./provider-credentials";
import { AwsClients } from "./verify-stack";

export async function awsClients(settings: AwsProviderSettings): Promise<AwsClients> {
    const common = { region: settings.region, credentials: await providerCredentials(settings) };
    return {
        ecr: new ECRClient(common),
        iam: new IAMClient(common),
        s3: new S3Client(common),
        secrets: new SecretsManagerClient(common),
    };
}
