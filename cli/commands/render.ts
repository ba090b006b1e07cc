// `render` subcommand (placeholder while it is being built).
import { Command } from "commander";

export function registerRender(program: Command): void {
    program.command("render").description("(not built yet)").action(() => {
        throw new Error("render is not built yet");
    });
}
