// Reads and validates rollout.yaml: the schema, then the rules a schema cannot say; every problem at once.
import * as fs from "fs";
import { parseDocument } from "yaml";
import { RolloutRefusal } from "./problems";
import { RESERVED_CONFIG_KEYS, describePath, schemaProblems } from "./schema";
import { malformedMarkerPaths } from "./secret-values";
import { ConfigMap, RolloutFile, RolloutTarget, TargetCredentials } from "./types";

interface RawTarget {
    alias: string;
    accountId: string;
    profile?: string;
    roleArn?: string;
    externalId?: string;
    sessionName?: string;
    regions: string[];
    config?: ConfigMap;
}

interface RawRolloutFile {
    config?: ConfigMap;
    targets: RawTarget[];
}

function configProblems(config: ConfigMap | undefined, where: string): string[] {
    const problems: string[] = [];
    for (const [key, value] of Object.entries(config ?? {})) {
        if ((RESERVED_CONFIG_KEYS as readonly string[]).includes(key)) {
            problems.push(`${where}.${key}: set by the rollout from the target (region, profile or roleArn, accountId); remove it here`);
        }
        for (const path of malformedMarkerPaths(value)) {
            problems.push(`${where}.${key}${path}: secretFromEnv must be the only field of its object, e.g. {secretFromEnv: DOCKER_HUB_CREDENTIALS}`);
        }
    }
    return problems;
}

function targetProblems(target: RawTarget, index: number, document: unknown): string[] {
    const where = describePath(`/targets/${index}`, document);
    const problems = configProblems(target.config, `${where}.config`);
    const hasProfile = target.profile !== undefined;
    const hasRole = target.roleArn !== undefined;
    if (hasProfile === hasRole) {
        problems.push(`${where}: give exactly one of "profile" (an AWS CLI profile) or "roleArn" (a role to assume)`);
    }
    if (!hasRole && (target.externalId !== undefined || target.sessionName !== undefined)) {
        problems.push(`${where}: externalId and sessionName apply to roleArn only`);
    }
    const roleAccount = target.roleArn?.split(":")[4];
    if (roleAccount !== undefined && roleAccount !== target.accountId) {
        problems.push(`${where}.roleArn: the role is in account ${roleAccount}, not in the target's account ${target.accountId}`);
    }
    return problems;
}

function duplicateAliasProblems(targets: RawTarget[]): string[] {
    const seen = new Map<string, number>();
    const problems: string[] = [];
    targets.forEach((target, index) => {
        const first = seen.get(target.alias);
        if (first !== undefined) {
            problems.push(`targets[${index}].alias: "${target.alias}" is already the alias of targets[${first}]; aliases name stacks and must be unique`);
        } else {
            seen.set(target.alias, index);
        }
    });
    return problems;
}

function credentialsOf(target: RawTarget): TargetCredentials {
    if (target.roleArn !== undefined) {
        return {
            kind: "role",
            roleArn: target.roleArn,
            ...(target.externalId !== undefined ? { externalId: target.externalId } : {}),
            ...(target.sessionName !== undefined ? { sessionName: target.sessionName } : {}),
        };
    }
    return { kind: "profile", profile: target.profile as string };
}

/** Validates a parsed rollout document; throws RolloutRefusal listing every problem. */
export function validateRolloutDocument(document: unknown): RolloutFile {
    const fromSchema = schemaProblems(document);
    if (fromSchema.length > 0) {
        throw new RolloutRefusal(fromSchema);
    }
    const raw = document as RawRolloutFile;
    const problems = [
        ...configProblems(raw.config, "config"),
        ...raw.targets.flatMap((target, index) => targetProblems(target, index, document)),
        ...duplicateAliasProblems(raw.targets),
    ];
    if (problems.length > 0) {
        throw new RolloutRefusal(problems);
    }
    return {
        config: raw.config ?? {},
        targets: raw.targets.map((target): RolloutTarget => ({
            alias: target.alias,
            accountId: target.accountId,
            credentials: credentialsOf(target),
            regions: [...target.regions],
            config: target.config ?? {},
        })),
    };
}

/** Reads rollout.yaml (YAML 1.2) and validates it. */
export function loadRolloutFile(file: string): RolloutFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new RolloutRefusal([`${file}: cannot be read (${(error as Error).message})`]);
    }
    const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (document.errors.length > 0) {
        throw new RolloutRefusal(document.errors.map(error => `${file}: ${error.message}`));
    }
    try {
        return validateRolloutDocument(document.toJS());
    } catch (error) {
        if (error instanceof RolloutRefusal) {
            throw new RolloutRefusal(error.problems.map(problem => `${file}: ${problem}`));
        }
        throw error;
    }
}
