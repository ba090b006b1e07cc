// The whole stack: read and validate the config, then declare every concern from the one registry list.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatProblems } from "../config/problems";
import { readRawConfig } from "../config/read-config";
import { ConfigProblem, OmicsRegistryConfig } from "../config/types";
import { CallerIdentity, isUsableRegion, validateConfig } from "../config/validate-config";
import { checkExistingSecretKeys, SecretKeyLookup } from "../config/validate-existing-secrets";
import { AuditTrail } from "./audit-trail";
import { OmicsServiceRole, TemplateRole } from "./omics-service-role";
import { PullThroughPrefix } from "./pull-through-prefix";
import { RegistryCredentials } from "./registry-credentials";
import { RegistryStateReader } from "./live-registry-reader";
import { readRegistryState } from "./read-registry-state";
import { RegistryMapObjects } from "./registry-map-objects";
import { RegistrySettings } from "./registry-settings";
import { LiveRegistryState } from "./registry-state";
import { pullThroughRegistries, renderMaps, stackDocuments, templatesNeedRole } from "./stack-documents";
import { checkListedWorkflows } from "./workflow-checks";

export interface StackOutputs {
    omicsServiceRoleArn: pulumi.Output<string>;
    /** The default (first) map's URI. */
    containerRegistryMapUri: pulumi.Output<string>;
    /** Every map's URI, by map name. */
    containerRegistryMapUris: Record<string, pulumi.Output<string>>;
    /** The default map's JSON. */
    containerRegistryMap: pulumi.Output<unknown>;
    ecrRepositoryPrefixes: string[];
    createWorkflowCommand: pulumi.Output<string>;
    createWorkflowVersionCommand: pulumi.Output<string>;
    startRunCommand: pulumi.Output<string>;
    /** A cheap post-deploy check that each credentialed pull-through rule can sign in upstream. */
    validatePullThroughCacheRuleCommands: string[];
}

export class OmicsRegistryMaps extends pulumi.ComponentResource {
    readonly outputs: StackOutputs;

    constructor(
        name: string,
        config: OmicsRegistryConfig,
        namespace: string,
        live: LiveRegistryState,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("omics-registry-maps:index:OmicsRegistryMaps", name, {}, opts);
        const parent = { parent: this };
        const { target, registries, tags } = config;
        const documents = stackDocuments(config);
        // Where the first release declared what moved since, so `pulumi up` moves it instead of replacing it.
        const previous = (component: string, type: string) => ({
            aliases: [{ parent: pulumi.createUrn(component, `omics-registry-maps:index:${type}`, this) }],
        });
        const credentials = new RegistryCredentials(
            "credentials",
            { registries, namespace, tags },
            { parent: this, aliases: [{ type: "omics-registry-maps:index:CredentialSecrets" }] },
        );
        const templateRole =
            documents.templateRole && templatesNeedRole(config)
                ? new TemplateRole("ecr-template-role", { ...documents.templateRole, tags }, parent)
                : undefined;
        const repositoryPolicy = JSON.stringify(documents.templateRepositoryPolicy);
        const lifecyclePolicy = documents.templateLifecyclePolicy
            ? JSON.stringify(documents.templateLifecyclePolicy)
            : undefined;
        const prefixes = pullThroughRegistries(config).map(
            registry =>
                new PullThroughPrefix(
                    registry.ecrRepositoryPrefix,
                    {
                        registry,
                        credentialArn: credentials.credentialArns[registry.ecrRepositoryPrefix],
                        repositoryPolicy,
                        lifecyclePolicy,
                        tags,
                        kmsKeyArn: config.cachedRepositories.kmsKeyArn,
                        customRoleArn: templateRole?.role.arn,
                        previousRuleParent: previous("pull-through-cache", "PullThroughCacheRules"),
                        previousTemplateParent: previous("omics-ecr-access", "OmicsEcrAccess"),
                    },
                    { parent: this, dependsOn: templateRole ? [templateRole.policy] : [] },
                ),
        );
        const settings = new RegistrySettings(
            "registry-settings",
            {
                registryPolicy: documents.registryPolicy,
                scanning: config.cachedRepositories.scanning,
                prefixes: registries.map(r => r.ecrRepositoryPrefix),
                live,
                previousPolicyParent: previous("omics-ecr-access", "OmicsEcrAccess"),
            },
            parent,
        );
        const role = new OmicsServiceRole(
            "omics-service-role",
            { trust: documents.omicsTrustPolicy, policy: documents.omicsRolePolicy, tags },
            parent,
        );
        const copyArns = pulumi.all(
            Object.fromEntries(
                registries
                    .filter(
                        r =>
                            r.servedBy === "healthomics-copy" &&
                            credentials.credentialArns[r.ecrRepositoryPrefix] !== undefined,
                    )
                    .map(r => [r.ecrRepositoryPrefix, credentials.credentialArns[r.ecrRepositoryPrefix]]),
            ),
        );
        const maps = copyArns.apply(arns => renderMaps(config, arns));
        const mapObjects = new RegistryMapObjects(
            "registry-maps",
            {
                maps,
                mapNames: config.maps.map(m => m.name),
                tags,
                publishAfter: [
                    ...prefixes.flatMap(p => [p.rule, p.template]),
                    ...(settings.registryPolicy ? [settings.registryPolicy] : []),
                    role,
                ],
                previousBucketParent: { type: "omics-registry-maps:index:RegistryMapObject", parent: this },
            },
            parent,
        );
        if (config.auditTrail.enabled) {
            new AuditTrail("omics-registry-maps-audit", { target, tags }, parent);
        }
        const defaultMap = config.maps[0].name;
        const defaultUri = mapObjects.uris[defaultMap];
        const region = target.region;
        this.outputs = {
            omicsServiceRoleArn: role.role.arn,
            containerRegistryMapUri: defaultUri,
            containerRegistryMapUris: mapObjects.uris,
            containerRegistryMap: maps.apply(all => all[0].map as unknown),
            ecrRepositoryPrefixes: registries.map(r => r.ecrRepositoryPrefix),
            createWorkflowCommand: pulumi.interpolate`aws omics create-workflow --region ${region} --name <workflow-name> --engine <WDL|WDL_LENIENT|NEXTFLOW|CWL> --definition-zip fileb://<workflow.zip> --container-registry-map-uri ${defaultUri}`,
            createWorkflowVersionCommand: pulumi.interpolate`aws omics create-workflow-version --region ${region} --workflow-id <workflow-id> --version-name <version> --engine <WDL|WDL_LENIENT|NEXTFLOW|CWL> --definition-zip fileb://<workflow.zip> --container-registry-map-uri ${defaultUri}`,
            startRunCommand: pulumi.interpolate`aws omics start-run --region ${region} --workflow-id <workflow-id> --role-arn ${role.role.arn} --output-uri s3://${config.workflowBuckets[0]}/<output-prefix>/`,
            validatePullThroughCacheRuleCommands: pullThroughRegistries(config)
                .filter(r => r.credentials !== undefined)
                .map(
                    r =>
                        `aws ecr validate-pull-through-cache-rule --region ${region} ` +
                        `--ecr-repository-prefix ${r.ecrRepositoryPrefix}`,
                ),
        };
        this.registerOutputs(this.outputs);
    }
}

