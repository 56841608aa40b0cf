import { setTimeout as sleep } from "node:timers/promises";
import {
  AuthError,
  InterruptedError,
  ItemRejectedError,
  WebflowApiError,
  WfSyncError,
} from "../../errors.ts";
import type { ItemDraft } from "../../core/map-fields.ts";
import type { ManifestEntry, PlannedRemoval, PlannedUpdate } from "../plan/plan-changes.ts";
import { canonicalJson } from "../../core/digest.ts";
import type { ItemWrite, RemoteItem, WebflowClient } from "../../webflow/client.ts";

/** Webflow takes at most 100 items a request (API-NOTES §2.2). */
export const BATCH_SIZE = 100;

export type ItemAction =
  "create" | "update" | "unchanged" | "delete" | "unpublish" | "archive" | "keep" | "invalid";

/** The outcome for one item, as the reporter and `--json` show it. */
export interface ItemResult {
  collection: string;
  file: string;
  slug: string;
  action: ItemAction;
  itemId: string | null;
  error: string | null;
  changedFields?: string[];
  /** The full error, for located output; not part of the JSON. */
  cause?: WfSyncError;
}

export interface ApplyContext {
  client: WebflowClient;
  collectionId: string;
  collectionName: string;
  /** The manifest's entries of this collection, updated in place after every successful write. */
  entries: Record<string, ManifestEntry>;
  save: () => Promise<void>;
  signal?: AbortSignal | undefined;
  emit: (result: ItemResult) => void;
  /** Called once an item holds a draft, before the save that records it (so that save can carry more). */
  onWritten?: ((draft: ItemDraft) => void) | undefined;
  /** Rounds of reconcile-and-resend for creates whose outcome was unknown. */
  maxCreateRounds?: number;
  retryBaseMs?: number;
}

function chunk<T>(items: readonly T[], size = BATCH_SIZE): T[][] {
  const batches: T[][] = [];
  for (let index = 0; index < items.length; index += size) batches.push(items.slice(index, index + size));
  return batches;
}

/** The manifest entry of an item that now holds `draft`. */
export function entryFor(draft: ItemDraft, itemId: string, isLive: boolean): ManifestEntry {
  return {
    itemId,
    digest: draft.digest,
    fields: draft.fieldDigests,
    file: draft.file,
    isDraft: draft.isDraft,
    isArchived: draft.isArchived,
    isLive,
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True when Webflow said a slug is taken (API-NOTES §1.7); gives the slugs it named, if any. */
function duplicateSlugsIn(error: WebflowApiError): { isDuplicate: boolean; slugs: string[] } {
  const slugs: string[] = [];
  let isDuplicate = false;
  for (const detail of error.details) {
    if (!detail || typeof detail !== "object") continue;
    const { param, description } = detail as { param?: string; description?: string };
    if (param === "slug" || /unique value/i.test(description ?? "")) {
      isDuplicate = true;
      const slug = /'([^']+)'/.exec(description ?? "")?.[1];
      if (slug) slugs.push(slug);
    }
  }
  return { isDuplicate, slugs };
}

function isAbortedSignal(context: ApplyContext): boolean {
  return context.signal?.aborted ?? false;
}

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

/** The elements of a batch that Webflow's 400 names (`details[].index`), with what it said about each. */
function namedRejections<T>(batch: readonly T[], error: WebflowApiError): Map<T, unknown[]> | undefined {
  const named = new Map<T, unknown[]>();
  for (const detail of error.details) {
    const index = detail && typeof detail === "object" ? (detail as { index?: unknown }).index : undefined;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= batch.length) continue;
    const item = batch[index] as T;
    named.set(item, [...(named.get(item) ?? []), detail]);
  }
  return named.size > 0 ? named : undefined;
}

/**
 * Sends a batch; when Webflow rejects it with a 400, finds the bad items and sends the rest.
 * Items named by index in the error's details are taken out at once; without names, the
 * batch is split in halves until each bad item stands alone. `onRejected` gets each bad item
 * with the details Webflow gave for it.
 */
