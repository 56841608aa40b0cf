/**
 * The built-in Webflow Data API v2 emulator: real HTTP on 127.0.0.1, state optionally kept
 * in a JSON file. Serves `wf-sync sync` without a token, `wf-sync sandbox`, and the tests.
 */
export { startSandbox } from "./server.ts";
export { DEFAULT_REQUESTS_PER_MINUTE, serveSandbox, type ServeSandboxOptions } from "./serve.ts";
export type {
  FaultOptions,
  RateLimitOptions,
  RecordedRequest,
  Sandbox,
  SandboxAsset,
  SandboxItem,
  SandboxOptions,
  SandboxSeed,
  SandboxStats,
  SeedCollection,
  SeedLocale,
  SeedSite,
} from "./types.ts";
