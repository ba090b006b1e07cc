// Reads a container registry map JSON given with `check --map`, checking its shape (HealthOmics API
// ContainerRegistryMap).
import * as fs from "fs";
import Ajv from "ajv";
import { parseEcrImageUri } from "../policy-pack/rules/ecr-naming";
import { ContainerRegistryMapJson } from "../policy-pack/rules/image-resolution";

const NON_EMPTY = { type: "string", minLength: 1 } as const;

/** The API's shape: both lists optional, entries with their string members (no other members). */
const MAP_SCHEMA = {
    type: "object",
    additionalProperties: false,
    properties: {
        registryMappings: {
            type: "array",
            items: {
                type: "object",
                additionalProperties: false,
                required: ["upstreamRegistryUrl", "ecrRepositoryPrefix"],
                properties: {
                    upstreamRegistryUrl: NON_EMPTY,
                    ecrRepositoryPrefix: NON_EMPTY,
                    credentialArn: NON_EMPTY,
                    upstreamRepositoryPrefix: NON_EMPTY,
                    ecrAccountId: { type: "string", pattern: "^\\d{12}$" },
                },
            },
        },
        imageMappings: {
            type: "array",
            items: {
                type: "object",
                additionalProperties: false,
                required: ["sourceImage", "destinationImage"],
                properties: { sourceImage: NON_EMPTY, destinationImage: NON_EMPTY },
            },
        },
    },
} as const;

const validateMap = new Ajv({ allErrors: true }).compile<ContainerRegistryMapJson>(MAP_SCHEMA);

export type MapFile = { ok: true; map: ContainerRegistryMapJson } | { ok: false; message: string };

export function readMapFile(file: string): MapFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        return {
            ok: false,
            message:
                `--map ${file}: cannot be read: ` +
                ((error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message),
        };
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (error) {
        return { ok: false, message: `--map ${file}: not valid JSON: ${(error as Error).message}` };
    }
    if (!validateMap(value)) {
        const problems = (validateMap.errors ?? []).map(
            e =>
                `  - ${e.instancePath || "(the map)"} ${e.message ?? "is invalid"}` +
                ("additionalProperty" in e.params ? `: ${String(e.params.additionalProperty)}` : ""),
        );
        return {
            ok: false,
            message:
                `--map ${file}: not a container registry map ({registryMappings?: [{upstreamRegistryUrl, ` +
                `ecrRepositoryPrefix}], imageMappings?: [{sourceImage, destinationImage}]}):\n${problems.join("\n")}`,
        };
    }
    return { ok: true, map: value };
}

/** The account and region of the map's ECR destinations, when its image mappings name exactly one. */
export function locationFromMap(map: ContainerRegistryMapJson): { account: string; region: string } | undefined {
    const places = new Set(
        (map.imageMappings ?? [])
            .map(m => parseEcrImageUri(m.destinationImage))
            .filter(uri => uri !== undefined)
            .map(uri => `${uri.account} ${uri.region}`),
    );
    if (places.size !== 1) {
        return undefined;
    }
    const [account, region] = [...places][0].split(" ");
    return { account, region };
}
