// `workflowChecks`: `pulumi preview` checks the listed workflows' containers against the default map, and fails
// with the check's findings when one would not resolve (the same check as `omics-registry-maps check`).
import { ConfigProblem, OmicsRegistryConfig } from "../config/types";
import { renderStack } from "./stack-documents";

export interface WorkflowCheckOutcome {
    problems: ConfigProblem[];
    warnings: string[];
}

export async function checkListedWorkflows(
    config: OmicsRegistryConfig,
    namespace: string,
): Promise<WorkflowCheckOutcome> {
    if (config.workflowChecks.length === 0) {
        return { problems: [], warnings: [] };
    }
    // Loaded only when workflows are listed: the parsers stay out of every other program start.
    const { checkWorkflowsForPreview } = await import("../workflow-check/preview");
    // Only registry hosts and prefixes matter for resolution: the placeholder ARNs of secrets not yet created do not.
    const map = renderStack(config).maps[0].map;
    const problems: ConfigProblem[] = [];
    const warnings: string[] = [];
    for (const [index, workflow] of config.workflowChecks.entries()) {
        const findings = await checkWorkflowsForPreview([workflow], map, config.target, { namespace });
        problems.push(
            ...findings.errors.map(message => ({
                path: `workflowChecks[${index}]`,
                message: `would not resolve in a run: ${message}`,
            })),
        );
        warnings.push(...findings.warnings);
    }
    return { problems, warnings };
}
