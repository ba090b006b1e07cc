// The stack config in the form `pulumi config set-all --json` reads (the form `pulumi config --json` prints).
// A string is {value, secret}; a list, object, number or boolean is {value: <JSON text>, objectValue, secret}
// (the shape the Pulumi Kubernetes operator documents for the same command). A key is secret when any part
// of its value came from `secretFromEnv`.
import { resolveSecrets, secretEnvNames } from "./secret-values";
import { ConfigMap } from "./types";

export interface ConfigJsonValue {
    value: string;
    objectValue?: unknown;
    secret: boolean;
}

export function configJsonOf(config: ConfigMap, env: NodeJS.ProcessEnv): Record<string, ConfigJsonValue> {
    const result: Record<string, ConfigJsonValue> = {};
    for (const [key, raw] of Object.entries(config)) {
        const secret = secretEnvNames(raw).length > 0;
        const value = resolveSecrets(raw, env);
        result[key] =
            typeof value === "string"
                ? { value, secret }
                : { value: JSON.stringify(value), objectValue: value, secret };
    }
    return result;
}
