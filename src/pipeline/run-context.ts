/**
 * What the stages of one run share, passed explicitly from stage to stage. The manifest is the
 * record stage's: other stages change it only through the entries of the collection they work
 * on, and only `save` writes it (a no-op in a dry run).
 */
import type { ResolvedConfig } from "../config.ts";
import type { SiteLocale } from "../core/types.ts";
import type { WebflowClient } from "../webflow/client.ts";
import type { CollectionRun } from "./discover/discover.ts";
import type { SiteIndex } from "./plan/site-index.ts";
import type { PrepareStats } from "./prepare/prepare-files.ts";
import type { Manifest } from "./record/manifest-store.ts";
import type { ItemResult, SyncEvent } from "./report/report.ts";

export interface RunFlags {
  /** Everything but the writes: the client answers writes without sending them. */
  isDryRun: boolean;
  /** Ignore the manifest's digests and rewrite every item. */
  isForced: boolean;
  /** Unknown frontmatter keys are errors. */
  isStrict: boolean;
  /** List the site's items and reconcile the manifest with them. */
  isVerified: boolean;
  /** Allow removing more than `maxDeleteShare` of a collection. */
  isDeleteAllowed: boolean;
  /** Write items that were changed in Webflow since wf-sync last wrote them. */
  isOverwrite: boolean;
}

/** The site's items by slug, listed once per collection on first need. */
export interface RemoteLookups {
  slugsOf(collectionId: string): Promise<Map<string, string>>;
  siteAssets(): Promise<Array<{ assetId: string; fileName: string; size: number; hostedUrl: string }>>;
}

export interface RunContext {
  config: ResolvedConfig;
  client: WebflowClient;
  flags: RunFlags;
  signal: AbortSignal | undefined;
  retryBaseMs: number | undefined;
  manifest: Manifest;
  save: () => Promise<void>;
  emit: (event: SyncEvent) => void;
  record: (result: ItemResult) => void;
  stats: PrepareStats;
  runs: readonly CollectionRun[];
  index: SiteIndex;
  remote: RemoteLookups;
  /** Collection id → slugs of files whose items are created later in this run. */
  pendingSlugs: Map<string, Set<string>>;
  siteLocales: readonly SiteLocale[];
  progress: WriteProgress;
  /** When a run that was killed started (its lock was taken over); see plan/drift.ts. */
  interruptedSince?: string | undefined;
}

/** Counts planned and finished writes for the progress bar. */
export interface WriteProgress {
  plan(count: number): void;
  finish(): void;
}

export function createWriteProgress(emit: (event: SyncEvent) => void): WriteProgress {
  let planned = 0;
  let done = 0;
  const tell = () => emit({ type: "progress", done, total: planned });
  return {
    plan(count) {
      planned += count;
      tell();
    },
    finish() {
      done++;
      tell();
    },
  };
}

export function createRemoteLookups(client: WebflowClient, siteId: string | undefined): RemoteLookups {
  const listings = new Map<string, Promise<Map<string, string>>>();
  let assets: ReturnType<RemoteLookups["siteAssets"]> | undefined;
  return {
    slugsOf(collectionId) {
      let listed = listings.get(collectionId);
      if (!listed) {
        listed = client
          .listItems(collectionId)
          .then((items) => new Map(items.map((item) => [item.slug, item.itemId])));
        listings.set(collectionId, listed);
      }
      return listed;
    },
    // Listing the site's assets only saves uploads; if it fails, uploading is still correct.
    siteAssets() {
      assets ??= siteId ? client.listAssets(siteId).catch(() => []) : Promise.resolve([]);
      return assets;
    },
  };
}

/** Id an offline run gives to items it cannot look up: they are taken to exist. */
const UNVERIFIED_ITEM_ID = "(unverified)";

/**
 * The lookups of the offline `check`: items of the site are unknown there, so a reference to
 * one is let through (the online run checks it); the site has no assets.
 */
export function createOfflineLookups(): RemoteLookups {
  const anything = {
    get: () => UNVERIFIED_ITEM_ID,
    has: () => true,
  } as unknown as Map<string, string>;
  return { slugsOf: async () => anything, siteAssets: async () => [] };
}

/** Whether a collection is part of this run. */
export function isSyncedCollection(context: RunContext, collectionId: string): boolean {
  return context.runs.some((run) => run.config.collectionId === collectionId);
}

/** The result of a file that could not become an item. */
export function invalidResult(options: {
  collection: string;
  file: string;
  slug: string;
  itemId: string | null;
  error: import("../errors.ts").WfSyncError;
}): ItemResult {
  const { error, ...rest } = options;
  return { ...rest, action: "invalid", error: error.message, cause: error };
}
