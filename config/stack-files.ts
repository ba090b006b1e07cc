// Reads a stack's configuration offline, from Pulumi.yaml defaults plus Pulumi.<stack>.yaml, into the RawConfig
// `validateConfig` takes (the program reads the same keys through Pulumi config; see read-config.ts).
// Secrets stay encrypted: a key holding `{secure: "v1:..."}` anywhere is a secret whose value cannot be read here.
// Stack files are found as the Pulumi CLI finds them: in Pulumi.yaml's `stackConfigDir` when it is set
// (pulumi/pulumi sdk/go/common/workspace/paths.go ProjectStackPath; the older `config: <dir>` form is rewritten to it
// by RewriteConfigPathIntoStackConfigDir). A stack file's `environment:` imports Pulumi ESC environments
// (esc-environments.ts).
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ecrHostSuffix, partitionOfRegion } from "../policy-pack/rules/ecr-naming";
import { readEscPulumiConfig, StackEnvironments, stackEnvironments } from "./esc-environments";
import { formatProblems, isRecord } from "./problems";
import { parseConfigValue, rawConfigFrom } from "./raw-config";
import { ConfigProblem, OmicsRegistryConfig, RawConfig, SecretConfigEntry } from "./types";
import { CallerIdentity, isUsableRegion, validateConfig } from "./validate-config";

/** The fields of a config entry in Pulumi.yaml that declare it rather than give its value. */
const DECLARATION_FIELDS = new Set(["type", "description", "default", "value", "items", "secret"]);

export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

export interface StackFiles {
    projectDir: string;
    /** The project name, which is also the config namespace (`omics-registry-maps`). */
    namespace: string;
    /** Path of Pulumi.<stack>.yaml. */
    stackFile: string;
    raw: RawConfig;
    /** Fully qualified keys whose values are encrypted in the stack file (not readable offline). */
    encryptedKeys: string[];
    /** The ESC environments the stack file imports (`environment:`); absent for a rollout target's config. */
    environments?: StackEnvironments;
    /** True when the environments' `pulumiConfig` was read with `pulumi env open` (`--esc`). */
    escRead?: boolean;
    /** Fully qualified keys the stack file itself sets (not Pulumi.yaml defaults, not ESC). */
    stackKeys?: string[];
    /** The stack's config values by fully qualified key (Pulumi.yaml defaults, ESC when read, the stack file). */
    values?: ReadonlyMap<string, unknown>;
}

function readYaml(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
        throw new StackFileError(`cannot read ${file}: ${reason}`);
    }
    try {
        return parse(text);
    } catch (error) {
        throw new StackFileError(`${file} is not valid YAML: ${(error as Error).message}`);
    }
}

/** The directory holding Pulumi.yaml: `start` or the nearest one above it. */
export function findProjectDir(start: string): string | undefined {
    let dir = path.resolve(start);
    for (;;) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return dir;
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            return undefined;
        }
        dir = parent;
    }
}

function isSecure(value: unknown): boolean {
    return isRecord(value) && Object.keys(value).length === 1 && typeof value.secure === "string";
}

function containsSecure(value: unknown): boolean {
    if (isSecure(value)) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsSecure);
    }
    return isRecord(value) && Object.values(value).some(containsSecure);
}

