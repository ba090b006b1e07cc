// `{secretFromEnv: NAME}` in rollout.yaml: finding the markers, resolving them from the environment, and redacting.

/** True for a `{secretFromEnv: NAME}` marker (exactly that one field). */
export function isSecretMarker(value: unknown): value is { secretFromEnv: string } {
    return (
        typeof value === "object" &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length === 1 &&
        typeof (value as { secretFromEnv?: unknown }).secretFromEnv === "string"
    );
}

/** Environment variable names of every marker inside a value. */
export function secretEnvNames(value: unknown): string[] {
    if (isSecretMarker(value)) {
        return [value.secretFromEnv];
    }
    if (Array.isArray(value)) {
        return value.flatMap(secretEnvNames);
    }
    if (typeof value === "object" && value !== null) {
        return Object.values(value).flatMap(secretEnvNames);
    }
    return [];
}

/** Paths (`.a[1].b`) of objects that use `secretFromEnv` next to other fields, which is a mistake. */
export function malformedMarkerPaths(value: unknown, path = ""): string[] {
    if (Array.isArray(value)) {
        return value.flatMap((item, index) => malformedMarkerPaths(item, `${path}[${index}]`));
    }
    if (typeof value !== "object" || value === null) {
        return [];
    }
    const record = value as Record<string, unknown>;
    if ("secretFromEnv" in record && !isSecretMarker(record)) {
        return [path];
    }
    return Object.entries(record).flatMap(([key, item]) => malformedMarkerPaths(item, `${path}.${key}`));
}

/**
 * Replaces each marker with its environment value. A value that is JSON of an object or list is used as that
 * object or list (e.g. `{"username": ..., "accessToken": ...}`); anything else stays a string.
 */
export function resolveSecrets(value: unknown, env: NodeJS.ProcessEnv): unknown {
    if (isSecretMarker(value)) {
        const text = env[value.secretFromEnv] ?? "";
        try {
            const parsed: unknown = JSON.parse(text);
            return typeof parsed === "object" && parsed !== null ? parsed : text;
        } catch {
            return text;
        }
    }
    if (Array.isArray(value)) {
        return value.map(item => resolveSecrets(item, env));
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveSecrets(item, env)]));
    }
    return value;
}

/** Replaces every occurrence of the given secret strings (and their JSON-escaped forms) with `[secret]`. */
export class Redactor {
    private readonly needles: string[];

    constructor(secrets: Iterable<string>) {
        const forms = new Set<string>();
        for (const secret of secrets) {
            if (secret.length >= 3) {
                forms.add(secret);
                forms.add(JSON.stringify(secret).slice(1, -1));
                forms.add(JSON.stringify(JSON.stringify(secret)).slice(1, -1));
            }
        }
        // Longest first, so that a secret containing another is replaced whole.
        this.needles = [...forms].sort((a, b) => b.length - a.length);
    }

    redact(text: string): string {
        let result = text;
        for (const needle of this.needles) {
            result = result.split(needle).join("[secret]");
        }
        return result;
    }
}

/** Every string leaf of the resolved secret values, to feed a Redactor. */
export function secretStrings(env: NodeJS.ProcessEnv, names: Iterable<string>): string[] {
    const strings: string[] = [];
    const collect = (value: unknown): void => {
        if (typeof value === "string") {
            strings.push(value);
        } else if (typeof value === "number" || typeof value === "boolean") {
            strings.push(String(value));
        } else if (Array.isArray(value)) {
            value.forEach(collect);
        } else if (typeof value === "object" && value !== null) {
            Object.values(value).forEach(collect);
        }
    };
    for (const name of names) {
        const text = env[name];
        if (text !== undefined) {
            strings.push(text);
            collect(resolveSecrets({ secretFromEnv: name }, env));
        }
    }
    return strings;
}