async function sendBisecting<T>(
  batch: readonly T[],
  send: (batch: readonly T[]) => Promise<void>,
  onRejected: (item: T, error: WebflowApiError, details: readonly unknown[]) => Promise<void> | void,
): Promise<void> {
  if (batch.length === 0) return;
  try {
    await send(batch);
  } catch (error) {
    if (!(error instanceof WebflowApiError) || error.status !== 400) throw error;
    if (batch.length === 1) {
      await onRejected(batch[0] as T, error, error.details);
      return;
    }
    const named = namedRejections(batch, error);
    if (named) {
      for (const [item, details] of named) await onRejected(item, error, details);
      await sendBisecting(
        batch.filter((item) => !named.has(item)),
        send,
        onRejected,
      );
      return;
    }
    const middle = Math.ceil(batch.length / 2);
    await sendBisecting(batch.slice(0, middle), send, onRejected);
    await sendBisecting(batch.slice(middle), send, onRejected);
  }
}

/** Webflow's details as text: `fieldData.rank: Expected a number; …`. */
function describeDetails(details: readonly unknown[]): string {
  return details
    .map((detail) => {
      if (detail && typeof detail === "object") {
        const { param, description, field, message } = detail as Record<string, unknown>;
        const name = param ?? field;
        const text = description ?? message;
        if (typeof text === "string") return typeof name === "string" ? `${name}: ${text}` : text;
      }
      return typeof detail === "string" ? detail : JSON.stringify(detail);
    })
    .join("; ");
}

/** The error for one item Webflow refused, located at its file, with Webflow's own words. */
function rejection(
  draft: { file: string },
  error: WebflowApiError,
  details: readonly unknown[] = error.details,
): ItemRejectedError {
  const code = error.apiCode ? ` ${error.apiCode}` : "";
  const said = details.length > 0 ? describeDetails(details) : error.message;
  return new ItemRejectedError(`Webflow rejected the item (${error.status}${code}): ${said}`, {
    location: { file: draft.file },
    cause: error,
    hint: "Fix the value in the file; the other items were synced.",
  });
}

/** Emits a failure for each item; rethrows errors that stop the whole run (auth). */
function failAll(
  context: ApplyContext,
  drafts: readonly ItemDraft[],
  action: ItemAction,
  error: unknown,
): void {
  if (error instanceof AuthError) throw error;
  // Never sent because the run was interrupted: not a failure, the next run does it.
  if (error instanceof InterruptedError) return;
  if (!(error instanceof WebflowApiError) && !(error instanceof WfSyncError)) throw error;
  for (const draft of drafts) {
    context.emit({
      collection: context.collectionName,
      file: draft.file,
      slug: draft.slug,
      action,
      itemId: context.entries[draft.slug]?.itemId || null,
      error: errorText(error),
      cause: error instanceof WfSyncError ? error : undefined,
    });
  }
}

function toWrite(draft: ItemDraft, extra: Partial<ItemWrite> = {}): ItemWrite {
  return { fieldData: draft.fieldData, isDraft: draft.isDraft, isArchived: draft.isArchived, ...extra };
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
  await Promise.all(
    groups.flatMap((group) =>
      chunk(group).map((batch) =>
        createBatch(context, batch, 0, adopted).catch((error: unknown) =>
          failAll(context, batch, "create", error),
        ),
      ),
    ),
  );
  return adopted;
}

