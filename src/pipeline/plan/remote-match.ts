/**
 * The manifest is a cache: when it is missing (a fresh CI runner), when a create was cut short,
 * or with `--verify`, the collection is listed and its entries are matched with the site's
 * items by slug, so nothing is created twice.
 */
import { sealOf } from "../../core/item-id.ts";
import type { RemoteItem } from "../../webflow/client.ts";
import { holdsDraft } from "../apply/apply-plan.ts";
import type { CollectionRun } from "../discover/discover.ts";
import { slugOfLoaded } from "../prepare/prepare-files.ts";
import type { ManifestCollection } from "../record/manifest-store.ts";
import type { RunContext } from "../run-context.ts";
import type { ManifestEntry, SyncPlan } from "./plan-changes.ts";

/** Whether the collection's entries must be matched with the site before planning. */
export function needsRemoteMatch(state: ManifestCollection, isCold: boolean, isVerified: boolean): boolean {
  const hasPending = Object.values(state.items).some((entry) => entry.isPending || entry.itemId === "");
  return isCold || hasPending || isVerified;
}

/** Lists the collection and settles its entries with the site; gives the site's items by slug. */
export async function matchWithSite(
  context: RunContext,
  options: { run: CollectionRun; state: ManifestCollection; isCold: boolean },
): Promise<Map<string, RemoteItem>> {
  const { run, state } = options;
  const collectionId = run.config.collectionId;
  const entries = state.items;
  const remote = await context.client.listItems(collectionId);
  const remoteBySlug = new Map(remote.map((item) => [item.slug, item]));
  if (context.flags.isVerified) reconcileWithSite(entries, remote, remoteBySlug);
  for (const [slug, entry] of Object.entries(entries)) {
    if (!entry.isPending && entry.itemId !== "") continue;
    const item = remoteBySlug.get(slug);
    if (item) entries[slug] = adoptRemote(entry, item);
    else delete entries[slug];
  }
  if (options.isCold) adoptBySlug(run, entries, remote);
  const pending = context.pendingSlugs.get(collectionId);
  pending?.forEach((slug) => {
    if (entries[slug]?.itemId) pending.delete(slug);
  });
  return remoteBySlug;
}

/** A fresh manifest: every site item whose slug a file has becomes that file's entry. */
function adoptBySlug(
  run: CollectionRun,
  entries: Record<string, ManifestEntry>,
  remote: readonly RemoteItem[],
): void {
  const fileBySlug = new Map<string, string>();
  for (const file of run.files) {
    const slug = slugOfLoaded(file);
    if (slug !== undefined && !fileBySlug.has(slug)) fileBySlug.set(slug, file.path);
  }
  for (const item of remote) {
    const file = fileBySlug.get(item.slug);
    if (file === undefined) continue;
    entries[item.slug] = {
      itemId: item.itemId,
      digest: "",
      fields: {},
      file,
      isDraft: item.isDraft,
      isArchived: item.isArchived,
      isLive: item.isLive,
      lastUpdated: item.lastUpdated,
      seal: sealOf(item.slug, item.itemId),
    };
  }
}

/** A manifest entry pointing at the item found on the site; a blank digest makes the plan compare its content. */
function adoptRemote(entry: ManifestEntry, item: RemoteItem): ManifestEntry {
  return {
    ...entry,
    itemId: item.itemId,
    isLive: item.isLive,
    isDraft: item.isDraft,
    isArchived: item.isArchived,
    digest: "",
    isPending: false,
    lastUpdated: item.lastUpdated,
    seal: sealOf(item.slug, item.itemId),
  };
}

/**
 * `--verify`: the site is the truth. An entry whose item is gone is matched again by slug
 * (or dropped, so the item is created again); the plan then compares content with the site.
 */
function reconcileWithSite(
  entries: Record<string, ManifestEntry>,
  remote: readonly RemoteItem[],
  remoteBySlug: Map<string, RemoteItem>,
): void {
  const ids = new Set(remote.map((item) => item.itemId));
  for (const [slug, entry] of Object.entries(entries)) {
    if (entry.isPending || entry.itemId === "" || ids.has(entry.itemId)) continue;
    const item = remoteBySlug.get(slug);
    if (item) entries[slug] = adoptRemote(entry, item);
    else delete entries[slug];
  }
  // Content edited on the site: a blank digest makes the plan compare (settleColdMatches) and rewrite.
  for (const [slug, entry] of Object.entries(entries)) {
    const item = remoteBySlug.get(slug);
    if (item && item.itemId === entry.itemId && entry.digest !== "") entries[slug] = { ...entry, digest: "" };
  }
}

/** Items matched on the site by slug (cold manifest) that already hold the file's content need no write. */
export function settleColdMatches(
  plan: SyncPlan,
  remoteBySlug: Map<string, RemoteItem>,
  entries: Record<string, ManifestEntry>,
  isForced: boolean,
): void {
  if (remoteBySlug.size === 0 || isForced) return;
  plan.update = plan.update.filter((update) => {
    if (update.previous.digest !== "") return true;
    const remote = remoteBySlug.get(update.previousSlug);
    if (!remote || update.previousSlug !== update.draft.slug || !holdsDraft(remote, update.draft))
      return true;
    entries[update.draft.slug] = {
      ...update.previous,
      digest: update.draft.digest,
      fields: update.draft.fieldDigests,
      file: update.draft.file,
      isDraft: update.draft.isDraft,
      isArchived: update.draft.isArchived,
    };
    plan.unchanged.push(update.draft);
    return false;
  });
}
