/** Writes of localised collections: creates in every locale at once, and translated variants. */
import { setTimeout as sleep } from "node:timers/promises";
import { ItemRejectedError, WebflowApiError, WfSyncError, type ItemProblem } from "../../errors.ts";
import type { ItemDraft } from "../../core/map-fields.ts";
import type { ManifestEntry, PlannedUpdate } from "../plan/plan-changes.ts";
import { chunk, type PublishResult, type RemoteItem } from "../../webflow/client.ts";
import { problemsOf, rejection, sendBisecting } from "./bisect.ts";
import { entryFor, errorText, settleAll, type ApplyContext } from "./context.ts";
import { adoptFound, findBySlugs } from "./remote-match.ts";

/** One translated variant to write: the merged draft and the item it belongs to. */
export interface LocaleWrite {
  tag: string;
  cmsLocaleId: string;
  itemId: string;
  /** Slug of the primary item (the anchor). */
  anchor: string;
  draft: ItemDraft;
}

/** A batch of localised creates on its way. */
interface LocalizedRound {
  context: ApplyContext;
  batch: readonly ItemDraft[];
  cmsLocaleIds: readonly string[];
  adopted: PlannedUpdate[];
  round: number;
}

/**
 * Creates items of a localised collection in every locale at once (POST …/items/bulk):
 * Webflow cannot add a locale to an item after it exists (API-NOTES §6). Items that are not
 * drafts are then published in every locale. Same never-twice rules as plain creates: the
 * batch is journaled as pending first, and an unknown outcome is settled by slug.
 */
export async function createLocalizedItems(
  context: ApplyContext,
  drafts: readonly ItemDraft[],
  cmsLocaleIds: readonly string[],
): Promise<PlannedUpdate[]> {
  const adopted: PlannedUpdate[] = [];
  // One bulk request carries one isDraft/isArchived pair, so drafts and archived items go in batches of their own.
  const groups = new Map<string, ItemDraft[]>();
  for (const draft of drafts) {
    const key = `${draft.isDraft} ${draft.isArchived}`;
    groups.set(key, [...(groups.get(key) ?? []), draft]);
  }
  await settleAll(
    [...groups.values()]
      .flatMap((group) => chunk(group))
      .map((batch) => createBatch({ context, batch, cmsLocaleIds, adopted, round: 0 })),
  );
  return adopted;
}

function record(context: ApplyContext, draft: ItemDraft, itemId: string, isLive: boolean): void {
  context.entries[draft.slug] = entryFor(draft, itemId, isLive);
  context.onWritten?.(draft);
}

function failCreate(context: ApplyContext, draft: ItemDraft, error: unknown): void {
  context.emit({
    collection: context.collectionName,
    file: draft.file,
    slug: draft.slug,
    action: "create",
    itemId: null,
    error: errorText(error),
    cause: error instanceof WfSyncError ? error : undefined,
  });
}

async function createBatch(state: LocalizedRound): Promise<void> {
  const { context, batch, cmsLocaleIds } = state;
  if (batch.length === 0 || context.signal?.aborted) return;
  const { client, collectionId, entries } = context;
  for (const draft of batch) {
    entries[draft.slug] = {
      itemId: "",
      digest: "",
      fields: {},
      file: draft.file,
      isDraft: draft.isDraft,
      isArchived: draft.isArchived,
      isLive: false,
      isPending: true,
    };
  }
  await context.save();
  let created: Map<string, string>;
  try {
    const items = await client.createItemsInLocales(
      collectionId,
      batch.map((draft) => ({
        fieldData: draft.fieldData,
        isDraft: draft.isDraft,
        isArchived: draft.isArchived,
      })),
      cmsLocaleIds,
    );
    created = new Map(items.map((item) => [item.slug, item.itemId]));
    const missing = batch.filter((draft) => !created.has(draft.slug)).map((draft) => draft.slug);
    for (const [slug, item] of await findBySlugs(client, collectionId, missing))
      created.set(slug, item.itemId);
  } catch (error) {
    if (!(error instanceof WebflowApiError)) throw error;
    await onCreateFailed(state, error);
    return;
  }
  await publishCreated(state, created);
}

