// Checks a registry's `credentials` block against what its upstream registry accepts and how it is served.
import { CREDENTIAL_SECRET_NAME_PREFIX, parseSecretArn } from "../policy-pack/rules/ecr-naming";
import {
    COPY_CREDENTIAL_SECRET_NAME_PREFIX,
    credentialSecretShape,
    UpstreamRegistry,
} from "../policy-pack/rules/registry-catalogue";
import { validateKmsKey } from "./validate-cached-repositories";
import { checkKnownFields, describeType, isRecord, Problems } from "./problems";
import { DeploymentTarget, RawConfig, RegistryCredentials } from "./types";

const CREDENTIAL_FIELDS = ["secretConfigKey", "secretArn"] as const;
/**
 * Besides one of CREDENTIAL_FIELDS: the customer KMS key of an existing secret of a registry HealthOmics copies from.
 */
const KMS_KEY_FIELD = "kmsKeyArn";
const SECRET_VALUE_FIELDS = ["username", "accessToken"] as const;
const CONFIG_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;

export interface CredentialContext {
    namespace: string;
    /** Undefined when aws:region is unusable, so the account could not be asked for; those checks are skipped. */
    target: DeploymentTarget | undefined;
    secretConfig: RawConfig["secretConfig"];
}

/** The registry being checked: its catalogue entry plus where it is configured. */
export interface CredentialSubject extends UpstreamRegistry {
    upstreamUrl: string;
    prefix: string;
}

/** The name this project gives a secret it creates for a registry, by how the registry is served. */
export function credentialSecretName(servedBy: UpstreamRegistry["servedBy"], prefix: string): string {
    const namePrefix =
        servedBy === "pull-through-cache" ? CREDENTIAL_SECRET_NAME_PREFIX : COPY_CREDENTIAL_SECRET_NAME_PREFIX;
    return `${namePrefix}${prefix}`;
}

/** Fields the secret value must have, from the catalogue's one rule per registry kind (Seqera: a token alone). */
function requiredValueFields(subject: CredentialSubject): readonly string[] {
    return credentialSecretShape(subject.upstreamUrl).map(field => field.key);
}

export function validateCredentials(
    raw: unknown,
    subject: CredentialSubject,
    path: string,
    context: CredentialContext,
    problems: Problems,
): RegistryCredentials | undefined {
    const label = `${subject.name} (${subject.upstreamUrl})`;
    if (raw === undefined) {
        if (subject.credentials === "required") {
            const why =
                subject.servedBy === "healthomics-copy"
                    ? "HealthOmics requires a credentialArn on every mapping of a registry it copies from"
                    : "ECR refuses a pull-through cache rule for it without a secret";
            problems.add(
                path,
                `${label} requires credentials (${why}); set credentials.secretConfigKey to a Pulumi ` +
                    `secret config key holding {${requiredValueFields(subject).join(", ")}}, or ` +
                    `credentials.secretArn to an existing Secrets Manager secret`,
            );
        }
        return undefined;
    }
    if (subject.credentials === "not-accepted") {
        problems.add(path, `${label} does not take credentials; remove this field`);
        return undefined;
    }
    if (!isRecord(raw)) {
        problems.add(
            path,
            `must be an object with exactly one of ${CREDENTIAL_FIELDS.join(" or ")}, got ${describeType(raw)}`,
        );
        return undefined;
    }
    checkKnownFields(raw, [...CREDENTIAL_FIELDS, KMS_KEY_FIELD], path, problems);
    const given = CREDENTIAL_FIELDS.filter(field => raw[field] !== undefined);
    if (given.length !== 1) {
        problems.add(
            path,
            `must set exactly one ` +
                `of ${CREDENTIAL_FIELDS.join(" or ")}, ${given.length === 0 ? "found neither" : "found both"}`,
        );
        return undefined;
    }
    if (raw[KMS_KEY_FIELD] !== undefined && (given[0] !== "secretArn" || subject.servedBy !== "healthomics-copy")) {
        problems.add(
            `${path}.${KMS_KEY_FIELD}`,
            subject.servedBy === "healthomics-copy"
                ? "is only for an existing secret (credentials.secretArn): secrets this stack creates use " +
                      "the default aws/secretsmanager key"
                : "is only for registries HealthOmics copies from: ECR pull-through cache can only read " +
                      "secrets encrypted with the default aws/secretsmanager key",
        );
        return undefined;
    }
    if (given[0] === "secretConfigKey") {
        return validateSecretConfigKey(raw.secretConfigKey, subject, `${path}.secretConfigKey`, context, problems);
    }
    const existing = validateSecretArn(raw.secretArn, subject, `${path}.secretArn`, context, problems);
    const kmsKeyArn = validateKmsKey(
        raw[KMS_KEY_FIELD],
        `${path}.${KMS_KEY_FIELD}`,
        "Secrets Manager encrypts with keys of the secret's region",
        context.target,
        problems,
    );
    return existing !== undefined && kmsKeyArn !== undefined ? { ...existing, kmsKeyArn } : existing;
}

