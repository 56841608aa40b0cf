/** The CMS item endpoints: list, create, update, publish, unpublish, delete. */
import { itemIdInPublishError } from "./failure.ts";
import type { Http } from "./http.ts";
import type { ItemWrite, RemoteItem } from "./types.ts";

/** An item as Webflow's API sends it. */
interface RawItem {
  id: string;
  cmsLocaleId?: string;
  lastPublished?: string | null;
  lastUpdated?: string;
  isDraft?: boolean;
  isArchived?: boolean;
  fieldData?: Record<string, unknown>;
}

function toRemoteItem(raw: RawItem): RemoteItem {
  const fieldData = raw.fieldData ?? {};
  return {
    itemId: raw.id,
    cmsLocaleId: raw.cmsLocaleId,
    slug: typeof fieldData["slug"] === "string" ? fieldData["slug"] : "",
    fieldData,
    isDraft: raw.isDraft ?? false,
    isArchived: raw.isArchived ?? false,
    isLive: raw.lastPublished !== null && raw.lastPublished !== undefined,
    lastUpdated: typeof raw.lastUpdated === "string" ? raw.lastUpdated : undefined,
  };
}

function toWireItem(item: ItemWrite): Record<string, unknown> {
  const wire: Record<string, unknown> = { fieldData: item.fieldData };
  if (item.itemId !== undefined) wire["id"] = item.itemId;
  if (item.cmsLocaleId !== undefined) wire["cmsLocaleId"] = item.cmsLocaleId;
  if (item.isDraft !== undefined) wire["isDraft"] = item.isDraft;
  if (item.isArchived !== undefined) wire["isArchived"] = item.isArchived;
  return wire;
}

/** What `POST …/items/publish` did: ids published, and Webflow's reason for each one it did not publish. */
export interface PublishResult {
  published: string[];
  /** `itemId` is undefined when Webflow's text names no item. */
  failed: Array<{ itemId: string | undefined; reason: string }>;
}

function targetOf(id: string, cmsLocaleIds: readonly string[] | undefined): Record<string, unknown> {
  return cmsLocaleIds && cmsLocaleIds.length > 0 ? { id, cmsLocaleIds } : { id };
}

/**
 * Sent with every create and update: with Webflow's default (`true`) a file it cannot fetch is
 * dropped and the item saved without it (API-NOTES §3.3); `false` refuses the request instead,
 * so the item fails with Webflow's reason rather than being recorded as synced without its file.
 */
const STRICT_FILES = { skipInvalidFiles: "false" };

export const collectionPath = (collectionId: string) => `/collections/${encodeURIComponent(collectionId)}`;

/** The item methods of the client (see WebflowClient for what each promises). */
export function createItemsApi(http: Http) {
  return {
    async listItems(
      collectionId: string,
      listOptions: { isLive?: boolean; cmsLocaleId?: string; slug?: string; updatedSince?: string } = {},
    ): Promise<RemoteItem[]> {
      const path = `${collectionPath(collectionId)}/items${listOptions.isLive ? "/live" : ""}`;
      const raw = await http.listAll<RawItem>(path, "items", {
        cmsLocaleId: listOptions.cmsLocaleId,
        slug: listOptions.slug,
        "lastUpdated[gte]": listOptions.updatedSince,
      });
      return raw.map(toRemoteItem);
    },
    ...createItemWrites(http),
    ...createPublishing(http),
  };
}

