import { StackValidationPolicy } from "@pulumi/policy";
import { CREDENTIAL_SECRET_NAME_PREFIX, secretNameFromArn } from "../rules/ecr-naming";
import { isKnown, readString } from "../known-value";
import { pullThroughCacheRules, refersTo, TYPES } from "../stack-facts";

export const credentialSecretNames: StackValidationPolicy = {
    name: "credential-secret-name-prefix",
    description: `Secrets Manager secrets used as pull-through cache credentials are named ${CREDENTIAL_SECRET_NAME_PREFIX}..., as ECR requires.`,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const secrets = args.resources.filter(r => r.type === TYPES.secret);
        for (const rule of pullThroughCacheRules(args.resources)) {
            const prefix = isKnown(rule.prefix) ? rule.prefix : "(unknown prefix)";
            const linked = secrets.filter(s => refersTo(rule.resource, "credentialArn", s, ["arn", "id"]));
            const names = linked.length > 0
                ? linked.map(s => {
                    const name = readString(s.props, "name");
                    return isKnown(name) && name === undefined ? readString(s.props, "namePrefix") : name;
                })
                : [isKnown(rule.credentialArn) && rule.credentialArn !== undefined ? secretNameFromArn(rule.credentialArn) ?? rule.credentialArn : undefined];
            for (const name of names) {
                if (isKnown(name) && name !== undefined && !name.startsWith(CREDENTIAL_SECRET_NAME_PREFIX)) {
                    report(`Pull-through cache rule for prefix '${prefix}' uses credential secret '${name}', whose name does not start with '${CREDENTIAL_SECRET_NAME_PREFIX}'`, rule.resource.urn);
                }
            }
        }
    },
};
