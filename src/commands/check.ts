/**
 * `wf-sync check`: `sync --dry-run` offline. The same stages run (discover, prepare, plan, and
 * the apply stage answered by the dry-run client), against the schemas the last online run
 * cached and a site taken to be unknown, so `check`, `sync --dry-run` and `sync` report the same
 * failing files with the same messages.
 */
import { resolve } from "node:path";
import type { ResolvedConfig } from "../config.ts";
import type { CollectionSchema, SyncWarning } from "../core/types.ts";
import { createOfflineClient } from "../webflow/offline-client.ts";
import { selectCollections } from "../pipeline/discover/discover.ts";
import { schemaCachePath } from "../pipeline/discover/site.ts";
import { readSchemaCache } from "../pipeline/record/manifest-store.ts";
import type { ItemResult } from "../pipeline/report/report.ts";
import { runSync } from "./sync.ts";

export interface CheckReport {
  /** The files that failed, one result each. */
  items: ItemResult[];
  /** When the cached schemas were fetched; undefined when there is no cache. */
  schemaFetchedAt: string | undefined;
  checked: number;
  failed: number;
}

export interface RunCheckOptions {
  config: ResolvedConfig;
  collections?: readonly string[] | undefined;
  isStrict?: boolean;
  onWarning?: (warning: SyncWarning) => void;
}

/**
 * Validates every file offline: frontmatter, slugs, field values against the schema cached
 * by the last online run, local assets, and references that can be checked without the site.
 */
export async function runCheck(options: RunCheckOptions): Promise<CheckReport> {
  const { config } = options;
  const warn = options.onWarning ?? (() => {});
  const cache = await readSchemaCache(schemaCachePath(resolve(config.root, config.manifest)));
  if (!cache) {
    warn({
      kind: "no-schema-cache",
      message:
        "No cached schema yet (run `wf-sync sync` once online): only frontmatter, slugs and assets were checked, not field values.",
    });
  }
  const selected = selectCollections(config, options.collections);
  const client = createOfflineClient({
    schemas: new Map(Object.entries(cache?.collections ?? {}) as Array<[string, CollectionSchema]>),
    localeTags: [...new Set(selected.flatMap((collection) => Object.keys(collection.locales ?? {})))],
  });
  const report = await runSync({
    config,
    client,
    collections: options.collections,
    isDryRun: true,
    isOffline: true,
    isStrict: options.isStrict ?? false,
    // Every file is checked: nothing is skipped on the strength of an earlier run.
    isForced: true,
    isDeleteAllowed: true,
    onEvent: (event) => {
      if (event.type === "warning") warn(event.warning);
    },
  });
  const items = report.items.filter((item) => item.error !== null);
  const checked = new Set(report.items.map((item) => `${item.collection} ${item.file}`)).size;
  return { items, schemaFetchedAt: cache?.fetchedAt, checked, failed: items.length };
}
