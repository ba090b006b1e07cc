// Stand-ins for the Pulumi engine's gRPC services (Engine, ResourceMonitor) so @pulumi/pulumi's cmd/run and
// run-policy-pack can start for real without the Pulumi CLI: resources are acknowledged as a first preview would
// (inputs echoed, no id), the two invokes the program makes get fixed answers, and nothing is deployed.
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import * as providerproto from "@pulumi/pulumi/proto/provider_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";

/** Monitor features the Pulumi CLI 3.248 reports; the rest (transforms, hooks, parameterization) are unused here. */
const SUPPORTED_FEATURES = new Set(["secrets", "resourceReferences", "outputValues", "deletedWith", "aliasSpecs"]);

const INVOKE_RESULTS: Partial<Record<string, Record<string, string>>> = {
    "aws:index/getCallerIdentity:getCallerIdentity": {
        accountId: "123456789012",
        arn: "arn:aws:iam::123456789012:user/bench",
        userId: "AIDABENCH",
        id: "123456789012",
    },
    "aws:index/getPartition:getPartition": {
        partition: "aws",
        dnsSuffix: "amazonaws.com",
        reverseDnsPrefix: "com.amazonaws",
        id: "aws",
    },
};

export interface StubEngine {
    readonly engineAddress: string;
    readonly monitorAddress: string;
    /** Resources registered since the last reset, and error logs the program sent. */
    readonly registered: string[];
    readonly errors: string[];
    reset(): void;
    stop(): Promise<void>;
}

type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

function unimplemented(): grpc.ServiceError {
    return Object.assign(new Error("not implemented by the bench stub"), {
        code: grpc.status.UNIMPLEMENTED,
        details: "not implemented",
        metadata: new grpc.Metadata(),
    });
}

export async function startStubEngine(project: string, stack: string): Promise<StubEngine> {
    const registered: string[] = [];
    const errors: string[] = [];
    const server = new grpc.Server();

    const log: Unary<engineproto.LogRequest, emptyproto.Empty> = (call, callback) => {
        if (call.request.getSeverity() === engineproto.LogSeverity.ERROR) {
            errors.push(call.request.getMessage());
        }
        callback(null, new emptyproto.Empty());
    };
    server.addService(enginerpc.EngineService, {
        log,
        getRootResource: ((_call, callback) => callback(null, new engineproto.GetRootResourceResponse())) as Unary<
            unknown,
            engineproto.GetRootResourceResponse
        >,
        setRootResource: ((_call, callback) => callback(null, new engineproto.SetRootResourceResponse())) as Unary<
            unknown,
            engineproto.SetRootResourceResponse
        >,
        startDebugging: ((_call, callback) => callback(null, new emptyproto.Empty())) as Unary<
            unknown,
            emptyproto.Empty
        >,
        requirePulumiVersion: ((_call, callback) =>
            callback(null, new engineproto.RequirePulumiVersionResponse())) as Unary<
            unknown,
            engineproto.RequirePulumiVersionResponse
        >,
    });

    const registerResource: Unary<resproto.RegisterResourceRequest, resproto.RegisterResourceResponse> = (
        call,
        callback,
    ) => {
        const request = call.request;
        const urn = `urn:pulumi:${stack}::${project}::${request.getType()}::${request.getName()}`;
        registered.push(urn);
        const response = new resproto.RegisterResourceResponse();
        response.setUrn(urn);
        response.setId("");
        response.setObject(request.getObject() ?? new structproto.Struct());
        callback(null, response);
    };
    const invoke: Unary<resproto.ResourceInvokeRequest, providerproto.InvokeResponse> = (call, callback) => {
        const result = INVOKE_RESULTS[call.request.getTok()];
        if (result === undefined) {
            callback(unimplemented(), null);
            return;
        }
        const response = new providerproto.InvokeResponse();
        response.setReturn(structproto.Struct.fromJavaScript(result));
        callback(null, response);
    };
    server.addService(resrpc.ResourceMonitorService, {
        supportsFeature: ((call, callback) => {
            const response = new resproto.SupportsFeatureResponse();
            response.setHassupport(SUPPORTED_FEATURES.has(call.request.getId()));
            callback(null, response);
        }) as Unary<resproto.SupportsFeatureRequest, resproto.SupportsFeatureResponse>,
        registerResource,
        registerResourceOutputs: ((_call, callback) => callback(null, new emptyproto.Empty())) as Unary<
            unknown,
            emptyproto.Empty
        >,
        invoke,
        signalAndWaitForShutdown: ((_call, callback) => callback(null, new emptyproto.Empty())) as Unary<
            unknown,
            emptyproto.Empty
        >,
    });

    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
            error ? reject(error) : resolve(bound),
        ),
    );
    const address = `127.0.0.1:${port}`;
    return {
        engineAddress: address,
        monitorAddress: address,
        registered,
        errors,
        reset() {
            registered.length = 0;
            errors.length = 0;
        },
        stop: () => new Promise(resolve => server.tryShutdown(() => resolve())),
    };
}