async function createBatch(
  context: ApplyContext,
  batch: readonly ItemDraft[],
  round: number,
  adopted: PlannedUpdate[],
): Promise<void> {
  if (batch.length === 0 || isAbortedSignal(context)) return;
  const { client, collectionId, entries } = context;
  for (const draft of batch) {
    entries[draft.slug] = { ...entryFor(draft, "", false), digest: "", isPending: true };
  }
  await context.save();
  const isLive = !batch[0]?.isDraft && !batch[0]?.isArchived;

  const settle = (draft: ItemDraft, item: RemoteItem) => {
    entries[draft.slug] = entryFor(draft, item.itemId, item.isLive);
    context.onWritten?.(draft);
    context.emit({
      collection: context.collectionName,
      file: draft.file,
      slug: draft.slug,
      action: "create",
      itemId: item.itemId,
      error: null,
    });
  };
  const adopt = (draft: ItemDraft, item: RemoteItem) =>
    adoptFound({ entries, draft, item, adopted, onHeld: () => settle(draft, item) });

  try {
    const created = await client.createItems(
      collectionId,
      batch.map((draft) => toWrite(draft)),
      { isLive },
    );
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
      if (item) settle(draft, item);
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
    return;
  } catch (error) {
    if (!(error instanceof WebflowApiError)) throw error;
    if (error.isUncertain || error.isTransient) {
      // The create may or may not have happened: look, adopt, and re-send only what is missing.
      const found = await findBySlugs(
        client,
        collectionId,
        batch.map((draft) => draft.slug),
      );
      for (const draft of batch) {
        const item = found.get(draft.slug);
        if (item) adopt(draft, item);
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
          }),
        );
        return;
      }
      const baseMs = context.retryBaseMs ?? 500;
      await sleep(Math.min(30_000, baseMs * 2 ** round) * (0.5 + Math.random() / 2));
      await createBatch(context, remaining, round + 1, adopted);
      return;
    }
    if (error.status === 400) {
      const duplicate = duplicateSlugsIn(error);
      if (duplicate.isDuplicate) {
        const named =
          duplicate.slugs.length > 0 ? duplicate.slugs : batch.length === 1 ? [batch[0]?.slug ?? ""] : [];
        const found = await findBySlugs(client, collectionId, named);
        if (found.size > 0) {
          for (const draft of batch) {
            const item = found.get(draft.slug);
            if (item) adopt(draft, item);
          }
          await context.save();
          await createBatch(
            context,
            batch.filter((draft) => !found.has(draft.slug)),
            round,
            adopted,
          );
          return;
        }
      }
      // Webflow refused the whole batch for some of its items: report those, send the others.
      const named =
        batch.length === 1
          ? new Map([[batch[0] as ItemDraft, [...error.details]]])
          : namedRejections(batch, error);
      if (named) {
        for (const draft of named.keys()) delete entries[draft.slug];
        await context.save();
        for (const [draft, details] of named)
          failAll(context, [draft], "create", rejection(draft, error, details));
        await createBatch(
          context,
          batch.filter((draft) => !named.has(draft)),
          round,
          adopted,
        );
        return;
      }
      const middle = Math.ceil(batch.length / 2);
      await createBatch(context, batch.slice(0, middle), round, adopted);
      await createBatch(context, batch.slice(middle), round, adopted);
      return;
    }
    throw error;
  }
}

/**
 * Updates items. An update sets fields to given values, so repeating one is harmless: the
 * client retries them freely. The route depends on the item's state: live items are patched
 * live; items never published are patched staged, then published; drafts are patched staged
 * and unpublished if they were live (isDraft alone no longer takes an item down, API-NOTES §2.4).
 */
export async function updateItems(context: ApplyContext, updates: readonly PlannedUpdate[]): Promise<void> {
  const live = updates.filter(
    (update) => !update.draft.isDraft && !update.draft.isArchived && update.previous.isLive,
  );
  const publish = updates.filter(
    (update) => !update.draft.isDraft && !update.draft.isArchived && !update.previous.isLive,
  );
  const hidden = updates.filter((update) => update.draft.isDraft || update.draft.isArchived);
  const jobs = [
    ...chunk(live).map((batch) => () => sendUpdates(context, batch, "live")),
    ...chunk(publish).map((batch) => () => sendUpdates(context, batch, "publish")),
    ...chunk(hidden).map((batch) => () => sendUpdates(context, batch, "hidden")),
  ];
  await Promise.all(
    jobs.map((job, index) => {
      if (isAbortedSignal(context)) return Promise.resolve();
      return job().catch((error: unknown) => {
        const batch = [live, publish, hidden].flatMap((group) => chunk(group))[index] ?? [];
        failAll(
          context,
          batch.map((update) => update.draft),
          "update",
          error,
        );
      });
    }),
  );
}

function updateWrite(update: PlannedUpdate, extra: Partial<ItemWrite>): ItemWrite {
  const fieldData = { ...update.draft.fieldData };
  // Re-sending an unchanged slug has been seen to trip the uniqueness check (API-NOTES §1.7).
  if (update.previousSlug === update.draft.slug) delete fieldData["slug"];
  return { itemId: update.previous.itemId, fieldData, isArchived: update.draft.isArchived, ...extra };
}

