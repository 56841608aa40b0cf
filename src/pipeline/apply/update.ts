/**
 * Updates items. An update sets fields to given values, so repeating one is harmless: the
 * client retries them freely. Every route writes the staged copy first, so that staged and live
 * hold the same content afterwards (docs/webflow-model.md):
 * - live items: staged PATCH, then live PATCH with the same fieldData (a live PATCH alone leaves
 *   the staged copy stale, CL-2405); one Webflow calls never published (409) was unpublished
 *   there since wf-sync published it: drift, published again only with `--overwrite`;
 * - items not live: staged PATCH, then `POST …/items/publish`;
 * - drafts and archived items: staged PATCH, then unpublished in every locale if they were live
 *   (isDraft alone no longer takes an item down, API-NOTES §2.4).
 */
import { driftError } from "../plan/drift.ts";
import { DriftError, ItemRejectedError, WebflowApiError, type ItemProblem } from "../../errors.ts";
import type { ItemDraft } from "../../core/map-fields.ts";
import type { PlannedUpdate } from "../plan/plan-changes.ts";
import { chunk, type ItemWrite, type RemoteItem } from "../../webflow/client.ts";
import { rejection, sendBisecting } from "./bisect.ts";
import { entryFor, failAll, isAbortedSignal, settleAll, type ApplyContext } from "./context.ts";
import { createItems } from "./create.ts";
import { findBySlugs } from "./remote-match.ts";

type Route = "live" | "publish" | "hidden";

export async function updateItems(context: ApplyContext, updates: readonly PlannedUpdate[]): Promise<void> {
  const isShown = (update: PlannedUpdate) => !update.draft.isDraft && !update.draft.isArchived;
  const routes: Array<[Route, PlannedUpdate[]]> = [
    ["live", updates.filter((update) => isShown(update) && update.previous.isLive)],
    ["publish", updates.filter((update) => isShown(update) && !update.previous.isLive)],
    ["hidden", updates.filter((update) => !isShown(update))],
  ];
  const jobs = routes.flatMap(([route, group]) => chunk(group).map((batch) => ({ route, batch })));
  await settleAll(
    jobs.map(({ route, batch }) => {
      if (isAbortedSignal(context)) return Promise.resolve();
      return sendUpdates(context, batch, route).catch((error: unknown) =>
        failAll(
          context,
          batch.map((update) => update.draft),
          "update",
          error,
        ),
      );
    }),
  );
}

function updateWrite(update: PlannedUpdate, extra: Partial<ItemWrite>): ItemWrite {
  const fieldData = { ...update.draft.fieldData };
  // Re-sending an unchanged slug has been seen to trip the uniqueness check (API-NOTES §1.7).
  if (update.previousSlug === update.draft.slug) delete fieldData["slug"];
  return { itemId: update.previous.itemId, fieldData, isArchived: update.draft.isArchived, ...extra };
}

/**
 * Records written updates in the manifest, reports them, and saves. `answered` holds the items
 * as the last write returned them, when it was one that returns items (for their `lastUpdated`).
 */
async function done(
  context: ApplyContext,
  updates: readonly PlannedUpdate[],
  isLive: boolean,
  answered: readonly RemoteItem[] = [],
): Promise<void> {
  const { entries } = context;
  const lastUpdated = new Map(answered.map((item) => [item.itemId, item.lastUpdated]));
  for (const update of updates) {
    if (update.previousSlug !== update.draft.slug) delete entries[update.previousSlug];
    const itemId = update.previous.itemId;
    entries[update.draft.slug] = entryFor(update.draft, itemId, isLive, lastUpdated.get(itemId));
    context.onWritten?.(update.draft);
    context.emit({
      collection: context.collectionName,
      file: update.draft.file,
      slug: update.draft.slug,
      action: "update",
      itemId: update.previous.itemId,
      error: null,
      changedFields: update.changedFields,
      changes: update.changes,
      ...(update.url ? { url: update.url } : {}),
    });
  }
  await context.save();
}

/** Staged PATCH of items that are to be shown: the first half of both publishing routes. */
async function writeStaged(context: ApplyContext, updates: readonly PlannedUpdate[]): Promise<RemoteItem[]> {
  return context.client.updateItems(
    context.collectionId,
    updates.map((update) => updateWrite(update, { isDraft: false })),
    { isLive: false },
  );
}

/** `POST …/items/publish` of items whose staged copy was just written: the way for items never published. */
async function publishStaged(context: ApplyContext, updates: readonly PlannedUpdate[]): Promise<void> {
  const { client, collectionId } = context;
  const result = await client.publishItems(
    collectionId,
    updates.map((update) => ({ itemId: update.previous.itemId })),
  );
  const published = new Set(result.published);
  await done(
    context,
    updates.filter((update) => published.has(update.previous.itemId)),
    true,
  );
  for (const update of updates) {
    if (published.has(update.previous.itemId)) continue;
    const reasons = result.failed.filter((failure) => failure.itemId === update.previous.itemId);
    const said = (reasons.length > 0 ? reasons : result.failed).map((failure) => failure.reason).join("; ");
    failAll(
      context,
      [update.draft],
      "update",
      new ItemRejectedError(`Webflow did not publish the item: ${said || "no reason given"}`, {
        location: { file: update.draft.file },
      }),
    );
  }
}

