// What verify and warm share: the polite refusal without AWS credentials, and the stack read offline for an account.
import * as path from "path";
import { credentialSource, CredentialProbe, machineProbe, noCredentialsMessage } from "../../aws/credentials";
import { OfflineStack } from "../../config/stack-files";
import { EXIT_BAD_INPUT, loadStackFiles, projectDirFrom } from "./render";

/** Test seam: how the machine's credentials are looked for (the machine itself by default). */
export const credentialProbe: { current: () => CredentialProbe } = { current: machineProbe };

/** False after printing the one-line refusal when the SDK's default chain would find no credentials. */
export function requireAwsCredentials(command: string, profile: string | undefined): boolean {
    if (credentialSource(credentialProbe.current(), profile) === undefined) {
        process.stderr.write(`${noCredentialsMessage(command, profile)}\n`);
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
