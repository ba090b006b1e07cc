// The deployed stack's outputs for verify: from a file (`pulumi stack output --json > outputs.json`) or from the
// Pulumi CLI (`pulumi stack output --json --stack <name>`), read-only.
import { execFile } from "child_process";
import * as fs from "fs";

export type OutputsResult = { ok: true; outputs: Record<string, unknown> } | { ok: false; message: string };

function parseOutputs(text: string, where: string): OutputsResult {
    try {
        const value: unknown = JSON.parse(text);
        if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            return { ok: true, outputs: value as Record<string, unknown> };
        }
    } catch {
        // reported below
    }
    return { ok: false, message: `${where} is not the JSON object \`pulumi stack output --json\` prints` };
}

export function readStackOutputs(file: string | undefined, stack: string, projectDir: string): Promise<OutputsResult> {
    if (file !== undefined) {
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch (error) {
            return Promise.resolve({
                ok: false,
                message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
            });
        }
        return Promise.resolve(parseOutputs(text, file));
    }
    return new Promise(resolve => {
        execFile(
            "pulumi",
            ["stack", "output", "--json", "--stack", stack, "--cwd", projectDir, "--non-interactive"],
            { timeout: 120_000, maxBuffer: 16 << 20 },
            (error, stdout) => {
                if (error !== null) {
                    const reason =
                        (error as NodeJS.ErrnoException).code === "ENOENT"
                            ? "the Pulumi CLI is not on PATH"
                            : error.message.split("\n")[0];
                    resolve({
                        ok: false,
                        message:
                            `cannot read the outputs of stack ${stack} (${reason}); pass --outputs <file> ` +
                            `with what \`pulumi stack output --json\` prints`,
                    });
                    return;
                }
                resolve(parseOutputs(stdout, "pulumi stack output --json"));
            },
        );
    });
}