/**
 * The live PATCH of items whose staged copy was just written. An item wf-sync had published
 * that Webflow now calls never published (409) was unpublished there by someone: halves are
 * tried until it is found, and it fails as drift instead of going live again, unless
 * `--overwrite`, which publishes it.
 */
async function writeLive(
  context: ApplyContext,
  part: readonly PlannedUpdate[],
  staged: readonly RemoteItem[],
): Promise<void> {
  try {
    const answered = await context.client.updateItems(
      context.collectionId,
      part.map((update) => updateWrite(update, { isDraft: false })),
      { isLive: true },
    );
    await done(context, part, true, answered);
  } catch (error) {
    if (!(error instanceof WebflowApiError) || error.failure.kind !== "never-published") throw error;
    if (context.isOverwrite) return publishStaged(context, part);
    const [only] = part;
    if (part.length === 1 && only) return unpublishedInWebflow(context, only, staged);
    const middle = Math.ceil(part.length / 2);
    await writeLive(context, part.slice(0, middle), staged);
    await writeLive(context, part.slice(middle), staged);
  }
}

/**
 * An item unpublished in Webflow since wf-sync published it: its staged copy now holds the
 * file's version, but it stays off the live site and fails as drift. The manifest records
 * that write (so no edit of the staged copy is mistaken for the editor's) without its digest,
 * so every run reports it again until `--overwrite` publishes it.
 */
async function unpublishedInWebflow(
  context: ApplyContext,
  update: PlannedUpdate,
  staged: readonly RemoteItem[],
): Promise<void> {
  const { itemId } = update.previous;
  const lastUpdated = staged.find((item) => item.itemId === itemId)?.lastUpdated;
  if (update.previousSlug !== update.draft.slug) delete context.entries[update.previousSlug];
  context.entries[update.draft.slug] = { ...entryFor(update.draft, itemId, true, lastUpdated), digest: "" };
  await context.save();
  failAll(
    context,
    [update.draft],
    "update",
    new DriftError(
      "the item was unpublished in Webflow since wf-sync last published it; its staged copy now holds the file's version, but it was not published again.",
      {
        location: { file: update.draft.file },
        hint: "Run `wf-sync sync --overwrite` to publish it again, or remove the file (or set `draft: true`) to keep it off the site.",
      },
    ),
  );
}

/** Sends one part of a batch by its route. */
async function sendPart(context: ApplyContext, part: readonly PlannedUpdate[], route: Route): Promise<void> {
  const { client, collectionId } = context;
  if (route === "live") {
    // Staged first: the live PATCH then publishes the same content, and the item ends
    // "Published" rather than with changes pending (lastPublished after lastUpdated).
    const staged = await writeStaged(context, part);
    await writeLive(context, part, staged);
  } else if (route === "publish") {
    await writeStaged(context, part);
    await publishStaged(context, part);
  } else {
    await client.updateItems(
      collectionId,
      part.map((update) => updateWrite(update, { isDraft: update.draft.isDraft })),
      { isLive: false },
    );
    const wasLive = part.filter((update) => update.previous.isLive).map((update) => update.previous.itemId);
    if (wasLive.length > 0)
      await client.unpublishItems(collectionId, wasLive, { cmsLocaleIds: context.cmsLocaleIds });
    await done(context, part, false);
  }
}

async function sendUpdates(
  context: ApplyContext,
  batch: readonly PlannedUpdate[],
  route: Route,
): Promise<void> {
  if (batch.length === 0 || isAbortedSignal(context)) return;
  const reject = (update: PlannedUpdate, error: WebflowApiError, problems: readonly ItemProblem[]) =>
    failAll(context, [update.draft], "update", rejection(update.draft, error, problems));
  try {
    await sendBisecting(batch, (part) => sendPart(context, part, route), reject);
  } catch (error) {
    if (error instanceof WebflowApiError && error.failure.kind === "not-found") {
      await recoverMissing(context, batch, route);
      return;
    }
    throw error;
  }
}

/** Some items of an update batch are gone from the site (deleted by hand): re-create those, update the rest. */
async function recoverMissing(
  context: ApplyContext,
  batch: readonly PlannedUpdate[],
  route: Route,
): Promise<void> {
  const found = await findBySlugs(
    context.client,
    context.collectionId,
    batch.map((update) => update.previousSlug),
  );
  const present: PlannedUpdate[] = [];
  const gone: ItemDraft[] = [];
  for (const update of batch) {
    const item = found.get(update.previousSlug);
    if (item)
      present.push({ ...update, previous: { ...update.previous, itemId: item.itemId, isLive: item.isLive } });
    else gone.push(update.draft);
  }
  if (!context.isOverwrite) {
    // Deleted in Webflow since wf-sync wrote it: drift, never re-created silently.
    for (const draft of gone) {
      const drift = { lastUpdated: "", slug: draft.slug, fields: {}, isDeleted: true };
      failAll(context, [draft], "update", driftError(draft.file, drift, false));
    }
    if (present.length > 0) await sendUpdates(context, present, route);
    return;
  }
  for (const draft of gone) delete context.entries[draft.slug];
  if (gone.length > 0) {
    const adopted = await createItems(context, gone);
    if (adopted.length > 0) await updateItems(context, adopted);
  }
  if (present.length > 0) await sendUpdates(context, present, route);
}
