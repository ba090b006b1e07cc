// JSON schema of rollout.yaml, checked with ajv; every problem is reported, by target and field.
import Ajv, { ErrorObject } from "ajv";

const ALIAS_PATTERN = "^[a-z][a-z0-9-]{0,39}$";
/** Commercial, GovCloud, China and ISO regions: `us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`. */
const REGION_PATTERN = "^[a-z]{2}(-[a-z]+)+-[0-9]$";
const ROLE_ARN_PATTERN = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}$";

/** Config keys whose value the rollout derives from the target; rollout.yaml may not set them. */
export const RESERVED_CONFIG_KEYS = ["aws:region", "aws:profile", "aws:assumeRoles", "aws:assumeRole", "aws:allowedAccountIds"] as const;

const configMapSchema = {
    type: "object",
    description: "Config keys of the project (`registries`, or fully qualified `project:registries`, `aws:...`) to values.",
    propertyNames: { pattern: "^[A-Za-z][\\w.-]*(:[A-Za-z][\\w.-]*)?$" },
};

export const rolloutFileSchema = {
    type: "object",
    additionalProperties: false,
    required: ["targets"],
    properties: {
        config: configMapSchema,
        targets: {
            type: "array",
            minItems: 1,
            items: {
                type: "object",
                additionalProperties: false,
                required: ["alias", "accountId", "regions"],
                properties: {
                    alias: { type: "string", pattern: ALIAS_PATTERN },
                    accountId: { type: "string", pattern: "^[0-9]{12}$" },
                    profile: { type: "string", minLength: 1 },
                    roleArn: { type: "string", pattern: ROLE_ARN_PATTERN },
                    externalId: { type: "string", minLength: 2, maxLength: 1224 },
                    sessionName: { type: "string", pattern: "^[\\w+=,.@-]{2,64}$" },
                    regions: {
                        type: "array",
                        minItems: 1,
                        uniqueItems: true,
                        items: { type: "string", pattern: REGION_PATTERN },
                    },
                    config: configMapSchema,
                },
            },
        },
    },
} as const;

const FIELD_HINTS: Record<string, string> = {
    alias: "1-40 lowercase letters, digits or '-', starting with a letter (it names the stacks: <alias>-<region>)",
    accountId: "the 12-digit AWS account id, quoted in YAML (\"012345678901\")",
    roleArn: "an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>",
    regions: "AWS region names such as us-east-1",
    sessionName: "2-64 characters of letters, digits and +=,.@_-",
};

/** `/targets/1/regions/0` -> `targets[1].regions[0]`, with the target's alias when it has one. */
export function describePath(instancePath: string, document: unknown): string {
    const parts = instancePath.split("/").slice(1).map(part => part.replace(/~1/g, "/").replace(/~0/g, "~"));
    let text = "";
    for (const part of parts) {
        text += /^\d+$/.test(part) ? `[${part}]` : text === "" ? part : `.${part}`;
    }
    const targetIndex = parts[0] === "targets" && parts[1] !== undefined ? Number(parts[1]) : undefined;
    const targets = (document as { targets?: unknown } | null)?.targets;
    const alias = targetIndex !== undefined && Array.isArray(targets)
        ? (targets[targetIndex] as { alias?: unknown } | undefined)?.alias
        : undefined;
    if (typeof alias === "string") {
        text = text.replace(`targets[${targetIndex}]`, `targets[${targetIndex}] (${alias})`);
    }
    return text === "" ? "(file)" : text;
}

function describeError(error: ErrorObject, document: unknown): string {
    const where = describePath(error.instancePath, document);
    const field = error.instancePath.split("/").filter(part => !/^\d+$/.test(part)).pop() ?? "";
    switch (error.keyword) {
        case "required":
            return `${where}: missing required field "${String(error.params.missingProperty)}"`;
        case "additionalProperties":
            return `${where}: unknown field "${String(error.params.additionalProperty)}"`;
        case "propertyNames":
            return `${where}: config key "${String(error.params.propertyName)}" is not a valid Pulumi config key`;
        case "pattern": {
            const hint = FIELD_HINTS[field] ?? FIELD_HINTS[error.instancePath.split("/").slice(-2)[0] ?? ""];
            return `${where}: ${JSON.stringify((error as { data?: unknown }).data)} is not valid${hint ? `; use ${hint}` : ""}`;
        }
        default:
            return `${where}: ${error.message ?? "is not valid"}`;
    }
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
const validateRolloutDocument = ajv.compile(rolloutFileSchema);

/** Schema problems of a parsed rollout.yaml, one message per problem (empty when it conforms). */
export function schemaProblems(document: unknown): string[] {
    if (validateRolloutDocument(document)) {
        return [];
    }
    // propertyNames reports twice (the name and the pattern); keep the clearer message once.
    const messages = (validateRolloutDocument.errors ?? [])
        .filter(error => !(error.keyword === "pattern" && error.propertyName !== undefined))
        .map(error => describeError(error, document));
    return [...new Set(messages)];
}
