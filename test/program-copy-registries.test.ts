// The program under Pulumi's mock runtime with registries HealthOmics copies from that use existing secrets: what the
// run role may do, evaluated by a real IAM policy evaluator (@cloud-copilot/iam-simulate) against the ARNs AWS uses.
import * as assert from "assert/strict";
import { customResources, ProgramRun, runProgram, SECRET_KMS_KEYS } from "./harness/mock-program";
import { devStackConfig, withConfig } from "./harness/stack-config";
import { combinedDecision, defaultKeyPolicy } from "./helpers/iam-evaluator";
import { json, only } from "./helpers/mocked-resources";

const DEV = devStackConfig();
const ACCOUNT = "123456789012";
const REGISTRY = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository`;
const KMS_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const PARTIAL_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:team/ngc-token`;
/** The ARN Secrets Manager gave the secret: the partial ARN plus 6 random characters. */
const REAL_ARN = `${PARTIAL_ARN}-Xy12Zq`;

function copyStack(credentials: Record<string, unknown>) {
    return withConfig(withConfig(DEV.config, "imageMappings", []), "registries", [
        { upstreamRegistryUrl: "quay.io", ecrRepositoryPrefix: "quay" },
        { upstreamRegistryUrl: "nvcr.io", ecrRepositoryPrefix: "nvcr", credentials },
    ]);
}

async function runOk(config: ReturnType<typeof copyStack>): Promise<ProgramRun> {
    const run = await runProgram(config, DEV.secretKeys);
    assert.equal(run.error, undefined, run.error?.message);
    return run;
}

/** Asks the evaluator what the run role may do, with the default key policy for KMS requests. */
function runRole(run: ProgramRun) {
    const role = only(run, "aws:iam/role:Role", "omics-service-role");
    const policy = json(
        customResources(run, "aws:iam/rolePolicy:RolePolicy").find(p => p.inputs.role === role.id)?.inputs.policy,
    );
    return (action: string, resource: string, context: Record<string, string> = {}) =>
        combinedDecision(
            { identity: [policy], resource: action.startsWith("kms:") ? defaultKeyPolicy(ACCOUNT) : undefined },
            { principal: role.state.arn as string, action, resource, account: ACCOUNT, context },
        );
}

describe("program with an existing copy-registry secret (mock runtime, IAM evaluated)", () => {
    afterEach(() => {
        SECRET_KMS_KEYS.delete(PARTIAL_ARN);
        SECRET_KMS_KEYS.delete(REAL_ARN);
    });

    it(
        "lets the run role read a secret given by its ARN without the 6-character suffix, under its real " +
            "(suffixed) ARN",
        async () => {
            const ask = runRole(await runOk(copyStack({ secretArn: PARTIAL_ARN })));
            assert.equal(await ask("secretsmanager:GetSecretValue", REAL_ARN), "Allowed");
            assert.equal(await ask("secretsmanager:GetSecretValue", `${PARTIAL_ARN}-other-Xy12Zq`), "ImplicitlyDenied");
            assert.equal(
                await ask(
                    "secretsmanager:GetSecretValue",
                    `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:team/ngc-tokens-Xy12Zq`,
                ),
                "ImplicitlyDenied",
            );
        },
    );

    it("grants a secret given with its suffix exactly as given", async () => {
        const ask = runRole(await runOk(copyStack({ secretArn: REAL_ARN })));
        assert.equal(await ask("secretsmanager:GetSecretValue", REAL_ARN), "Allowed");
        assert.equal(await ask("secretsmanager:GetSecretValue", `${PARTIAL_ARN}-Ab12Cd`), "ImplicitlyDenied");
    });

    it(
        "lets the run role get and set repository policies under the copy prefixes only (AWS's agent guide, " +
            "image-staging.md step 1)",
        async () => {
            const ask = runRole(await runOk(copyStack({ secretArn: REAL_ARN })));
            for (const action of ["ecr:GetRepositoryPolicy", "ecr:SetRepositoryPolicy"]) {
                assert.equal(await ask(action, `${REGISTRY}/nvcr/nvidia/clara/parabricks`), "Allowed", action);
                assert.equal(
                    await ask(action, `${REGISTRY}/quay/biocontainers/samtools`),
                    "ImplicitlyDenied",
                    `${action} on a pull-through prefix`,
                );
                assert.equal(
                    await ask(action, `${REGISTRY}/team/app`),
                    "ImplicitlyDenied",
                    `${action} outside the prefixes`,
                );
            }
        },
    );

    it("grants no kms:Decrypt when no customer key is configured", async () => {
        const ask = runRole(await runOk(copyStack({ secretArn: REAL_ARN })));
        assert.equal(
            await ask("kms:Decrypt", KMS_KEY, { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" }),
            "ImplicitlyDenied",
        );
    });

    it(
        "refuses a copy secret under a customer key the config does not name, naming the key and the fix, " +
            "declaring nothing",
        async () => {
            SECRET_KMS_KEYS.set(REAL_ARN, KMS_KEY);
            const run = await runProgram(copyStack({ secretArn: REAL_ARN }), DEV.secretKeys);
            assert.match(
                run.error?.message ?? "",
                new RegExp(
                    `registries\\[1\\]\\.credentials\\.secretArn: is encrypted with customer KMS key ${KMS_KEY}; ` +
                        ".*set credentials\\.kmsKeyArn",
                ),
            );
            assert.deepEqual(run.resources, []);
        },
    );

    it("refuses a configured key that is not the one encrypting the secret", async () => {
        SECRET_KMS_KEYS.set(REAL_ARN, KMS_KEY.replace("1234abcd", "99999999"));
        const run = await runProgram(copyStack({ secretArn: REAL_ARN, kmsKeyArn: KMS_KEY }), DEV.secretKeys);
        assert.match(
            run.error?.message ?? "",
            new RegExp(
                /registries\[1\]\.credentials\.secretArn: is encrypted with KMS key .*99999999.*, not /.source +
                    /with credentials\.kmsKeyArn/.source,
            ),
        );
    });

    it("with the customer key configured, lets the run role decrypt with it through Secrets Manager only", async () => {
        SECRET_KMS_KEYS.set(REAL_ARN, "1234abcd-12ab-34cd-56ef-1234567890ab");
        const ask = runRole(await runOk(copyStack({ secretArn: REAL_ARN, kmsKeyArn: KMS_KEY })));
        assert.equal(
            await ask("kms:Decrypt", KMS_KEY, { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" }),
            "Allowed",
        );
        assert.equal(
            await ask("kms:Decrypt", KMS_KEY, { "kms:ViaService": "s3.us-east-1.amazonaws.com" }),
            "ImplicitlyDenied",
        );
        assert.equal(await ask("kms:Decrypt", KMS_KEY), "ImplicitlyDenied");
        assert.equal(
            await ask("kms:Decrypt", KMS_KEY.replace("1234abcd", "99999999"), {
                "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
            }),
            "ImplicitlyDenied",
        );
    });
});
