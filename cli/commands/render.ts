// `render --stack <name>`: the stack's container registry maps and IAM/ECR documents, offline, for review.
import * as fs from "fs";
import * as path from "path";
import { Command, Option } from "commander";

// The stack modules load @pulumi/pulumi (about 0.7 s); they are imported when a command needs a stack, not at start-up.
type StackFilesModule = typeof import("../../config/stack-files");
export const loadStackFiles = (): Promise<StackFilesModule> => import("../../config/stack-files");
export const loadStackDocuments = (): Promise<typeof import("../../components/stack-documents")> =>
    import("../../components/stack-documents");

/** The account `render` and `check --stack` use when no --account is given; flagged wherever it shows. */
export const PLACEHOLDER_ACCOUNT = "123456789012";

export const PLACEHOLDER_VALIDATION_NOTE =
    `(validated for the placeholder account ${PLACEHOLDER_ACCOUNT}; if a ` +
    `problem names the account, pass --account <12 digits>)`;

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
        process.stderr.write(
            `no Pulumi.yaml in ${path.resolve(option ?? process.cwd())} or above; run in the project directory or ` +
                `pass --project <dir>\n`,
        );
    }
    return dir;
}

/**
 * The message for a stack file that cannot be read. A stack whose file does not exist gets the stacks that do
 * (the Pulumi.<name>.yaml files beside where it was looked for).
 */
export function stackFileErrorMessage(error: Error, stack: string): string {
    const missing = /cannot read (.*): no such file$/.exec(error.message);
    const file = missing?.[1];
    if (file === undefined || path.basename(file) !== `Pulumi.${stack}.yaml`) {
        return error.message;
    }
    const dir = path.dirname(file);
    let names: string[];
    try {
        names = fs
            .readdirSync(dir)
            .map(name => /^Pulumi\.(.+)\.ya?ml$/.exec(name)?.[1])
            .filter((name): name is string => name !== undefined)
            .sort();
    } catch {
        names = [];
    }
    return (
        `${error.message}: there is no stack ${JSON.stringify(stack)} in ${dir}; ` +
        (names.length > 0 ? `the stacks there are: ${names.join(", ")}` : "it has no Pulumi.<stack>.yaml files")
    );
}

/** Why `dir` cannot be made an output directory (it, or a folder above it, is a file), or undefined. */
export function outputDirProblem(dir: string): string | undefined {
    for (let current = path.resolve(dir); ; current = path.dirname(current)) {
        if (fs.existsSync(current)) {
            return fs.statSync(current).isDirectory() ? undefined : `${current} is a file, not a directory`;
        }
        if (path.dirname(current) === current) {
            return undefined;
        }
    }
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
        evaluated = evaluateStackOffline(projectDir, options.stack, {
            account: options.account ?? PLACEHOLDER_ACCOUNT,
            assumeUnsetSecrets: true,
            esc: options.esc === true,
        });
    } catch (error) {
        if (error instanceof StackFileError) {
            process.stderr.write(`${stackFileErrorMessage(error, options.stack)}\n`);
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
    const outProblem = outputDirProblem(path.join(outDir, "maps"));
    if (outProblem !== undefined) {
        process.stderr.write(`render: cannot write to --out ${options.out ?? outDir}: ${outProblem}\n`);
        return EXIT_BAD_INPUT;
    }
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
        ...(accountIsPlaceholder
            ? [`account ${PLACEHOLDER_ACCOUNT} is a placeholder; pass --account <12 digits> to render for your account`]
            : []),
        ...rendered.placeholders,
    ];
    writeJson(
        outDir,
        "render.json",
        {
            stack: options.stack,
            account: config.target.account,
            accountIsPlaceholder: accountIsPlaceholder,
            region: config.target.region,
            partition: config.target.partition,
            maps: rendered.maps.map(m => ({ name: m.name, objectKey: m.objectKey, file: `maps/${m.name}.json` })),
            placeholders,
            notes: evaluated.notes,
            files: [...written],
        },
        written,
    );
    // Results on stdout, notes on stderr (as `check` does).
    const lines = [
        `rendered stack ${options.stack} (${config.target.region}, account ` +
            `${config.target.account}${accountIsPlaceholder ? " - PLACEHOLDER" : ""}) to ` +
            `${path.relative(process.cwd(), outDir) || "."}:`,
        ...written.map(file => `  ${file}`),
    ];
    const notes = [...placeholders.map(p => `placeholder: ${p}`), ...evaluated.notes.map(n => `note: ${n}`)];
    process.stdout.write(`${lines.join("\n")}\n`);
    process.stderr.write(notes.map(note => `${note}\n`).join(""));
    return 0;
}

export function registerRender(program: Command): void {
    program
        .command("render")
        .description(
            "write a stack's container registry maps and IAM/ECR policy documents, offline (no AWS credentials, no " +
                "Pulumi CLI)",
        )
        .requiredOption("--stack <name>", "the stack: reads Pulumi.yaml defaults and Pulumi.<name>.yaml")
        .addOption(
            new Option(
                "--account <id>",
                `12-digit AWS account id (default: placeholder ${PLACEHOLDER_ACCOUNT}, flagged)`,
            ),
        )
        .option("--out <dir>", "output directory (default: render/<stack>/)")
        .option("--project <dir>", "the Pulumi project directory (default: the nearest with Pulumi.yaml)")
        .option("--esc", "read the stack's Pulumi ESC environments with `pulumi env open` (Pulumi CLI and login)")
        .action(async (options: RenderOptions) => {
            process.exitCode = await render(options);
        });
}
