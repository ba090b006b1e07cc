// The registry-wide ECR settings: the registry policy and the scanning configuration. Both are one per account and
// region, so they carry what the account already has (live statements and rules, see registry-state.ts, and the kept
// statements and rules of the config) and are left in place on destroy: deleting them would take other teams'
// statements and rules with them.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ScanningSettings } from "../config/types";
import { PolicyDocument } from "./policy-documents";
import { LiveRegistryState, mergedRegistryPolicy, scanningConfiguration } from "./registry-state";

export interface RegistrySettingsArgs {
    registryPolicy: PolicyDocument;
    scanning: ScanningSettings;
    /** Every prefix of the stack (cached and copied repositories are scanned alike). */
    prefixes: readonly string[];
    /** What the account has now (read before writing, see read-registry-state.ts); empty offline. */
    live: LiveRegistryState;
    /** Alias to where the first release declared the registry policy. */
    previousPolicyParent?: Pick<pulumi.CustomResourceOptions, "aliases">;
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
            this.registryPolicy = new aws.ecr.RegistryPolicy(
                "omics-pull-through-cache",
                {
                    policy: JSON.stringify(
                        mergedRegistryPolicy(args.registryPolicy, args.live.registryPolicyText).document,
                    ),
                },
                { ...singleton, ...args.previousPolicyParent },
            );
        }
        if (args.scanning.enabled && args.prefixes.length > 0) {
            const configuration = scanningConfiguration(args.scanning, args.prefixes, args.live.scanning);
            this.scanning = new aws.ecr.RegistryScanningConfiguration(
                "registry-scanning",
                {
                    scanType: configuration.scanType,
                    rules: configuration.rules.map(rule => ({
                        scanFrequency: rule.scanFrequency,
                        repositoryFilters: rule.filters.map(filter => ({ filter, filterType: "WILDCARD" })),
                    })),
                },
                singleton,
            );
        }
        this.registerOutputs({});
    }
}
