import { setTimeout as sleep } from "node:timers/promises";
import { ItemRejectedError, WebflowApiError } from "../../errors.ts";
import type { ItemDraft } from "../../core/map-fields.ts";
import type { ManifestEntry, PlannedUpdate } from "../plan/plan-changes.ts";
import type { RemoteItem } from "../../webflow/client.ts";
import { chunk } from "../../webflow/client.ts";
import { problemsOf } from "./bisect.ts";
import { entryFor, settleAll, type ApplyContext } from "./context.ts";
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
      .map((batch) => createBatch(context, batch, cmsLocaleIds, adopted, 0)),
  );
  return adopted;
}

async function createBatch(
  context: ApplyContext,
  batch: readonly ItemDraft[],
  cmsLocaleIds: readonly string[],
  adopted: PlannedUpdate[],
  round: number,
): Promise<void> {
  if (batch.length === 0 || context.signal?.aborted) return;
  const { client, collectionId, entries } = context;
  const record = (draft: ItemDraft, itemId: string, isLive: boolean) => {
    entries[draft.slug] = entryFor(draft, itemId, isLive);
    context.onWritten?.(draft);
  };
  const fail = (draft: ItemDraft, error: unknown) => {
    context.emit({
      collection: context.collectionName,
      file: draft.file,
      slug: draft.slug,
      action: "create",
      itemId: null,
      error: error instanceof Error ? error.message : String(error),
    });
  };
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
    const found = await findBySlugs(
      client,
      collectionId,
      batch.map((draft) => draft.slug),
    );
    const adopt = (draft: ItemDraft, item: RemoteItem) =>
      adoptFound({ entries, draft, item, adopted, onHeld: () => record(draft, item.itemId, item.isLive) });
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
        fail(
          draft,
          new ItemRejectedError(`Webflow rejected the item: ${error.message}`, {
            location: { file: draft.file },
          }),
        );
        return;
      }
      const middle = Math.ceil(remaining.length / 2);
      await createBatch(context, remaining.slice(0, middle), cmsLocaleIds, adopted, round);
      await createBatch(context, remaining.slice(middle), cmsLocaleIds, adopted, round);
      return;
    }
    if (round >= (context.maxCreateRounds ?? 8) - 1) {
      for (const draft of remaining) fail(draft, error);
      return;
    }
    await sleep(Math.min(30_000, (context.retryBaseMs ?? 500) * 2 ** round) * (0.5 + Math.random() / 2));
    await createBatch(context, remaining, cmsLocaleIds, adopted, round + 1);
    return;
  }
  const toPublish = batch.filter((draft) => !draft.isDraft && !draft.isArchived && created.has(draft.slug));
  let published = new Set<string>();
  if (toPublish.length > 0) {
    try {
      const result = await client.publishItems(
        collectionId,
        toPublish.map((draft) => ({
          itemId: created.get(draft.slug) as string,
          cmsLocaleIds: [...cmsLocaleIds],
        })),
      );
      published = new Set(result.published);
    } catch (error) {
      if (!(error instanceof WebflowApiError)) throw error;
    }
  }
  for (const draft of batch) {
    const itemId = created.get(draft.slug);
    if (!itemId) {
      fail(
        draft,
        new ItemRejectedError("Webflow accepted the create but the item cannot be found.", {
          location: { file: draft.file },
        }),
      );
      continue;
    }
    const shouldBeLive = !draft.isDraft && !draft.isArchived;
    record(draft, itemId, published.has(itemId));
    if (shouldBeLive && !published.has(itemId)) {
      // Recorded as not live with the right content: the next run publishes it through the update path.
      entries[draft.slug] = { ...(entries[draft.slug] as ManifestEntry), digest: "" };
      fail(
        draft,
        new ItemRejectedError("The item was created but Webflow did not publish it; the next sync retries.", {
          location: { file: draft.file },
        }),
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

/**
 * Writes translated variants: staged PATCH with `cmsLocaleId`, then publish in that locale.
 * Going through staged + publish avoids the live PATCH 409 for variants never published.
 */
export async function writeLocaleVariants(
  context: ApplyContext,
  writes: readonly LocaleWrite[],
  onWritten: (write: LocaleWrite) => void,
): Promise<void> {
  const { client, collectionId } = context;
  for (const batch of chunk(writes)) {
    if (context.signal?.aborted) return;
    try {
      await client.updateItems(
        collectionId,
        batch.map((write) => {
          const fieldData = { ...write.draft.fieldData };
          return {
            itemId: write.itemId,
            cmsLocaleId: write.cmsLocaleId,
            fieldData,
            isDraft: write.draft.isDraft,
            isArchived: write.draft.isArchived,
          };
        }),
        { isLive: false },
      );
      const live = batch.filter((write) => !write.draft.isDraft && !write.draft.isArchived);
      if (live.length > 0)
        await client.publishItems(
          collectionId,
          live.map((write) => ({ itemId: write.itemId, cmsLocaleIds: [write.cmsLocaleId] })),
        );
      for (const write of batch) {
        onWritten(write);
        context.emit({
          collection: `${context.collectionName}[${write.tag}]`,
          file: write.draft.file,
          slug: write.draft.slug,
          action: "update",
          itemId: write.itemId,
          error: null,
        });
      }
      await context.save();
    } catch (error) {
      if (!(error instanceof WebflowApiError)) throw error;
      for (const write of batch) {
        const hint =
          error.failure.kind === "not-found"
            ? " (Webflow cannot add a locale to an item created before the locale existed; recreate the item)"
            : "";
        context.emit({
          collection: `${context.collectionName}[${write.tag}]`,
          file: write.draft.file,
          slug: write.draft.slug,
          action: "update",
          itemId: write.itemId,
          error: `${error.message}${hint}`,
        });
      }
    }
  }
}