function validateSecretConfigKey(
    raw: unknown,
    subject: CredentialSubject,
    path: string,
    context: CredentialContext,
    problems: Problems,
): RegistryCredentials | undefined {
    if (typeof raw !== "string" || !CONFIG_KEY.test(raw)) {
        problems.add(
            path,
            `must be the name of a config key of this project (letters, digits, '_' or '-', starting ` +
                `with a letter), got ${typeof raw === "string" ? JSON.stringify(raw) : describeType(raw)}`,
        );
        return undefined;
    }
    const fields = requiredValueFields(subject);
    const fullKey = `${context.namespace}:${raw}`;
    const setCommand = fields
        .map(field => `pulumi config set --secret --path '${raw}.${field}' <${field}>`)
        .join(" && ");
    const entry = context.secretConfig(raw);
    if (entry === undefined) {
        problems.add(path, `names ${fullKey}, which is not set; set it with: ${setCommand}`);
        return undefined;
    }
    if (!entry.isSecret) {
        problems.add(
            path,
            `names ${fullKey}, which is stored in plain text; remove it from the stack file and set it ` +
                `as a secret with: ${setCommand}`,
        );
        return undefined;
    }
    if (!entry.readable) {
        return { kind: "pulumi-secret", configKey: raw };
    }
    const value = entry.value;
    const allowed = fields.includes("username") ? SECRET_VALUE_FIELDS : [...fields, "username"];
    const wrongFields = isRecord(value)
        ? [
              ...fields
                  .filter(field => typeof value[field] !== "string" || value[field].trim() === "")
                  .map(field => `'${field}' must be a non-empty string`),
              ...Object.keys(value)
                  .filter(field => !(allowed as readonly string[]).includes(field))
                  .map(field => `'${field}' is not allowed`),
          ]
        : [`it must be an object, got ${describeType(value)}`];
    if (wrongFields.length > 0) {
        problems.add(
            path,
            `names ${fullKey}, whose secret value must be an object ` +
                `with ${fields.map(f => `'${f}'`).join(" and ")} (${wrongFields.join("; ")}); set it ` +
                `with: ${setCommand}`,
        );
        return undefined;
    }
    return { kind: "pulumi-secret", configKey: raw };
}

function validateSecretArn(
    raw: unknown,
    subject: CredentialSubject,
    path: string,
    context: CredentialContext,
    problems: Problems,
): Extract<RegistryCredentials, { kind: "existing-secret" }> | undefined {
    const parsed = typeof raw === "string" ? parseSecretArn(raw) : undefined;
    const requiredPrefix = subject.servedBy === "pull-through-cache" ? CREDENTIAL_SECRET_NAME_PREFIX : undefined;
    if (typeof raw !== "string" || parsed === undefined) {
        problems.add(
            path,
            `must be the ARN of a Secrets Manager secret, ` +
                `arn:<partition>:secretsmanager:<region>:<account>:secret:${requiredPrefix ?? ""}<name>[-<6 ` +
                `characters>]`,
        );
        return undefined;
    }
    const { target } = context;
    const user =
        subject.servedBy === "pull-through-cache" ? "a pull-through cache rule" : "a HealthOmics registry mapping";
    const mismatches = [
        target && parsed.partition !== target.partition
            ? `partition ${parsed.partition} is not ${target.partition}`
            : undefined,
        target && parsed.region !== target.region
            ? `region ${parsed.region} is not this stack's region ${target.region}`
            : undefined,
        target && parsed.account !== target.account
            ? `account ${parsed.account} is not this stack's account ${target.account}`
            : undefined,
        requiredPrefix === undefined || parsed.name.startsWith(requiredPrefix)
            ? undefined
            : `secret name '${parsed.name}' does not start with '${requiredPrefix}', which ECR requires`,
    ].filter((m): m is string => m !== undefined);
    if (mismatches.length > 0) {
        problems.add(path, `cannot be used by ${user} of this stack: ${mismatches.join("; ")}`);
        return undefined;
    }
    return { kind: "existing-secret", secretArn: raw };
}
