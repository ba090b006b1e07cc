// `check` subcommand (placeholder while it is being built).
import { Command } from "commander";

export function registerCheck(program: Command): void {
    program.command("check").description("(not built yet)").action(() => {
        throw new Error("check is not built yet");
    });
}
