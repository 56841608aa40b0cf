/** What every apply step shares: the context a collection's writes run in, results, and failure reporting. */
import { sealOf } from "../../core/item-id.ts";
import { AuthError, InterruptedError, LocalFileError, WebflowApiError, WfSyncError } from "../../errors.ts";
import type { ItemDraft } from "../../core/map-fields.ts";
import type { SyncWarning } from "../../core/types.ts";
import type { FieldChange, ManifestEntry } from "../plan/plan-changes.ts";
import type { ItemWrite, WebflowClient } from "../../webflow/client.ts";

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
  /** Changed fields with old → new values, shortened (updates). */
  changes?: FieldChange[];
  /** The item's URL before and after, when its slug changes. */
  url?: { from: string; to: string };
  /** The full error, for located output; not part of the JSON. */
  cause?: WfSyncError;
  /** Every problem of the file when there are several (`cause` is the first), each located. */
  errors?: WfSyncError[];
  /** The warnings the file gave in this run. */
  warnings?: SyncWarning[];
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
  /**
   * Every locale the collection's items exist in (primary first), when the collection is
   * localised: removals and unpublishes name them all, or Webflow acts on the primary only.
   */
  cmsLocaleIds?: readonly string[] | undefined;
  /** `--overwrite`: items unpublished or deleted in Webflow are republished or re-created. */
  isOverwrite?: boolean;
  /** Rounds of reconcile-and-resend for creates whose outcome was unknown. */
  maxCreateRounds?: number;
  retryBaseMs?: number;
}

/** The manifest entry of an item that now holds `draft`. */
export function entryFor(
  draft: ItemDraft,
  itemId: string,
  isLive: boolean,
  lastUpdated?: string | undefined,
): ManifestEntry {
  const entry: ManifestEntry = {
    itemId,
    digest: draft.digest,
    fields: draft.fieldDigests,
    file: draft.file,
    isDraft: draft.isDraft,
    isArchived: draft.isArchived,
    isLive,
    ...(draft.fieldPreviews ? { previews: draft.fieldPreviews } : {}),
  };
  if (itemId !== "") entry.seal = sealOf(draft.slug, itemId);
  if (lastUpdated) entry.lastUpdated = lastUpdated;
  return entry;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isAbortedSignal(context: ApplyContext): boolean {
  return context.signal?.aborted ?? false;
}

/**
 * Waits for every batch, then throws the first error one of them threw (a local write fault,
 * a refused token). A batch whose request is in flight finishes and is recorded before the
 * run stops, so the report counts what Webflow now holds; the batches after a local fault
 * stop at their journal save, before sending.
 */
export async function settleAll(work: ReadonlyArray<Promise<unknown>>): Promise<void> {
  const outcomes = await Promise.allSettled(work);
  const failed = outcomes.find((outcome) => outcome.status === "rejected");
  if (failed) throw failed.reason;
}

/** Emits a failure for each item; rethrows errors that stop the whole run (auth, a local write fault). */
export function failAll(
  context: ApplyContext,
  drafts: readonly ItemDraft[],
  action: ItemAction,
  error: unknown,
): void {
  // A local write failure (full disk) ends the run: it is no failure of these items.
  if (error instanceof AuthError || error instanceof LocalFileError) throw error;
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

export function toWrite(draft: ItemDraft, extra: Partial<ItemWrite> = {}): ItemWrite {
  return { fieldData: draft.fieldData, isDraft: draft.isDraft, isArchived: draft.isArchived, ...extra };
}
