/**
 * Second pass: references to items that did not exist yet on the first pass (cycles, or
 * collections synced later) are filled in, now that every item of the run has an id.
 */
import { WfSyncError } from "../../errors.ts";
import { mapFields, slugForEntry, type ItemDraft } from "../../core/map-fields.ts";
import type { Entry } from "../../core/types.ts";
import type { CollectionRun } from "../discover/discover.ts";
import type { DeferredFile, MadeRecords } from "../plan/build-drafts.ts";
import { planChanges } from "../plan/plan-changes.ts";
import { resolveLink, slugOfReference } from "../plan/site-index.ts";
import { entryWithBody } from "../prepare/prepare-files.ts";
import { ensureRenderer, htmlSanitizerFor } from "../prepare/renderer.ts";
import { holdsRecord } from "../record/record-sources.ts";
import type { ManifestCollection, SourceRecord } from "../record/manifest-store.ts";
import { isSyncedCollection, type RunContext } from "../run-context.ts";
import { applyContextFor } from "./apply-collection.ts";
import { updateItems } from "./apply-plan.ts";

export async function applySecondPass(context: RunContext, deferred: readonly DeferredFile[]): Promise<void> {
  for (const run of context.runs) {
    const mine = deferred.filter((item) => item.run === run);
    if (mine.length === 0) continue;
    const drafts: ItemDraft[] = [];
    // Records of the files whose item ends up holding the full draft, as the first pass keeps them.
    const made: MadeRecords = new Map();
    for (const item of mine) {
      const draft = await completeDraft(context, run, item, made);
      if (draft) drafts.push(draft);
    }
    const state = context.manifest.collections[run.config.collectionId] as ManifestCollection;
    const plan = planChanges(drafts, new Map(Object.entries(state.items)), {
      presentFiles: new Set(drafts.map((draft) => draft.file)),
    });
    // The item was already counted on the first pass; a failure here still counts.
    const apply = applyContextFor(context, run, { emit: (result) => result.error && context.record(result) });
    await updateItems(apply, plan.update);
    // Only now does the item hold everything the file says: keep its record, so the next run
    // skips the file unparsed, as it does a file that needed no second pass.
    const sources = (state.sources ??= {});
    for (const [path, madeFor] of made) if (holdsRecord(state, path, madeFor)) sources[path] = madeFor.record;
  }
}

/** The full draft of a deferred file: rendered and mapped again with every reference known. */
async function completeDraft(
  context: RunContext,
  run: CollectionRun,
  deferred: DeferredFile,
  made: MadeRecords,
): Promise<ItemDraft | undefined> {
  const entries = context.manifest.collections[run.config.collectionId]?.items ?? {};
  const fail = (entry: Entry, errors: readonly WfSyncError[]) =>
    context.record({
      collection: run.config.name,
      file: entry.file,
      slug: slugForEntry(entry),
      action: "update",
      itemId: entries[slugForEntry(entry)]?.itemId ?? null,
      error: errors[0]?.message ?? "failed",
      cause: errors[0],
      ...(errors.length > 1 ? { errors: [...errors] } : {}),
    });
  await ensureRenderer();
  let entry: Entry;
  try {
    entry = await entryWithBody(context.config.root, deferred.file);
  } catch (error) {
    if (!(error instanceof WfSyncError)) throw error;
    fail(deferred.entry, [error]);
    return undefined;
  }
  const links: Record<string, string | null> = {};
  const refs: Record<string, string | null> = {};
  const rendered = run.config.body
    ? run.renderer.render(entry.body, {
        file: entry.file,
        lineOffset: entry.bodyLine - 1,
        contentRoot: entry.contentRoot,
        resolveLink: (href) => {
          const url = resolveLink(context.index, href, entry.file);
          links[href] = url ?? null;
          return url;
        },
        resolveImage: deferred.resolveAsset,
      })
    : undefined;
  const mapped = mapFields(entry, {
    mapping: run.config,
    schema: run.schema,
    isStrict: context.flags.isStrict,
    html: rendered?.html,
    resolveAsset: deferred.resolveAsset,
    sanitizeHtml: await htmlSanitizerFor({
      schema: run.schema,
      bodyField: run.config.body,
      renderOptions: run.renderOptions,
    }),
    resolveReference: (target, referencedId) => {
      const slug = slugOfReference(context.index, target, entry.file) ?? "";
      const itemId = context.manifest.collections[referencedId]?.items[slug]?.itemId || undefined;
      if (isSyncedCollection(context, referencedId)) refs[`${referencedId} ${target}`] = itemId ?? null;
      return itemId;
    },
  });
  if (!mapped.ok) {
    fail(entry, mapped.errors);
    return undefined;
  }
  if (deferred.record) {
    const record: SourceRecord = { ...deferred.record };
    if (Object.keys(links).length > 0) record.links = links;
    if (Object.keys(refs).length > 0) record.refs = refs;
    made.set(entry.file, { draft: mapped.draft, record });
  }
  return mapped.draft;
}
