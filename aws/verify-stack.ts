// `verify --stack`: read-only AWS calls comparing the deployed account with what the stack declares. Each check is
// one row (ok, mismatch, or error when AWS would not answer). Calls: ecr DescribePullThroughCacheRules,
// ValidatePullThroughCacheRule, GetRegistryPolicy, DescribeRepositoryCreationTemplates; secretsmanager
// DescribeSecret (never the value); iam GetRole, GetRolePolicy; s3 GetObject (the map objects).
import {
    DescribePullThroughCacheRulesCommand,
    DescribeRepositoryCreationTemplatesCommand,
    ECRClient,
    GetRegistryPolicyCommand,
    ValidatePullThroughCacheRuleCommand,
} from "@aws-sdk/client-ecr";
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand } from "@aws-sdk/client-iam";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { OmicsRegistryConfig, RegistryConfig } from "../config/types";
import { credentialSecretName } from "../config/validate-credentials";
import { OMICS_SERVICE_PRINCIPAL } from "../policy-pack/rules/ecr-naming";
import { pullThroughRegistries, renderStack } from "../components/stack-documents";

export interface AwsClients {
    ecr: ECRClient;
    iam: IAMClient;
    s3: S3Client;
    secrets: SecretsManagerClient;
}

export type VerifyStatus = "ok" | "mismatch" | "error";

export interface VerifyRow {
    check:
        | "pull-through-rule"
        | "validate-rule"
        | "credential-secret"
        | "registry-policy"
        | "creation-template"
        | "service-role"
        | "map-object";
    subject: string;
    status: VerifyStatus;
    detail: string;
}

export interface VerifyReport {
    stack: string;
    account: string;
    region: string;
    rows: VerifyRow[];
    summary: { ok: number; mismatch: number; error: number };
}

/** The stack outputs verify needs (as `pulumi stack output --json` prints them). */
export interface VerifyOutputs {
    omicsServiceRoleArn: string;
    containerRegistryMapUris: Record<string, string>;
}

function errorText(error: unknown): string {
    if (error instanceof Error) {
        return `${error.name}: ${error.message}`;
    }
    return String(error);
}

/** JSON with object keys sorted and string lists as sets, so that documents compare as IAM reads them. */
export function canonical(value: unknown): unknown {
    if (Array.isArray(value)) {
        const items = value.map(canonical);
        return items.every(i => typeof i === "string") ? [...new Set(items)].sort() : items;
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(
            Object.entries(value)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => [k, canonical(v)]),
        );
    }
    return value;
}

/** IAM reads a single string (`"Action": "x"`, `{"Service": "x"}`, condition values) as a one-element list. */
function asLists(value: unknown): unknown {
    if (typeof value === "string") {
        return [value];
    }
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asLists(v)]));
    }
    return value;
}

function statementsOf(document: unknown): Record<string, unknown>[] {
    const statement =
        typeof document === "object" && document !== null ? (document as Record<string, unknown>).Statement : undefined;
    const list: unknown[] = Array.isArray(statement) ? statement : statement !== undefined ? [statement] : [];
    return list
        .filter((s): s is Record<string, unknown> => typeof s === "object" && s !== null)
        .map(s =>
            Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === "Effect" || k === "Sid" ? v : asLists(v)])),
        );
}

export function sameDocument(a: unknown, b: unknown): boolean {
    return JSON.stringify(canonical(statementsOf(a))) === JSON.stringify(canonical(statementsOf(b)));
}

function parseJson(text: string | undefined): unknown {
    try {
        return text !== undefined ? JSON.parse(text) : undefined;
    } catch {
        return undefined;
    }
}

function row(check: VerifyRow["check"], subject: string, status: VerifyStatus, detail: string): VerifyRow {
    return { check, subject, status, detail };
}

