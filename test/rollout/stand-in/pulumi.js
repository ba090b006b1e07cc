#!/usr/bin/env node
// Recorded stand-in for the Pulumi CLI, for tests of code that drives the real Automation API
// (@pulumi/pulumi/automation). It answers the commands the Automation API 3.248.0 runs for a rollout, as the real CLI
// does: `version`; `stack select --stack S` (stderr "no stack named 'S' found" when missing, which the Automation API
// turns into StackNotFoundError); `stack init S`; `config set-all --stack S --json J`; `config set K --secret --stack
// S` with the value on standard input (recorded as {value, secret: true}); `preview`, `up`, `destroy` with `--event-log
// <tcp://host:port | file>` (engine events over the Events gRPC service for CLI versions after 3.205.0, JSON lines in
// the file before); `stack output --json`; `stack history --json`; `config env add E... --stack S --yes` (recorded per
// stack); `env open E pulumiConfig --format detailed` (prints scenario.esc[E] as the ESC CLI's detailed form, secrets
// in plain text as the real command does; unknown E fails as the real one does when an environment does not exist);
// `preview --help` (lists --remote, which the Automation API looks for before a remote operation). Remote operations
// (`--remote` and its `--remote-git-*` flags) replay the same recordings as local ones: what runs in Pulumi Deployments
// is replaced, the CLI's argv is recorded.
// Engine events, stdout, stderr and exit codes come from recordings in ../recordings/<name>.json.
// Every invocation is appended to <root>/calls.jsonl: argv, start and end times, pid.
// <root> is FAKE_PULUMI_ROOT (set by the bin/pulumi shim); <root>/scenario.json says which recording each stack gets.
"use strict";
const fs = require("fs");
const path = require("path");

const root = process.env.FAKE_PULUMI_ROOT;
const args = process.argv.slice(2);
const startedAt = Date.now();
const scenario = JSON.parse(fs.readFileSync(path.join(root, "scenario.json"), "utf8"));

function flagValue(name) {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
}

function record(extra) {
    const entry = {
        args,
        startedAt,
        endedAt: Date.now(),
        pid: process.pid,
        automationApi: process.env.PULUMI_AUTOMATION_API,
        ...extra,
    };
    fs.appendFileSync(path.join(root, "calls.jsonl"), JSON.stringify(entry) + "\n");
}

function finish(code, stdout = "", stderr = "", extra = {}) {
    record({ exitCode: code, ...extra });
    process.stdout.write(stdout);
    process.stderr.write(stderr);
    process.exitCode = code;
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
// Remote stack names are fully qualified (org/project/stack): file names replace "/" with "~".
const fileName = name => String(name).replace(/\//g, "~");
const stackFile = name => path.join(root, "stacks", fileName(name));

function recordingFor(stack, operation) {
    const name = scenario.stacks?.[stack]?.[operation] ?? scenario.default?.[operation];
    if (name === undefined) {
        return undefined;
    }
    return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "recordings", `${name}.json`), "utf8"));
}

async function sendEvents(address, events) {
    const numbered = events.map((event, index) => ({
        sequence: index + 1,
        timestamp: Math.floor(Date.now() / 1000),
        ...event,
    }));
    if (!address.startsWith("tcp://")) {
        fs.appendFileSync(address, numbered.map(event => JSON.stringify(event) + "\n").join(""));
        return;
    }
    const grpc = require("@grpc/grpc-js");
    const { EventsClient } = require("@pulumi/pulumi/proto/events_grpc_pb");
    const { EventRequest } = require("@pulumi/pulumi/proto/events_pb");
    const client = new EventsClient(address.slice("tcp://".length), grpc.credentials.createInsecure());
    await new Promise((resolve, reject) => {
        const call = client.streamEvents(error => (error ? reject(error) : resolve()));
        for (const event of numbered) {
            const request = new EventRequest();
            request.setEvent(JSON.stringify(event));
            call.write(request);
        }
        call.end();
    });
    client.close();
}

/** Counts this operation among those running (files in <root>/running), optionally waiting for a barrier. */
async function enterRunning() {
    const dir = path.join(root, "running");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, String(process.pid)), "");
    const count = () => fs.readdirSync(dir).length;
    let seen = count();
    const barrier = scenario.barrier;
    if (barrier !== undefined) {
        const deadline = Date.now() + (barrier.timeoutMs ?? 5000);
        while (count() < barrier.size && Date.now() < deadline) {
            await sleep(20);
        }
        seen = Math.max(seen, count());
    }
    return { seen, leave: () => fs.rmSync(path.join(dir, String(process.pid)), { force: true }) };
}

