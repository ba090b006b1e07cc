// credential-secret-name-prefix (through the SecretVersion chain) and copy-registry-credentials-readable on
// hand-made stacks, policies called directly with the SDK's unknown-value proxy; previews are the stacks declared under
// Pulumi's mock runtime in preview mode.
import * as assert from "assert/strict";
import { copyRegistryCredentials, credentialSecretNames } from "../../policy-pack/policies";
import { UNKNOWN_WIRE } from "../harness/engine-stack";
import { handMadePreview } from "../harness/hand-made-program";
import { HandMadeResource } from "../harness/policy-stack";
import { listOf, mappingFor, PolicyDocument, RegistryMapping, Statement, statementWithSid } from "./fixtures/documents";
import {
    ACCOUNT,
    edit,
    editMap,
    editPolicy,
    guideStep6Stack,
    programLikeStack,
    secretArn,
    T,
    urn,
} from "./fixtures/stacks";
import { expectNone, expectOne, everythingUnknown, violationsOf } from "./helpers";

const SECRET = "ptc-secret-docker-hub";
const VERSION = `${SECRET}-version`;
const RULE = "rule-docker-hub";
const renamed = (stack: HandMadeResource[]) =>
    edit(stack, SECRET, p => {
        p.name = "dockerhub-creds";
    });

