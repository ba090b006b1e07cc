// Which pull-through cache prefixes a set of IAM statements reaches, compared with the declared rules.
import { ReportViolation } from "@pulumi/policy";
import { parsePrefixArn, PrefixArn } from "./rules/ecr-naming";
import { Statement } from "./rules/iam-document";

export interface PrefixCoverage {
    /** Prefixes reached through `arn:...:repository/<prefix>/*` resources. */
    prefixes: string[];
    /** Resources that are not of that form (`*`, `repository/*`, ...). */
    wider: string[];
    locations: PrefixArn[];
}

export function prefixCoverage(statements: readonly Statement[]): PrefixCoverage {
    const coverage: PrefixCoverage = { prefixes: [], wider: [], locations: [] };
    for (const resource of statements.flatMap(s => (s.resources.length > 0 ? s.resources : ["(no Resource)"]))) {
        const parsed = parsePrefixArn(resource);
        if (parsed === undefined) {
            coverage.wider.push(resource);
        } else {
            coverage.locations.push(parsed);
            if (!coverage.prefixes.includes(parsed.prefix)) {
                coverage.prefixes.push(parsed.prefix);
            }
        }
    }
    return coverage;
}

/** The distinct registries the covered ARNs name, as `<account> in <region>`. */
export function registriesOf(coverage: PrefixCoverage): string[] {
    return [...new Set(coverage.locations.map(l => `${l.account} in ${l.region}`))];
}

export interface CoverageCheck {
    /** Who grants, for messages: "Registry policy 'x'". */
    subject: string;
    urn: string;
    coverage: PrefixCoverage;
    /** Prefixes of rules the subject must cover (those surely in its registry; a partial list only misses reports). */
    rulePrefixes: readonly string[];
    /**
     * Prefixes HealthOmics copies images into (registry mappings of HealthOmics-copy hosts); covered like rule
     * prefixes.
     */
    copyPrefixes?: readonly string[];
    /** Prefixes the subject may cover (those possibly in its registry); the required ones when left out. */
    allowed?: { rules: readonly string[]; copies: readonly string[] };
    /** False when some prefix the subject may cover is unknown (a rule's prefix, a map's content): then an
     *  undeclared-looking prefix may still be declared, and that judgement is skipped. */
    rulesComplete: boolean;
    /** False when some of the subject's statements are unknown: then a missing prefix may be granted there. */
    statementsComplete: boolean;
}

/** Reports prefixes of rules the statements miss, prefixes no rule declares, and grants wider than a prefix. */
export function reportCoverage(check: CoverageCheck, report: ReportViolation): void {
    const { subject, urn, coverage, rulePrefixes } = check;
    const copyPrefixes = (check.copyPrefixes ?? []).filter(p => !rulePrefixes.includes(p));
    if (check.statementsComplete) {
        for (const prefix of rulePrefixes.filter(p => !coverage.prefixes.includes(p))) {
            report(
                `${subject} does not cover prefix '${prefix}' of its pull-through cache rule (expected ` +
                    `a Resource arn:<partition>:ecr:<region>:<account>:repository/${prefix}/*)`,
                urn,
            );
        }
        for (const prefix of copyPrefixes.filter(p => !coverage.prefixes.includes(p))) {
            report(
                `${subject} does not cover prefix '${prefix}' of its HealthOmics-copy registry mapping ` +
                    `(expected a Resource arn:<partition>:ecr:<region>:<account>:repository/${prefix}/*)`,
                urn,
            );
        }
    }
    if (check.rulesComplete) {
        const allowedRules = [...(check.allowed?.rules ?? rulePrefixes)].sort();
        const allowedCopies = [...(check.allowed?.copies ?? copyPrefixes)]
            .filter(p => !allowedRules.includes(p))
            .sort();
        const copies = allowedCopies.length > 0 ? `; HealthOmics-copy prefixes: ${allowedCopies.join(", ")}` : "";
        const declared = `${allowedRules.join(", ") || "none"}${copies}`;
        for (const prefix of coverage.prefixes.filter(p => !allowedRules.includes(p) && !allowedCopies.includes(p))) {
            report(
                `${subject} covers prefix '${prefix}', which no pull-through cache rule declares ` +
                    `(declared: ${declared})`,
                urn,
            );
        }
    }
    for (const resource of coverage.wider) {
        report(
            `${subject} grants on '${resource}', which is not limited to one pull-through cache prefix ` +
                `(use arn:<partition>:ecr:<region>:<account>:repository/<prefix>/*)`,
            urn,
        );
    }
}
