/** Matching items found on the site to drafts: does an item already hold a draft, adopting it, finding by slug. */
import type { ItemDraft } from "../../core/map-fields.ts";
import { canonicalJson } from "../../core/digest.ts";
import { sealOf } from "../../core/item-id.ts";
import type { ManifestEntry, PlannedUpdate } from "../plan/plan-changes.ts";
import type { RemoteItem, WebflowClient } from "../../webflow/client.ts";

/** Webflow normalises some values (image objects gain a fileId, dates gain milliseconds); compare what we own. */
function normaliseValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((inner) => normaliseValue(inner));
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    // An asset is identified by its fileId (its URL may be rewritten); a URL import by its URL.
    if ("fileId" in record) return { fileId: record["fileId"] ?? null, alt: record["alt"] ?? null };
    if ("url" in record) return { url: record["url"] ?? null, alt: record["alt"] ?? null };
    return value;
  }
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const time = Date.parse(value);
    if (!Number.isNaN(time)) return new Date(time).toISOString();
  }
  return value ?? null;
}

/** The remote value shaped like the draft's, so that an image sent as `{url}` compares by URL. */
function normaliseRemote(remote: unknown, draft: unknown): unknown {
  if (Array.isArray(remote))
    return remote.map((inner, index) =>
      normaliseRemote(inner, Array.isArray(draft) ? draft[index] : undefined),
    );
  if (remote && typeof remote === "object" && draft && typeof draft === "object" && !("fileId" in draft)) {
    const record = remote as Record<string, unknown>;
    return { url: record["url"] ?? null, alt: record["alt"] ?? null };
  }
  return normaliseValue(remote);
}

/** True when a remote item already holds exactly what the draft would write. */
export function holdsDraft(remote: RemoteItem, draft: ItemDraft): boolean {
  if (remote.isArchived !== draft.isArchived) return false;
  // Drafts and archived items are both kept off the live site (createItems/updateItems route them staged).
  if (remote.isLive !== (!draft.isDraft && !draft.isArchived)) return false;
  for (const [key, value] of Object.entries(draft.fieldData)) {
    const remoteValue = remote.fieldData[key];
    if (canonicalJson(normaliseValue(value)) !== canonicalJson(normaliseRemote(remoteValue, value)))
      return false;
  }
  return true;
}

/**
 * Takes over an item found on the site for a draft whose create may or may not have happened:
 * done (`onHeld`) when it already holds the draft, else recorded and queued as an update.
 */
export function adoptFound(options: {
  entries: Record<string, ManifestEntry>;
  draft: ItemDraft;
  item: RemoteItem;
  adopted: PlannedUpdate[];
  onHeld: () => void;
}): void {
  const { entries, draft, item, adopted } = options;
  if (holdsDraft(item, draft)) {
    options.onHeld();
    return;
  }
  const previous: ManifestEntry = {
    itemId: item.itemId,
    digest: "",
    fields: {},
    file: draft.file,
    isDraft: item.isDraft,
    isArchived: item.isArchived,
    isLive: item.isLive,
    lastUpdated: item.lastUpdated,
    seal: sealOf(draft.slug, item.itemId),
  };
  entries[draft.slug] = previous;
  adopted.push({ draft, previous, previousSlug: draft.slug, changedFields: Object.keys(draft.fieldData) });
}

/** Looks up items by slug: one request per slug for a few, one listing for many. */
export async function findBySlugs(
  client: WebflowClient,
  collectionId: string,
  slugs: readonly string[],
): Promise<Map<string, RemoteItem>> {
  const found = new Map<string, RemoteItem>();
  if (slugs.length === 0) return found;
  const wanted = new Set(slugs);
  if (slugs.length <= 3) {
    const lists = await Promise.all(slugs.map((slug) => client.listItems(collectionId, { slug })));
    for (const item of lists.flat()) if (wanted.has(item.slug)) found.set(item.slug, item);
  } else {
    for (const item of await client.listItems(collectionId))
      if (wanted.has(item.slug)) found.set(item.slug, item);
  }
  return found;
}
