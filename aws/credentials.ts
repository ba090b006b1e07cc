// Whether this machine has AWS credentials the SDK could use, decided offline before any client is made, so that
// `verify` and `warm` can refuse in one line instead of letting the SDK try the instance metadata service.
// The sources are the SDK's default chain (AWS SDK for JavaScript v3, credential-provider-node: environment,
// shared config and credentials files with SSO and process entries, web identity, ECS/EKS container credentials,
// EC2 instance metadata). An EC2 instance is recognised by its DMI vendor, as cloud-init's ds-identify does.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface CredentialProbe {
    env: NodeJS.ProcessEnv;
    /** Reads a file's text, or undefined when it cannot be read. */
    readFile(file: string): string | undefined;
    homedir: string;
}

function readOrUndefined(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
}

export const machineProbe = (): CredentialProbe => ({
    env: process.env,
    readFile: readOrUndefined,
    homedir: os.homedir(),
});

/** The profile names a shared config or credentials file defines (`[name]` or `[profile name]`). */
function profilesIn(text: string | undefined): string[] {
    return [...(text ?? "").matchAll(/^\s*\[(?:profile\s+)?([^\]]+?)\s*\]/gm)].map(m => m[1]);
}

/** Where credentials would come from, or undefined when the SDK's default chain would find none. */
export function credentialSource(probe: CredentialProbe, profile: string | undefined): string | undefined {
    const env = probe.env;
    const set = (name: string) => env[name] !== undefined && env[name] !== "";
    if (profile === undefined && set("AWS_ACCESS_KEY_ID") && set("AWS_SECRET_ACCESS_KEY")) {
        return "environment";
    }
    if (set("AWS_WEB_IDENTITY_TOKEN_FILE") && set("AWS_ROLE_ARN")) {
        return "web identity";
    }
    if (set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") || set("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
        return "container credentials";
    }
    const wanted = profile ?? env.AWS_PROFILE ?? "default";
    const configFile = env.AWS_CONFIG_FILE ?? path.join(probe.homedir, ".aws", "config");
    const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(probe.homedir, ".aws", "credentials");
    if ([...profilesIn(probe.readFile(configFile)), ...profilesIn(probe.readFile(credentialsFile))].includes(wanted)) {
        return `profile ${wanted}`;
    }
    if (env.AWS_EC2_METADATA_DISABLED !== "true") {
        const vendor =
            probe.readFile("/sys/class/dmi/id/sys_vendor") ?? probe.readFile("/sys/class/dmi/id/board_vendor") ?? "";
        if (/amazon/i.test(vendor) || (probe.readFile("/sys/hypervisor/uuid") ?? "").startsWith("ec2")) {
            return "EC2 instance metadata";
        }
    }
    return undefined;
}

/** The one line `verify` and `warm` print when there are no credentials (exit 2). */
export function noCredentialsMessage(command: string, profile: string | undefined): string {
    return (
        `${command}: no AWS credentials found${profile !== undefined ? ` for profile ${profile}` : ""} ` +
        `(environment, AWS_PROFILE or ~/.aws, web identity, container or EC2 instance role); ` +
        "configure them (aws configure, aws sso login, or AWS_PROFILE) and run again"
    );
}