describe("credential-secret-name-prefix through the SecretVersion", () => {
    it("passes the program-like stack, after an update, in a preview, and with everything unknown", async () => {
        await expectNone(credentialSecretNames, programLikeStack());
        await expectNone(credentialSecretNames, programLikeStack(), { preview: true });
        await expectNone(credentialSecretNames, programLikeStack(), { unknown: everythingUnknown(programLikeStack()) });
    });

    it(
        "finds a wrongly named secret only through the chain rule -> SecretVersion -> Secret when ARNs are " +
            "unknown",
        async () => {
            const message = [
                "Pull-through cache rule for prefix 'docker-hub' uses credential secret 'dockerhub-creds', " +
                    "whose name does not start with 'ecr-pullthroughcache/'",
            ];
            // in the stack's first preview (declared under mocks) the rule's credentialArn and the secret's ARN are
            // unknown
            const preview = await handMadePreview(programLikeStack());
            assert.equal(preview.resources.find(r => r.name === RULE)?.properties.credentialArn, UNKNOWN_WIRE.string);
            assert.equal(preview.resources.find(r => r.name === SECRET)?.properties.arn, UNKNOWN_WIRE.string);
            await expectOne(credentialSecretNames, renamed(programLikeStack()), message, urn(T.rule, RULE), {
                preview: true,
            });
            // the same stack with the SecretVersion -> Secret dependency cut: nothing left to find the name by
            const cut = renamed(programLikeStack()).map(r => (r.name === VERSION ? { ...r, dependsOn: {} } : r));
            await expectNone(credentialSecretNames, cut, { preview: true });
            // ... and with the rule -> SecretVersion dependency cut
            const ruleCut = renamed(programLikeStack()).map(r => (r.name === RULE ? { ...r, dependsOn: {} } : r));
            await expectNone(credentialSecretNames, ruleCut, { preview: true });
        },
    );

    it("follows the chain by value after an update (the version's arn is the secret's)", async () => {
        const valuesOnly = renamed(programLikeStack()).map(r =>
            r.name === VERSION || r.name === RULE ? { ...r, dependsOn: {} } : r,
        );
        await expectOne(credentialSecretNames, valuesOnly, ["uses credential secret 'dockerhub-creds'"]);
    });

    it("still follows a direct rule -> Secret link", async () => {
        const guide = edit(guideStep6Stack(), "dockerhub-secret", p => {
            p.name = "team/docker-hub";
        });
        await expectOne(credentialSecretNames, guide, ["uses credential secret 'team/docker-hub'"], undefined, {
            unknown: [
                { type: T.secret, props: ["arn", "id"] },
                { type: T.rule, props: ["credentialArn"] },
            ],
        });
    });

    it("still reads a plain existing secret ARN (no resource of the stack)", async () => {
        const plain = edit(programLikeStack(), RULE, p => {
            p.credentialArn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:team/docker-hub`;
        }).map(r => (r.name === RULE ? { ...r, dependsOn: {} } : r));
        await expectOne(credentialSecretNames, plain, ["uses credential secret 'team/docker-hub'"]);
    });
});

describe("copy-registry-credentials-readable", () => {
    const MAP = "map-default-3f2a";
    const mapEntry = (host: string, change: (entry: RegistryMapping) => void) =>
        editMap(programLikeStack(), MAP, d => change(mappingFor(d, host)));
    const permissions = (change: (statement: Statement, d: PolicyDocument) => void) =>
        editPolicy(programLikeStack(), "omics-run-permissions", d =>
            change(statementWithSid(d, "CopyRegistryCredentials"), d),
        );

    it("passes the program-like stack, also with every property unknown", async () => {
        await expectNone(copyRegistryCredentials, programLikeStack());
        await expectNone(copyRegistryCredentials, programLikeStack(), {
            unknown: everythingUnknown(programLikeStack()),
        });
    });

    it("rejects a copy secret the HealthOmics role may not read, naming the role", async () => {
        const unreadable = permissions(s => {
            s.Resource = [secretArn("omics-registry/us-gcr")];
        });
        await expectOne(
            copyRegistryCredentials,
            unreadable,
            [
                "(community.wave.seqera.io) credentialArn",
                "is not readable by HealthOmics role 'omics-service-role'",
                "secretsmanager:GetSecretValue",
            ],
            urn(T.object, MAP),
        );
    });

    it(
        "judges a credentialArn without its 6-character suffix by the secret's real ARN: <arn>-?????? passes, " +
            "the partial ARN alone is no grant",
        async () => {
            const partial = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:team/seqera`;
            const stack = (grant: string) =>
                editPolicy(
                    editMap(programLikeStack(), MAP, d => {
                        mappingFor(d, "community.wave.seqera.io").credentialArn = partial;
                    }),
                    "omics-run-permissions",
                    d => {
                        listOf(statementWithSid(d, "CopyRegistryCredentials"), "Resource").push(grant);
                    },
                );
            await expectNone(copyRegistryCredentials, stack(`${partial}-??????`));
            await expectOne(
                copyRegistryCredentials,
                stack(partial),
                [`(community.wave.seqera.io) credentialArn '${partial}' is not readable by HealthOmics role`],
                urn(T.object, MAP),
            );
        },
    );

    it("accepts a wildcard grant over the copy secrets and rejects one denied again", async () => {
        await expectNone(
            copyRegistryCredentials,
            permissions(s => {
                s.Resource = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:omics-registry/*`;
            }),
        );
        const denied = permissions((s, d) => {
            s.Resource = "*";
            d.Statement.push({
                Effect: "Deny",
                Action: "secretsmanager:*",
                Resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:omics-registry/us-gcr-*`,
            });
        });
        await expectOne(copyRegistryCredentials, denied, ["(us.gcr.io)", "is not readable"]);
    });

    it("rejects a copy secret of another account or region", async () => {
        const otherAccount = `arn:aws:secretsmanager:us-east-1:444455556666:secret:omics-registry/us-gcr-AbCdEf`;
        const found = await violationsOf(
            copyRegistryCredentials,
            mapEntry("us.gcr.io", e => {
                e.credentialArn = otherAccount;
            }),
        );
        assert.ok(
            found.some(v =>
                v.message.includes("is in account 444455556666, but this stack deploys to account 111122223333"),
            ),
            found.map(v => v.message).join("\n"),
        );
        const otherRegion = secretArn("omics-registry/us-gcr").replace("us-east-1", "eu-west-1");
        const regional = await violationsOf(
            copyRegistryCredentials,
            mapEntry("us.gcr.io", e => {
                e.credentialArn = otherRegion;
            }),
        );
        assert.ok(
            regional.some(v =>
                v.message.includes("is in region eu-west-1, but this stack deploys to region us-east-1"),
            ),
            regional.map(v => v.message).join("\n"),
        );
    });

    it("rejects a credentialArn that is not a secret ARN", async () => {
        await expectOne(
            copyRegistryCredentials,
            mapEntry("us.gcr.io", e => {
                e.credentialArn = "omics-registry/us-gcr";
            }),
            ["is not a Secrets Manager secret ARN"],
        );
    });

    it("skips the readability check while the role's policy is unknown", async () => {
        const unreadable = permissions(s => {
            s.Resource = [secretArn("omics-registry/us-gcr")];
        });
        await expectNone(copyRegistryCredentials, unreadable, { unknown: [{ type: T.rolePolicy, props: ["policy"] }] });
    });
});
