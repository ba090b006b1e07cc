// Every policy on the program's own stack (mock runtime, after up and in an engine-style first preview) when every
// registry is one HealthOmics copies from and the registry policy holds only statements other teams keep there: no
// rule, no template, no omics statement.
import * as assert from "assert/strict";
import { policies } from "../../policy-pack/policies";
import { enginePolicyResources, runOmicsStack } from "../harness/engine-stack";
import { runPolicy } from "../harness/policy-stack";
import { devStackConfig, withConfig } from "../harness/stack-config";

const ACCOUNT = "123456789012";
const DEV = devStackConfig();
const REPLICATION = {
    Sid: "ReplicateToDr",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::210987654321:root" },
    Action: ["ecr:ReplicateImage"],
    Resource: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/*`,
};

describe("policies on a stack of copy registries with kept registry-policy statements (program under mocks)", () => {
    it("pass: the kept statements need no omics statement beside them", async () => {
        let config = withConfig(withConfig(DEV.config, "imageMappings", []), "registries", [
            {
                upstreamRegistryUrl: "nvcr.io",
                ecrRepositoryPrefix: "nvcr",
                credentials: {
                    secretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:omics-registry/nvcr-AbCdEf`,
                },
            },
        ]);
        config = withConfig(config, "registryPolicyStatements", [REPLICATION]);
        for (const preview of [false, true]) {
            const stack = await runOmicsStack(config, DEV.secretKeys, preview);
            assert.equal(stack.error, undefined, stack.error?.message);
            assert.equal(stack.resources.filter(r => r.type === "aws:ecr/registryPolicy:RegistryPolicy").length, 1);
            const resources = enginePolicyResources(stack);
            for (const policy of policies) {
                assert.deepEqual(
                    await runPolicy(policy, resources),
                    [],
                    `${policy.name}${preview ? " in the first preview" : " after up"}`,
                );
            }
        }
    });
});
