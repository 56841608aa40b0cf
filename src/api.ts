/** wf-sync's programmatic API (`wf-sync/api`): re-exports only. Needs @types/node. */
export { defineConfig, ConfigSchema } from "./config.ts";
export type {
  UserConfig,
  UserCollectionConfig,
  ResolvedConfig,
  ResolvedCollectionConfig,
  OnDelete,
} from "./config.ts";
export * from "./errors.ts";
export type * from "./core/types.ts";
export { runSync } from "./commands/sync.ts";
export type { RunSyncOptions, SyncEvent, SyncReport, ItemResult, CollectionCounts } from "./commands/sync.ts";
export { runCheck } from "./commands/check.ts";
export type { CheckReport, RunCheckOptions } from "./commands/check.ts";
export { loadConfig } from "./load-config.ts";
export { createWebflowClient } from "./webflow/client.ts";
export type { WebflowClient, WebflowClientOptions } from "./webflow/client.ts";
export { createMarkdownRenderer } from "./core/render-markdown.ts";
export type { RenderOptions, MarkdownRenderer } from "./core/render-markdown.ts";
