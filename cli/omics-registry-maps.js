#!/usr/bin/env node
// The `omics-registry-maps` command (package.json `bin`): runs the CLI compiled by the install step (`npm run build`).
"use strict";
const path = require("path");

const compiledMain = path.join(__dirname, "..", "dist", "cli", "main.js");
let cli;
try {
    cli = require(compiledMain);
} catch (error) {
    if (error && error.code === "MODULE_NOT_FOUND" && String(error.message).includes(compiledMain)) {
        process.stderr.write(
            `omics-registry-maps: ${path.relative(process.cwd(), compiledMain)} is missing; run \`npm ci\` or \`npm ` +
                `run build\` in ${path.dirname(__dirname)}.\n`,
        );
        process.exit(1);
    }
    throw error;
}
cli.main(process.argv.slice(2)).then(
    code => {
        process.exitCode = code;
    },
    error => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
    },
);