/** The bulk create failed: adopt what exists, isolate items Webflow refused, retry the rest later. */
async function onCreateFailed(state: LocalizedRound, error: WebflowApiError): Promise<void> {
  const { context, batch, cmsLocaleIds, round } = state;
  const { client, collectionId, entries } = context;
  const found = await findBySlugs(
    client,
    collectionId,
    batch.map((draft) => draft.slug),
  );
  const adopt = (draft: ItemDraft, item: RemoteItem) =>
    adoptFound({
      entries,
      draft,
      item,
      adopted: state.adopted,
      onHeld: () => record(context, draft, item.itemId, item.isLive),
    });
  for (const draft of batch) {
    const item = found.get(draft.slug);
    if (item) adopt(draft, item);
  }
  const remaining = batch.filter((draft) => !found.has(draft.slug));
  await context.save();
  if (remaining.length === 0) return;
  if (problemsOf(error)) {
    if (remaining.length === 1) {
      const draft = remaining[0] as ItemDraft;
      delete entries[draft.slug];
      await context.save();
      failCreate(context, draft, rejection(draft, error));
      return;
    }
    const middle = Math.ceil(remaining.length / 2);
    await createBatch({ ...state, batch: remaining.slice(0, middle) });
    await createBatch({ ...state, batch: remaining.slice(middle) });
    return;
  }
  if (round >= (context.maxCreateRounds ?? 8) - 1) {
    for (const draft of remaining) failCreate(context, draft, error);
    return;
  }
  await sleep(Math.min(30_000, (context.retryBaseMs ?? 500) * 2 ** round) * (0.5 + Math.random() / 2));
  await createBatch({ ...state, batch: remaining, cmsLocaleIds, round: round + 1 });
}

/** Publishes the created items that are to be shown, in every locale, and records the batch. */
async function publishCreated(state: LocalizedRound, created: ReadonlyMap<string, string>): Promise<void> {
  const { context, batch, cmsLocaleIds } = state;
  const toPublish = batch.filter((draft) => !draft.isDraft && !draft.isArchived && created.has(draft.slug));
  let result: PublishResult = { published: [], failed: [] };
  if (toPublish.length > 0) {
    try {
      result = await context.client.publishItems(
        context.collectionId,
        toPublish.map((draft) => ({ itemId: created.get(draft.slug) as string, cmsLocaleIds })),
      );
    } catch (error) {
      if (!(error instanceof WebflowApiError)) throw error;
    }
  }
  const published = new Set(result.published);
  for (const draft of batch) {
    const itemId = created.get(draft.slug);
    if (!itemId) {
      failCreate(
        context,
        draft,
        new ItemRejectedError("Webflow accepted the create but the item cannot be found.", {
          location: { file: draft.file },
        }),
      );
      continue;
    }
    const shouldBeLive = !draft.isDraft && !draft.isArchived;
    record(context, draft, itemId, published.has(itemId));
    if (shouldBeLive && !published.has(itemId)) {
      // Recorded as not live with the right content: the next run publishes it through the update path.
      context.entries[draft.slug] = { ...(context.entries[draft.slug] as ManifestEntry), digest: "" };
      const reason = publishFailureOf(result, itemId);
      failCreate(
        context,
        draft,
        new ItemRejectedError(
          `The item was created but Webflow did not publish it${reason ? ` (${reason})` : ""}; the next sync retries.`,
          { location: { file: draft.file } },
        ),
      );
      continue;
    }
    context.emit({
      collection: context.collectionName,
      file: draft.file,
      slug: draft.slug,
      action: "create",
      itemId,
      error: null,
    });
  }
  await context.save();
}

