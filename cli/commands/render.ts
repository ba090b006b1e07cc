// `render --stack <name>`: the stack's container registry maps and IAM/ECR documents, offline, for review.
import * as fs from "fs";
import * as path from "path";
import { Command, Option } from "commander";

// The stack modules load @pulumi/pulumi (about 0.7 s); they are imported when a command needs a stack, not at start-up.
type StackFilesModule = typeof import("../../config/stack-files");
export const loadStackFiles = (): Promise<StackFilesModule> => import("../../config/stack-files");
export const loadStackDocuments = (): Promise<typeof import("../../components/stack-documents")> => import("../../components/stack-documents");

/** The account `render` and `check --stack` use when no --account is given; flagged wherever it shows. */
export const PLACEHOLDER_ACCOUNT = "123456789012";

export const PLACEHOLDER_VALIDATION_NOTE = `(validated for the placeholder account ${PLACEHOLDER_ACCOUNT}; if a problem names the account, pass --account <12 digits>)`;

export const EXIT_BAD_INPUT = 2;
const ACCOUNT = /^\d{12}$/;

interface RenderOptions {
    stack: string;
    account?: string;
    out?: string;
    project?: string;
    esc?: boolean;
}

/** The project directory (Pulumi.yaml) from --project or the working directory upwards; undefined after reporting. */
export async function projectDirFrom(option: string | undefined): Promise<string | undefined> {
    const dir = (await loadStackFiles()).findProjectDir(option ?? process.cwd());
    if (dir === undefined) {
        process.stderr.write(`no Pulumi.yaml in ${path.resolve(option ?? process.cwd())} or above; run in the project directory or pass --project <dir>\n`);
    }
    return dir;
}

/** Rejects an --account that is not 12 digits; true when usable. */
export function checkAccountOption(account: string | undefined): boolean {
    if (account !== undefined && !ACCOUNT.test(account)) {
        process.stderr.write(`--account must be a 12-digit AWS account id, got ${JSON.stringify(account)}\n`);
        return false;
    }
    return true;
}

function writeJson(dir: string, name: string, value: unknown, written: string[]): void {
    fs.writeFileSync(path.join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
    written.push(name);
}

async function render(options: RenderOptions): Promise<number> {
    const projectDir = await projectDirFrom(options.project);
    if (projectDir === undefined || !checkAccountOption(options.account)) {
        return EXIT_BAD_INPUT;
    }
    const { evaluateStackOffline, StackFileError } = await loadStackFiles();
    const accountIsPlaceholder = options.account === undefined;
    let evaluated: ReturnType<StackFilesModule["evaluateStackOffline"]>;
    try {
        evaluated = evaluateStackOffline(projectDir, options.stack, { account: options.account ?? PLACEHOLDER_ACCOUNT, assumeUnsetSecrets: true, esc: options.esc === true });
    } catch (error) {
        if (error instanceof StackFileError) {
            process.stderr.write(`${error.message}\n`);
            return EXIT_BAD_INPUT;
        }
        throw error;
    }
    if (!evaluated.ok) {
        process.stderr.write(`${evaluated.message}\n${accountIsPlaceholder ? `${PLACEHOLDER_VALIDATION_NOTE}\n` : ""}`);
        return EXIT_BAD_INPUT;
    }
    const { config } = evaluated;
    const rendered = (await loadStackDocuments()).renderStack(config);
    const outDir = path.resolve(options.out ?? path.join("render", options.stack));
    fs.mkdirSync(path.join(outDir, "maps"), { recursive: true });
    const written: string[] = [];
    for (const map of rendered.maps) {
        // The object's content byte for byte, as the program stores it.
        const name = `maps/${map.name}.json`;
        fs.writeFileSync(path.join(outDir, name), map.content);
        written.push(name);
    }
    const { documents } = rendered;
    writeJson(outDir, "registry-policy.json", documents.registryPolicy, written);
    writeJson(outDir, "template-repository-policy.json", documents.templateRepositoryPolicy, written);
    if (documents.templateLifecyclePolicy !== undefined) {
        writeJson(outDir, "template-lifecycle-policy.json", documents.templateLifecyclePolicy, written);
    }
    if (documents.templateRole !== undefined) {
        writeJson(outDir, "template-role-trust-policy.json", documents.templateRole.trust, written);
        writeJson(outDir, "template-role-policy.json", documents.templateRole.policy, written);
    }
    writeJson(outDir, "omics-trust-policy.json", documents.omicsTrustPolicy, written);
    writeJson(outDir, "omics-role-policy.json", documents.omicsRolePolicy, written);
    const placeholders = [
        ...(accountIsPlaceholder ? [`account ${PLACEHOLDER_ACCOUNT} is a placeholder; pass --account <12 digits> to render for your account`] : []),
        ...rendered.placeholders,
    ];
    writeJson(outDir, "render.json", {
        stack: options.stack,
        account: config.target.account,
        accountIsPlaceholder: accountIsPlaceholder,
        region: config.target.region,
        partition: config.target.partition,
        maps: rendered.maps.map(m => ({ name: m.name, objectKey: m.objectKey, file: `maps/${m.name}.json` })),
        placeholders,
        notes: evaluated.notes,
        files: [...written],
    }, written);
    const lines = [
        `rendered stack ${options.stack} (${config.target.region}, account ${config.target.account}${accountIsPlaceholder ? " - PLACEHOLDER" : ""}) to ${path.relative(process.cwd(), outDir) || "."}:`,
        ...written.map(file => `  ${file}`),
        ...placeholders.map(p => `placeholder: ${p}`),
        ...evaluated.notes.map(n => `note: ${n}`),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
}

export function registerRender(program: Command): void {
    program.command("render")
        .description("write a stack's container registry maps and IAM/ECR policy documents, offline (no AWS credentials, no Pulumi CLI)")
        .requiredOption("--stack <name>", "the stack: reads Pulumi.yaml defaults and Pulumi.<name>.yaml")
        .addOption(new Option("--account <id>", `12-digit AWS account id (default: placeholder ${PLACEHOLDER_ACCOUNT}, flagged)`))
        .option("--out <dir>", "output directory (default: render/<stack>/)")
        .option("--project <dir>", "the Pulumi project directory (default: the nearest with Pulumi.yaml)")
        .option("--esc", "read the stack's Pulumi ESC environments with `pulumi env open` (Pulumi CLI and login)")
        .action(async (options: RenderOptions) => {
            process.exitCode = await render(options);
        });
}
