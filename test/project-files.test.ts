// The files around the code: Pulumi.yaml matches what the program reads, the policy pack stands alone,
// and CI runs exactly the README's commands.
import * as assert from "assert/strict";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { builtinModules } from "module";
import * as path from "path";
import { CONFIG_KEYS } from "../config/raw-config";
import { DEFAULT_MAP_OBJECT_PREFIX } from "../config/validate-stack-settings";
import { PROJECT, readProjectFile } from "./harness/stack-config";

const ROOT = path.join(__dirname, "..");
const PACK = path.join(ROOT, "policy-pack");

function read(file: string): string {
    return fs.readFileSync(path.join(ROOT, file), "utf8");
}

function typeScriptFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return entry.name === "node_modules" || entry.name === "bin" ? [] : typeScriptFiles(full);
        }
        return entry.name.endsWith(".ts") ? [full] : [];
    });
}

describe("Pulumi.yaml", () => {
    const project = readProjectFile() as ReturnType<typeof readProjectFile> & { name: string };

    it("names the project whose namespace the program and stack files use", () => {
        assert.equal(project.name, PROJECT);
    });

    it("declares every key the program reads, with the program's defaults", () => {
        assert.deepEqual(Object.keys(project.config).sort(), [...CONFIG_KEYS].sort());
        assert.equal(project.config.mapObjectPrefix.default, DEFAULT_MAP_OBJECT_PREFIX);
        for (const key of [
            "imageMappings",
            "maps",
            "registryPolicyStatements",
            "workflowChecks",
            "additionalHealthOmicsRegions",
        ]) {
            assert.deepEqual(
                project.config[key].default,
                [],
                `${key}: the CLI requires every declared key without a default`,
            );
        }
        assert.deepEqual(project.config.tags.default, {});
        assert.deepEqual(project.config.cachedRepositories.default, {});
        assert.deepEqual(project.config.auditTrail.default, { enabled: false });
        assert.equal(project.config.registries.default, undefined, "registries is required");
        assert.deepEqual(project.config.workflowBuckets, {
            ...project.config.workflowBuckets,
            type: "array",
            items: { type: "string" },
        });
    });

    it("uses only the config types Pulumi.yaml supports (string, integer, boolean, array)", () => {
        for (const [key, declared] of Object.entries(project.config)) {
            assert.ok(
                declared.type === undefined || ["string", "integer", "boolean", "array"].includes(declared.type),
                `${key}: ${declared.type}`,
            );
            assert.ok(declared.description, `${key} has no description`);
        }
    });
});

describe("policy pack folder", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")) as {
        version?: string;
        dependencies: Record<string, string>;
    };

    it("imports nothing from outside its folder, and only packages its package.json lists", () => {
        for (const file of typeScriptFiles(PACK)) {
            const specifiers = [...fs.readFileSync(file, "utf8").matchAll(/(?:from\s+|require\()\s*"([^"]+)"/g)].map(
                m => m[1],
            );
            for (const specifier of specifiers) {
                if (specifier.startsWith(".")) {
                    const resolved = path.resolve(path.dirname(file), specifier);
                    assert.ok(
                        resolved.startsWith(PACK + path.sep),
                        `${path.relative(ROOT, file)} imports ${specifier} from outside policy-pack/`,
                    );
                } else {
                    const name = specifier.startsWith("@")
                        ? specifier.split("/").slice(0, 2).join("/")
                        : specifier.split("/")[0];
                    assert.ok(
                        name in manifest.dependencies || builtinModules.includes(name),
                        `${path.relative(ROOT, file)} imports ${name}, which policy-pack/package.json does not list`,
                    );
                }
            }
        }
    });

    it("has the manifest `pulumi policy publish` needs", () => {
        const policyYaml = yaml.load(fs.readFileSync(path.join(PACK, "PulumiPolicy.yaml"), "utf8")) as {
            runtime?: string;
        };
        assert.equal(policyYaml.runtime, "nodejs");
        assert.match(manifest.version ?? "", /^\d+\.\d+\.\d+$/);
    });

    it("pins the same @pulumi/pulumi as the program", () => {
        const program = JSON.parse(read("package.json")) as { dependencies: Record<string, string> };
        assert.equal(manifest.dependencies["@pulumi/pulumi"], program.dependencies["@pulumi/pulumi"]);
    });
});

describe("dependencies", () => {
    it("are pinned to exact versions, with a lockfile", () => {
        for (const file of ["package.json", "policy-pack/package.json"]) {
            const manifest = JSON.parse(read(file)) as {
                dependencies?: Record<string, string>;
                devDependencies?: Record<string, string>;
            };
            for (const [name, version] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
                assert.match(version, /^\d+\.\d+\.\d+$/, `${file}: ${name}@${version} is not pinned`);
            }
        }
        assert.ok(fs.existsSync(path.join(ROOT, "package-lock.json")));
    });
});

describe("README and CI", () => {
    it("CI runs exactly the README's set-up commands", () => {
        const readme = read("README.md");
        const block = /## Set-up\s+```(?:sh|bash)?\n([\s\S]*?)```/.exec(readme);
        assert.ok(block, "README.md needs a ## Set-up section with a code block");
        const readmeCommands = block[1]
            .split("\n")
            .map(l => l.trim())
            .filter(l => l !== "" && !l.startsWith("#"));
        const ciCommands = read(".ci/run")
            .split("\n")
            .map(l => l.trim())
            .filter(l => l !== "" && !l.startsWith("#") && !/^(set|cd)\b/.test(l));
        assert.deepEqual(ciCommands, readmeCommands);
    });
});
