// Registry scanning filters: the WILDCARD filter that scans a prefix's repositories, and ECR's limits on filters.
// Imports nothing. Sources: ECR API model (botocore ecr service-2.json, 2026-04) ScanningRepositoryFilterValue
// `^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$`, 1-255 characters; ScanningRepositoryFilterList and
// RegistryScanningRuleList limits (at most 100 filters per rule, 2 rules); PullThroughCacheRuleRepositoryPrefix,
// whose separators include `__` and runs of `-` that the filter pattern refuses.

/** ECR API ScanningRepositoryFilter.filter. */
export const SCAN_FILTER_PATTERN = /^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$/;
export const MAX_SCAN_FILTER_LENGTH = 255;
/** ECR API RegistryScanningRule.repositoryFilters: at most 100 per rule. */
export const MAX_SCAN_FILTERS_PER_RULE = 100;

export function isValidScanFilter(filter: string): boolean {
    return filter.length >= 1 && filter.length <= MAX_SCAN_FILTER_LENGTH && SCAN_FILTER_PATTERN.test(filter);
}

/**
 * The filter that scans every repository under `prefix`: `<prefix>/*`. A separator run ECR's filter pattern refuses
 * (`__`, `--`, `---`) becomes its first character followed by `*` (`bio__quay` -> `bio_*quay/*`), so the filter is
 * accepted and still matches every repository of the prefix; it may also match a few repositories of look-alike
 * prefixes (`bio_xquay/...`), which are then scanned too.
 */
export function scanFilterForPrefix(prefix: string): string {
    return `${prefix.replace(/([._-])[._-]+/g, "$1*")}/*`;
}
