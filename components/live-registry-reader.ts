// Reads the account's live registry scanning configuration and registry policy before the stack writes them, with
// the region and credentials the stack's default AWS provider uses. The AWS SDK is loaded only when a reader is
// made (a real `pulumi preview`/`up`), never in offline runs or tests under mocks.
//
// What of the provider's credential settings is reproduced (pulumi-aws 7.48 provider config, as `pulumi config`
// sets it under the `aws:` namespace): `aws:region`; `aws:accessKey`/`aws:secretKey`/`aws:token`; `aws:profile`
// with the first of `aws:sharedCredentialsFiles` and `aws:sharedConfigFiles` (SDK fromIni); otherwise the SDK's
// default chain (environment, AWS_PROFILE, SSO, web identity, container and instance roles: fromNodeProviderChain,
// the same sources the provider's default chain reads); then each `aws:assumeRoles` entry in order, each session
// assuming the next role (SDK fromTemporaryCredentials with the previous credentials as masterCredentials:
// roleArn, sessionName, externalId, duration, policy, policyArns, tags, transitiveTagKeys, sourceIdentity).
// Not reproduced: `aws:assumeRoleWithWebIdentity`, `aws:endpoints` overrides, `aws:stsRegion`, custom CA bundles,
// explicit providers the stack does not use. A stack whose credentials come from those fails here with the SDK's
// message rather than writing over what it could not read.
import type { ECRClient, ECRClientConfig, ScanningRepositoryFilter } from "@aws-sdk/client-ecr";
import { ScanningFilterRule } from "../config/types";
import { LiveScanning } from "./registry-state";

/** Reads the two registry-wide singletons; the program's tests inject their own. */
export interface RegistryStateReader {
    scanningConfiguration(): Promise<LiveScanning>;
    /** The registry policy text, or null when the account has none. */
    registryPolicyText(): Promise<string | null>;
}

/** The `aws:` provider settings this reader reproduces, as Pulumi config holds them. */
export interface AwsProviderSettings {
    region: string;
    profile?: string;
    accessKey?: string;
    secretKey?: string;
    token?: string;
    sharedCredentialsFiles?: string[];
    sharedConfigFiles?: string[];
    assumeRoles?: AssumeRoleSettings[];
}

export interface AssumeRoleSettings {
    roleArn?: string;
    sessionName?: string;
    externalId?: string;
    duration?: string;
    policy?: string;
    policyArns?: string[];
    tags?: Record<string, string>;
    transitiveTagKeys?: string[];
    sourceIdentity?: string;
}

/** A credential provider as the SDK clients take it. */
export type AwsCredentialIdentityProvider = Extract<NonNullable<ECRClientConfig["credentials"]>, () => unknown>;

const FREQUENCIES: readonly string[] = ["SCAN_ON_PUSH", "CONTINUOUS_SCAN", "MANUAL"];

/** A Go duration as the provider takes it (`1h`, `15m`, `1h30m`, `900s`) in whole seconds, or undefined. */
export function durationSeconds(duration: string | undefined): number | undefined {
    if (duration === undefined || duration === "") {
        return undefined;
    }
    const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
    let seconds = 0;
    const rest = duration.replace(/(\d+(?:\.\d+)?)(ms|h|m|s)/g, (_, value: string, unit: string) => {
        seconds += Number(value) * units[unit];
        return "";
    });
    if (rest !== "") {
        throw new Error(`aws:assumeRoles duration ${JSON.stringify(duration)} is not a duration such as 1h or 15m`);
    }
    return Math.round(seconds);
}

/** The credentials the provider would use, built from the SDK's providers (loaded here, on first use). */
export async function providerCredentials(settings: AwsProviderSettings): Promise<AwsCredentialIdentityProvider> {
    const { fromIni, fromNodeProviderChain, fromTemporaryCredentials } = await import("@aws-sdk/credential-providers");
    let credentials: AwsCredentialIdentityProvider;
    if (settings.accessKey !== undefined && settings.secretKey !== undefined) {
        const identity = {
            accessKeyId: settings.accessKey,
            secretAccessKey: settings.secretKey,
            ...(settings.token !== undefined ? { sessionToken: settings.token } : {}),
        };
        credentials = () => Promise.resolve(identity);
    } else if (settings.profile !== undefined) {
        credentials = fromIni({
            profile: settings.profile,
            ...(settings.sharedCredentialsFiles?.[0] !== undefined
                ? { filepath: settings.sharedCredentialsFiles[0] }
                : {}),
            ...(settings.sharedConfigFiles?.[0] !== undefined ? { configFilepath: settings.sharedConfigFiles[0] } : {}),
        });
    } else {
        credentials = fromNodeProviderChain();
    }
    for (const role of settings.assumeRoles ?? []) {
        if (role.roleArn === undefined || role.roleArn === "") {
            continue;
        }
        const seconds = durationSeconds(role.duration);
        credentials = fromTemporaryCredentials({
            masterCredentials: credentials,
            clientConfig: { region: settings.region },
            params: {
                RoleArn: role.roleArn,
                RoleSessionName: role.sessionName ?? "omics-registry-maps",
                ...(role.externalId !== undefined ? { ExternalId: role.externalId } : {}),
                ...(seconds !== undefined ? { DurationSeconds: seconds } : {}),
                ...(role.policy !== undefined ? { Policy: role.policy } : {}),
                ...(role.policyArns !== undefined ? { PolicyArns: role.policyArns.map(arn => ({ arn })) } : {}),
                ...(role.tags !== undefined
                    ? { Tags: Object.entries(role.tags).map(([Key, Value]) => ({ Key, Value })) }
                    : {}),
                ...(role.transitiveTagKeys !== undefined ? { TransitiveTagKeys: role.transitiveTagKeys } : {}),
                ...(role.sourceIdentity !== undefined ? { SourceIdentity: role.sourceIdentity } : {}),
            },
        });
    }
    return credentials;
}

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

/** The reader over an ECR client (the SDK is loaded by whoever made the client). */
export function ecrRegistryStateReader(client: ECRClient): RegistryStateReader {
    return {
        async scanningConfiguration() {
            const { GetRegistryScanningConfigurationCommand } = await import("@aws-sdk/client-ecr");
            const response = await client.send(new GetRegistryScanningConfigurationCommand({}));
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