/** The create and update methods of the client. */
function createItemWrites(http: Http) {
  const { run } = http;
  return {
    async createItems(
      collectionId: string,
      items: readonly ItemWrite[],
      createOptions: { isLive: boolean },
    ): Promise<RemoteItem[]> {
      const path = `${collectionPath(collectionId)}/items${createOptions.isLive ? "/live" : ""}`;
      const raw = await run<{ items?: RawItem[] } & Partial<RawItem>>("POST", path, {
        isIdempotent: false,
        query: STRICT_FILES,
        body: { items: items.map(toWireItem) },
      });
      // The list form's answer is not documented (API-NOTES §2.3): take ids where given; the
      // caller re-lists by slug for any item that comes back without one.
      const created = raw?.items ?? (raw?.id ? [raw as RawItem] : []);
      return created.filter((item) => typeof item.id === "string").map(toRemoteItem);
    },
    async createItemsInLocales(
      collectionId: string,
      items: readonly ItemWrite[],
      cmsLocaleIds: readonly string[],
    ): Promise<RemoteItem[]> {
      const raw = await run<{ items?: RawItem[] }>("POST", `${collectionPath(collectionId)}/items/bulk`, {
        isIdempotent: false,
        query: STRICT_FILES,
        // The bulk endpoint takes the flags once per request: callers send items that share them.
        body: {
          cmsLocaleIds,
          isDraft: items[0]?.isDraft ?? false,
          isArchived: items[0]?.isArchived ?? false,
          fieldData: items.map((item) => item.fieldData),
        },
      });
      return (raw?.items ?? []).filter((item) => typeof item.id === "string").map(toRemoteItem);
    },
    async updateItems(
      collectionId: string,
      items: readonly ItemWrite[],
      updateOptions: { isLive: boolean },
    ): Promise<RemoteItem[]> {
      const path = `${collectionPath(collectionId)}/items${updateOptions.isLive ? "/live" : ""}`;
      // An update sets fields to given values: sending it twice leaves the same item, so it is
      // safe to retry after a lost answer.
      const raw = await run<{ items?: RawItem[] }>("PATCH", path, {
        isIdempotent: true,
        query: STRICT_FILES,
        body: { items: items.map(toWireItem) },
      });
      return (raw?.items ?? []).map(toRemoteItem);
    },
  };
}

/** The publish, unpublish and delete methods of the client. */
function createPublishing(http: Http) {
  const { run } = http;
  return {
    /**
     * Publishes the staged copies. Webflow answers 202 with the ids it published and error texts
     * for the others (a partial success); an empty answer means all of them.
     */
    async publishItems(
      collectionId: string,
      items: ReadonlyArray<{ itemId: string; cmsLocaleIds?: readonly string[] }>,
    ): Promise<PublishResult> {
      const raw = await run<{ publishedItemIds?: string[]; errors?: string[] }>(
        "POST",
        `${collectionPath(collectionId)}/items/publish`,
        {
          isIdempotent: true,
          body: {
            items: items.map((item) =>
              item.cmsLocaleIds ? { id: item.itemId, cmsLocaleIds: item.cmsLocaleIds } : { id: item.itemId },
            ),
          },
        },
      );
      const published = raw?.publishedItemIds ?? [];
      const errors = raw?.errors ?? [];
      if (published.length === 0 && errors.length === 0)
        return { published: items.map((item) => item.itemId), failed: [] };
      return {
        published,
        failed: errors.map((reason) => ({ itemId: itemIdInPublishError(reason), reason })),
      };
    },
    /** Takes items off the live site, in the given locales (without: the primary locale only, API-NOTES §6). */
    async unpublishItems(
      collectionId: string,
      itemIds: readonly string[],
      options: { cmsLocaleIds?: readonly string[] | undefined } = {},
    ): Promise<void> {
      await run("DELETE", `${collectionPath(collectionId)}/items/live`, {
        isIdempotent: true,
        body: { items: itemIds.map((id) => targetOf(id, options.cmsLocaleIds)) },
      });
    },
    /** Deletes items, in the given locales (without: the primary locale only, API-NOTES §6). */
    async deleteItems(
      collectionId: string,
      itemIds: readonly string[],
      options: { cmsLocaleIds?: readonly string[] | undefined } = {},
    ): Promise<void> {
      await run("DELETE", `${collectionPath(collectionId)}/items`, {
        isIdempotent: true,
        body: { items: itemIds.map((id) => targetOf(id, options.cmsLocaleIds)) },
      });
    },
  };
}
