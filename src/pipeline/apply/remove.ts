/** Carries out `onDelete` for items whose file is gone. Items wf-sync never created are never here. */
import { AuthError, InterruptedError, WebflowApiError, WfSyncError } from "../../errors.ts";
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
      if (error instanceof AuthError) throw error;
      if (error instanceof InterruptedError) return;
      for (const removal of batch) emit(removal, policy, error);
    }
  }
}

/**
 * Removes a batch. Some items may be gone already (removed by hand, or by a run killed before it
 * saved): they need nothing more; the others are removed. Returns the batch, gone ones first.
 */
async function removeSkippingGone(
  context: ApplyContext,
  batch: readonly PlannedRemoval[],
  policy: Exclude<Policy, "keep">,
): Promise<readonly PlannedRemoval[]> {
  try {
    await removeBatch(context, batch, policy);
    return batch;
  } catch (error) {
    if (!(error instanceof WebflowApiError) || error.failure.kind !== "not-found") throw error;
  }
  const { client, collectionId, entries } = context;
  const existing = new Set((await client.listItems(collectionId)).map((item) => item.itemId));
  const gone = batch.filter((removal) => !existing.has(removal.entry.itemId));
  for (const removal of gone) delete entries[removal.slug];
  const rest = batch.filter((removal) => existing.has(removal.entry.itemId));
  await removeBatch(context, rest, policy);
  return [...gone, ...rest];
}

async function removeBatch(
  context: ApplyContext,
  batch: readonly PlannedRemoval[],
  policy: Exclude<Policy, "keep">,
): Promise<void> {
  if (batch.length === 0) return;
  const { client, collectionId, entries } = context;
  const live = batch.filter((removal) => removal.entry.isLive).map((removal) => removal.entry.itemId);
  if (policy === "unpublish") {
    if (live.length > 0) await client.unpublishItems(collectionId, live);
    for (const removal of batch) entries[removal.slug] = { ...removal.entry, isLive: false, isDraft: true };
  } else if (policy === "archive") {
    const toArchive = batch.filter((removal) => !removal.entry.isArchived);
    if (toArchive.length > 0) {
      await client.updateItems(
        collectionId,
        toArchive.map((removal) => ({ itemId: removal.entry.itemId, fieldData: {}, isArchived: true })),
        { isLive: false },
      );
    }
    if (live.length > 0) await client.unpublishItems(collectionId, live);
    for (const removal of batch)
      entries[removal.slug] = { ...removal.entry, isLive: false, isArchived: true };
  } else {
    if (live.length > 0) await client.unpublishItems(collectionId, live);
    await client.deleteItems(
      collectionId,
      batch.map((removal) => removal.entry.itemId),
    );
    for (const removal of batch) delete entries[removal.slug];
  }
}
