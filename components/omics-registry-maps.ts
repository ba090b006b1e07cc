// The whole stack: read and validate the config, then declare every concern from the one registry list.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatProblems } from "../config/problems";
import { readRawConfig } from "../config/read-config";
import { OmicsRegistryConfig } from "../config/types";
import { CallerIdentity, isUsableRegion, validateConfig } from "../config/validate-config";
import { CredentialSecrets } from "./credential-secrets";
import { OmicsEcrAccess } from "./omics-ecr-access";
import { OmicsServiceRole } from "./omics-service-role";
import { PullThroughCacheRules } from "./pull-through-cache-rules";
import { buildRegistryMap, ContainerRegistryMap } from "./registry-map";
import { RegistryMapObject } from "./registry-map-object";

export interface StackOutputs {
    omicsServiceRoleArn: pulumi.Output<string>;
    containerRegistryMapUri: pulumi.Output<string>;
    containerRegistryMap: ContainerRegistryMap;
    ecrRepositoryPrefixes: string[];
    createWorkflowCommand: pulumi.Output<string>;
    startRunCommand: pulumi.Output<string>;
}

export class OmicsRegistryMaps extends pulumi.ComponentResource {
    readonly outputs: StackOutputs;

    constructor(name: string, config: OmicsRegistryConfig, namespace: string, opts?: pulumi.ComponentResourceOptions) {
        super("omics-registry-maps:index:OmicsRegistryMaps", name, {}, opts);
        const parent = { parent: this };
        const { target, registries, tags } = config;
        const prefixes = registries.map(r => r.ecrRepositoryPrefix);
        const secrets = new CredentialSecrets("credentials", { registries, namespace, tags }, parent);
        const cache = new PullThroughCacheRules("pull-through-cache", { registries, credentialArns: secrets.credentialArns }, parent);
        const ecrAccess = new OmicsEcrAccess("omics-ecr-access", { target, prefixes, tags }, parent);
        const role = new OmicsServiceRole("omics-service-role", { target, prefixes, workflowBuckets: config.workflowBuckets, tags }, parent);
        const map = buildRegistryMap(config);
        const mapObject = new RegistryMapObject("registry-map", {
            map,
            key: config.mapObjectKey,
            tags,
            publishAfter: [...cache.rules, ecrAccess.registryPolicy, ...ecrAccess.creationTemplates],
        }, parent);
        this.outputs = {
            omicsServiceRoleArn: role.role.arn,
            containerRegistryMapUri: mapObject.uri,
            containerRegistryMap: map,
            ecrRepositoryPrefixes: prefixes,
            createWorkflowCommand: pulumi.interpolate`aws omics create-workflow --region ${target.region} --name <workflow-name> --engine <WDL|NEXTFLOW|CWL> --definition-zip fileb://<workflow.zip> --container-registry-map-uri ${mapObject.uri}`,
            startRunCommand: pulumi.interpolate`aws omics start-run --region ${target.region} --workflow-id <workflow-id> --role-arn ${role.role.arn} --output-uri s3://${config.workflowBuckets[0]}/<output-prefix>/`,
        };
        this.registerOutputs(this.outputs);
    }
}

async function askCaller(): Promise<CallerIdentity> {
    const [identity, partition] = await Promise.all([aws.getCallerIdentity(), aws.getPartition()]);
    return { account: identity.accountId, partition: partition.partition, dnsSuffix: partition.dnsSuffix };
}

/** The program: all configuration problems are reported together, before any resource is declared. */
export async function runOmicsRegistryMaps(): Promise<StackOutputs> {
    const namespace = pulumi.getProject();
    const raw = readRawConfig(namespace);
    const caller = isUsableRegion(raw.region) ? await askCaller() : undefined;
    const result = validateConfig(namespace, raw, caller);
    if (!result.ok) {
        throw new pulumi.RunError(formatProblems(namespace, result.problems));
    }
    return new OmicsRegistryMaps("omics-registry-maps", result.config, namespace).outputs;
}
