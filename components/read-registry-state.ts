// Before declaring anything: reads the account's live registry scanning configuration and registry policy (when the
// stack writes them) and checks what they become once joined with this stack's own needs.
//
// When to read: only with a Pulumi engine. A real `pulumi preview`/`up` always runs the program with an engine
// (`pulumi.runtime.hasEngine()`: the language host passes --engine); the mock runtime (`pulumi.runtime.setMocks`,
// used by the tests and the shared analyzer harness) has none and no AWS credentials, so there the stack is built
// from its config alone, as on a fresh account. Tests inject a reader to play a live account. Reading is also skipped
// when the stack writes neither singleton (scanning disabled, no registry policy statements).
import * as pulumi from "@pulumi/pulumi";
import { MAX_REGISTRY_POLICY_CHARACTERS } from "../policy-pack/rules/service-limits";
import { ConfigProblem, OmicsRegistryConfig } from "../config/types";
import { AwsProviderSettings, PROVIDER_STRING_KEYS, providerSettingsFrom } from "../aws/provider-credentials";
import {
    ecrRegistryStateReader,
    OtherAccountError,
    providerEcrClient,
    RegistryStateReader,
} from "./live-registry-reader";
import {
    LiveRegistryState,
    mergedRegistryPolicy,
    scanningConfiguration,
    scanningLimitProblems,
} from "./registry-state";
import { stackDocuments } from "./stack-documents";

/** The default provider's `aws:` settings, as the stack's Pulumi config holds them. */
export function awsProviderSettings(region: string): AwsProviderSettings {
    const aws = new pulumi.Config("aws");
    const strings: readonly string[] = PROVIDER_STRING_KEYS;
    return providerSettingsFrom(region, key => (strings.includes(key) ? aws.get(key) : aws.getObject<unknown>(key)));
}

function reason(error: unknown): string {
    const text =
        error instanceof Error ? `${error.name !== "Error" ? `${error.name}: ` : ""}${error.message}` : String(error);
    return text.split("\n")[0] || "no reason given";
}

/** Which singletons this stack writes, so only those are read. */
function writes(config: OmicsRegistryConfig): { scanning: boolean; registryPolicy: boolean } {
    return {
        scanning: config.cachedRepositories.scanning.enabled && config.registries.length > 0,
        registryPolicy: stackDocuments(config).registryPolicy.Statement.length > 0,
    };
}

/**
 * The live state (empty offline), or the problems that stop the run: live state that cannot be read (never written
 * over blind) or that, joined with this stack's, exceeds what ECR takes.
 */
export async function readRegistryState(
    config: OmicsRegistryConfig,
    injected?: RegistryStateReader,
): Promise<{ state: LiveRegistryState; problems: ConfigProblem[] }> {
    const needs = writes(config);
    if (!needs.scanning && !needs.registryPolicy) {
        return { state: {}, problems: [] };
    }
    const reader =
        injected ??
        (pulumi.runtime.hasEngine()
            ? ecrRegistryStateReader(
                  await providerEcrClient(awsProviderSettings(config.target.region)),
                  config.target.account,
              )
            : undefined);
    if (reader === undefined) {
        return { state: {}, problems: [] };
    }
    const where = `account ${config.target.account} in ${config.target.region}`;
    const problems: ConfigProblem[] = [];
    const state: LiveRegistryState = {};
    /** One live read; a failure becomes a problem naming the call, since the stack never writes over blind. */
    const read = async <T>(call: () => Promise<T>, path: string, action: string, what: string, fix: string) => {
        try {
            return await call();
        } catch (error) {
            if (error instanceof OtherAccountError) {
                problems.push({
                    path,
                    message:
                        `the live ${what} was read with other credentials than the stack's AWS provider ` +
                        `(${error.message}); it will not merge another account's settings into ${where}: ` +
                        "give the provider's credentials through settings the live read reproduces (README, " +
                        '"Same region and credentials as the stack\'s AWS provider")',
                });
                return undefined;
            }
            problems.push({
                path,
                message:
                    `could not read the live ${what} of ${where} (${action}: ${reason(error)}); ` +
                    "it is one per account and region and this stack keeps what is there, " +
                    "so it will not write over what it cannot read: " +
                    `give the deploying credentials ${action}${fix}`,
            });
            return undefined;
        }
    };
    if (needs.scanning) {
        const scanning = await read(
            () => reader.scanningConfiguration(),
            "cachedRepositories.scanning",
            "ecr:GetRegistryScanningConfiguration",
            "registry scanning configuration",
            ", or set cachedRepositories.scanning.enabled to false to leave the account's scanning alone",
        );
        if (scanning !== undefined) {
            state.scanning = scanning;
        }
    }
    if (needs.registryPolicy) {
        const text = await read(
            () => reader.registryPolicyText(),
            "registryPolicyStatements",
            "ecr:GetRegistryPolicy",
            "registry policy",
            "",
        );
        if (text !== undefined) {
            state.registryPolicyText = text;
        }
    }
    problems.push(...checkMerged(config, state));
    if (problems.length === 0) {
        void pulumi.log.info(keptSummary(config, state, where));
    }
    return { state, problems };
}

/** What of the live state the stack keeps, in one line for the preview's log. */
function keptSummary(config: OmicsRegistryConfig, state: LiveRegistryState, where: string): string {
    const parts: string[] = [];
    if (state.scanning !== undefined) {
        const filters = state.scanning.rules.reduce((count, rule) => count + rule.filters.length, 0);
        parts.push(`scanning ${state.scanning.scanType} with ${filters} live filter(s)`);
    }
    if (state.registryPolicyText !== undefined) {
        const kept = mergedRegistryPolicy(stackDocuments(config).registryPolicy, state.registryPolicyText).keptSids;
        parts.push(`registry-policy statements it does not own: ${kept.length > 0 ? kept.join(", ") : "none"}`);
    }
    return `live registry settings of ${where} kept: ${parts.join("; ")}`;
}

/** Problems of the documents as they would be written, live state included. */
function checkMerged(config: OmicsRegistryConfig, state: LiveRegistryState): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    if (state.scanning !== undefined) {
        const scanning = scanningConfiguration(
            config.cachedRepositories.scanning,
            config.registries.map(r => r.ecrRepositoryPrefix),
            state.scanning,
        );
        problems.push(
            ...scanningLimitProblems(scanning).map(message => ({ path: "cachedRepositories.scanning", message })),
        );
    }
    if (state.registryPolicyText !== undefined) {
        try {
            const merged = mergedRegistryPolicy(stackDocuments(config).registryPolicy, state.registryPolicyText);
            const size = JSON.stringify(merged.document).length;
            if (size > MAX_REGISTRY_POLICY_CHARACTERS) {
                problems.push({
                    path: "registryPolicyStatements",
                    message:
                        "the registry policy, with the live statements this stack keeps " +
                        `(${merged.keptSids.join(", ")}), ` +
                        `would take ${size} characters; ECR allows at most ${MAX_REGISTRY_POLICY_CHARACTERS}: ` +
                        "shorten the kept or live statements",
                });
            }
        } catch (error) {
            problems.push({
                path: "registryPolicyStatements",
                message:
                    `the live registry policy of account ${config.target.account} in ${config.target.region} ` +
                    "is not a " +
                    `policy document this stack can keep statements of (${reason(error)}); ` +
                    "fix it with aws ecr put-registry-policy first",
            });
        }
    }
    return problems;
}
