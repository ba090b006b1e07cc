// The omics-registry-maps command-line tool: one subcommand per file under cli/commands/.
import { Command } from "commander";
import { registerCheck } from "./commands/check";
import { registerRender } from "./commands/render";
import { registerRollout } from "./commands/rollout";
import { registerVerify } from "./commands/verify";
import { registerWarm } from "./commands/warm";
import { TOOL_NAME, toolVersion } from "./terminal";

/** Exit code for bad usage or bad input (config, workflow files that cannot be read). */
export const EXIT_USAGE = 2;

export function buildProgram(): Command {
    const program = new Command(TOOL_NAME)
        .description(
            "HealthOmics container registry maps over ECR pull-through cache: render stacks, check workflows, roll " +
                "out stacks.",
        )
        .version(toolVersion(), "-V, --version", "print the version and exit")
        // A usage error is one line and a pointer to the help, not the whole help (subcommands inherit this).
        .showHelpAfterError(`(run '${TOOL_NAME} --help', or '${TOOL_NAME} <command> --help', for usage)`)
        // Options belong to the command they follow: `rollout --format json` and `rollout plan --format github-matrix`.
        .enablePositionalOptions()
        .exitOverride();
    registerRender(program);
    registerCheck(program);
    registerRollout(program);
    registerVerify(program);
    registerWarm(program);
    return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
    const program = buildProgram();
    try {
        await program.parseAsync([...argv], { from: "user" });
        return typeof process.exitCode === "number" ? process.exitCode : 0;
    } catch (error) {
        const code = (error as { code?: string; exitCode?: number }).code;
        if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") {
            return 0;
        }
        if (typeof code === "string" && code.startsWith("commander.")) {
            return EXIT_USAGE;
        }
        throw error;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        code => {
            process.exitCode = code;
        },
        (error: unknown) => {
            process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = 1;
        },
    );
}
