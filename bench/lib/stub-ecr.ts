// A stand-in for the two ECR API calls the program makes before writing the registry-wide settings
// (GetRegistryScanningConfiguration, GetRegistryPolicy), on 127.0.0.1 over the ECR JSON 1.1 protocol, so the
// program-start benchmark launches the program with an engine (as `pulumi preview` does) and pays the real cost of
// loading the AWS SDK and one round trip each, without AWS. The SDK is pointed at it with AWS_ENDPOINT_URL_ECR.
import * as http from "http";
import { AddressInfo } from "net";

export interface StubEcr {
    /** Environment that points the program's ECR client at the stand-in, with throwaway static credentials. */
    readonly env: Record<string, string>;
    readonly calls: string[];
    stop(): Promise<void>;
}

const ANSWERS: Record<string, () => [number, Record<string, unknown>]> = {
    GetRegistryScanningConfiguration: () => [
        200,
        { registryId: "123456789012", scanningConfiguration: { scanType: "BASIC", rules: [] } },
    ],
    GetRegistryPolicy: () => [
        400,
        {
            __type: "RegistryPolicyNotFoundException",
            message: "Registry policy does not exist in the registry with id '123456789012'",
        },
    ],
};

export async function startStubEcr(): Promise<StubEcr> {
    const calls: string[] = [];
    const server = http.createServer((request, response) => {
        request.resume();
        request.on("end", () => {
            const operation =
                String(request.headers["x-amz-target"] ?? "")
                    .split(".")
                    .pop() ?? "";
            calls.push(operation);
            const answer = ANSWERS[operation] as (() => [number, Record<string, unknown>]) | undefined;
            const [status, body] = answer
                ? answer()
                : [400, { __type: "UnknownOperationException", message: operation }];
            response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
            response.end(JSON.stringify(body));
        });
    });
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        env: {
            AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${port}`,
            AWS_ACCESS_KEY_ID: "AKIDBENCH",
            AWS_SECRET_ACCESS_KEY: "not-a-real-key",
        },
        calls,
        stop: () => new Promise<void>(resolve => server.close(() => resolve())),
    };
}