async function askCaller(): Promise<CallerIdentity> {
    const [identity, partition] = await Promise.all([aws.getCallerIdentity(), aws.getPartition()]);
    return { account: identity.accountId, partition: partition.partition, dnsSuffix: partition.dnsSuffix };
}

const lookupSecretKey: SecretKeyLookup = async arn => (await aws.secretsmanager.getSecret({ arn })).kmsKeyId;

/** Checks that need AWS or the file system, run once the config itself is valid. */
async function checkBeforeDeclaring(config: OmicsRegistryConfig, namespace: string): Promise<ConfigProblem[]> {
    const [secretProblems, workflows] = await Promise.all([
        checkExistingSecretKeys(config, lookupSecretKey, message => void pulumi.log.warn(message)),
        checkListedWorkflows(config, namespace),
    ]);
    for (const warning of workflows.warnings) {
        void pulumi.log.warn(`workflowChecks: ${warning}`);
    }
    return [...secretProblems, ...workflows.problems];
}

export interface ProgramOptions {
    /**
     * Plays the account's live registry state (tests); by default it is read from AWS when an engine runs the program.
     */
    registryStateReader?: RegistryStateReader;
}

/** The program: all configuration problems are reported together, before any resource is declared. */
export async function runOmicsRegistryMaps(options: ProgramOptions = {}): Promise<StackOutputs> {
    const namespace = pulumi.getProject();
    const raw = readRawConfig(namespace);
    const caller = isUsableRegion(raw.region) ? await askCaller() : undefined;
    const result = validateConfig(namespace, raw, caller);
    if (!result.ok) {
        throw new pulumi.RunError(formatProblems(namespace, result.problems));
    }
    // The checks that need AWS and the live reads run together, so their problems come in one report.
    const [checked, live] = await Promise.all([
        checkBeforeDeclaring(result.config, namespace),
        readRegistryState(result.config, options.registryStateReader),
    ]);
    const problems = [...checked, ...live.problems];
    if (problems.length > 0) {
        throw new pulumi.RunError(formatProblems(namespace, problems));
    }
    return new OmicsRegistryMaps("omics-registry-maps", result.config, namespace, live.state).outputs;
}
