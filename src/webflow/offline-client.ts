/**
 * The client of the offline `check`: schemas come from the cache the last online run wrote,
 * the site is taken to hold no items and no assets, and nothing is ever sent. Wrapped in the
 * dry-run client, it lets `check` walk the same stages as `sync --dry-run`.
 */
import { UsageError } from "../errors.ts";
import type { CollectionSchema, SiteLocale } from "../core/types.ts";
import type { ClientStats, WebflowClient } from "./client.ts";

export interface OfflineSite {
  /** Cached schemas by collection id; a collection without one is checked without field values. */
  schemas: ReadonlyMap<string, CollectionSchema>;
  /** Locale tags the config names; the offline site has them as secondary locales. */
  localeTags: readonly string[];
}

function offlineLocales(tags: readonly string[]): SiteLocale[] {
  return [
    { tag: "(primary)", cmsLocaleId: "offline-primary", isPrimary: true },
    ...tags.map((tag) => ({ tag, cmsLocaleId: `offline-${tag}`, isPrimary: false })),
  ] as SiteLocale[];
}

export function createOfflineClient(site: OfflineSite): WebflowClient {
  const stats: ClientStats = {
    requests: 0,
    writes: 0,
    retries: 0,
    rateLimited: 0,
    rateLimitWaitMs: 0,
    gaveUp: 0,
  };
  const refuse = async (): Promise<never> => {
    throw new UsageError("wf-sync check works offline and never writes.");
  };
  return {
    stats,
    target: "(offline)",
    async getCollection(collectionId) {
      return (
        site.schemas.get(collectionId) ?? {
          id: collectionId,
          displayName: collectionId,
          slug: "",
          fields: [],
          isUnknown: true,
        }
      );
    },
    listCollections: refuse,
    listSites: refuse,
    async getSite(siteId) {
      return { id: siteId, displayName: siteId, locales: offlineLocales(site.localeTags) };
    },
    async listItems() {
      return [];
    },
    async listAssets() {
      return [];
    },
    createItems: refuse,
    createItemsInLocales: refuse,
    updateItems: refuse,
    publishItems: refuse,
    unpublishItems: refuse,
    deleteItems: refuse,
    createAsset: refuse,
    uploadAsset: refuse,
    async close() {},
  };
}
