// One log file per stack: what the Pulumi CLI printed and what the rollout did, secrets removed.
import * as fs from "fs";
import * as path from "path";
import { Redactor } from "./secret-values";

export class StackLog {
    readonly file: string;
    private readonly descriptor: number;
    /** Output after the last line break: held back so a secret split across two chunks is still redacted whole. */
    private pending = "";

    constructor(
        logDir: string,
        stackName: string,
        private readonly redactor: Redactor,
    ) {
        fs.mkdirSync(logDir, { recursive: true });
        this.file = path.join(logDir, `${stackName}.log`);
        this.descriptor = fs.openSync(this.file, "w");
    }

    /** CLI output as it arrives, in chunks; written line by line, redacted. */
    readonly output = (chunk: string): void => {
        const text = this.pending + chunk;
        const end = text.lastIndexOf("\n") + 1;
        this.pending = text.slice(end);
        if (end > 0) {
            fs.writeSync(this.descriptor, this.redactor.redact(text.slice(0, end)));
        }
    };

    line(text: string): void {
        this.flush();
        fs.writeSync(this.descriptor, `[rollout ${new Date().toISOString()}] ${this.redactor.redact(text)}\n`);
    }

    private flush(): void {
        if (this.pending !== "") {
            fs.writeSync(this.descriptor, this.redactor.redact(this.pending));
            this.pending = "";
        }
    }

    close(): void {
        this.flush();
        fs.closeSync(this.descriptor);
    }
}
