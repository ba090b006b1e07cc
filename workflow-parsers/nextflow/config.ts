// Reads the Nextflow configs Nextflow itself reads: the root nextflow.config and what it includes (`includeConfig`,
// recursively, relative to the including file, also inside `profiles { name { ... } }`), marking what a profile brings.
import * as path from "path";
import { ContainerReference, ParseProblem, SyntaxProblem } from "../types";
import { GroovyEvaluator, isSingularityValue } from "./expression";
import { NextflowSettings, nextflowReferences, readConfigStatements, ConfigStatement, evaluatorFor } from "./scan";

/** A config file as reached: under every profile (profiles undefined), or only under the named profiles. */
interface Reach {
    file: string;
    profiles: string[] | undefined;
}

export interface NextflowConfigScan {
    references: ContainerReference[];
    problems: ParseProblem[];
    /** The config files read, in the order Nextflow reads them. */
    files: string[];
    /** The profiles the configs read define (`profiles { <name> { ... } }`), sorted. */
    profiles: string[];
}

/** Profiles named like nf-core's test profiles (`test`, `test_full`, `test_aws`, ...) bring test configuration. */
const TEST_PROFILE = /^test($|[_-])/i;

/**
 * The entry config: `nextflow.config` at the root, else the only shallowest one (a zip with one top folder).
 * Configs nothing includes (nf-core's per-module `tests/nextflow.config`, CI-only `conf/containers_*.config` given
 * with `-c`) are not read, as Nextflow does not read them.
 */
export function entryConfig(files: readonly string[]): string | undefined {
    const configs = files.filter(file => file === "nextflow.config" || file.endsWith("/nextflow.config"));
    const depth = (file: string): number => file.split("/").length;
    const shallowest = Math.min(...configs.map(depth));
    const candidates = configs.filter(file => depth(file) === shallowest);
    return candidates.length === 1 && !candidates[0].split("/").includes("tests") ? candidates[0] : undefined;
}

export function scanNextflowConfigs(
    entry: string,
    readText: (file: string) => string | undefined,
    settings: NextflowSettings,
): NextflowConfigScan {
    const problems: ParseProblem[] = [];
    const statements = new Map<string, ConfigStatement[]>();
    const reached = new Map<string, Reach>();
    const order: string[] = [];
    const queue: Reach[] = [{ file: entry, profiles: undefined }];
    // Each file is queued again only when it is reached more widely (a new profile, or every profile): bounded.
    while (queue.length > 0) {
        const next = queue.shift();
        if (next === undefined) break;
        const known = reached.get(next.file);
        const widened = widen(known, next.file, next.profiles);
        if (known !== undefined && widened === known) continue;
        reached.set(next.file, widened);
        if (known === undefined) order.push(next.file);
        const parsed = statementsOf(next.file, readText, statements, problems);
        learnParams(parsed, widened, settings);
        for (const statement of parsed) {
            if (statement.kind !== "include") continue;
            const profiles = statement.profile !== undefined ? [statement.profile] : widened.profiles;
            // Nextflow reads a profile's includes only when the profile is chosen: a missing one (nf-core/scrnaseq's
            // conf/test_multiome.config) fails that profile's runs only, for reasons other than images.
            const found = profiles === undefined ? problems : [];
            for (const target of includeTargets(next.file, statement, settings, readText, found)) {
                queue.push({ file: target, profiles });
            }
        }
    }

    const references: ContainerReference[] = [];
    for (const file of order) {
        const reach = reached.get(file);
        const parsed = statements.get(file);
        if (reach === undefined || parsed === undefined) continue;
        for (const statement of parsed) {
            const profiles = statement.profile !== undefined ? [statement.profile] : reach.profiles;
            if (statement.kind === "registry") {
                const value = evaluatorFor(settings).evaluate(statement.tokens)[0];
                if (value.kind === "value")
                    settings.registries.push({ value: value.value, inProfile: profiles !== undefined });
            } else if (statement.kind === "container") {
                for (const reference of nextflowReferences(file, statement.line, statement.tokens, settings)) {
                    // A Singularity image in a profile's config (sarek's containers_singularity_*.config) is what that
                    // profile runs instead of a Docker image: not an image for HealthOmics, and no invalid Docker one.
                    if (profiles !== undefined && reference.value !== null && isSingularityValue(reference.value))
                        continue;
                    references.push(marked(reference, profiles));
                }
            }
        }
    }
    const profiles = [...statements.values()].flatMap(list => list.flatMap(statement => statement.profile ?? []));
    return { references, problems, files: order, profiles: [...new Set(profiles)].sort() };
}

