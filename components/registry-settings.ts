// The registry-wide ECR settings: the registry policy and the scanning configuration. Both are one per account and
// region, so they carry what the account already needs (kept statements and scanning rules) and are left in place on
// destroy: deleting them would take other teams' statements and rules with them.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ScanningFilterRule, ScanningSettings } from "../config/types";
import { PolicyDocument } from "./policy-documents";

export interface RegistrySettingsArgs {
    registryPolicy: PolicyDocument;
    scanning: ScanningSettings;
    /** Every prefix of the stack (cached and copied repositories are scanned alike). */
    prefixes: readonly string[];
    /** Alias to where the first release declared the registry policy. */
    previousPolicyParent?: Pick<pulumi.CustomResourceOptions, "aliases">;
}

/** One rule per scan frequency: this stack's prefixes joined to the rules the account keeps. */
export function scanningRules(scanning: ScanningSettings, prefixes: readonly string[]): ScanningFilterRule[] {
    const rules: ScanningFilterRule[] = [{ scanFrequency: scanning.scanFrequency, filters: prefixes.map(p => `${p}/*`) }, ...scanning.keepRules];
    const merged = new Map<string, string[]>();
    for (const rule of rules) {
        const filters = merged.get(rule.scanFrequency) ?? [];
        merged.set(rule.scanFrequency, [...filters, ...rule.filters.filter(f => !filters.includes(f))]);
    }
    return [...merged].map(([scanFrequency, filters]) => ({ scanFrequency: scanFrequency as ScanningFilterRule["scanFrequency"], filters }));
}

export class RegistrySettings extends pulumi.ComponentResource {
    /** Absent when there is nothing to grant (only registries HealthOmics copies from, no kept statements). */
    readonly registryPolicy?: aws.ecr.RegistryPolicy;
    readonly scanning?: aws.ecr.RegistryScanningConfiguration;

    constructor(name: string, args: RegistrySettingsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("omics-registry-maps:index:RegistrySettings", name, {}, opts);
        const singleton = { parent: this, retainOnDelete: true };
        // ECR refuses a policy without statements.
        if (args.registryPolicy.Statement.length > 0) {
            this.registryPolicy = new aws.ecr.RegistryPolicy("omics-pull-through-cache", {
                policy: JSON.stringify(args.registryPolicy),
            }, { ...singleton, ...args.previousPolicyParent });
        }
        if (args.scanning.enabled && args.prefixes.length > 0) {
            this.scanning = new aws.ecr.RegistryScanningConfiguration("registry-scanning", {
                scanType: args.scanning.scanType,
                rules: scanningRules(args.scanning, args.prefixes).map(rule => ({
                    scanFrequency: rule.scanFrequency,
                    repositoryFilters: rule.filters.map(filter => ({ filter, filterType: "WILDCARD" })),
                })),
            }, singleton);
        }
        this.registerOutputs({});
    }
}
