// ESLint flat config (`npm run lint`): typescript-eslint's strictTypeChecked and stylisticTypeChecked rules on every
// TypeScript file, type-checked through the project service (each file's nearest tsconfig.json: the root one, or
// policy-pack/tsconfig.json for the pack). Formatting is Prettier's job (`npm run format:check`, .prettierrc.json),
// so the only formatting rule here is the one Prettier cannot keep: lines of at most 120 characters, since Prettier
// never breaks a string, a comment or a test name.
import eslint from "@eslint/js";
import stylistic from "@stylistic/eslint-plugin";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
    {
        // Not our source: dependencies, build output, vendored upstream pipelines and workflow trees read as test
        // input, recorded Pulumi CLI output. (test/policies/fixtures/ is TypeScript we wrote, and is linted.)
        ignores: [
            "**/node_modules/",
            "**/dist/",
            "bin/",
            "bench/.work/",
            "render/",
            "test/fixtures/",
            "test/workflow-check/fixtures/",
            "test/rollout/recordings/",
            "**/fixtures/**/*.{js,cjs,mjs}",
        ],
    },
    eslint.configs.recommended,
    {
        // Lines of at most 120 characters (the team's rule). URLs are left whole: a broken URL cannot be followed.
        files: ["**/*.{ts,js,mjs}"],
        plugins: { "@stylistic": stylistic },
        rules: { "@stylistic/max-len": ["error", { code: 120, tabWidth: 4, ignoreUrls: true }] },
    },
    {
        files: ["**/*.ts"],
        extends: [tseslint.configs.strictTypeChecked, tseslint.configs.stylisticTypeChecked],
        languageOptions: {
            parserOptions: {
                projectService: true,
                tsconfigRootDir: import.meta.dirname,
            },
        },
        linterOptions: { reportUnusedDisableDirectives: "error" },
        rules: {
            // Counts, line numbers, sizes and durations go into messages as `${n}`: a number's string form is
            // well defined, so numbers are allowed. Everything else stays refused: `${undefined}`, `${null}`,
            // `${object}` ("[object Object]") and `${unknown}` are the mistakes this rule exists for.
            "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
            // Callbacks written as arrow shorthand for a void call (`child.once("exit", () => resolve(code))`,
            // `error => (error ? reject(error) : resolve())`) are the Node.js callback idiom here; void results
            // used as values (`const x = voidCall()`, `return voidCall()` in a block) are still refused.
            "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
            // `while (true)` loops that end with `return`/`break` (the tokenizers) are deliberate; other constant
            // conditions are still reported.
            "@typescript-eslint/no-unnecessary-condition": [
                "error",
                { allowConstantLoopConditions: "only-allowed-literals" },
            ],
            // `const { omitted: _omitted, ...rest } = value` is how the code drops a property from a copy.
            "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
        },
    },
    {
        // The CommonJS entry shims (the package `bin`, the stand-in `pulumi` the rollout tests run): plain Node.js
        // outside every tsconfig, so the recommended JavaScript rules only.
        files: ["**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: {
                process: "readonly",
                console: "readonly",
                Buffer: "readonly",
                __dirname: "readonly",
                setTimeout: "readonly",
                clearTimeout: "readonly",
            },
        },
    },
);
