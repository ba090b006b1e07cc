// `rollout` subcommand (placeholder while it is being built).
import { Command } from "commander";

export function registerRollout(program: Command): void {
    program.command("rollout").description("(not built yet)").action(() => {
        throw new Error("rollout is not built yet");
    });
}
