/** Creates items in batches, never twice (API-NOTES §2.2 #3/#4). */
import { setTimeout as sleep } from "node:timers/promises";
import { ItemRejectedError, WebflowApiError } from "../../errors.ts";
import type { ItemDraft } from "../../core/map-fields.ts";
import type { PlannedUpdate } from "../plan/plan-changes.ts";
import { chunk, type RemoteItem } from "../../webflow/client.ts";
import { namedRejections, problemsOf, rejection } from "./bisect.ts";
import { settleAll, entryFor, failAll, isAbortedSignal, toWrite, type ApplyContext } from "./context.ts";
import { adoptFound, findBySlugs } from "./remote-match.ts";

/** True when a failure leaves it unknown whether the request was applied, or says to try again later. */
export function isRetryLater(error: WebflowApiError): boolean {
  const { kind } = error.failure;
  return kind === "answer-lost" || kind === "unavailable" || kind === "rate-limited";
}

/** One batch on its way: where adopted items go, and how to finish an item that now holds its draft. */
interface CreateRound {
  context: ApplyContext;
  batch: readonly ItemDraft[];
  round: number;
  adopted: PlannedUpdate[];
}

/**
 * Creates items in batches, never twice: each batch is journaled as pending in the manifest
 * before it is sent; an answer that never came is settled by looking the slugs up, adopting
 * what exists and re-sending only what does not.
 */
export async function createItems(
  context: ApplyContext,
  drafts: readonly ItemDraft[],
): Promise<PlannedUpdate[]> {
  const adopted: PlannedUpdate[] = [];
  const groups = [
    drafts.filter((draft) => !draft.isDraft && !draft.isArchived),
    drafts.filter((draft) => draft.isDraft || draft.isArchived),
  ];
  await settleAll(
    groups.flatMap((group) =>
      chunk(group).map((batch) =>
        createBatch({ context, batch, round: 0, adopted }).catch((error: unknown) =>
          failAll(context, batch, "create", error),
        ),
      ),
    ),
  );
  return adopted;
}

function settle(context: ApplyContext, draft: ItemDraft, item: RemoteItem): void {
  context.entries[draft.slug] = entryFor(draft, item.itemId, item.isLive, item.lastUpdated);
  context.onWritten?.(draft);
  context.emit({
    collection: context.collectionName,
    file: draft.file,
    slug: draft.slug,
    action: "create",
    itemId: item.itemId,
    error: null,
  });
}

function adopt(state: CreateRound, draft: ItemDraft, item: RemoteItem): void {
  const { context, adopted } = state;
  adoptFound({ entries: context.entries, draft, item, adopted, onHeld: () => settle(context, draft, item) });
}

async function createBatch(state: CreateRound): Promise<void> {
  const { context, batch } = state;
  if (batch.length === 0 || isAbortedSignal(context)) return;
  const { client, collectionId, entries } = context;
  for (const draft of batch) {
    entries[draft.slug] = { ...entryFor(draft, "", false), digest: "", isPending: true };
  }
  await context.save();
  const isLive = !batch[0]?.isDraft && !batch[0]?.isArchived;
  let created: RemoteItem[];
  try {
    created = await client.createItems(
      collectionId,
      batch.map((draft) => toWrite(draft)),
      { isLive },
    );
  } catch (error) {
    if (!(error instanceof WebflowApiError)) throw error;
    if (isRetryLater(error)) return reconcile(state, error);
    if (problemsOf(error)) return onRejected(state, error);
    throw error;
  }
  const bySlug = new Map(created.map((item) => [item.slug, item]));
  const missing = batch.filter((draft) => !bySlug.has(draft.slug));
  if (missing.length > 0) {
    const found = await findBySlugs(
      client,
      collectionId,
      missing.map((draft) => draft.slug),
    );
    for (const [slug, item] of found) bySlug.set(slug, item);
  }
  for (const draft of batch) {
    const item = bySlug.get(draft.slug);
    if (item) settle(context, draft, item);
    else
      failAll(
        context,
        [draft],
        "create",
        new ItemRejectedError("Webflow accepted the create but the item cannot be found.", {
          location: { file: draft.file },
        }),
      );
  }
  await context.save();
}

/** The create may or may not have happened: look, adopt, and re-send only what is missing. */
async function reconcile(state: CreateRound, error: WebflowApiError): Promise<void> {
  const { context, batch, round } = state;
  const found = await findBySlugs(
    context.client,
    context.collectionId,
    batch.map((draft) => draft.slug),
  );
  for (const draft of batch) {
    const item = found.get(draft.slug);
    if (item) adopt(state, draft, item);
  }
  await context.save();
  const remaining = batch.filter((draft) => !found.has(draft.slug));
  if (remaining.length === 0) return;
  const maxRounds = context.maxCreateRounds ?? 8;
  if (round + 1 >= maxRounds) {
    failAll(
      context,
      remaining,
      "create",
      new WebflowApiError({
        endpoint: error.endpoint,
        status: error.status,
        message: `gave up after ${maxRounds} attempts: ${error.message}`,
        isTransient: true,
        failure: error.failure,
      }),
    );
    return;
  }
  const baseMs = context.retryBaseMs ?? 500;
  await sleep(Math.min(30_000, baseMs * 2 ** round) * (0.5 + Math.random() / 2));
  await createBatch({ ...state, batch: remaining, round: round + 1 });
}

/** Webflow refused the batch for its content: adopt items whose slug exists already, report bad items, send the rest. */
async function onRejected(state: CreateRound, error: WebflowApiError): Promise<void> {
  const { context, batch } = state;
  const takenSlugs = error.failure.kind === "rejected" ? error.failure.takenSlugs : undefined;
  if (takenSlugs) {
    const named = takenSlugs.length > 0 ? takenSlugs : batch.length === 1 ? [batch[0]?.slug ?? ""] : [];
    const found = await findBySlugs(context.client, context.collectionId, named);
    if (found.size > 0) {
      for (const draft of batch) {
        const item = found.get(draft.slug);
        if (item) adopt(state, draft, item);
      }
      await context.save();
      await createBatch({ ...state, batch: batch.filter((draft) => !found.has(draft.slug)) });
      return;
    }
  }
  const named =
    batch.length === 1
      ? new Map([[batch[0] as ItemDraft, [...(problemsOf(error) ?? [])]]])
      : namedRejections(batch, error);
  if (named) {
    for (const draft of named.keys()) delete context.entries[draft.slug];
    await context.save();
    for (const [draft, problems] of named)
      failAll(context, [draft], "create", rejection(draft, error, problems));
    await createBatch({ ...state, batch: batch.filter((draft) => !named.has(draft)) });
    return;
  }
  const middle = Math.ceil(batch.length / 2);
  await createBatch({ ...state, batch: batch.slice(0, middle) });
  await createBatch({ ...state, batch: batch.slice(middle) });
}
