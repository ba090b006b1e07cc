// Checks a registry's `credentials` block against what its upstream registry accepts.
import { CREDENTIAL_SECRET_NAME_PREFIX } from "../policy-pack/rules/ecr-naming";
import { UpstreamRegistry as KnownRegistry } from "../policy-pack/rules/registry-catalogue";
import { checkKnownFields, describeType, isRecord, Problems } from "./problems";
import { DeploymentTarget, RawConfig, RegistryCredentials } from "./types";

const CREDENTIAL_FIELDS = ["secretConfigKey", "secretArn"] as const;
const SECRET_VALUE_FIELDS = ["username", "accessToken"] as const;
const CONFIG_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;
const SECRET_ARN = /^arn:([a-z-]+):secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)-[A-Za-z0-9]{6}$/;

export interface CredentialContext {
    namespace: string;
    /** Undefined when aws:region is unusable, so the account could not be asked for; those checks are skipped. */
    target: DeploymentTarget | undefined;
    secretConfig: RawConfig["secretConfig"];
}

export function validateCredentials(
    raw: unknown,
    registry: KnownRegistry,
    url: string,
    path: string,
    context: CredentialContext,
    problems: Problems,
): RegistryCredentials | undefined {
    const label = `${registry.name} (${url})`;
    if (raw === undefined) {
        if (registry.credentials === "required") {
            problems.add(path, `${label} requires credentials; set credentials.secretConfigKey to a Pulumi secret config key holding {username, accessToken}, or credentials.secretArn to an existing Secrets Manager secret named ${CREDENTIAL_SECRET_NAME_PREFIX}...`);
        }
        return undefined;
    }
    if (registry.credentials === "not-accepted") {
        problems.add(path, `${label} does not take credentials; remove this field`);
        return undefined;
    }
    if (!isRecord(raw)) {
        problems.add(path, `must be an object with exactly one of ${CREDENTIAL_FIELDS.join(" or ")}, got ${describeType(raw)}`);
        return undefined;
    }
    checkKnownFields(raw, CREDENTIAL_FIELDS, path, problems);
    const given = CREDENTIAL_FIELDS.filter(field => raw[field] !== undefined);
    if (given.length !== 1) {
        problems.add(path, `must set exactly one of ${CREDENTIAL_FIELDS.join(" or ")}, ${given.length === 0 ? "found neither" : "found both"}`);
        return undefined;
    }
    return given[0] === "secretConfigKey"
        ? validateSecretConfigKey(raw.secretConfigKey, `${path}.secretConfigKey`, context, problems)
        : validateSecretArn(raw.secretArn, `${path}.secretArn`, context, problems);
}

function validateSecretConfigKey(raw: unknown, path: string, context: CredentialContext, problems: Problems): RegistryCredentials | undefined {
    if (typeof raw !== "string" || !CONFIG_KEY.test(raw)) {
        problems.add(path, `must be the name of a config key of this project (letters, digits, '_' or '-', starting with a letter), got ${typeof raw === "string" ? JSON.stringify(raw) : describeType(raw)}`);
        return undefined;
    }
    const fullKey = `${context.namespace}:${raw}`;
    const setCommand = `pulumi config set --secret --path '${raw}.username' <user> && pulumi config set --secret --path '${raw}.accessToken' <token>`;
    const entry = context.secretConfig(raw);
    if (entry === undefined) {
        problems.add(path, `names ${fullKey}, which is not set; set it with: ${setCommand}`);
        return undefined;
    }
    if (!entry.isSecret) {
        problems.add(path, `names ${fullKey}, which is stored in plain text; remove it from the stack file and set it as a secret with: ${setCommand}`);
        return undefined;
    }
    const value = entry.value;
    const wrongFields = isRecord(value)
        ? [
            ...SECRET_VALUE_FIELDS.filter(field => typeof value[field] !== "string" || (value[field] as string).trim() === "")
                .map(field => `'${field}' must be a non-empty string`),
            ...Object.keys(value).filter(field => !(SECRET_VALUE_FIELDS as readonly string[]).includes(field))
                .map(field => `'${field}' is not allowed`),
        ]
        : [`it must be an object, got ${describeType(value)}`];
    if (wrongFields.length > 0) {
        problems.add(path, `names ${fullKey}, whose secret value must be an object with exactly 'username' and 'accessToken' (${wrongFields.join("; ")}); set it with: ${setCommand}`);
        return undefined;
    }
    return { kind: "pulumi-secret", configKey: raw };
}

function validateSecretArn(raw: unknown, path: string, context: CredentialContext, problems: Problems): RegistryCredentials | undefined {
    const match = typeof raw === "string" ? SECRET_ARN.exec(raw) : null;
    if (typeof raw !== "string" || !match) {
        problems.add(path, `must be the full ARN of a Secrets Manager secret, arn:<partition>:secretsmanager:<region>:<account>:secret:${CREDENTIAL_SECRET_NAME_PREFIX}<name>-<6 characters>`);
        return undefined;
    }
    const [, partition, region, account, name] = match;
    const { target } = context;
    const mismatches = [
        target && partition !== target.partition ? `partition ${partition} is not ${target.partition}` : undefined,
        target && region !== target.region ? `region ${region} is not this stack's region ${target.region}` : undefined,
        target && account !== target.account ? `account ${account} is not this stack's account ${target.account}` : undefined,
        name.startsWith(CREDENTIAL_SECRET_NAME_PREFIX) ? undefined : `secret name '${name}' does not start with '${CREDENTIAL_SECRET_NAME_PREFIX}'`,
    ].filter((m): m is string => m !== undefined);
    if (mismatches.length > 0) {
        problems.add(path, `cannot be used by a pull-through cache rule of this stack: ${mismatches.join("; ")}`);
        return undefined;
    }
    return { kind: "existing-secret", secretArn: raw };
}
