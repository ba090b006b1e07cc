// The check as `pulumi preview` runs it for the workflows listed in the stack's `workflowChecks`.
import * as path from "path";
import { RegistryLocation } from "../policy-pack/rules/ecr-naming";
import { ContainerRegistryMapJson } from "../policy-pack/rules/image-resolution";
import { checkWorkflow, CheckOptions } from "./check-workflow";

export interface PreviewFindings {
    /** One line per error (an image that would not resolve, a workflow or file that cannot be read). */
    errors: string[];
    warnings: string[];
}

/**
 * Checks each workflow (directory or .zip; relative paths are taken from `baseDir`, default the working directory,
 * which is the project directory under `pulumi preview`) against `map`. Never throws for a bad workflow path.
 */
export async function checkWorkflowsForPreview(
    paths: readonly string[],
    map: ContainerRegistryMapJson,
    location: RegistryLocation,
    options: Pick<CheckOptions, "namespace" | "stackFile"> & { baseDir?: string } = {},
): Promise<PreviewFindings> {
    const errors: string[] = [];
    const warnings: string[] = [];
    for (const workflow of paths) {
        const root = path.resolve(options.baseDir ?? process.cwd(), workflow);
        try {
            const report = await checkWorkflow(root, map, location, {
                namespace: options.namespace,
                stackFile: options.stackFile,
            });
            for (const problem of report.problems) {
                errors.push(
                    `${workflow}/${problem.file}${problem.line !== undefined ? `:${problem.line}` : ""}: cannot be ` +
                        `parsed: ${problem.message}`,
                );
            }
            for (const warning of report.warnings) {
                warnings.push(
                    `${workflow}/${warning.file}${warning.line !== undefined ? `:${warning.line}` : ""}: ` +
                        warning.message,
                );
            }
            for (const image of report.images.filter(i => i.inVerdict)) {
                for (const finding of image.findings) {
                    const line =
                        `${workflow}/${image.file}:${image.line}: ${image.image}: ${finding.message}\n  ` +
                        `fix: ${finding.fix.replace(/\n/g, "\n  ")}`;
                    (finding.severity === "error" ? errors : warnings).push(line);
                }
            }
        } catch (error) {
            errors.push(`${workflow}: ${error instanceof Error ? error.message : String(error)}`);
        }
    }
    return { errors, warnings };
}
