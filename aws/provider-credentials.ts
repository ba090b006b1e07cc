// The one home for the credentials and region the stack's default AWS provider uses: the `aws:` settings (read from
// Pulumi config by the program, from the stack files by `verify` and `warm`) and the credential chain built from
// them, so the program's live reads and the CLI's AWS calls act as the same identity as `pulumi up`. The AWS SDK's
// credential providers are loaded only when a chain is built (never in offline runs or tests under mocks).
//
// What of the provider's credential settings is reproduced (pulumi-aws 7.48 provider config, as `pulumi config`
// sets it under the `aws:` namespace): `aws:region`; `aws:accessKey`/`aws:secretKey`/`aws:token`; `aws:profile`
// with the first of `aws:sharedCredentialsFiles` and `aws:sharedConfigFiles` (SDK fromIni); otherwise the SDK's
// default chain (environment, AWS_PROFILE, SSO, web identity, container and instance roles: fromNodeProviderChain,
// the same sources the provider's default chain reads); then each `aws:assumeRoles` entry in order, each session
// assuming the next role (SDK fromTemporaryCredentials with the previous credentials as masterCredentials:
// roleArn, sessionName, externalId, duration, policy, policyArns, tags, transitiveTagKeys, sourceIdentity).
// Not reproduced: `aws:assumeRoleWithWebIdentity`, `aws:endpoints` overrides, `aws:stsRegion`, custom CA bundles,
// explicit providers the stack does not use. With those the SDK may act as another identity (the default chain's):
// the program's live reads refuse an answer for another account (live-registry-reader.ts, OtherAccountError).
import type { ECRClientConfig } from "@aws-sdk/client-ecr";

/** The `aws:` provider settings reproduced here, as Pulumi config holds them. */
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

/** The `aws:` keys holding a string. */
export const PROVIDER_STRING_KEYS = ["profile", "accessKey", "secretKey", "token"] as const;
/** The `aws:` keys holding a list of file paths. */
export const PROVIDER_FILE_KEYS = ["sharedCredentialsFiles", "sharedConfigFiles"] as const;
/** The static-key settings, which a stack file usually holds encrypted. */
export const PROVIDER_SECRET_KEYS: readonly string[] = ["accessKey", "secretKey", "token"];

function isStringList(value: unknown): value is string[] {
    return Array.isArray(value) && value.every(v => typeof v === "string");
}

/**
 * The settings from the `aws:` values of a stack, `value(key)` giving each (`profile`, `assumeRoles`, ...) already
 * parsed (a string, a list, a list of mappings); values of another shape (an encrypted one) are left out.
 */
export function providerSettingsFrom(region: string, value: (key: string) => unknown): AwsProviderSettings {
    const settings: AwsProviderSettings = { region };
    for (const key of PROVIDER_STRING_KEYS) {
        const text = value(key);
        if (typeof text === "string") {
            settings[key] = text;
        }
    }
    for (const key of PROVIDER_FILE_KEYS) {
        const files = value(key);
        if (isStringList(files)) {
            settings[key] = files;
        }
    }
    const roles = value("assumeRoles");
    if (Array.isArray(roles)) {
        settings.assumeRoles = roles.filter(
            (role): role is AssumeRoleSettings => typeof role === "object" && role !== null,
        );
    }
    return settings;
}

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
    return sharedUntilExpiry(credentials);
}

/** Minutes before expiry at which shared credentials are fetched again (the SDK clients refresh at 5 minutes too). */
const REFRESH_MS = 5 * 60_000;

/**
 * One identity for every client made from it: the chain runs once (one AssumeRole per role, not one per client) and
 * again only near its expiry or after a failure.
 */
function sharedUntilExpiry(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
    let pending: ReturnType<AwsCredentialIdentityProvider> | undefined;
    return async (...args) => {
        if (pending !== undefined) {
            try {
                const identity = await pending;
                if (identity.expiration === undefined || identity.expiration.getTime() - Date.now() > REFRESH_MS) {
                    return identity;
                }
            } catch {
                // fetched again below
            }
        }
        pending = provider(...args);
        return pending;
    };
}
