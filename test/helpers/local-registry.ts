// Test helper: a real OCI registry (Debian's docker-registry, CNCF distribution 2.8) on 127.0.0.1, optionally behind
// a real bearer-token server of our own (distribution's token auth: ES256 JWTs with an x5c chain it trusts), and
// image pushes through the registry's HTTP API (blob uploads, manifest PUTs).
import { ChildProcess, execFileSync, spawn } from "child_process";
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate } from "crypto";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";

export const REGISTRY_BINARY = process.env.DOCKER_REGISTRY_BINARY ?? "docker-registry";

function onPath(binary: string): boolean {
    if (binary.includes("/")) {
        return fs.existsSync(binary);
    }
    return (process.env.PATH ?? "")
        .split(path.delimiter)
        .some(dir => dir !== "" && fs.existsSync(path.join(dir, binary)));
}

/** The binaries the local registry needs that are not on PATH (the registry, and openssl for the token server). */
export function missingBinaries(): string[] {
    return [REGISTRY_BINARY, "openssl"].filter(binary => !onPath(binary));
}

/**
 * For a `before` hook: skips the suite when the registry binary is absent outside CI, and fails it in CI (CI=true),
 * where .ci/run installs it.
 */
export function requireRegistryBinary(context: Mocha.Context): void {
    const missing = missingBinaries();
    if (missing.length === 0) {
        return;
    }
    const message =
        `${missing.join(" and ")} not found on PATH: install Debian's docker-registry (apt-get install ` +
        `docker-registry), as .ci/run does`;
    if (process.env.CI === "true") {
        throw new Error(`CI=true: ${message}`);
    }
    process.stderr.write(`    skipped: ${message}\n`);
    context.skip();
}

async function freePort(): Promise<number> {
    const server = http.createServer();
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>(resolve => server.close(() => resolve()));
    return port;
}

function base64url(data: Buffer | string): string {
    return Buffer.from(data).toString("base64url");
}

export interface TokenServerOptions {
    /** Repositories under this path prefix need these Basic credentials; others get anonymous pull tokens. */
    privatePrefix: string;
    username: string;
    password: string;
}

/** A bearer-token server (distribution docs/spec/auth/token.md) on 127.0.0.1, and the requests it answered. */
export class TokenServer {
    readonly requests: { scope: string; user: string | undefined }[] = [];
    private server?: http.Server;
    realm = "";

    constructor(
        private readonly dir: string,
        private readonly options: TokenServerOptions,
        readonly service = "local-registry",
        readonly issuer = "local-token-server",
    ) {}

    get certFile(): string {
        return path.join(this.dir, "token-cert.pem");
    }

