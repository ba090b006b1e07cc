// Reads the account's live registry scanning configuration and registry policy before the stack writes them, with
// the region and credentials the stack's default AWS provider uses. The AWS SDK is loaded only when a reader is
// made (a real `pulumi preview`/`up`), never in offline runs or tests under mocks.
// The credentials and region come from aws/provider-credentials.ts (what of the provider's settings is reproduced).
import type { ECRClient, ScanningRepositoryFilter } from "@aws-sdk/client-ecr";
import { AwsProviderSettings, providerCredentials } from "../aws/provider-credentials";
import { ScanningFilterRule } from "../config/types";
import { LiveScanning } from "./registry-state";

/** Reads the two registry-wide singletons; the program's tests inject their own. */
export interface RegistryStateReader {
    scanningConfiguration(): Promise<LiveScanning>;
    /** The registry policy text, or null when the account has none. */
    registryPolicyText(): Promise<string | null>;
}

const FREQUENCIES: readonly string[] = ["SCAN_ON_PUSH", "CONTINUOUS_SCAN", "MANUAL"];

/** An ECR client in the provider's region with the provider's credentials. */
export async function providerEcrClient(settings: AwsProviderSettings): Promise<ECRClient> {
    const [{ ECRClient: Client }, credentials] = await Promise.all([
        import("@aws-sdk/client-ecr"),
        providerCredentials(settings),
    ]);
    return new Client({ region: settings.region, credentials });
}

function ruleFilters(filters: readonly ScanningRepositoryFilter[] | undefined): string[] {
    return (filters ?? []).flatMap(f => (f.filterType === "WILDCARD" && f.filter !== undefined ? [f.filter] : []));
}

function isFrequency(value: string | undefined): value is ScanningFilterRule["scanFrequency"] {
    return value !== undefined && FREQUENCIES.includes(value);
}

/**
 * ECR answered for another account than the stack deploys to: the SDK's credentials are not the provider's (a setting
 * provider-credentials.ts does not reproduce, such as aws:assumeRoleWithWebIdentity). Never merged into this account.
 */
export class OtherAccountError extends Error {
    override name = "OtherAccountError";
}

function checkAccount(call: string, account: string, registryId: string | undefined): void {
    if (registryId !== undefined && registryId !== account) {
        throw new OtherAccountError(`${call} answered for account ${registryId}, not ${account}`);
    }
}

/**
 * The reader over an ECR client (the SDK is loaded by whoever made the client) for the registry of `account`; an
 * answer for another registry (the `registryId` of the response) is an OtherAccountError.
 */
export function ecrRegistryStateReader(client: ECRClient, account: string): RegistryStateReader {
    return {
        async scanningConfiguration() {
            const { GetRegistryScanningConfigurationCommand } = await import("@aws-sdk/client-ecr");
            const response = await client.send(new GetRegistryScanningConfigurationCommand({}));
            checkAccount("GetRegistryScanningConfiguration", account, response.registryId);
            const configuration = response.scanningConfiguration;
            const rules: ScanningFilterRule[] = (configuration?.rules ?? [])
                .flatMap(rule =>
                    isFrequency(rule.scanFrequency)
                        ? [{ scanFrequency: rule.scanFrequency, filters: ruleFilters(rule.repositoryFilters) }]
                        : [],
                )
                .filter(rule => rule.filters.length > 0);
            return { scanType: configuration?.scanType === "ENHANCED" ? "ENHANCED" : "BASIC", rules };
        },
        async registryPolicyText() {
            const { GetRegistryPolicyCommand } = await import("@aws-sdk/client-ecr");
            try {
                const response = await client.send(new GetRegistryPolicyCommand({}));
                checkAccount("GetRegistryPolicy", account, response.registryId);
                return response.policyText ?? null;
            } catch (error) {
                if (error instanceof Error && error.name === "RegistryPolicyNotFoundException") {
                    return null;
                }
                throw error;
            }
        },
    };
}