function marked(reference: ContainerReference, profiles: string[] | undefined): ContainerReference {
    if (profiles === undefined) return reference;
    const testOnly = profiles.every(profile => TEST_PROFILE.test(profile));
    return { ...reference, profiles: [...profiles].sort(), ...(testOnly ? { testOnly } : {}) };
}

/** A file reached under every profile stays so; otherwise its profiles grow. `known` itself when nothing changes. */
function widen(known: Reach | undefined, file: string, profiles: string[] | undefined): Reach {
    if (known === undefined) return { file, profiles: profiles === undefined ? undefined : [...profiles] };
    if (known.profiles === undefined) return known;
    if (profiles === undefined) return { file, profiles: undefined };
    const added = profiles.filter(profile => !known.profiles?.includes(profile));
    return added.length === 0 ? known : { file, profiles: [...known.profiles, ...added] };
}

function statementsOf(
    file: string,
    readText: (file: string) => string | undefined,
    cache: Map<string, ConfigStatement[]>,
    problems: ParseProblem[],
): ConfigStatement[] {
    const cached = cache.get(file);
    if (cached !== undefined) return cached;
    let parsed: ConfigStatement[] = [];
    try {
        parsed = readConfigStatements(readText(file) ?? "");
    } catch (error) {
        if (!(error instanceof SyntaxProblem)) throw error;
        problems.push(
            error.line !== undefined
                ? { file, line: error.line, message: error.message }
                : { file, message: error.message },
        );
    }
    cache.set(file, parsed);
    return parsed;
}

/**
 * The params defaults: those set outside profiles, later settings winning as in Nextflow. A profile's params (the
 * test profiles' inputs) are not defaults: a run without that profile does not see them.
 */
function learnParams(parsed: ConfigStatement[], reach: Reach, settings: NextflowSettings): void {
    if (reach.profiles !== undefined) return;
    for (const statement of parsed) {
        if (statement.kind !== "param" || statement.name === undefined || statement.profile !== undefined) continue;
        const literal = GroovyEvaluator.literal(statement.tokens);
        const value = evaluatorFor(settings).evaluate(statement.tokens);
        if (literal !== undefined) settings.params.set(statement.name, literal);
        else if (value.length === 1 && value[0].kind === "value") settings.params.set(statement.name, value[0].value);
        else settings.params.delete(statement.name);
    }
}

/**
 * The files an includeConfig names, relative to the including file. A ternary gives each branch (`igenomes_ignore ?
 * ... : ...`). A remote config is not followed and not a problem: in real pipelines these are nf-core's institutional
 * profiles (`${params.custom_config_base}/nfcore_custom.config`, often inside `try { } catch`) and test-data configs,
 * fetched at run time and setting no image outside their own profiles. A literal local path that is missing or
 * outside the workflow is a problem; a path built from something unknown is not followed.
 */
function includeTargets(
    file: string,
    statement: ConfigStatement,
    settings: NextflowSettings,
    readText: (file: string) => string | undefined,
    problems: ParseProblem[],
): string[] {
    const only = statement.tokens.length === 1 ? statement.tokens[0] : undefined;
    const literal = only?.kind === "string" && (only.parts ?? []).every(part => "literal" in part);
    const targets: string[] = [];
    for (const alternative of evaluatorFor(settings).evaluate(statement.tokens)) {
        if (alternative.kind !== "value") continue;
        const named = alternative.value.trim();
        const problem = (message: string): void => {
            if (literal) problems.push({ file, line: statement.line, message: `${message}: ${named}` });
        };
        if (/^[a-z][a-z0-9+.-]+:\/\//i.test(named)) {
            continue;
        } else if (path.posix.isAbsolute(named) || named === "") {
            if (named !== "/dev/null") problem("includeConfig outside the workflow");
        } else {
            const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), named));
            if (target.startsWith("../")) problem("includeConfig outside the workflow");
            else if (readText(target) === undefined) problem("includeConfig target not found in the workflow");
            else targets.push(target);
        }
    }
    return targets;
}
