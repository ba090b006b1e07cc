// Policies on registry credentials: pull-through cache secrets carry the name ECR requires (followed through the
// SecretVersion a rule depends on), and HealthOmics-copy secrets are readable by the run role, in this registry.
import { StackValidationPolicy } from "@pulumi/policy";
import {
    CREDENTIAL_SECRET_NAME_PREFIX,
    parseSecretArn,
    secretArnHasSuffix,
    secretNameFromArn,
} from "../rules/ecr-naming";
import { Statement, statementsAllow } from "../rules/iam-document";
import { isKnown } from "../known-value";
import { scopeOf } from "../registries";
import {
    isCopyHost,
    label,
    linkedSecrets,
    omicsRoles,
    pullThroughCacheRules,
    registryMaps,
    secretName,
} from "../stack-facts";

export const credentialSecretNames: StackValidationPolicy = {
    name: "credential-secret-name-prefix",
    description:
        `Secrets Manager secrets used as pull-through cache credentials are ` +
        `named ${CREDENTIAL_SECRET_NAME_PREFIX}..., as ECR requires; the secret is found through the rule's ` +
        `credentialArn, directly or through the SecretVersion it depends on.`,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const rule of pullThroughCacheRules(args.resources)) {
            const prefix = isKnown(rule.prefix) ? rule.prefix : "(unknown prefix)";
            const linked = linkedSecrets(args.resources, rule.resource, "credentialArn");
            const names =
                linked.length > 0
                    ? linked.map(secretName)
                    : [
                          isKnown(rule.credentialArn) && rule.credentialArn !== undefined
                              ? (secretNameFromArn(rule.credentialArn) ?? rule.credentialArn)
                              : undefined,
                      ];
            for (const name of new Set(names)) {
                if (isKnown(name) && name !== undefined && !name.startsWith(CREDENTIAL_SECRET_NAME_PREFIX)) {
                    report(
                        `Pull-through cache rule for prefix '${prefix}' uses credential secret ` +
                            `'${name}', whose name does not start with '${CREDENTIAL_SECRET_NAME_PREFIX}'`,
                        rule.resource.urn,
                    );
                }
            }
        }
    },
};

const READ_SECRET = "secretsmanager:GetSecretValue";

export const copyRegistryCredentials: StackValidationPolicy = {
    name: "copy-registry-credentials-readable",
    description:
        `Every credentialArn of a HealthOmics-copy registry mapping is a Secrets Manager secret ARN in this ` +
        `stack's account and region, which the HealthOmics role may ${READ_SECRET}.`,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const { roles: allRoles } = omicsRoles(args.resources);
        for (const map of registryMaps(args.resources)) {
            // judged by the map's own registry, and read by the HealthOmics roles surely in it
            const { registry: scope, surely } = scopeOf(args.resources, map.resource);
            const roles = allRoles.filter(r => surely.includes(r.resource));
            map.registryMappings.forEach((mapping, index) => {
                const url = mapping.upstreamRegistryUrl;
                const arn = mapping.credentialArn;
                if (typeof url !== "string" || !isCopyHost(url) || typeof arn !== "string" || arn === "") {
                    return; // registry-map-matches-pull-through-rules reports a missing credentialArn
                }
                const where =
                    `Container registry map ${label(map.resource)} registryMappings[${index}] (${url}) ` +
                    `credentialArn '${arn}'`;
                const secret = parseSecretArn(arn);
                if (secret === undefined) {
                    report(
                        `${where} is not a Secrets Manager secret ARN ` +
                            `(arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)`,
                        map.resource.urn,
                    );
                    return;
                }
                if (scope.account !== undefined && secret.account !== scope.account) {
                    report(
                        `${where} is in account ${secret.account}, but this stack deploys to account ${scope.account}`,
                        map.resource.urn,
                    );
                }
                if (scope.region !== undefined && secret.region !== scope.region) {
                    report(
                        `${where} is in region ${secret.region}, but this stack deploys to region ${scope.region}`,
                        map.resource.urn,
                    );
                }
                for (const role of roles) {
                    if (!role.documents.every(isKnown)) {
                        continue; // an unknown document may grant it
                    }
                    const statements = role.documents
                        .filter((d): d is Statement[] => isKnown(d) && d !== undefined)
                        .flat();
                    // The secret's real ARN carries AWS's 6-character suffix; a grant must match that, not the partial
                    // ARN.
                    if (!statementsAllow(statements, READ_SECRET, secretArnHasSuffix(arn) ? arn : `${arn}-Ab12Cd`)) {
                        report(
                            `${where} is not readable by HealthOmics role ${label(role.resource)}: none ` +
                                `of its policies allows ${READ_SECRET} on it`,
                            map.resource.urn,
                        );
                    }
                }
            });
        }
    },
};
