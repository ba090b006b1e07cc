// JSON schema of rollout.yaml, checked with ajv; every problem is reported, by target and field.
import Ajv, { ErrorObject } from "ajv";

const ALIAS_PATTERN = "^[a-z][a-z0-9-]{0,39}$";
/** Commercial, GovCloud, China and ISO regions: `us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`. */
const REGION_PATTERN = "^[a-z]{2}(-[a-z]+)+-[0-9]$";
const ROLE_ARN_PATTERN = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}$";

/** Config keys whose value the rollout derives from the target; rollout.yaml may not set them. */
export const RESERVED_CONFIG_KEYS = [
    "aws:region",
    "aws:profile",
    "aws:assumeRoles",
    "aws:assumeRole",
    "aws:allowedAccountIds",
] as const;

/**
 * Pulumi ESC environment names as `pulumi config env add` takes them: `[<org>/][<project>/]<env>[@<version>]`
 * (pulumi/esc cmd/esc/cli/env_open.go usage line).
 */
const ENVIRONMENT_PATTERN = "^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){0,2}(@[A-Za-z0-9_.-]+)?$";

const environmentsSchema = {
    type: "array",
    uniqueItems: true,
    description: "Pulumi ESC environments attached to the stacks with `pulumi config env add`, in order.",
    items: { type: "string", pattern: ENVIRONMENT_PATTERN },
};

const configMapSchema = {
    type: "object",
    description:
        "Config keys of the project (`registries`, or fully qualified `project:registries`, `aws:...`) to values.",
    propertyNames: { pattern: "^[A-Za-z][\\w.-]*(:[A-Za-z][\\w.-]*)?$" },
};

export const rolloutFileSchema = {
    type: "object",
    additionalProperties: false,
    required: ["targets"],
    properties: {
        config: configMapSchema,
        environments: environmentsSchema,
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
                    regionConfig: {
                        type: "object",
                        description:
                            "Config of one region's stack, by region: its keys replace the target's (e.g. a bucket " +
                            "per region).",
                        propertyNames: { pattern: REGION_PATTERN },
                        additionalProperties: configMapSchema,
                    },
                    environments: environmentsSchema,
                },
            },
        },
    },
} as const;

const FIELD_HINTS: Record<string, string> = {
    alias: "1-40 lowercase letters, digits or '-', starting with a letter (it names the stacks: <alias>-<region>)",
    accountId: 'the 12-digit AWS account id, quoted in YAML ("012345678901")',
    roleArn: "an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>",
    regions: "AWS region names such as us-east-1",
    sessionName: "2-64 characters of letters, digits and +=,.@_-",
    environments: "Pulumi ESC environment names, [<org>/][<project>/]<environment>[@<version>]",
};

/** What a field must be, for type errors (YAML reads an unquoted 111122223333 as a number). */
const TYPE_HINTS: Partial<Record<string, string>> = {
    accountId:
        'must be a quoted string of 12 digits, e.g. accountId: "111122223333" (unquoted, YAML reads a number and ' +
        "drops leading zeros)",
    alias: "must be a string: 1-40 lowercase letters, digits or '-', starting with a letter",
    regions: "must be a list of AWS region names, e.g. [us-east-1, eu-west-1]",
    profile: "must be a string: an AWS CLI profile name",
    roleArn: "must be a string: an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>",
    environments: "must be a list of Pulumi ESC environment names, e.g. [omics/docker-hub]",
    config: "must be a mapping of config keys to values",
    targets: "must be a list of targets, each with alias, accountId, regions and profile or roleArn",
};

/** `/targets/1/regions/0` -> `targets[1].regions[0]`, with the target's alias when it has one. */
export function describePath(instancePath: string, document: unknown): string {
    const parts = instancePath
        .split("/")
        .slice(1)
        .map(part => part.replace(/~1/g, "/").replace(/~0/g, "~"));
    let text = "";
    for (const part of parts) {
        text += /^\d+$/.test(part) ? `[${part}]` : text === "" ? part : `.${part}`;
    }
    // A path of the whole list ("/targets") has no index part.
    const indexPart = parts.at(1);
    const targetIndex = parts.at(0) === "targets" && indexPart !== undefined ? Number(indexPart) : undefined;
    const targets = (document as { targets?: unknown } | null)?.targets;
    const alias =
        targetIndex !== undefined && Array.isArray(targets)
            ? (targets[targetIndex] as { alias?: unknown } | undefined)?.alias
            : undefined;
    if (typeof alias === "string") {
        text = text.replace(`targets[${targetIndex}]`, `targets[${targetIndex}] (${alias})`);
    }
    return text === "" ? "(file)" : text;
}

function describeError(error: ErrorObject, document: unknown): string {
    const where = describePath(error.instancePath, document);
    const field =
        error.instancePath
            .split("/")
            .filter(part => !/^\d+$/.test(part))
            .pop() ?? "";
    switch (error.keyword) {
        case "required":
            return `${where}: missing required field "${String(error.params.missingProperty)}"`;
        case "type": {
            const hint = TYPE_HINTS[field];
            return `${where}: ${hint ?? error.message ?? "has the wrong type"}`;
        }
        case "additionalProperties":
            return `${where}: unknown field "${String(error.params.additionalProperty)}"`;
        case "propertyNames":
            return `${where}: config key "${String(error.params.propertyName)}" is not a valid Pulumi config key`;
        case "pattern": {
            const hint = FIELD_HINTS[field] ?? FIELD_HINTS[error.instancePath.split("/").slice(-2)[0] ?? ""];
            return (
                `${where}: ${JSON.stringify((error as { data?: unknown }).data)} is not ` +
                `valid${hint ? `; use ${hint}` : ""}`
            );
        }
        default:
            return `${where}: ${error.message ?? "is not valid"}`;
    }
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
const validateRolloutDocument = ajv.compile(rolloutFileSchema);

export interface SchemaReport {
    problems: string[];
    /** Indexes of targets with at least one schema problem (their other checks are skipped). */
    invalidTargets: Set<number>;
    /** True when a problem is outside the targets (root shape, shared `config` or `environments`). */
    invalidShared: boolean;
}

/** Schema problems of a parsed rollout.yaml, one message per problem, and where they are. */
export function schemaReport(document: unknown): SchemaReport {
    if (validateRolloutDocument(document)) {
        return { problems: [], invalidTargets: new Set(), invalidShared: false };
    }
    // propertyNames reports twice (the name and the pattern); keep the clearer message once.
    const errors = (validateRolloutDocument.errors ?? []).filter(
        error => !(error.keyword === "pattern" && error.propertyName !== undefined),
    );
    const invalidTargets = new Set<number>();
    let invalidShared = false;
    for (const error of errors) {
        const match = /^\/targets\/(\d+)(\/|$)/.exec(error.instancePath);
        if (match?.[1] !== undefined) {
            invalidTargets.add(Number(match[1]));
        } else {
            invalidShared = true;
        }
    }
    return {
        problems: [...new Set(errors.map(error => describeError(error, document)))],
        invalidTargets,
        invalidShared,
    };
}

/** Schema problems of a parsed rollout.yaml, one message per problem (empty when it conforms). */
export function schemaProblems(document: unknown): string[] {
    return schemaReport(document).problems;
}
