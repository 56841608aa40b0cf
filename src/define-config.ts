import type { UserConfig } from "./config.ts";

/**
 * What a config file gets from `import { defineConfig } from "wf-sync"` when wf-sync loads it:
 * the identity helper alone, free of zod and the pipeline, so loading a config (every `check`
 * in a pre-commit hook) does not re-evaluate the whole package. The package entry exports the
 * same helper for editors and scripts.
 */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}
