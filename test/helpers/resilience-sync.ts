/** Runs one in-process sync of a generated project against a sandbox, with fast retries. */
import { loadConfig } from "../../src/load-config.ts";
import { createWebflowClient, type ClientStats } from "../../src/webflow/client.ts";
import type { Sandbox } from "../../src/sandbox/index.ts";
import { runSync, type SyncReport } from "../../src/commands/sync.ts";

export interface SyncOutcome {
  report: SyncReport;
  stats: ClientStats;
}

export async function syncProject(
  root: string,
  sandbox: Sandbox,
  options: { retryBaseMs?: number; signal?: AbortSignal; concurrency?: number } = {},
): Promise<SyncOutcome> {
  const config = await loadConfig(root);
  const retryBaseMs = options.retryBaseMs ?? 20;
  const client = createWebflowClient({
    token: "test-token",
    baseUrl: sandbox.baseUrl,
    concurrency: options.concurrency ?? config.concurrency,
    retryBaseMs,
    signal: options.signal,
  });
  try {
    const report = await runSync({ config, client, retryBaseMs, signal: options.signal });
    return { report, stats: { ...client.stats } };
  } finally {
    await client.close();
  }
}
