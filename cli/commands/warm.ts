// `warm <workflow> --stack <name>`: fill the pull-through cache with a workflow's images before the run (exit 1 when
// an image failed or timed out, 2 on bad usage or without AWS credentials).
import * as fs from "fs";
import { Command, Option } from "commander";
import { registryHost } from "../../policy-pack/rules/ecr-naming";
import { WarmReport } from "../../aws/warm-cache";
import { checkWorkflow } from "../../workflow-check/check-workflow";
import { requireAwsCredentials, stackForAws, stackProviderSettings } from "./aws-command";
import { checkAccountOption, EXIT_BAD_INPUT, loadStackDocuments, PLACEHOLDER_ACCOUNT } from "./render";

interface WarmFlags {
    stack: string;
    account?: string;
    profile?: string;
    project?: string;
    concurrency: string;
    timeout: string;
    format: "table" | "json";
}

export function formatWarm(report: WarmReport): string {
    const header = ["IMAGE", "CACHED REPOSITORY", "STATUS", "DIGEST / DETAIL"];
    const rows = report.rows.map(r => [
        r.image,
        r.repository !== null ? `${r.repository}${r.tag !== null ? `:${r.tag}` : ""}` : "-",
        r.status,
        r.status === "cached" ? (r.digest ?? "-") : `${r.code !== null ? `${r.code}: ` : ""}${r.detail}`,
    ]);
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map(cells => cells[column].length)));
    const line = (cells: string[]) =>
        cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join("  ");
    const s = report.summary;
    return `${[
        `workflow: ${report.workflow}`,
        "",
        line(header),
        ...rows.map(line),
        "",
        `${report.rows.length} images: ${s.cached} cached, ${s["copied-on-first-use"]} copied on first use, ` +
            `${s.failed} failed, ${s["timed-out"]} timed out, ` +
            `${s.skipped} skipped; concurrency ${report.concurrency}`,
    ].join("\n")}\n`;
}

function whole(value: string, name: string, min: number, max: number): number | string {
    const n = Number(value);
    return Number.isInteger(n) && n >= min && n <= max
        ? n
        : `warm: ${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`;
}

async function warm(workflow: string, flags: WarmFlags): Promise<number> {
    const concurrency = whole(flags.concurrency, "--concurrency", 1, 32);
    const timeout = whole(flags.timeout, "--timeout", 1, 3600);
    const problems = [concurrency, timeout].filter((p): p is string => typeof p === "string");
    if (!checkAccountOption(flags.account) || problems.length > 0) {
        problems.forEach(p => process.stderr.write(`${p}\n`));
        return EXIT_BAD_INPUT;
    }
    const provider = await stackProviderSettings("warm", flags.stack, flags.project, flags.profile);
    if (!provider.ok) {
        return provider.code;
    }
    if (!requireAwsCredentials("warm", provider.settings)) {
        return EXIT_BAD_INPUT;
    }
    if (!fs.existsSync(workflow)) {
        process.stderr.write(`warm: workflow not found: ${workflow} (give a workflow directory or a .zip)\n`);
        return EXIT_BAD_INPUT;
    }
    // Cached repository names do not depend on the account; without --account the caller's own registry is used.
    const stack = await stackForAws("warm", flags.stack, flags.project, flags.account ?? PLACEHOLDER_ACCOUNT);
    if (!stack.ok) {
        return stack.code;
    }
    const { config } = stack.evaluated;
    const map = (await loadStackDocuments()).renderStack(config).maps[0].map;
    const report = await checkWorkflow(workflow, map, config.target);
    if (report.problems.length > 0) {
        report.problems.forEach(p =>
            process.stderr.write(
                `error: ${p.file}${p.line !== undefined ? `:${p.line}` : ""}: cannot be parsed: ${p.message}\n`,
            ),
        );
        return EXIT_BAD_INPUT;
    }
    const [{ warmImages }, { awsClients }] = await Promise.all([
        import("../../aws/warm-cache"),
        import("../../aws/clients"),
    ]);
    const { ecr } = await awsClients({ ...provider.settings, region: config.target.region });
    process.stderr.write(
        `note: warming through ${flags.account !== undefined ? registryHost(config.target) : "the caller's registry"}` +
            ` in ${config.target.region}\n`,
    );
    const warmed = await warmImages(workflow, report.images, map, ecr, {
        concurrency: concurrency as number,
        timeoutMs: (timeout as number) * 1000,
        ...(flags.account !== undefined ? { registryId: flags.account } : {}),
    });
    process.stdout.write(flags.format === "json" ? `${JSON.stringify(warmed, null, 2)}\n` : formatWarm(warmed));
    return warmed.summary.failed + warmed.summary["timed-out"] > 0 ? 1 : 0;
}

export function registerWarm(program: Command): void {
    program
        .command("warm")
        .description(
            "fill the ECR pull-through cache with a workflow's images before a run (ecr:BatchGetImage by tag; " +
                "copy registries fill on first use)",
        )
        .argument("<workflow>", "workflow directory, or a .zip as given to aws omics create-workflow --definition-zip")
        .requiredOption("--stack <name>", "the stack whose default map resolves the images, in its region")
        .option("--account <id>", "12-digit account of the registry (default: the caller's)")
        .option(
            "--profile <name>",
            "AWS profile replacing the stack's aws:profile or static keys (its aws:assumeRoles still apply)",
        )
        .option("--project <dir>", "the Pulumi project directory (default: the nearest with Pulumi.yaml)")
        .option("--concurrency <n>", "images warmed at once", "4")
        .option("--timeout <seconds>", "longest wait for one image, retries included", "300")
        .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
        .action(async (workflow: string, flags: WarmFlags) => {
            process.exitCode = await warm(workflow, flags);
        });
}
