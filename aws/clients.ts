// The AWS SDK clients verify and warm use, for one region and an optional profile (the SDK's default chain otherwise).
// Each client retries throttling itself (standard retry mode, 3 attempts).
import { ECRClient } from "@aws-sdk/client-ecr";
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AwsClients } from "./verify-stack";

export function awsClients(region: string, profile: string | undefined): AwsClients {
    const common = { region, ...(profile !== undefined ? { profile } : {}) };
    return {
        ecr: new ECRClient(common),
        iam: new IAMClient(common),
        s3: new S3Client(common),
        secrets: new SecretsManagerClient(common),
    };
}
