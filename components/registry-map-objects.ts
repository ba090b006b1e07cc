// The container registry maps `aws omics create-workflow --container-registry-map-uri` reads: one object per map
// revision, under a key derived from its content, and old revisions are kept (workflows keep the map they were
// created with, so every URI ever handed out must keep naming the same map).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PrivateBucket } from "./private-bucket";
import { RenderedMap } from "./stack-documents";

export interface RegistryMapObjectsArgs {
    /** The maps as stored; an Output while credential ARNs of secrets being created are unknown. */
    maps: pulumi.Output<RenderedMap[]>;
    mapNames: readonly string[];
    tags: Record<string, string>;
    /** Resources that must exist before a map is published (so a published map always works). */
    publishAfter: pulumi.Resource[];
    /** Alias to the component the first release declared the map bucket in, so the bucket is kept. */
    previousBucketParent?: pulumi.Alias;
}

export class RegistryMapObjects extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    /** `s3://<bucket>/<key>` of each map, by name. */
    readonly uris: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: RegistryMapObjectsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("omics-registry-maps:index:RegistryMapObjects", name, {}, opts);
        const storage = new PrivateBucket(
            "registry-map",
            { tags: args.tags, forceDestroy: true, previousPolicyName: "registry-map-tls-only" },
            {
                parent: this,
                aliases: args.previousBucketParent ? [args.previousBucketParent] : [],
            },
        );
        this.bucket = storage.bucket;
        for (const mapName of args.mapNames) {
            const rendered = args.maps.apply(maps => {
                const found = maps.find(m => m.name === mapName);
                if (found === undefined) {
                    throw new Error(`map ${mapName} was not rendered`);
                }
                return found;
            });
            const object = new aws.s3.BucketObjectv2(
                `map-${mapName}`,
                {
                    bucket: this.bucket.id,
                    key: rendered.objectKey,
                    content: rendered.content,
                    contentType: "application/json",
                },
                {
                    parent: this,
                    dependsOn: [...storage.ready, ...args.publishAfter],
                    // A new revision has a new key: the old object stays, for the workflows created from it.
                    retainOnDelete: true,
                },
            );
            this.uris[mapName] = pulumi.interpolate`s3://${object.bucket}/${object.key}`;
        }
        this.registerOutputs({ uris: this.uris });
    }
}
