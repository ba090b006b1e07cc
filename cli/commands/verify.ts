// `verify --stack <name>`: read-only AWS calls comparing the deployed account with the stack (table or JSON, exit 1 on
// a mismatch or an unanswered call, 2 on bad usage or without AWS credentials).
import { Command, Option } from "commander";
import { VerifyOutputs, VerifyReport } from "../../aws/verify-stack";
import { requireAwsCredentials, stackForAws, stackProviderSettings } from "./aws-command";
import { EXIT_BAD_INPUT } from "./render";
import { readStackOutputs } from "./stack-outputs";

interface VerifyFlags {
    stack: string;
    outputs?: string;
    profile?: string;
    project?: string;
    format: "table" | "json";
}

function outputsFrom(raw: Record<string, unknown>): VerifyOutputs | string {
    const role = raw.omicsServiceRoleArn;
    const uris = raw.containerRegistryMapUris;
    if (typeof role !== "string" || !/^arn:[a-z-]+:iam::\d{12}:role\/.+$/.test(role)) {
        return "the outputs have no omicsServiceRoleArn (an IAM role ARN)";
    }
    if (typeof uris !== "object" || uris === null || Object.values(uris).some(v => typeof v !== "string")) {
        return "the outputs have no containerRegistryMapUris (map name -> s3:// URI)";
    }
    return { omicsServiceRoleArn: role, containerRegistryMapUris: uris as Record<string, string> };
}

export function formatVerify(report: VerifyReport): string {
    const header = ["CHECK", "SUBJECT", "STATUS", "DETAIL"];
    const rows = report.rows.map(r => [r.check, r.subject, r.status, r.detail]);
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map(cells => cells[column].length)));
    const line = (cells: string[]) =>
        cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join("  ");
    const { ok, mismatch, error } = report.summary;
    return `${[
        `stack ${report.stack}: account ${report.account}, ${report.region}`,
        "",
        line(header),
        ...rows.map(line),
        "",
        `${report.rows.length} checks: ${ok} ok, ${mismatch} mismatches, ${error} errors`,
    ].join("\n")}\n`;
}

async function verify(flags: VerifyFlags): Promise<number> {
    const provider = await stackProviderSettings("verify", flags.stack, flags.project, flags.profile);
    if (!provider.ok) {
        return provider.code;
    }
    if (!requireAwsCredentials("verify", provider.settings)) {
        return EXIT_BAD_INPUT;
    }
    const { findProjectDir } = await import("../../config/stack-files");
    const projectDir = findProjectDir(flags.project ?? process.cwd()) ?? process.cwd();
    const raw = await readStackOutputs(flags.outputs, flags.stack, projectDir);
    if (!raw.ok) {
        process.stderr.write(`verify: ${raw.message}\n`);
        return EXIT_BAD_INPUT;
    }
    const outputs = outputsFrom(raw.outputs);
    if (typeof outputs === "string") {
        process.stderr.write(`verify: ${outputs}\n`);
        return EXIT_BAD_INPUT;
    }
    const account = outputs.omicsServiceRoleArn.split(":")[4];
    const stack = await stackForAws("verify", flags.stack, flags.project, account);
    if (!stack.ok) {
        return stack.code;
    }
    const { config } = stack.evaluated;
    const [{ verifyStack }, { awsClients }] = await Promise.all([
        import("../../aws/verify-stack"),
        import("../../aws/clients"),
    ]);
    const clients = await awsClients({ ...provider.settings, region: config.target.region });
    const report = await verifyStack(flags.stack, config, outputs, clients);
    process.stdout.write(flags.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : formatVerify(report));
    return report.summary.mismatch + report.summary.error > 0 ? 1 : 0;
}

export function registerVerify(program: Command): void {
    program
        .command("verify")
        .description(
            "compare the deployed account with the stack: pull-through rules, credentials, registry policy, " +
                "creation templates, service role, map objects (read-only AWS calls)",
        )
        .requiredOption("--stack <name>", "the stack: Pulumi.yaml defaults + Pulumi.<name>.yaml, in its region")
        .option(
            "--outputs <file.json>",
            "the stack's outputs as `pulumi stack output --json` prints them (default: ask the Pulumi CLI)",
        )
        .option(
            "--profile <name>",
            "AWS profile replacing the stack's aws:profile or static keys (its aws:assumeRoles still apply)",
        )
        .option("--project <dir>", "the Pulumi project directory (default: the nearest with Pulumi.yaml)")
        .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
        .action(async (flags: VerifyFlags) => {
            process.exitCode = await verify(flags);
        });
}