async function verifyRules(clients: AwsClients, config: OmicsRegistryConfig): Promise<VerifyRow[]> {
    const rows: VerifyRow[] = [];
    for (const registry of pullThroughRegistries(config)) {
        const prefix = registry.ecrRepositoryPrefix;
        try {
            const answer = await clients.ecr.send(
                new DescribePullThroughCacheRulesCommand({
                    registryId: config.target.account,
                    ecrRepositoryPrefixes: [prefix],
                }),
            );
            const rule = answer.pullThroughCacheRules?.find(r => r.ecrRepositoryPrefix === prefix);
            if (rule === undefined) {
                rows.push(row("pull-through-rule", prefix, "mismatch", "no pull-through cache rule for this prefix"));
                continue;
            }
            const problems: string[] = [];
            if (rule.upstreamRegistryUrl !== registry.upstreamRegistryUrl) {
                problems.push(
                    `upstream is ${rule.upstreamRegistryUrl ?? "unset"}, the stack says ` +
                        registry.upstreamRegistryUrl,
                );
            }
            const credentialProblem = credentialMismatch(registry, rule.credentialArn);
            if (credentialProblem !== undefined) {
                problems.push(credentialProblem);
            }
            rows.push(
                row(
                    "pull-through-rule",
                    prefix,
                    problems.length > 0 ? "mismatch" : "ok",
                    problems.length > 0
                        ? problems.join("; ")
                        : (rule.upstreamRegistryUrl ?? "") +
                              (rule.credentialArn !== undefined ? `, credential ${rule.credentialArn}` : ""),
                ),
            );
        } catch (error) {
            rows.push(
                error instanceof Error && error.name === "PullThroughCacheRuleNotFoundException"
                    ? row("pull-through-rule", prefix, "mismatch", "no pull-through cache rule for this prefix")
                    : row("pull-through-rule", prefix, "error", errorText(error)),
            );
        }
        if (registry.credentials !== undefined) {
            rows.push(await validateRule(clients, config, prefix));
        }
    }
    return rows;
}

function credentialMismatch(registry: RegistryConfig, deployed: string | undefined): string | undefined {
    const credentials = registry.credentials;
    if (credentials === undefined) {
        return deployed !== undefined ? `the rule has credential ${deployed}, the stack none` : undefined;
    }
    if (deployed === undefined) {
        return "the rule has no credential; the stack gives one";
    }
    if (credentials.kind === "existing-secret") {
        return deployed === credentials.secretArn
            ? undefined
            : `credential is ${deployed}, the stack says ${credentials.secretArn}`;
    }
    const name = credentialSecretName(registry.servedBy, registry.ecrRepositoryPrefix);
    // Secrets Manager appends '-' and 6 characters to a created secret's name in its ARN.
    return new RegExp(`:secret:${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-[A-Za-z0-9]{6}$`).test(deployed)
        ? undefined
        : `credential is ${deployed}, not the secret ${name} this stack creates`;
}

async function validateRule(clients: AwsClients, config: OmicsRegistryConfig, prefix: string): Promise<VerifyRow> {
    try {
        const answer = await clients.ecr.send(
            new ValidatePullThroughCacheRuleCommand({ registryId: config.target.account, ecrRepositoryPrefix: prefix }),
        );
        return answer.isValid === true
            ? row("validate-rule", prefix, "ok", "ECR signed in upstream with the rule's credential")
            : row(
                  "validate-rule",
                  prefix,
                  "mismatch",
                  `ECR could not sign in upstream: ${answer.failure ?? "no reason given"}`,
              );
    } catch (error) {
        return row("validate-rule", prefix, "error", errorText(error));
    }
}

async function verifySecrets(clients: AwsClients, config: OmicsRegistryConfig): Promise<VerifyRow[]> {
    const rows: VerifyRow[] = [];
    for (const registry of config.registries.filter(r => r.credentials !== undefined)) {
        const credentials = registry.credentials;
        const id =
            credentials?.kind === "existing-secret"
                ? credentials.secretArn
                : credentialSecretName(registry.servedBy, registry.ecrRepositoryPrefix);
        try {
            const secret = await clients.secrets.send(new DescribeSecretCommand({ SecretId: id }));
            rows.push(
                secret.DeletedDate !== undefined
                    ? row(
                          "credential-secret",
                          id,
                          "mismatch",
                          `scheduled for deletion on ${secret.DeletedDate.toISOString()}`,
                      )
                    : row("credential-secret", id, "ok", secret.ARN ?? id),
            );
        } catch (error) {
            rows.push(
                error instanceof Error && error.name === "ResourceNotFoundException"
                    ? row("credential-secret", id, "mismatch", "no such secret")
                    : row("credential-secret", id, "error", errorText(error)),
            );
        }
    }
    return rows;
}

