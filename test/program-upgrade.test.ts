// Upgrading a stack deployed by the first release (ca3786a): every resource that moved to another component is
// aliased to where that release declared it, so `pulumi up` moves it rather than replacing it (a replaced secret
// would collide with its own name; a replaced bucket would take the map objects with it). Mock runtime; the
// expected URNs are the first release's, as its components named them.
import * as assert from "assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { MockedResource, ProgramRun, runProgram } from "./harness/mock-program";
import { devStackConfig, PROJECT } from "./harness/stack-config";

// The parent type chains of the first release, below the root stack (which the engine leaves out of URNs and the
// mock runtime keeps): these end every alias's parent URN.
const TOP = `${PROJECT}:index:OmicsRegistryMaps`;
const FIRST_RELEASE_PARENTS = {
    rules: `${TOP}$${PROJECT}:index:PullThroughCacheRules::pull-through-cache`,
    ecrAccess: `${TOP}$${PROJECT}:index:OmicsEcrAccess::omics-ecr-access`,
    top: `${TOP}::omics-registry-maps`,
};

function aliasesOf(run: ProgramRun, type: string, name: string): pulumi.Alias[] {
    const resource = run.resources.find((r: MockedResource) => r.type === type && r.name === name);
    assert.ok(resource, `no ${type} ${name}`);
    return (resource.options.aliases ?? []) as pulumi.Alias[];
}

/** Whether a URN's parent type chain and name end with `chain` (`<type>$...$<type>::<name>`). */
function endsWithChain(urn: string | undefined, chain: string): boolean {
    return urn !== undefined && (urn.endsWith(`::${chain}`) || urn.endsWith(`$${chain}`));
}

function urnOf(value: pulumi.Input<string> | pulumi.Resource | undefined): Promise<string | undefined> {
    return new Promise(resolve => pulumi.output(value as pulumi.Input<string>).apply(v => resolve(v)));
}

describe("upgrade from the first release (mock runtime)", () => {
    let run: ProgramRun;

    before(async () => {
        const { config, secretKeys } = devStackConfig();
        run = await runProgram(config, secretKeys);
        assert.equal(run.error, undefined, run.error?.message);
    });

    it("keeps each pull-through rule where it was: under the first release's PullThroughCacheRules", async () => {
        for (const prefix of ["docker-hub", "quay", "ecr-public"]) {
            const [alias] = aliasesOf(run, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule", prefix);
            assert.ok(endsWithChain(await urnOf(alias.parent), FIRST_RELEASE_PARENTS.rules), await urnOf(alias.parent));
        }
    });

    it(
        "keeps each creation template and the registry policy where they were: under the first release's " +
            "OmicsEcrAccess",
        async () => {
            for (const prefix of ["docker-hub", "quay", "ecr-public"]) {
                const [alias] = aliasesOf(run, "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", prefix);
                assert.ok(
                    endsWithChain(await urnOf(alias.parent), FIRST_RELEASE_PARENTS.ecrAccess),
                    await urnOf(alias.parent),
                );
            }
            const [alias] = aliasesOf(run, "aws:ecr/registryPolicy:RegistryPolicy", "omics-pull-through-cache");
            assert.ok(
                endsWithChain(await urnOf(alias.parent), FIRST_RELEASE_PARENTS.ecrAccess),
                await urnOf(alias.parent),
            );
        },
    );

    it(
        "keeps the credential secrets (component renamed from CredentialSecrets) and the map bucket (from " +
            "RegistryMapObject)",
        async () => {
            assert.deepEqual(aliasesOf(run, `${PROJECT}:index:RegistryCredentials`, "credentials"), [
                { type: `${PROJECT}:index:CredentialSecrets` },
            ]);
            const [bucketAlias] = aliasesOf(run, `${PROJECT}:index:PrivateBucket`, "registry-map");
            assert.equal(bucketAlias.type, `${PROJECT}:index:RegistryMapObject`);
            assert.ok(
                endsWithChain(await urnOf((bucketAlias.parent as pulumi.Resource).urn), FIRST_RELEASE_PARENTS.top),
                "the bucket's first component sat right under the stack's top component",
            );
            assert.deepEqual(aliasesOf(run, "aws:s3/bucketPolicy:BucketPolicy", "registry-map-policy"), [
                { name: "registry-map-tls-only" },
            ]);
        },
    );
});
