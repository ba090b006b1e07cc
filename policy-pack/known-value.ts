// During `pulumi preview` some properties are not known yet; reading one throws. These helpers turn
// that into an UNKNOWN marker, so a policy checks what is known and skips only what is not.

export const UNKNOWN = Symbol("unknown until the update runs");
export type Known<T> = T | typeof UNKNOWN;

export function isKnown<T>(value: Known<T>): value is T {
    return value !== UNKNOWN;
}

function isUnknownValueError(error: unknown): boolean {
    // @pulumi/policy's UnknownValueError is internal; it is recognised by the sentinel it carries.
    return error instanceof Error && "unknownTypeSentinel" in error;
}

/** A deep plain copy of `props[name]` (undefined when absent), or UNKNOWN if any part of it is unknown. */
export function readProp(props: Record<string, unknown>, name: string): Known<unknown> {
    try {
        const value = props[name];
        return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
    } catch (error) {
        if (isUnknownValueError(error)) {
            return UNKNOWN;
        }
        throw error;
    }
}

/** `props[name]` if it is a string, undefined if absent or not a string, UNKNOWN if unknown. */
export function readString(props: Record<string, unknown>, name: string): Known<string | undefined> {
    const value = readProp(props, name);
    return value === UNKNOWN || typeof value === "string" ? value : undefined;
}