/** What Webflow said about not publishing `itemId` (its own errors, else all of them). */
function publishFailureOf(result: PublishResult, itemId: string): string {
  const own = result.failed.filter((failure) => failure.itemId === itemId);
  return (own.length > 0 ? own : result.failed).map((failure) => failure.reason).join("; ");
}

function variantResult(context: ApplyContext, write: LocaleWrite, error: unknown) {
  return {
    collection: `${context.collectionName}[${write.tag}]`,
    file: write.draft.file,
    slug: write.draft.slug,
    action: "update" as const,
    itemId: write.itemId,
    error: error === null ? null : errorText(error),
    cause: error instanceof WfSyncError ? error : undefined,
  };
}

/**
 * Writes translated variants: staged PATCH with `cmsLocaleId`, then publish in that locale, so
 * both copies hold the same content (and no live PATCH 409 for variants never published). A
 * variant that turns into a draft (or is archived) is unpublished in its locale instead: isDraft
 * alone no longer takes it off the site (API-NOTES §2.4). Variants Webflow refuses fail alone.
 */
export async function writeLocaleVariants(
  context: ApplyContext,
  writes: readonly LocaleWrite[],
  onWritten: (write: LocaleWrite) => void,
): Promise<void> {
  const reject = (write: LocaleWrite, error: WebflowApiError, problems: readonly ItemProblem[]) =>
    context.emit(variantResult(context, write, rejection(write.draft, error, problems)));
  for (const batch of chunk(writes)) {
    if (context.signal?.aborted) return;
    try {
      await sendBisecting(batch, (part) => writeVariants(context, part, onWritten), reject);
    } catch (error) {
      if (!(error instanceof WebflowApiError)) throw error;
      const hint =
        error.failure.kind === "not-found"
          ? " (Webflow cannot add a locale to an item created before the locale existed; recreate the item)"
          : "";
      for (const write of batch)
        context.emit({ ...variantResult(context, write, error), error: `${error.message}${hint}` });
    }
  }
}

async function writeVariants(
  context: ApplyContext,
  part: readonly LocaleWrite[],
  onWritten: (write: LocaleWrite) => void,
): Promise<void> {
  const { client, collectionId } = context;
  await client.updateItems(
    collectionId,
    part.map((write) => ({
      itemId: write.itemId,
      cmsLocaleId: write.cmsLocaleId,
      fieldData: { ...write.draft.fieldData },
      isDraft: write.draft.isDraft,
      isArchived: write.draft.isArchived,
    })),
    { isLive: false },
  );
  const isShown = (write: LocaleWrite) => !write.draft.isDraft && !write.draft.isArchived;
  const shown = part.filter(isShown);
  const result: PublishResult =
    shown.length > 0
      ? await client.publishItems(
          collectionId,
          shown.map((write) => ({ itemId: write.itemId, cmsLocaleIds: [write.cmsLocaleId] })),
        )
      : { published: [], failed: [] };
  const hidden = part.filter((write) => !isShown(write));
  for (const [cmsLocaleId, writes] of groupByLocale(hidden))
    await client.unpublishItems(
      collectionId,
      writes.map((write) => write.itemId),
      { cmsLocaleIds: [cmsLocaleId] },
    );
  const published = new Set(result.published);
  for (const write of part) {
    if (isShown(write) && !published.has(write.itemId)) {
      // Not recorded: the next run writes and publishes this variant again.
      const reason = publishFailureOf(result, write.itemId) || "no reason given";
      const error = new ItemRejectedError(`Webflow did not publish the ${write.tag} variant: ${reason}`, {
        location: { file: write.draft.file },
      });
      context.emit(variantResult(context, write, error));
      continue;
    }
    onWritten(write);
    context.emit(variantResult(context, write, null));
  }
  await context.save();
}

function groupByLocale(writes: readonly LocaleWrite[]): Map<string, LocaleWrite[]> {
  const groups = new Map<string, LocaleWrite[]>();
  for (const write of writes)
    groups.set(write.cmsLocaleId, [...(groups.get(write.cmsLocaleId) ?? []), write]);
  return groups;
}
