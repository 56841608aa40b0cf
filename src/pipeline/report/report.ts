/**
 * The report stage: what a run tells its caller while it works (SyncEvent) and what it returns
 * (SyncReport). The library never prints; cli/reporter.ts decides how these look.
 */
import type { SyncWarning } from "../../core/types.ts";
import type { WebflowClient } from "../../webflow/client.ts";
import type { ItemResult } from "../apply/apply-plan.ts";
import type { PrepareStats } from "../prepare/prepare-files.ts";

export type { ItemResult } from "../apply/apply-plan.ts";

export type SyncEvent =
  | { type: "notice"; message: string }
  | { type: "warning"; warning: SyncWarning }
  | { type: "planned"; collection: string; planned: ItemResult[] }
  | { type: "item"; result: ItemResult }
  | { type: "progress"; done: number; total: number };

export interface CollectionCounts {
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  kept: number;
  failed: number;
}

export interface SyncReport {
  isDryRun: boolean;
  isInterrupted: boolean;
  items: ItemResult[];
  collections: Record<string, CollectionCounts>;
  totals: CollectionCounts;
  requests: number;
  writeRequests: number;
  rateLimited: number;
  rateLimitWaitMs: number;
  durationMs: number;
  /** Work of the read/parse/render stage: how many files were skipped unparsed, parsed, rendered. */
  files: PrepareStats;
}

const COUNT_KEYS: Record<string, keyof CollectionCounts | undefined> = {
  create: "created",
  update: "updated",
  unchanged: "unchanged",
  delete: "removed",
  unpublish: "removed",
  archive: "removed",
  keep: "kept",
};

function emptyCounts(): CollectionCounts {
  return { created: 0, updated: 0, unchanged: 0, removed: 0, kept: 0, failed: 0 };
}

/** Collects the item results of a run, in order, and passes each on as an event. */
export function createResultLog(emit: (event: SyncEvent) => void) {
  const results: ItemResult[] = [];
  return {
    results,
    record(result: ItemResult): void {
      results.push(result);
      emit({ type: "item", result });
    },
  };
}

/** Counts per collection and in total; a failed item counts as failed whatever it was meant to be. */
export function buildReport(options: {
  results: ItemResult[];
  isDryRun: boolean;
  isInterrupted: boolean;
  client: WebflowClient;
  started: number;
  files: PrepareStats;
}): SyncReport {
  const collections: Record<string, CollectionCounts> = {};
  const totals = emptyCounts();
  for (const result of options.results) {
    const counts = (collections[result.collection] ??= emptyCounts());
    const key = result.error ? "failed" : COUNT_KEYS[result.action];
    if (!key) continue;
    counts[key]++;
    totals[key]++;
  }
  const stats = options.client.stats;
  return {
    isDryRun: options.isDryRun,
    isInterrupted: options.isInterrupted,
    items: options.results,
    collections,
    totals,
    requests: stats.requests,
    writeRequests: stats.writes,
    rateLimited: stats.rateLimited,
    rateLimitWaitMs: stats.rateLimitWaitMs,
    durationMs: Date.now() - options.started,
    files: options.files,
  };
}
