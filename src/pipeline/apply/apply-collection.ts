/**
 * Writes one collection's plan through the client: creates (localised ones in every locale at
 * once), then updates (including items adopted by slug), then removals under `onDelete`. Each
 * write saves its change to the manifest; a file's skip record goes into the save of its item.
 */
import type { SiteLocale } from "../../core/types.ts";
import type { ItemDraft } from "../../core/map-fields.ts";
import type { ResolvedCollectionConfig } from "../../config.ts";
import type { CollectionRun } from "../discover/discover.ts";
import type { MadeRecords } from "../plan/build-drafts.ts";
import type { CollectionPlan } from "../plan/plan-collection.ts";
import type { ManifestCollection } from "../record/manifest-store.ts";
import type { RunContext } from "../run-context.ts";
import { createLocalizedItems } from "./apply-locales.ts";
import { createItems, removeItems, updateItems, type ApplyContext, type ItemResult } from "./apply-plan.ts";

/** Primary first, then the collection's secondary locales; empty when the collection has none. */
export function localeIdsFor(
  collection: ResolvedCollectionConfig,
  siteLocales: readonly SiteLocale[],
): string[] {
  const tags = Object.keys(collection.locales ?? {}).map((tag) => tag.toLowerCase());
  if (tags.length === 0) return [];
  const primary = siteLocales.find((locale) => locale.isPrimary);
  const secondary = siteLocales.filter(
    (locale) => !locale.isPrimary && tags.includes(locale.tag.toLowerCase()),
  );
  return primary ? [primary.cmsLocaleId, ...secondary.map((locale) => locale.cmsLocaleId)] : [];
}

/** The apply context of one collection, for the write functions of apply-plan.ts and apply-locales.ts. */
export function applyContextFor(
  context: RunContext,
  run: CollectionRun,
  options: { emit: (result: ItemResult) => void; onWritten?: (draft: ItemDraft) => void },
): ApplyContext {
  return {
    client: context.client,
    collectionId: run.config.collectionId,
    collectionName: run.config.name,
    entries: context.manifest.collections[run.config.collectionId]?.items ?? {},
    save: context.save,
    signal: context.signal,
    retryBaseMs: context.retryBaseMs,
    // Removals and unpublishes must name every locale, or Webflow acts on the primary only.
    cmsLocaleIds: localeIdsFor(run.config, context.siteLocales),
    isOverwrite: context.flags.isOverwrite,
    emit: options.emit,
    onWritten: options.onWritten,
  };
}

export async function applyCollectionPlan(
  context: RunContext,
  options: { run: CollectionRun; state: ManifestCollection; plan: CollectionPlan; made: MadeRecords },
): Promise<void> {
  const { run, state, plan, made } = options;
  const entries = state.items;
  const policy = context.config.onDelete;
  for (const draft of plan.unchanged) {
    const entry = entries[draft.slug];
    if (entry) entries[draft.slug] = { ...entry, file: draft.file };
    context.record({
      collection: run.config.name,
      file: draft.file,
      slug: draft.slug,
      action: "unchanged",
      itemId: entry?.itemId || null,
      error: null,
    });
  }
  context.progress.plan(
    plan.create.length + plan.update.length + (policy === "keep" ? 0 : plan.removals.length),
  );
  const apply = applyContextFor(context, run, {
    emit: (result) => {
      if (result.action !== "keep") context.progress.finish();
      context.record(result);
    },
    // The file's record goes into the same save as its item (recordSources checks it again).
    onWritten: (draft) => {
      const madeFor = made.get(draft.file);
      if (madeFor?.draft === draft) (state.sources ??= {})[draft.file] = madeFor.record;
    },
  });
  const localeIds = localeIdsFor(run.config, context.siteLocales);
  const adopted =
    localeIds.length > 1
      ? await createLocalizedItems(apply, plan.create, localeIds)
      : await createItems(apply, plan.create);
  const pending = context.pendingSlugs.get(run.config.collectionId) ?? new Set<string>();
  context.pendingSlugs.set(
    run.config.collectionId,
    new Set([...pending].filter((slug) => !entries[slug]?.itemId)),
  );
  await updateItems(apply, [...plan.update, ...adopted]);
  await removeItems(apply, plan.removals, policy);
}
