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
  | { type: "progress"; done: number; total: number }
  | AssetEvent;

/** A local file made a site asset for an item (in a dry run: to be uploaded). */
export interface AssetEvent {
  type: "asset";
  action: "upload";
  /** The file uploaded, relative to the project root. */
  path: string;
  /** The Markdown file that first needed it. */
  file: string;
  bytes: number;
}

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
  /** Local files uploaded as site assets (a dry run: that would be uploaded). */
  assets: AssetEvent[];
  /** Warnings about files that are not items (left out as not a page): the rest sit on their item. */
  warnings: SyncWarning[];
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

/**
 * Collects the item results of a run, in order, and passes each on as an event; remembers the
 * warnings of each file, so that every result carries its own (`--json` lists them).
 */
export function createResultLog(onEvent: (event: SyncEvent) => void) {
  const results: ItemResult[] = [];
  const assets: AssetEvent[] = [];
  const warningsByFile = new Map<string, SyncWarning[]>();
  const emit = (event: SyncEvent): void => {
    if (event.type === "asset") assets.push(event);
    if (event.type === "warning" && event.warning.location) {
      const { file } = event.warning.location;
      const known = warningsByFile.get(file) ?? [];
      const isRepeat = known.some(
        (warning) =>
          warning.message === event.warning.message &&
          warning.location?.line === event.warning.location?.line,
      );
      if (!isRepeat) warningsByFile.set(file, [...known, event.warning]);
    }
    onEvent(event);
  };
  return {
    results,
    assets,
    warningsByFile,
    emit,
    record(result: ItemResult): void {
      results.push(result);
      onEvent({ type: "item", result });
    },
  };
}

/** The results with each file's warnings attached. */
export function withWarnings(
  results: readonly ItemResult[],
  warningsByFile: ReadonlyMap<string, SyncWarning[]>,
): ItemResult[] {
  return results.map((result) => {
    const warnings = warningsByFile.get(result.file);
    return warnings ? { ...result, warnings } : result;
  });
}

/** Counts per collection and in total; a failed item counts as failed whatever it was meant to be. */
export function buildReport(options: {
  results: ItemResult[];
  isDryRun: boolean;
  isInterrupted: boolean;
  client: WebflowClient;
  started: number;
  files: PrepareStats;
  assets?: AssetEvent[];
  warningsByFile?: ReadonlyMap<string, SyncWarning[]>;
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
    assets: options.assets ?? [],
    warnings: warningsWithoutItem(options.results, options.warningsByFile),
  };
}

/** The warnings of files that have no item in the results. */
function warningsWithoutItem(
  results: readonly ItemResult[],
  warningsByFile: ReadonlyMap<string, SyncWarning[]> | undefined,
): SyncWarning[] {
  const files = new Set(results.map((result) => result.file));
  return [...(warningsByFile ?? [])].flatMap(([file, warnings]) => (files.has(file) ? [] : warnings));
}