async function operation(name) {
    const stack = flagValue("--stack");
    const recording = recordingFor(stack, name);
    if (recording === undefined) {
        finish(2, "", `stand-in: no ${name} recording for stack ${stack}\n`);
        return;
    }
    const running = await enterRunning();
    try {
        if (recording.delayMs) {
            await sleep(recording.delayMs);
        }
        const eventLog = flagValue("--event-log");
        if (eventLog !== undefined) {
            await sendEvents(eventLog, recording.events ?? []);
        }
    } finally {
        running.leave();
    }
    if (name === "up" && recording.exitCode === 0) {
        const summary = (recording.events ?? []).find(event => event.summaryEvent)?.summaryEvent;
        fs.writeFileSync(path.join(root, "history", fileName(stack)), JSON.stringify(summary?.resourceChanges ?? {}));
    }
    finish(recording.exitCode, recording.stdout ?? "", recording.stderr ?? "", { runningSeen: running.seen });
}

async function main() {
    fs.mkdirSync(path.join(root, "stacks"), { recursive: true });
    fs.mkdirSync(path.join(root, "config"), { recursive: true });
    fs.mkdirSync(path.join(root, "history"), { recursive: true });
    const [first, second] = args;
    const stack = flagValue("--stack");
    if (first === "version") {
        return finish(0, `v${scenario.version ?? "3.248.0"}\n`);
    }
    // `stack --stack S` is how a remote workspace checks that a stack exists (it never selects one).
    if (first === "stack" && (second === "select" || second === "--stack")) {
        return fs.existsSync(stackFile(stack))
            ? finish(0)
            : finish(255, "", `error: no stack named '${stack}' found\n`);
    }
    if (first === "stack" && second === "init") {
        fs.writeFileSync(stackFile(args[2]), "");
        return finish(0, `Created stack '${args[2]}'\n`);
    }
    if (first === "config" && second === "set-all" && args.includes("--json")) {
        if (scenario.stacks?.[stack]?.configFails) {
            return finish(255, "", "error: could not save the stack's configuration\n");
        }
        const file = path.join(root, "config", `${stack}.json`);
        const stored = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
        fs.writeFileSync(file, JSON.stringify({ ...stored, ...JSON.parse(flagValue("--json")) }));
        return finish(0);
    }
    if (first === "config" && second === "set" && args.includes("--secret")) {
        if (scenario.stacks?.[stack]?.configFails) {
            return finish(255, "", "error: could not save the stack's configuration\n");
        }
        const value = fs.readFileSync(0, "utf8");
        const file = path.join(root, "config", `${stack}.json`);
        const stored = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
        stored[args[2]] = { value, secret: true };
        fs.writeFileSync(file, JSON.stringify(stored));
        return finish(0);
    }
    if (first === "preview" && args.includes("--help")) {
        return finish(
            0,
            "Usage:\n  pulumi preview [flags]\n\nFlags:\n      --remote   [EXPERIMENTAL] Run the operation remotely\n",
        );
    }
    if (first === "config" && second === "env" && args[2] === "ls") {
        const file = path.join(root, "config", `${stack}.environments.json`);
        return finish(0, fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "[]");
    }
    if (first === "config" && second === "env" && args[2] === "add") {
        const file = path.join(root, "config", `${stack}.environments.json`);
        const stored = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : [];
        const names = args.slice(3).filter((arg, index, all) => !arg.startsWith("--") && all[index - 1] !== "--stack");
        fs.writeFileSync(file, JSON.stringify([...stored, ...names]));
        return finish(0);
    }
    if (first === "env" && second === "open") {
        const environment = scenario.esc?.[args[2]];
        if (environment === undefined) {
            return finish(255, "", `error: environment '${args[2]}' not found\n`);
        }
        return finish(0, JSON.stringify(environment, null, 2) + "\n");
    }
    if (first === "preview" || first === "up" || first === "destroy") {
        return operation(first);
    }
    if (first === "stack" && second === "output") {
        return finish(0, "{}\n");
    }
    if (first === "stack" && second === "history") {
        const historyFile = path.join(root, "history", fileName(stack));
        const changes = fs.existsSync(historyFile) ? JSON.parse(fs.readFileSync(historyFile, "utf8")) : undefined;
        const now = new Date().toISOString();
        return finish(
            0,
            JSON.stringify(
                changes === undefined
                    ? []
                    : [
                          {
                              version: 1,
                              kind: "update",
                              startTime: now,
                              endTime: now,
                              message: "",
                              environment: {},
                              config: {},
                              result: "succeeded",
                              resourceChanges: changes,
                          },
                      ],
            ),
        );
    }
    return finish(2, "", `stand-in: unsupported command: pulumi ${args.join(" ")}\n`);
}

main().catch(error => finish(3, "", `stand-in crashed: ${error.stack}\n`));
