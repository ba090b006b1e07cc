// The OCI client's rate-limit handling and parsing. Real layers: the client and Node's HTTP over 127.0.0.1; the
// registry is a stand-in HTTP server (distribution has no rate limiter) answering 429 the way Docker Hub does
// (Retry-After, then the manifest); the waiting is a recorded sleep, except in the CLI test, which waits 1 s.
import * as assert from "assert/strict";
import * as http from "http";
import { AddressInfo } from "net";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseChallenge, RegistryClient, retryAfterMs } from "../../online/registry-client";
import { runCli } from "../cli/run-cli";

const MANIFEST = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [
        {
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            digest: `sha256:${"a".repeat(64)}`,
            size: 1,
            platform: { architecture: "amd64", os: "linux" },
        },
        {
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            digest: `sha256:${"b".repeat(64)}`,
            size: 1,
            platform: { architecture: "unknown", os: "unknown" },
            annotations: { "vnd.docker.reference.type": "attestation-manifest" },
        },
    ],
});

async function standInRegistry(
    limitedRequests: number,
    retryAfter: string | undefined,
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
    let hits = 0;
    const server = http.createServer((_request, response) => {
        hits++;
        if (hits <= limitedRequests) {
            response
                .writeHead(429, {
                    "Content-Type": "application/json",
                    ...(retryAfter !== undefined ? { "Retry-After": retryAfter } : {}),
                })
                .end(
                    JSON.stringify({
                        errors: [{ code: "TOOMANYREQUESTS", message: "You have reached your pull rate limit." }],
                    }),
                );
            return;
        }
        response
            .writeHead(200, {
                "Content-Type": "application/vnd.oci.image.index.v1+json",
                "Docker-Content-Digest": `sha256:${"c".repeat(64)}`,
            })
            .end(MANIFEST);
    });
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        hits: () => hits,
        close: () => new Promise<void>(resolve => server.close(() => resolve())),
    };
}

describe("online: registry client (real HTTP to a stand-in registry on 127.0.0.1)", () => {
    it(
        "backs off on 429 for the time Retry-After gives, says so, then answers; attestation entries are not " +
            "platforms",
        async () => {
            const registry = await standInRegistry(2, "3");
            const waits: number[] = [];
            const backOffs: number[] = [];
            try {
                const client = new RegistryClient({
                    endpoints: new Map([["registry-1.docker.io", registry.url]]),
                    sleep: ms => {
                        waits.push(ms);
                        return Promise.resolve();
                    },
                    onBackOff: b => backOffs.push(b.waitMs),
                });
                const answer = await client.manifest("registry-1.docker.io", "library/ubuntu", "24.04");
                assert.deepEqual(answer, {
                    kind: "found",
                    digest: `sha256:${"c".repeat(64)}`,
                    mediaType: "application/vnd.oci.image.index.v1+json",
                    platforms: ["linux/amd64"],
                    amd64Digest: `sha256:${"a".repeat(64)}`,
                });
                assert.deepEqual(backOffs, [3000, 3000]);
                assert.equal(waits.length, 2);
                assert.ok(
                    waits.every(w => w > 2000 && w <= 3000),
                    String(waits),
                );
                assert.equal(registry.hits(), 3);
                const [stats] = client.registryStats();
                assert.deepEqual(
                    { ...stats, endpoint: "" },
                    { host: "registry-1.docker.io", endpoint: "", requests: 3, backOffs: 2, waitedMs: 6000 },
                );
                // Cached for the run: asking again sends nothing.
                await client.manifest("registry-1.docker.io", "library/ubuntu", "24.04");
                assert.equal(registry.hits(), 3);
            } finally {
                await registry.close();
            }
        },
    );

    it("without Retry-After backs off exponentially, and gives up as rate-limited after maxAttempts", async () => {
        const registry = await standInRegistry(10, undefined);
        const backOffs: number[] = [];
        try {
            const client = new RegistryClient({
                endpoints: new Map([["registry-1.docker.io", registry.url]]),
                maxAttempts: 3,
                baseBackOffMs: 500,
                sleep: () => Promise.resolve(),
                onBackOff: b => backOffs.push(b.waitMs),
            });
            const answer = await client.manifest("registry-1.docker.io", "library/ubuntu", "24.04");
            assert.equal(answer.kind, "rate-limited");
            assert.deepEqual(backOffs, [500, 1000]);
            assert.equal(registry.hits(), 3);
        } finally {
            await registry.close();
        }
    });

    it("a Retry-After longer than the longest wait gives up at once instead of hanging", async () => {
        const registry = await standInRegistry(10, "3600");
        try {
            const client = new RegistryClient({
                endpoints: new Map([["quay.io", registry.url]]),
                sleep: () => Promise.resolve(),
            });
            const answer = await client.manifest("quay.io", "a/b", "1");
            assert.equal(answer.kind, "rate-limited");
            assert.equal(registry.hits(), 1);
        } finally {
            await registry.close();
        }
    });

    it(
        "check --online says on stderr that it backs off, and reports the back-off per registry (real CLI, 1 s " +
            "real wait)",
        async () => {
            const registry = await standInRegistry(1, "1");
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "online-429-"));
            try {
                fs.writeFileSync(
                    path.join(dir, "map.json"),
                    JSON.stringify({
                        registryMappings: [{ upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" }],
                    }),
                );
                fs.mkdirSync(path.join(dir, "wf"));
                fs.writeFileSync(
                    path.join(dir, "wf", "main.wdl"),
                    'version 1.0\ntask T {\n  command <<< true >>>\n  runtime { docker: "quay.io/a/b:1" }\n}\n',
                );
                const run = await runCli(
                    [
                        "check",
                        "wf",
                        "--map",
                        "map.json",
                        "--online",
                        "--registry-endpoint",
                        `quay.io=${registry.url}`,
                        "--format",
                        "json",
                    ],
                    dir,
                );
                assert.equal(run.code, 0, run.stderr);
                assert.match(run.stderr, /note: quay\.io answered HTTP 429 \(rate limit\); backing off 1\.0 s/);
                const online = (
                    JSON.parse(run.stdout) as {
                        online: { images: { status: string }[]; registries: { backOffs: number; waitedMs: number }[] };
                    }
                ).online;
                assert.equal(online.images[0].status, "ok");
                assert.deepEqual(
                    online.registries.map(r => [r.backOffs, r.waitedMs]),
                    [[1, 1000]],
                );
            } finally {
                await registry.close();
                fs.rmSync(dir, { recursive: true, force: true });
            }
        },
    );

    it("parses challenges and Retry-After as the RFCs write them", () => {
        assert.deepEqual(
            parseChallenge(
                'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"',
            ),
            {
                scheme: "bearer",
                params: {
                    realm: "https://auth.docker.io/token",
                    service: "registry.docker.io",
                    scope: "repository:library/ubuntu:pull",
                },
            },
        );
        assert.deepEqual(parseChallenge('Basic realm="basic-realm"'), {
            scheme: "basic",
            params: { realm: "basic-realm" },
        });
        assert.equal(retryAfterMs("120"), 120_000);
        assert.equal(
            retryAfterMs("Wed, 21 Oct 2015 07:28:30 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT")),
            30_000,
        );
        assert.equal(retryAfterMs(null), undefined);
        assert.equal(retryAfterMs("soon"), undefined);
    });
});