    async start(): Promise<void> {
        const keyFile = path.join(this.dir, "token-key.pem");
        execFileSync(
            "openssl",
            [
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                keyFile,
                "-out",
                this.certFile,
                "-days",
                "2",
                "-subj",
                "/CN=local-token-server",
            ],
            { stdio: "ignore" },
        );
        const key = createPrivateKey(fs.readFileSync(keyFile));
        const certDer = new X509Certificate(fs.readFileSync(this.certFile)).raw.toString("base64");
        this.server = http.createServer((request, response) => {
            const url = new URL(request.url ?? "/", "http://127.0.0.1");
            const scope = url.searchParams.get("scope") ?? "";
            const auth = request.headers.authorization;
            const user = auth?.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString("utf8") : undefined;
            this.requests.push({ scope, user: user?.split(":")[0] });
            const [, name = "", actionText = ""] = scope.split(":");
            const isAdmin = user === `${this.options.username}:${this.options.password}`;
            if (user !== undefined && !isAdmin) {
                response
                    .writeHead(401, { "Content-Type": "application/json" })
                    .end(JSON.stringify({ details: "wrong credentials" }));
                return;
            }
            const mayPull = isAdmin || !name.startsWith(this.options.privatePrefix);
            const actions = actionText.split(",").filter(a => (a === "pull" ? mayPull : isAdmin));
            const now = Math.floor(Date.now() / 1000);
            const header = { typ: "JWT", alg: "ES256", x5c: [certDer] };
            const claims = {
                iss: this.issuer,
                sub: user?.split(":")[0] ?? "",
                aud: this.service,
                exp: now + 300,
                nbf: now - 10,
                iat: now,
                jti: randomBytes(8).toString("hex"),
                access: name !== "" ? [{ type: "repository", name, actions }] : [],
            };
            const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
            const signature = sign("sha256", Buffer.from(signingInput), { key, dsaEncoding: "ieee-p1363" });
            response
                .writeHead(200, { "Content-Type": "application/json" })
                .end(JSON.stringify({ token: `${signingInput}.${base64url(signature)}`, expires_in: 300 }));
        });
        await new Promise<void>(resolve => this.server?.listen(0, "127.0.0.1", resolve));
        this.realm = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/token`;
    }

    async stop(): Promise<void> {
        await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
    }
}

export interface PushedImage {
    digest: string;
    mediaType: string;
    size: number;
}

/** A docker-registry process on 127.0.0.1 with its own storage, stopped by `stop()`. */
export class LocalRegistry {
    url = "";
    private process?: ChildProcess;
    private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-registry-"));
    readonly tokenServer?: TokenServer;
    private pushToken?: string;

    constructor(tokenAuth?: TokenServerOptions) {
        if (tokenAuth !== undefined) {
            this.tokenServer = new TokenServer(this.dir, tokenAuth);
        }
        this.adminCredentials = tokenAuth;
    }

    private readonly adminCredentials?: TokenServerOptions;

    async start(): Promise<void> {
        await this.tokenServer?.start();
        const port = await freePort();
        const auth =
            this.tokenServer !== undefined
                ? `auth:\n  token:\n    realm: ${this.tokenServer.realm}\n    service: ${this.tokenServer.service}\n` +
                  `    issuer: ${this.tokenServer.issuer}\n    rootcertbundle: ${this.tokenServer.certFile}\n`
                : "";
        const config = path.join(this.dir, "config.yml");
        fs.writeFileSync(
            config,
            `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  ` +
                `filesystem:\n    rootdirectory: ${path.join(this.dir, "data")}\n` +
                `http:\n  addr: 127.0.0.1:${port}\n${auth}`,
        );
        const log = fs.openSync(path.join(this.dir, "registry.log"), "w");
        this.process = spawn(REGISTRY_BINARY, ["serve", config], { stdio: ["ignore", log, log] });
        fs.closeSync(log);
        this.url = `http://127.0.0.1:${port}`;
        const deadline = Date.now() + 15_000;
        for (;;) {
            try {
                const response = await fetch(`${this.url}/v2/`);
                await response.body?.cancel();
                if (response.status === 200 || response.status === 401) {
                    return;
                }
            } catch {
                // not listening yet
            }
            if (Date.now() > deadline || this.process.exitCode !== null) {
                const log = fs.readFileSync(path.join(this.dir, "registry.log"), "utf8");
                throw new Error(`docker-registry did not start: ${log.slice(0, 2000)}`);
            }
            await new Promise(resolve => setTimeout(resolve, 100));
        }
    }

