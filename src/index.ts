export * from "./errors.ts";
export type * from "./core/types.ts";
// SPEC §2: a config may `import { defineConfig } from "wf-sync"`; `wf-sync init` writes that import.
export { defineConfig } from "./config.ts";
export type { OnDelete, ResolvedConfig, UserCollectionConfig, UserConfig } from "./config.ts";