/** A config value as the Pulumi runtime hands it to the program: strings as they are, everything else as JSON. */
function asConfigText(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** `registries` and `omics-registry-maps:registries` both name the project key; `aws:region` keeps its namespace. */
function fullKey(key: string, namespace: string): string {
    return key.includes(":") ? key : `${namespace}:${key}`;
}

function projectDefaults(project: Record<string, unknown>, namespace: string): Map<string, unknown> {
    const defaults = new Map<string, unknown>();
    const config = project.config;
    if (!isRecord(config)) {
        return defaults;
    }
    for (const [key, entry] of Object.entries(config)) {
        const isDeclaration = isRecord(entry) && Object.keys(entry).every(field => DECLARATION_FIELDS.has(field));
        const value = isDeclaration ? (entry.value !== undefined ? entry.value : entry.default) : entry;
        if (value !== undefined) {
            defaults.set(fullKey(key, namespace), value);
        }
    }
    return defaults;
}

export interface ProjectFile {
    namespace: string;
    defaults: Map<string, unknown>;
    /** Where the stack files are: Pulumi.yaml's directory, or its `stackConfigDir` below it. */
    stackConfigDir: string;
}

/** Pulumi.yaml's project name, its config defaults by fully qualified key, and where its stack files are. */
export function readProjectFile(projectDir: string): ProjectFile {
    const project = readYaml(path.join(projectDir, "Pulumi.yaml"));
    if (!isRecord(project) || typeof project.name !== "string") {
        throw new StackFileError(`${path.join(projectDir, "Pulumi.yaml")} has no project name`);
    }
    const dir =
        typeof project.stackConfigDir === "string"
            ? project.stackConfigDir
            : typeof project.config === "string"
              ? project.config
              : undefined;
    return {
        namespace: project.name,
        defaults:
            typeof project.config === "string" ? new Map<string, unknown>() : projectDefaults(project, project.name),
        stackConfigDir: dir !== undefined ? path.join(projectDir, dir) : projectDir,
    };
}

/**
 * The RawConfig of a stack whose config values (fully qualified keys, values as in a stack file) are given. A value
 * holding `{secure: ...}` anywhere is a secret whose value cannot be read here.
 */
export function rawConfigFromValues(
    namespace: string,
    values: ReadonlyMap<string, unknown>,
): { raw: RawConfig; encryptedKeys: string[] } {
    const encryptedKeys = [...values.entries()].filter(([, value]) => containsSecure(value)).map(([key]) => key);
    const plainText = (key: string): string | undefined => {
        const value = values.get(key);
        return value === undefined || value === null || containsSecure(value) ? undefined : asConfigText(value);
    };
    const raw = rawConfigFrom(
        plainText("aws:region"),
        key => plainText(`${namespace}:${key}`),
        (key): SecretConfigEntry | undefined => {
            const value = values.get(`${namespace}:${key}`);
            if (value === undefined || value === null) {
                return undefined;
            }
            return containsSecure(value)
                ? { isSecret: true, value: undefined, readable: false }
                : { isSecret: false, value: parseConfigValue(asConfigText(value)), readable: true };
        },
    );
    return { raw, encryptedKeys };
}

export interface ReadStackOptions {
    /**
     * Read the `pulumiConfig` of the stack's ESC environments with `pulumi env open` (needs a Pulumi CLI and login).
     */
    esc?: boolean;
}

export function readStackFiles(projectDir: string, stack: string, options: ReadStackOptions = {}): StackFiles {
    const { namespace, defaults, stackConfigDir } = readProjectFile(projectDir);
    const stackFile = path.join(stackConfigDir, `Pulumi.${stack}.yaml`);
    const stackDocument = readYaml(stackFile);
    if (stackDocument !== null && stackDocument !== undefined && !isRecord(stackDocument)) {
        throw new StackFileError(`${stackFile} must be a mapping with a config: section`);
    }
    const values = new Map(defaults);
    const stackConfig = isRecord(stackDocument) ? stackDocument.config : undefined;
    if (stackConfig !== undefined && stackConfig !== null && !isRecord(stackConfig)) {
        throw new StackFileError(`${stackFile}: config: must be a mapping of keys to values`);
    }
    const environments = stackEnvironments(isRecord(stackDocument) ? stackDocument.environment : undefined);
    const escRead = options.esc === true && environments.imports.length > 0;
    if (escRead) {
        let escValues: Map<string, unknown>;
        try {
            escValues = readEscPulumiConfig(environments.imports);
        } catch (error) {
            throw new StackFileError(`${stackFile}: ${(error as Error).message}`);
        }
        for (const [key, value] of escValues) {
            values.set(fullKey(key, namespace), value);
        }
    }
    const stackKeys: string[] = [];
    for (const [key, value] of Object.entries(isRecord(stackConfig) ? stackConfig : {})) {
        stackKeys.push(fullKey(key, namespace));
        values.set(fullKey(key, namespace), value);
    }
    return {
        projectDir,
        namespace,
        stackFile,
        environments,
        escRead,
        stackKeys,
        values,
        ...rawConfigFromValues(namespace, values),
    };
}

/** Notes and hints for a stack file that imports ESC environments, which an offline evaluation cannot read. */
function escNotes(files: StackFiles): string[] {
    const environments = files.environments;
    if (environments === undefined || (environments.imports.length === 0 && !environments.inlineValues)) {
        return [];
    }
    const file = path.basename(files.stackFile);
    const names = environments.imports.join(", ");
    if (files.escRead === true) {
        return [
            `${file}: values of ESC environment(s) ${names} were read with pulumi env open (secrets not shown)` +
                (environments.inlineValues
                    ? "; its inline environment values were not (pulumi env open opens named environments only)"
                    : ""),
        ];
    }
    return [
        `${file} imports Pulumi ESC environment(s) ${names || "(inline definition)"}: their values come ` +
            `from Pulumi ESC, ` +
            "which this offline evaluation cannot read; pass --esc to read them with pulumi env open " +
            "(Pulumi CLI and login needed)",
    ];
}

/** "is required" problems of keys the stack file does not set, when ESC environments could set them. */
function withEscHints(files: StackFiles, problems: readonly ConfigProblem[]): ConfigProblem[] {
    const imports = files.environments?.imports ?? [];
    if (imports.length === 0 || files.escRead === true) {
        return [...problems];
    }
    const setKeys = new Set(files.stackKeys ?? []);
    return problems.map(problem => {
        const key = fullKey(problem.path.split(/[.[]/)[0] ?? problem.path, files.namespace);
        return problem.message.startsWith("is required") && !setKeys.has(key)
            ? {
                  ...problem,
                  message:
                      `${problem.message}; it may come from ESC environment ${imports.join(" or ")}, which ` +
                      `offline evaluation cannot read (pass --esc to read it)`,
              }
            : problem;
    });
}

export interface OfflineStackOptions {
    /** The 12-digit account to validate and render for (the CLI passes a placeholder when none is given). */
    account: string;
    /**
     * For `check` and `render`: a secret config key a registry names but the stack file does not set is taken as set
     * (the map does not depend on its value); each one is listed in `notes`.
     */
    assumeUnsetSecrets?: boolean;
}

export type OfflineStack =
    | { ok: true; files: StackFiles; config: OmicsRegistryConfig; notes: string[] }
    | { ok: false; files: StackFiles; message: string };

/** Validates the stack files with the program's own `validateConfig`, for the given account. */
export function evaluateStackOffline(
    projectDir: string,
    stack: string,
    options: OfflineStackOptions & ReadStackOptions,
): OfflineStack {
    return evaluateStackFiles(readStackFiles(projectDir, stack, options), options);
}

/** Validates already-read stack config (a stack file, or a rollout target's merged config) with `validateConfig`. */
export function evaluateStackFiles(files: StackFiles, options: OfflineStackOptions): OfflineStack {
    const notes: string[] = escNotes(files);
    const secretConfig = files.raw.secretConfig;
    const raw: RawConfig = !options.assumeUnsetSecrets
        ? files.raw
        : {
              ...files.raw,
              secretConfig(key: string): SecretConfigEntry | undefined {
                  const entry = secretConfig(key);
                  if (entry !== undefined) {
                      return entry;
                  }
                  notes.push(
                      `${files.namespace}:${key} is not set in ${path.basename(files.stackFile)}; ` +
                          `pulumi up will need it; this offline evaluation does not (neither the map nor the ` +
                          `IAM documents depend on its value)`,
                  );
                  return { isSecret: true, value: undefined, readable: false };
              },
          };
    const region = raw.region;
    const partition = region !== undefined ? partitionOfRegion(region) : "aws";
    const caller: CallerIdentity | undefined = isUsableRegion(region)
        ? { account: options.account, partition, dnsSuffix: ecrHostSuffix(partition) ?? "amazonaws.com" }
        : undefined;
    const result = validateConfig(files.namespace, raw, caller);
    if (!result.ok) {
        const message = formatProblems(files.namespace, withEscHints(files, result.problems));
        return { ok: false, files, message: [message, ...escNotes(files).map(note => `note: ${note}`)].join("\n") };
    }
    for (const key of files.encryptedKeys) {
        notes.push(`${key} is encrypted in ${path.basename(files.stackFile)}; its shape was not checked offline`);
    }
    return { ok: true, files, config: result.config, notes: [...new Set(notes)] };
}
