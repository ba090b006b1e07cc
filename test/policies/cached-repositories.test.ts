// Template custom role, tag mutability, lifecycle policy and scanning coverage on hand-made stacks
// (policies called directly, SDK unknown-value proxy).
import {
    pullThroughTagsMutable,
    pullThroughTemplateHasLifecyclePolicy,
    scanningCoversPrefixes,
    templateHasCustomRole,
} from "../../policy-pack/policies";
import { mappingFor, scanningRules } from "./fixtures/documents";
import { edit, editMap, programLikeStack, T, urn, without } from "./fixtures/stacks";
import { everythingUnknown, expectNone, expectOne } from "./helpers";

const TEMPLATE = "template-docker-hub";
const template = (change: (props: Record<string, unknown>) => void) => edit(programLikeStack(), TEMPLATE, change);
const scanning = (change: (props: Record<string, unknown>) => void) =>
    edit(programLikeStack(), "registry-scanning", change);

describe("creation-template-has-custom-role", () => {
    it("passes templates with tags and a custom role, also in previews", async () => {
        await expectNone(templateHasCustomRole, programLikeStack());
        await expectNone(templateHasCustomRole, programLikeStack(), {
            unknown: [{ type: T.template, props: ["customRoleArn"] }],
        });
        await expectNone(templateHasCustomRole, programLikeStack(), { unknown: everythingUnknown(programLikeStack()) });
    });

    it("rejects resourceTags without customRoleArn, naming the prefix and the tags", async () => {
        await expectOne(
            templateHasCustomRole,
            template(p => {
                delete p.customRoleArn;
            }),
            [
                "Repository creation template for prefix 'docker-hub' has resourceTags (project) but no customRoleArn",
                "ecr:TagResource",
            ],
            urn(T.template, TEMPLATE),
        );
    });

    it("rejects KMS encryption without customRoleArn, asking for key grants", async () => {
        const kms = template(p => {
            delete p.customRoleArn;
            p.resourceTags = {};
            p.encryptionConfigurations = [
                {
                    encryptionType: "KMS",
                    kmsKey: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                },
            ];
        });
        await expectOne(templateHasCustomRole, kms, [
            "has KMS encryption but no customRoleArn",
            "grants on the KMS key",
        ]);
    });

    it("accepts a template without tags or KMS and without a role (an empty role string counts as none)", async () => {
        await expectNone(
            templateHasCustomRole,
            template(p => {
                p.customRoleArn = "";
                p.resourceTags = {};
                p.encryptionConfigurations = [{ encryptionType: "AES256" }];
            }),
        );
        await expectOne(
            templateHasCustomRole,
            template(p => {
                p.customRoleArn = "";
            }),
            ["no customRoleArn"],
        );
    });
});

describe("pull-through-cache-tags-mutable", () => {
    it("passes MUTABLE pull-through templates", async () => {
        await expectNone(pullThroughTagsMutable, programLikeStack());
        await expectNone(pullThroughTagsMutable, programLikeStack(), {
            unknown: everythingUnknown(programLikeStack()),
        });
    });

    for (const mutability of ["IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"]) {
        it(`rejects ${mutability} on a PULL_THROUGH_CACHE template`, async () => {
            await expectOne(
                pullThroughTagsMutable,
                template(p => {
                    p.imageTagMutability = mutability;
                }),
                [
                    `template for prefix 'docker-hub' is applied for PULL_THROUGH_CACHE with ` +
                        `imageTagMutability ${mutability}`,
                    "MUTABLE",
                ],
                urn(T.template, TEMPLATE),
            );
        });
    }

    it("leaves IMMUTABLE replication templates alone", async () => {
        await expectNone(
            pullThroughTagsMutable,
            template(p => {
                p.imageTagMutability = "IMMUTABLE";
                p.appliedFors = ["REPLICATION"];
            }),
        );
    });
});

describe("pull-through-template-has-lifecycle-policy (advisory)", () => {
    it("passes templates with a lifecycle policy", async () => {
        await expectNone(pullThroughTemplateHasLifecyclePolicy, programLikeStack());
        await expectNone(pullThroughTemplateHasLifecyclePolicy, programLikeStack(), {
            unknown: [{ type: T.template, props: ["lifecyclePolicy"] }],
        });
    });

    it("reports a template without one, and one without rules", async () => {
        await expectOne(
            pullThroughTemplateHasLifecyclePolicy,
            template(p => {
                delete p.lifecyclePolicy;
            }),
            ["prefix 'docker-hub' has no lifecycle policy"],
            urn(T.template, TEMPLATE),
        );
        await expectOne(
            pullThroughTemplateHasLifecyclePolicy,
            template(p => {
                p.lifecyclePolicy = JSON.stringify({ rules: [] });
            }),
            ["prefix 'docker-hub'"],
        );
    });
});

describe("scanning-covers-prefixes (advisory)", () => {
    it("passes when every pull-through and copy prefix is scanned, also in previews", async () => {
        await expectNone(scanningCoversPrefixes, programLikeStack());
        await expectNone(scanningCoversPrefixes, programLikeStack(), {
            unknown: everythingUnknown(programLikeStack()),
        });
    });

    it("names a copy prefix that no rule scans", async () => {
        const missing = scanning(p => {
            const [onPush] = scanningRules(p);
            onPush.repositoryFilters = onPush.repositoryFilters.filter(f => f.filter !== "us-gcr/*");
        });
        await expectOne(
            scanningCoversPrefixes,
            missing,
            ["does not scan prefix 'us-gcr'"],
            urn(T.scanning, "registry-scanning"),
        );
    });

    it("does not count MANUAL rules, and counts a '*' filter as covering everything", async () => {
        await expectOne(
            scanningCoversPrefixes,
            scanning(p => {
                scanningRules(p)[0].scanFrequency = "MANUAL";
            }),
            ["prefixes 'docker-hub', 'ecr-public', 'quay', 'seqera-community', 'us-gcr'"],
        );
        await expectNone(
            scanningCoversPrefixes,
            scanning(p => {
                p.rules = [
                    { scanFrequency: "CONTINUOUS_SCAN", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] },
                ];
            }),
        );
    });

    it(
        "accepts the program's filter for a '--' prefix ECR's filter pattern refuses (seqera-*community/*), " +
            "and names a filter that misses it",
        async () => {
            const renamed = editMap(programLikeStack(), "map-default-3f2a", d => {
                mappingFor(d, "community.wave.seqera.io").ecrRepositoryPrefix = "seqera--community";
            });
            const withFilter = (filter: string) =>
                edit(renamed, "registry-scanning", p => {
                    const [onPush] = scanningRules(p);
                    onPush.repositoryFilters = onPush.repositoryFilters.map(f =>
                        f.filter === "seqera-community/*" ? { ...f, filter } : f,
                    );
                });
            await expectNone(scanningCoversPrefixes, withFilter("seqera-*community/*"));
            await expectOne(scanningCoversPrefixes, withFilter("seqera-*other/*"), [
                "does not scan prefix 'seqera--community'",
            ]);
        },
    );

    it("reports a stack without a scanning configuration", async () => {
        await expectOne(scanningCoversPrefixes, without(programLikeStack(), "registry-scanning"), [
            "No ECR registry scanning configuration scans the prefixes docker-hub, ecr-public, quay, " +
                "seqera-community, us-gcr",
        ]);
    });
});
