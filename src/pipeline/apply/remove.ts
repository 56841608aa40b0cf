/** Carries out `onDelete` for items whose file is gone. Items wf-sync never created are never here. */
import { AuthError, InterruptedError, LocalFileError, WebflowApiError, WfSyncError } from "../../errors.ts";
import type { PlannedRemoval } from "../plan/plan-changes.ts";
import { chunk } from "../../webflow/client.ts";
import { errorText, isAbortedSignal, type ApplyContext, type ItemAction } from "./context.ts";

type Policy = "keep" | "unpublish" | "archive" | "delete";

export async function removeItems(
  context: ApplyContext,
  removals: readonly PlannedRemoval[],
  policy: Policy,
): Promise<void> {
  const emit = (removal: PlannedRemoval, action: ItemAction, error: unknown = null) =>
    context.emit({
      collection: context.collectionName,
      file: removal.entry.file,
      slug: removal.slug,
      action,
      itemId: removal.entry.itemId,
      error: error === null ? null : errorText(error),
      cause: error instanceof WfSyncError ? error : undefined,
    });
  if (policy === "keep") {
    for (const removal of removals) emit(removal, "keep");
    return;
  }
  for (const batch of chunk(removals)) {
    if (isAbortedSignal(context)) return;
    try {
      const removed = await removeSkippingGone(context, batch, policy);
      await context.save();
      for (const removal of removed) emit(removal, policy);
    } catch (error) {
      if (error instanceof AuthError || error instanceof LocalFileError) throw error;
      if (error instanceof InterruptedError) return;
      for (const removal of batch) emit(removal, policy, error);
    }
  }
}

/**
 * Removes a batch in every locale of the collection. Some items may be gone already (removed by
 * hand, or by a run killed before it saved), or lack a locale (created before it was added):
 * then one listing per locale tells where each item exists; gone ones need nothing more, the
 * others are removed where they exist. Returns the batch, gone ones first.
 */
async function removeSkippingGone(
  context: ApplyContext,
  batch: readonly PlannedRemoval[],
  policy: Exclude<Policy, "keep">,
): Promise<readonly PlannedRemoval[]> {
  const allLocales = context.cmsLocaleIds?.length ? context.cmsLocaleIds : undefined;
  try {
    await removeBatch(context, batch, policy, allLocales);
    return batch;
  } catch (error) {
    if (!(error instanceof WebflowApiError) || error.failure.kind !== "not-found") throw error;
  }
  const { client, collectionId, entries } = context;
  const localesOf = new Map<string, string[]>();
  for (const cmsLocaleId of allLocales ?? [""]) {
    const items = await client.listItems(collectionId, cmsLocaleId ? { cmsLocaleId } : {});
    for (const item of items)
      localesOf.set(item.itemId, [...(localesOf.get(item.itemId) ?? []), cmsLocaleId]);
  }
  const gone = batch.filter((removal) => !localesOf.has(removal.entry.itemId));
  for (const removal of gone) delete entries[removal.slug];
  const groups = new Map<string, PlannedRemoval[]>();
  for (const removal of batch) {
    const key = localesOf.get(removal.entry.itemId)?.join(",");
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), removal]);
  }
  for (const [key, group] of groups)
    await removeBatch(context, group, policy, allLocales ? key.split(",") : undefined);
  return [...gone, ...[...groups.values()].flat()];
}

async function removeBatch(
  context: ApplyContext,
  batch: readonly PlannedRemoval[],
  policy: Exclude<Policy, "keep">,
  cmsLocaleIds: readonly string[] | undefined,
): Promise<void> {
  if (batch.length === 0) return;
  const { client, collectionId, entries } = context;
  const locales = { cmsLocaleIds };
  const live = batch.filter((removal) => removal.entry.isLive).map((removal) => removal.entry.itemId);
  if (policy === "unpublish") {
    if (live.length > 0) await client.unpublishItems(collectionId, live, locales);
    for (const removal of batch) entries[removal.slug] = { ...removal.entry, isLive: false, isDraft: true };
  } else if (policy === "archive") {
    const toArchive = batch.filter((removal) => !removal.entry.isArchived);
    if (toArchive.length > 0) {
      // Archiving is a staged write per locale variant (API-NOTES §2.3 #6: cmsLocaleId per element).
      const writes = toArchive.flatMap((removal) =>
        (cmsLocaleIds ?? [undefined]).map((cmsLocaleId) => ({
          itemId: removal.entry.itemId,
          ...(cmsLocaleId ? { cmsLocaleId } : {}),
          fieldData: {},
          isArchived: true,
        })),
      );
      for (const part of chunk(writes)) await client.updateItems(collectionId, part, { isLive: false });
    }
    if (live.length > 0) await client.unpublishItems(collectionId, live, locales);
    for (const removal of batch)
      entries[removal.slug] = { ...removal.entry, isLive: false, isArchived: true };
  } else {
    if (live.length > 0) await client.unpublishItems(collectionId, live, locales);
    await client.deleteItems(
      collectionId,
      batch.map((removal) => removal.entry.itemId),
      locales,
    );
    for (const removal of batch) delete entries[removal.slug];
  }
}
