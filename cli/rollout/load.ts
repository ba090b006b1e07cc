// Reads and validates rollout.yaml: the schema, then the rules a schema cannot say; every problem at once.
import * as fs from "fs";
import { parseDocument } from "yaml";
import { RolloutRefusal } from "./problems";
import { RESERVED_CONFIG_KEYS, describePath, schemaReport } from "./schema";
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
    regionConfig?: Record<string, ConfigMap>;
    environments?: string[];
}

interface RawRolloutFile {
    config?: ConfigMap;
    environments?: string[];
    targets: RawTarget[];
}

function configProblems(config: ConfigMap | undefined, where: string): string[] {
    const problems: string[] = [];
    for (const [key, value] of Object.entries(config ?? {})) {
        if ((RESERVED_CONFIG_KEYS as readonly string[]).includes(key)) {
            problems.push(
                `${where}.${key}: set by the rollout from the target (region, profile or roleArn, accountId); remove ` +
                    `it here`,
            );
        }
        for (const path of malformedMarkerPaths(value)) {
            problems.push(
                `${where}.${key}${path}: secretFromEnv must be the only field of its object, e.g. {secretFromEnv: ` +
                    `DOCKER_HUB_CREDENTIALS}`,
            );
        }
    }
    return problems;
}

function targetProblems(target: RawTarget, index: number, document: unknown): string[] {
    const where = describePath(`/targets/${index}`, document);
    const problems = configProblems(target.config, `${where}.config`);
    for (const [region, config] of Object.entries(target.regionConfig ?? {})) {
        problems.push(...configProblems(config, `${where}.regionConfig.${region}`));
        if (!target.regions.includes(region)) {
            problems.push(
                `${where}.regionConfig.${region}: ${region} is not one of the target's regions ` +
                    `(${target.regions.join(", ")})`,
            );
        }
    }
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
        problems.push(
            `${where}.roleArn: the role is in account ${roleAccount}, not in the target's account ${target.accountId}`,
        );
    }
    return problems;
}

function duplicateAliasProblems(targets: readonly unknown[]): string[] {
    const seen = new Map<string, number>();
    const problems: string[] = [];
    targets.forEach((target, index) => {
        const alias = (target as { alias?: unknown } | null)?.alias;
        if (typeof alias !== "string") {
            return;
        }
        const first = seen.get(alias);
        if (first !== undefined) {
            problems.push(
                `targets[${index}].alias: "${alias}" is already the alias of targets[${first}]; aliases name stacks ` +
                    `and must be unique`,
            );
        } else {
            seen.set(alias, index);
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
    // The rules above make sure a target without roleArn has a profile.
    return { kind: "profile", profile: target.profile ?? "" };
}

export interface CheckedRolloutFile {
    /** The file with only the targets that passed every check of this module. */
    file: RolloutFile;
    /** Every problem of the file: schema and the rules a schema cannot say, all at once. */
    problems: string[];
    /**
     * False when the shared part (root shape, `config`, `environments`) has a problem: per-stack checks are skipped.
     */
    sharedValid: boolean;
}

/**
 * Checks a parsed rollout document: the schema, then the file's own rules on every target that passed the schema
 * (and the duplicate-alias rule on all), so that a file with several mistakes is reported in one run.
 */
export function checkRolloutDocument(document: unknown): CheckedRolloutFile {
    const schema = schemaReport(document);
    const root = (
        typeof document === "object" && document !== null && !Array.isArray(document) ? document : {}
    ) as Partial<RawRolloutFile>;
    const rawTargets: unknown[] = Array.isArray(root.targets) ? root.targets : [];
    const validTargets = rawTargets
        .map((target, index) => ({ target: target as RawTarget, index }))
        .filter(({ index }) => !schema.invalidTargets.has(index));
    const targetRuleProblems = validTargets.map(({ target, index }) => ({
        index,
        problems: targetProblems(target, index, document),
    }));
    const sharedProblems = schema.invalidShared ? [] : configProblems(root.config, "config");
    const problems = [
        ...schema.problems,
        ...sharedProblems,
        ...targetRuleProblems.flatMap(entry => entry.problems),
        ...duplicateAliasProblems(rawTargets),
    ];
    const passing = new Set(targetRuleProblems.filter(entry => entry.problems.length === 0).map(entry => entry.index));
    const shared = schema.invalidShared ? {} : (root.config ?? {});
    const sharedEnvironments = schema.invalidShared ? [] : (root.environments ?? []);
    return {
        file: {
            config: shared,
            environments: [...sharedEnvironments],
            targets: validTargets
                .filter(({ index }) => passing.has(index))
                .map(({ target }): RolloutTarget => ({
                    alias: target.alias,
                    accountId: target.accountId,
                    credentials: credentialsOf(target),
                    regions: [...target.regions],
                    config: target.config ?? {},
                    regionConfig: target.regionConfig ?? {},
                    environments: [...new Set([...sharedEnvironments, ...(target.environments ?? [])])],
                })),
        },
        problems,
        sharedValid: !schema.invalidShared && sharedProblems.length === 0,
    };
}

/** Validates a parsed rollout document; throws RolloutRefusal listing every problem. */
export function validateRolloutDocument(document: unknown): RolloutFile {
    const checked = checkRolloutDocument(document);
    if (checked.problems.length > 0) {
        throw new RolloutRefusal(checked.problems);
    }
    return checked.file;
}

/** Reads rollout.yaml (YAML 1.2); throws RolloutRefusal when it cannot be read or parsed. */
export function readRolloutDocument(file: string): unknown {
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
    return document.toJS();
}

/** Reads rollout.yaml (YAML 1.2) and validates it. */
export function loadRolloutFile(file: string): RolloutFile {
    const document = readRolloutDocument(file);
    try {
        return validateRolloutDocument(document);
    } catch (error) {
        if (error instanceof RolloutRefusal) {
            throw new RolloutRefusal(error.problems.map(problem => `${file}: ${problem}`));
        }
        throw error;
    }
}
