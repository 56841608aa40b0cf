// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const undiciBan = { name: "undici", message: "Only src/webflow/ talks HTTP." };

export default tseslint.config(
  { ignores: ["dist/**", "bench-build/**", "coverage/**", "node_modules/**", "test/fixtures/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Plain Node scripts for this checkout (build helpers); never shipped.
    files: ["scripts/**/*.js"],
    languageOptions: { globals: { process: "readonly" } },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/webflow/**", "src/sandbox/**", "src/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [undiciBan] }] },
  },
  {
    files: ["src/core/**/*.ts"],
    ignores: ["src/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            undiciBan,
            { name: "node:fs", message: "core/ is pure: no file system." },
            { name: "node:fs/promises", message: "core/ is pure: no file system." },
            { name: "node:http", message: "core/ is pure: no network." },
            { name: "node:https", message: "core/ is pure: no network." },
          ],
          patterns: [
            {
              group: ["**/pipeline/**", "**/webflow/**", "**/commands/**", "**/cli/**", "**/sandbox/**"],
              message: "core/ may import only core/, config and errors.",
            },
          ],
        },
      ],
      "no-restricted-globals": ["error", { name: "process", message: "core/ may not read process." }],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/cli/**", "src/**/*.test.ts", "src/sandbox/serve.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "Only cli/ may exit." },
        { object: "process", property: "argv", message: "Only cli/ reads argv." },
        { object: "process", property: "stdout", message: "Only cli/ writes to stdout." },
        { object: "process", property: "stderr", message: "Only cli/ writes to stderr." },
      ],
    },
  },
);
