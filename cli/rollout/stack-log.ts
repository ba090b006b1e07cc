// One log file per stack: what the Pulumi CLI printed and what the rollout did, secrets removed.
import * as fs from "fs";
import * as path from "path";
import { Redactor } from "./secret-values";

export class StackLog {
    readonly file: string;
    private readonly descriptor: number;

    constructor(logDir: string, stackName: string, private readonly redactor: Redactor) {
        fs.mkdirSync(logDir, { recursive: true });
        this.file = path.join(logDir, `${stackName}.log`);
        this.descriptor = fs.openSync(this.file, "w");
    }

    /** CLI output as it arrives (chunks, not lines). */
    readonly output = (chunk: string): void => {
        fs.writeSync(this.descriptor, this.redactor.redact(chunk));
    };

    line(text: string): void {
        fs.writeSync(this.descriptor, `[rollout ${new Date().toISOString()}] ${this.redactor.redact(text)}\n`);
    }

    close(): void {
        fs.closeSync(this.descriptor);
    }
}