    async stop(): Promise<void> {
        const child = this.process;
        const running = () => child?.exitCode === null && child.signalCode === null;
        if (child !== undefined && running()) {
            const exited = new Promise(resolve => child.once("exit", resolve));
            child.kill("SIGTERM");
            await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 5000))]);
            if (running()) {
                child.kill("SIGKILL");
            }
        }
        await this.tokenServer?.stop();
        fs.rmSync(this.dir, { recursive: true, force: true });
    }

    private async headers(repository: string): Promise<Record<string, string>> {
        if (this.tokenServer === undefined || this.adminCredentials === undefined) {
            return {};
        }
        if (!this.pushToken?.startsWith(`${repository} `)) {
            const basic = Buffer.from(`${this.adminCredentials.username}:${this.adminCredentials.password}`).toString(
                "base64",
            );
            const url =
                `${this.tokenServer.realm}?service=${this.tokenServer.service}` +
                `&scope=repository:${repository}:pull,push`;
            const body = (await (await fetch(url, { headers: { Authorization: `Basic ${basic}` } })).json()) as {
                token: string;
            };
            this.pushToken = `${repository} ${body.token}`;
        }
        return { Authorization: `Bearer ${this.pushToken.slice(repository.length + 1)}` };
    }

    /** Uploads a blob (monolithic POST then PUT, distribution-spec "Pushing blobs"); returns its digest. */
    async pushBlob(repository: string, content: Buffer): Promise<string> {
        const digest = `sha256:${createHash("sha256").update(content).digest("hex")}`;
        const auth = await this.headers(repository);
        const start = await fetch(`${this.url}/v2/${repository}/blobs/uploads/`, { method: "POST", headers: auth });
        await start.body?.cancel();
        const location = start.headers.get("location");
        if (start.status !== 202 || location === null) {
            throw new Error(`blob upload to ${repository} refused: HTTP ${start.status}`);
        }
        const target = new URL(location, this.url);
        target.searchParams.set("digest", digest);
        const put = await fetch(target, {
            method: "PUT",
            headers: { ...auth, "Content-Type": "application/octet-stream" },
            body: new Uint8Array(content),
        });
        await put.body?.cancel();
        if (put.status !== 201) {
            throw new Error(`blob PUT to ${repository} refused: HTTP ${put.status}`);
        }
        return digest;
    }

    async pushManifest(
        repository: string,
        reference: string,
        mediaType: string,
        manifest: unknown,
    ): Promise<PushedImage> {
        const body = Buffer.from(JSON.stringify(manifest));
        const response = await fetch(`${this.url}/v2/${repository}/manifests/${reference}`, {
            method: "PUT",
            headers: { ...(await this.headers(repository)), "Content-Type": mediaType },
            body: new Uint8Array(body),
        });
        const text = await response.text();
        if (response.status !== 201) {
            throw new Error(`manifest PUT ${repository}:${reference} refused: HTTP ${response.status} ${text}`);
        }
        return { digest: `sha256:${createHash("sha256").update(body).digest("hex")}`, mediaType, size: body.length };
    }

    /** An OCI image (config + one small layer) for one platform, tagged `tag` when given. */
    async pushImage(
        repository: string,
        tag: string | undefined,
        architecture: string,
        os = "linux",
    ): Promise<PushedImage> {
        const layer = Buffer.concat([Buffer.from(`${repository} ${architecture} `), randomBytes(16)]);
        const layerDigest = await this.pushBlob(repository, layer);
        const config = Buffer.from(
            JSON.stringify({ architecture, os, rootfs: { type: "layers", diff_ids: [layerDigest] }, config: {} }),
        );
        const configDigest = await this.pushBlob(repository, config);
        const manifest = {
            schemaVersion: 2,
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            config: {
                mediaType: "application/vnd.oci.image.config.v1+json",
                digest: configDigest,
                size: config.length,
            },
            layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: layerDigest, size: layer.length }],
        };
        const body = JSON.stringify(manifest);
        const digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
        return this.pushManifest(repository, tag ?? digest, manifest.mediaType, manifest);
    }

    /** An OCI index over one image per architecture (linux), tagged `tag`. */
    async pushIndex(
        repository: string,
        tag: string,
        architectures: readonly string[],
    ): Promise<PushedImage & { images: Record<string, string> }> {
        const images: Record<string, string> = {};
        const manifests = [];
        for (const architecture of architectures) {
            const image = await this.pushImage(repository, undefined, architecture);
            images[architecture] = image.digest;
            manifests.push({
                mediaType: image.mediaType,
                digest: image.digest,
                size: image.size,
                platform: { architecture, os: "linux" },
            });
        }
        const index = { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests };
        return { ...(await this.pushManifest(repository, tag, index.mediaType, index)), images };
    }
}
