// What verify and warm share: the stack's AWS provider settings (the identity `pulumi up` uses), the polite refusal
// without AWS credentials, and the stack read offline for an account.
import * as path from "path";
import { credentialSource, CredentialProbe, machineProbe, noCredentialsMessage } from "../../aws/credentials";
import { AwsProviderSettings, PROVIDER_SECRET_KEYS, providerSettingsFrom } from "../../aws/provider-credentials";
import { OfflineStack } from "../../config/stack-files";
import { EXIT_BAD_INPUT, loadStackFiles, projectDirFrom } from "./render";

/** Test seam: how the machine's credentials are looked for (the machine itself by default). */
export const credentialProbe: { current: () => CredentialProbe } = { current: machineProbe };

/**
 * The stack's `aws:` provider settings as its files hold them (region from `aws:region`, replaced by the validated
 * one before use), or the exit code after printing why not. `--profile` replaces the stack's `aws:profile` and static
 * keys as the first identity; the stack's `aws:assumeRoles` are assumed from it all the same.
 */
export async function stackProviderSettings(
    command: string,
    stack: string,
    project: string | undefined,
    profile: string | undefined,
): Promise<{ ok: true; settings: AwsProviderSettings } | { ok: false; code: number }> {
    const projectDir = await projectDirFrom(project);
    if (projectDir === undefined) {
        return { ok: false, code: EXIT_BAD_INPUT };
    }
    const { readStackFiles, StackFileError } = await loadStackFiles();
    let files: ReturnType<typeof readStackFiles>;
    try {
        files = readStackFiles(projectDir, stack);
    } catch (error) {
        if (error instanceof StackFileError) {
            process.stderr.write(`${command}: ${error.message}\n`);
            return { ok: false, code: EXIT_BAD_INPUT };
        }
        throw error;
    }
    const values = files.values ?? new Map<string, unknown>();
    const settings = providerSettingsFrom(files.raw.region ?? "", key => values.get(`aws:${key}`));
    if (profile !== undefined) {
        const { accessKey: _a, secretKey: _s, token: _t, ...rest } = settings;
        return { ok: true, settings: { ...rest, profile } };
    }
    const encrypted = PROVIDER_SECRET_KEYS.filter(key => files.encryptedKeys.includes(`aws:${key}`));
    if (encrypted.length > 0) {
        process.stderr.write(
            `${command}: ${encrypted.map(key => `aws:${key}`).join(", ")} ${encrypted.length > 1 ? "are" : "is"} ` +
                `encrypted in ${path.basename(files.stackFile)} and cannot be read offline; give the same identity ` +
                "with --profile <name> (the stack's aws:assumeRoles are still assumed from it)\n",
        );
        return { ok: false, code: EXIT_BAD_INPUT };
    }
    return { ok: true, settings };
}

/**
 * False after printing the one-line refusal when the stack's provider settings name no credentials and the SDK's
 * default chain (or the settings' profile, in their shared files) would find none.
 */
export function requireAwsCredentials(command: string, settings: AwsProviderSettings): boolean {
    if (settings.accessKey !== undefined && settings.secretKey !== undefined) {
        return true;
    }
    const probe = credentialProbe.current();
    const credentialsFile = settings.sharedCredentialsFiles?.[0];
    const configFile = settings.sharedConfigFiles?.[0];
    const env = {
        ...probe.env,
        ...(credentialsFile !== undefined ? { AWS_SHARED_CREDENTIALS_FILE: credentialsFile } : {}),
        ...(configFile !== undefined ? { AWS_CONFIG_FILE: configFile } : {}),
    };
    if (credentialSource({ ...probe, env }, settings.profile) === undefined) {
        process.stderr.write(`${noCredentialsMessage(command, settings.profile)}\n`);
        return false;
    }
    return true;
}

export type StackForAws =
    { ok: true; projectDir: string; evaluated: Extract<OfflineStack, { ok: true }> } | { ok: false; code: number };

/** The stack validated offline for `account`, as check and render read it; problems printed, exit 2. */
export async function stackForAws(
    command: string,
    stack: string,
    project: string | undefined,
    account: string,
): Promise<StackForAws> {
    const projectDir = await projectDirFrom(project);
    if (projectDir === undefined) {
        return { ok: false, code: EXIT_BAD_INPUT };
    }
    const { evaluateStackOffline, StackFileError } = await loadStackFiles();
    try {
        const evaluated = evaluateStackOffline(projectDir, stack, { account, assumeUnsetSecrets: true });
        if (!evaluated.ok) {
            process.stderr.write(`${evaluated.message}\n`);
            return { ok: false, code: EXIT_BAD_INPUT };
        }
        return { ok: true, projectDir, evaluated };
    } catch (error) {
        if (error instanceof StackFileError) {
            process.stderr.write(`${command}: ${error.message}\n`);
            return { ok: false, code: EXIT_BAD_INPUT };
        }
        throw error;
    }
}

export function relativeToCwd(file: string): string {
    return path.relative(process.cwd(), file) || file;
}
