/**
 * The client of a dry run: reads go to the site (or to whatever client it wraps), writes are
 * answered here as Webflow would answer a write that succeeds, and never sent. A dry run thus
 * walks the very same code as the real run, so its plan is what the real run does, except for
 * what only Webflow can refuse.
 */
import type { AssetUpload, ItemWrite, RemoteItem, WebflowClient } from "./client.ts";

/** Ids the dry run gives to items it would create: all-zero high digits, which Webflow never issues. */
const PLANNED_ID_PREFIX = "000000000000";

export function isPlannedItemId(itemId: string | null | undefined): boolean {
  return itemId?.startsWith(PLANNED_ID_PREFIX) ?? false;
}

export function createDryRunClient(inner: WebflowClient): WebflowClient {
  let nextId = 0;
  const plannedId = () => `${PLANNED_ID_PREFIX}${(++nextId).toString(16).padStart(12, "0")}`;
  const echo = (item: ItemWrite, itemId: string, cmsLocaleId?: string): RemoteItem => ({
    itemId,
    cmsLocaleId: cmsLocaleId ?? item.cmsLocaleId,
    slug: String(item.fieldData["slug"] ?? ""),
    fieldData: item.fieldData,
    isDraft: item.isDraft ?? false,
    isArchived: item.isArchived ?? false,
    isLive: !(item.isDraft ?? false),
  });
  return {
    get stats() {
      return inner.stats;
    },
    target: inner.target,
    getCollection: (collectionId) => inner.getCollection(collectionId),
    listCollections: (siteId) => inner.listCollections(siteId),
    listSites: () => inner.listSites(),
    getSite: (siteId) => inner.getSite(siteId),
    listItems: (collectionId, options) => inner.listItems(collectionId, options),
    listAssets: (siteId) => inner.listAssets(siteId),
    async createItems(_collectionId, items, options) {
      return items.map((item) => ({ ...echo(item, plannedId()), isLive: options.isLive }));
    },
    async createItemsInLocales(_collectionId, items, cmsLocaleIds) {
      return items.flatMap((item) => {
        const itemId = plannedId();
        return cmsLocaleIds.map((cmsLocaleId) => ({ ...echo(item, itemId, cmsLocaleId), isLive: false }));
      });
    },
    async updateItems(_collectionId, items, options) {
      return items.map((item) => ({ ...echo(item, item.itemId ?? plannedId()), isLive: options.isLive }));
    },
    async publishItems(_collectionId, items) {
      return { published: items.map((item) => item.itemId), failed: [] };
    },
    async unpublishItems() {},
    async deleteItems() {},
    async createAsset(_siteId, options): Promise<AssetUpload> {
      const assetId = plannedId();
      return {
        assetId,
        uploadUrl: "",
        uploadDetails: {},
        // A URL no site has: what the item would point at is known only after the real upload.
        hostedUrl: `https://dry-run.invalid/${options.fileHash}/${encodeURIComponent(options.fileName)}`,
      };
    },
    async uploadAsset() {},
    close: () => inner.close(),
  };
}