async function sendUpdates(
  context: ApplyContext,
  batch: readonly PlannedUpdate[],
  route: "live" | "publish" | "hidden",
): Promise<void> {
  if (batch.length === 0 || isAbortedSignal(context)) return;
  const { client, collectionId, entries } = context;
  const done = async (updates: readonly PlannedUpdate[], isLive: boolean) => {
    for (const update of updates) {
      if (update.previousSlug !== update.draft.slug) delete entries[update.previousSlug];
      entries[update.draft.slug] = entryFor(update.draft, update.previous.itemId, isLive);
      context.onWritten?.(update.draft);
      context.emit({
        collection: context.collectionName,
        file: update.draft.file,
        slug: update.draft.slug,
        action: "update",
        itemId: update.previous.itemId,
        error: null,
        changedFields: update.changedFields,
      });
    }
    await context.save();
  };
  const reject = (update: PlannedUpdate, error: WebflowApiError, details: readonly unknown[]) =>
    failAll(context, [update.draft], "update", rejection(update.draft, error, details));

  const stagedThenPublish = async (updates: readonly PlannedUpdate[]) => {
    await client.updateItems(
      collectionId,
      updates.map((update) => updateWrite(update, { isDraft: false })),
      { isLive: false },
    );
    const result = await client.publishItems(
      collectionId,
      updates.map((update) => ({ itemId: update.previous.itemId })),
    );
    const published = new Set(result.published);
    const isAllPublished = result.published.length === 0 && result.errors.length === 0;
    await done(
      updates.filter((update) => isAllPublished || published.has(update.previous.itemId)),
      true,
    );
    for (const update of updates) {
      if (!isAllPublished && !published.has(update.previous.itemId)) {
        failAll(
          context,
          [update.draft],
          "update",
          new ItemRejectedError(
            `Webflow did not publish the item: ${result.errors.join("; ") || "no reason given"}`,
            { location: { file: update.draft.file } },
          ),
        );
      }
    }
  };

  try {
    await sendBisecting(
      batch,
      async (part) => {
        if (route === "live") {
          try {
            await client.updateItems(
              collectionId,
              part.map((update) => updateWrite(update, { isDraft: false })),
              { isLive: true },
            );
            await done(part, true);
          } catch (error) {
            // 409: at least one item was never published (the manifest was behind); go through staged + publish.
            if (!(error instanceof WebflowApiError) || error.status !== 409) throw error;
            await stagedThenPublish(part);
          }
        } else if (route === "publish") {
          await stagedThenPublish(part);
        } else {
          await client.updateItems(
            collectionId,
            part.map((update) => updateWrite(update, { isDraft: update.draft.isDraft })),
            { isLive: false },
          );
          const wasLive = part
            .filter((update) => update.previous.isLive)
            .map((update) => update.previous.itemId);
          if (wasLive.length > 0) await client.unpublishItems(collectionId, wasLive);
          await done(part, false);
        }
      },
      reject,
    );
  } catch (error) {
    if (error instanceof WebflowApiError && error.status === 404) {
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
  route: "live" | "publish" | "hidden",
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
  for (const draft of gone) delete context.entries[draft.slug];
  if (gone.length > 0) {
    const adopted = await createItems(context, gone);
    if (adopted.length > 0) await updateItems(context, adopted);
  }
  if (present.length > 0) await sendUpdates(context, present, route);
}

/** Carries out `onDelete` for items whose file is gone. Items wf-sync never created are never here. */
export async function removeItems(
  context: ApplyContext,
  removals: readonly PlannedRemoval[],
  policy: "keep" | "unpublish" | "archive" | "delete",
): Promise<void> {
  const { client, collectionId, entries } = context;
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
  for (let batch of chunk(removals)) {
    if (isAbortedSignal(context)) return;
    try {
      try {
        await removeBatch(batch);
      } catch (error) {
        // Some items are gone already (removed by hand, or by a run killed before it saved):
        // they need nothing more; remove the others.
        if (!(error instanceof WebflowApiError) || error.status !== 404) throw error;
        const existing = new Set((await client.listItems(collectionId)).map((item) => item.itemId));
        for (const removal of batch) if (!existing.has(removal.entry.itemId)) delete entries[removal.slug];
        const gone = batch.filter((removal) => !existing.has(removal.entry.itemId));
        batch = batch.filter((removal) => existing.has(removal.entry.itemId));
        await removeBatch(batch);
        batch = [...gone, ...batch];
      }
      await context.save();
      for (const removal of batch) emit(removal, policy);
    } catch (error) {
      if (error instanceof AuthError) throw error;
      if (error instanceof InterruptedError) return;
      for (const removal of batch) emit(removal, policy, error);
    }
  }

  async function removeBatch(batch: readonly PlannedRemoval[]): Promise<void> {
    if (batch.length === 0) return;
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
}