async function verifyRegistryPolicy(
    clients: AwsClients,
    config: OmicsRegistryConfig,
    expected: unknown,
): Promise<VerifyRow[]> {
    const wanted = statementsOf(expected);
    if (wanted.length === 0) {
        return [];
    }
    let deployed: unknown;
    try {
        const answer = await clients.ecr.send(new GetRegistryPolicyCommand({}));
        deployed = parseJson(answer.policyText);
    } catch (error) {
        const missing = error instanceof Error && error.name === "RegistryPolicyNotFoundException";
        return [
            row(
                "registry-policy",
                config.target.account,
                missing ? "mismatch" : "error",
                missing ? "the registry has no policy" : errorText(error),
            ),
        ];
    }
    const have = statementsOf(deployed);
    return wanted.map(statement => {
        const sid = typeof statement.Sid === "string" ? statement.Sid : "(no Sid)";
        const found = have.find(s => s.Sid === statement.Sid);
        if (found === undefined) {
            return row("registry-policy", sid, "mismatch", "statement missing from the registry policy");
        }
        return JSON.stringify(canonical(found)) === JSON.stringify(canonical(statement))
            ? row("registry-policy", sid, "ok", "statement as the stack declares it")
            : row("registry-policy", sid, "mismatch", "statement differs from the stack's");
    });
}

/** True when the template's repository policy lets HealthOmics pull (BatchGetImage and GetDownloadUrlForLayer). */
function letsOmicsPull(policy: unknown): boolean {
    const needs = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
    const allows = statementsOf(policy).filter(
        s => s.Effect === "Allow" && JSON.stringify(s.Principal ?? "").includes(OMICS_SERVICE_PRINCIPAL),
    );
    const actions = allows.flatMap(s => (Array.isArray(s.Action) ? s.Action : []) as string[]);
    return needs.every(a => actions.includes(a) || actions.includes("ecr:*"));
}

async function verifyTemplates(
    clients: AwsClients,
    config: OmicsRegistryConfig,
    expectedPolicy: unknown,
): Promise<VerifyRow[]> {
    const prefixes = pullThroughRegistries(config).map(r => r.ecrRepositoryPrefix);
    if (prefixes.length === 0) {
        return [];
    }
    try {
        const answer = await clients.ecr.send(new DescribeRepositoryCreationTemplatesCommand({ prefixes }));
        return prefixes.map(prefix => {
            const template = answer.repositoryCreationTemplates?.find(t => t.prefix === prefix);
            if (template === undefined) {
                return row("creation-template", prefix, "mismatch", "no repository creation template for this prefix");
            }
            const policy = parseJson(template.repositoryPolicy);
            if (!(template.appliedFor ?? []).includes("PULL_THROUGH_CACHE")) {
                return row(
                    "creation-template",
                    prefix,
                    "mismatch",
                    "the template does not apply to PULL_THROUGH_CACHE",
                );
            }
            if (!letsOmicsPull(policy)) {
                return row(
                    "creation-template",
                    prefix,
                    "mismatch",
                    `the repository policy does not let ${OMICS_SERVICE_PRINCIPAL} pull`,
                );
            }
            return sameDocument(policy, expectedPolicy)
                ? row("creation-template", prefix, "ok", "lets omics pull; repository policy as declared")
                : row(
                      "creation-template",
                      prefix,
                      "mismatch",
                      "lets omics pull, but the repository policy differs from the stack's",
                  );
        });
    } catch (error) {
        return prefixes.map(prefix => row("creation-template", prefix, "error", errorText(error)));
    }
}

