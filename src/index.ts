/**
 * The package entry (`import { defineConfig } from "wf-sync"`): what a `wf-sync.config.ts`
 * needs, and nothing that asks a consumer's TypeScript for a particular `lib` or for
 * @types/node, so a config type-checks in any project. The programmatic API is
 * `wf-sync/api`; the emulator is `wf-sync/sandbox`.
 */
export { defineConfig } from "./config.ts";
export type { UserConfig, UserCollectionConfig, OnDelete } from "./config.ts";