async function verifyRole(clients: AwsClients, roleArn: string, trust: unknown, policy: unknown): Promise<VerifyRow[]> {
    const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
    try {
        const role = await clients.iam.send(new GetRoleCommand({ RoleName: roleName }));
        // GetRole returns the trust policy URL-encoded (IAM API reference, Role.AssumeRolePolicyDocument).
        const deployedTrust = parseJson(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? ""));
        const rows = [
            sameDocument(deployedTrust, trust)
                ? row("service-role", `${roleName} trust`, "ok", `trusts ${OMICS_SERVICE_PRINCIPAL} as declared`)
                : row("service-role", `${roleName} trust`, "mismatch", "the trust policy differs from the stack's"),
        ];
        const names = (await clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
        let matched = false;
        for (const name of names) {
            const inline = await clients.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
            if (sameDocument(parseJson(decodeURIComponent(inline.PolicyDocument ?? "")), policy)) {
                matched = true;
                rows.push(row("service-role", `${roleName} policy`, "ok", `inline policy ${name} as declared`));
                break;
            }
        }
        if (!matched) {
            rows.push(
                row(
                    "service-role",
                    `${roleName} policy`,
                    "mismatch",
                    names.length === 0
                        ? "the role has no inline policy"
                        : `no inline policy (${names.join(", ")}) is the stack's`,
                ),
            );
        }
        return rows;
    } catch (error) {
        return [
            row(
                "service-role",
                roleName,
                error instanceof Error && error.name === "NoSuchEntityException" ? "mismatch" : "error",
                error instanceof Error && error.name === "NoSuchEntityException" ? "no such role" : errorText(error),
            ),
        ];
    }
}

/** Compares map JSON; a created secret's `XXXXXX` placeholder suffix matches the 6 characters AWS chose. */
function sameMap(deployed: unknown, rendered: string): boolean {
    const pattern = JSON.stringify(canonical(JSON.parse(rendered)))
        .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
        .replace(/-XXXXXX/g, "-[A-Za-z0-9]{6}");
    return new RegExp(`^${pattern}$`).test(JSON.stringify(canonical(deployed)));
}

async function verifyMaps(
    clients: AwsClients,
    config: OmicsRegistryConfig,
    uris: Partial<Record<string, string>>,
): Promise<VerifyRow[]> {
    const rendered = renderStack(config).maps;
    const rows: VerifyRow[] = [];
    for (const map of rendered) {
        const uri = uris[map.name];
        const match = uri === undefined ? null : /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
        if (uri === undefined || match === null) {
            rows.push(
                row("map-object", map.name, "mismatch", `the stack outputs give no s3:// URI for map ${map.name}`),
            );
            continue;
        }
        try {
            const object = await clients.s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }));
            const text = await object.Body?.transformToString("utf8");
            const deployed = parseJson(text);
            rows.push(
                deployed !== undefined && sameMap(deployed, map.content)
                    ? row("map-object", uri, "ok", "content as the stack declares it")
                    : row(
                          "map-object",
                          uri,
                          "mismatch",
                          "the object's content differs from the stack's map (run pulumi up, or check the stack)",
                      ),
            );
        } catch (error) {
            const missing = error instanceof Error && error.name === "NoSuchKey";
            rows.push(
                row("map-object", uri, missing ? "mismatch" : "error", missing ? "no such object" : errorText(error)),
            );
        }
    }
    return rows;
}

export async function verifyStack(
    stack: string,
    config: OmicsRegistryConfig,
    outputs: VerifyOutputs,
    clients: AwsClients,
): Promise<VerifyReport> {
    const { documents } = renderStack(config);
    const rows = [
        ...(await verifyRules(clients, config)),
        ...(await verifySecrets(clients, config)),
        ...(await verifyRegistryPolicy(clients, config, documents.registryPolicy)),
        ...(await verifyTemplates(clients, config, documents.templateRepositoryPolicy)),
        ...(await verifyRole(
            clients,
            outputs.omicsServiceRoleArn,
            documents.omicsTrustPolicy,
            documents.omicsRolePolicy,
        )),
        ...(await verifyMaps(clients, config, outputs.containerRegistryMapUris)),
    ];
    const count = (status: VerifyStatus) => rows.filter(r => r.status === status).length;
    return {
        stack,
        account: config.target.account,
        region: config.target.region,
        rows,
        summary: { ok: count("ok"), mismatch: count("mismatch"), error: count("error") },
    };
}
