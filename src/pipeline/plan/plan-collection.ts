/**
 * Plans one collection: drafts that share a slug fail before any write, then the drafts are
 * compared with the manifest (planChanges, pure), items matched on the site that already hold
 * their content are settled, and removals are filtered by the `onDelete` policy.
 */
import type { ResolvedConfig } from "../../config.ts";
import { duplicateSlugError, type ItemDraft } from "../../core/map-fields.ts";
import type { RemoteItem } from "../../webflow/client.ts";
import type { ItemResult } from "../apply/apply-plan.ts";
import type { CollectionRun } from "../discover/discover.ts";
import type { Manifest, ManifestCollection } from "../record/manifest-store.ts";
import { slugOfLoaded } from "../prepare/prepare-files.ts";
import { invalidResult, type RunContext } from "../run-context.ts";
import type { CollectionDrafts } from "./build-drafts.ts";
import { pendingRemovals } from "./deletion-guard.ts";
import { planChanges, type PlannedRemoval, type SyncPlan } from "./plan-changes.ts";
import { settleColdMatches } from "./remote-match.ts";

export interface CollectionPlan extends SyncPlan {
  /** Removals that change something under the `onDelete` policy. */
  removals: PlannedRemoval[];
  /** One line per item: what the run is about to do. */
  planned: ItemResult[];
}

/** Collection id → slugs of its files that have no item yet: created later in this run. */
export function pendingCreates(runs: readonly CollectionRun[], manifest: Manifest): Map<string, Set<string>> {
  const pending = new Map<string, Set<string>>();
  for (const run of runs) {
    const entries = manifest.collections[run.config.collectionId]?.items ?? {};
    const slugs = new Set<string>();
    for (const file of run.files) {
      const slug = slugOfLoaded(file);
      if (slug !== undefined && !entries[slug]?.itemId) slugs.add(slug);
    }
    pending.set(run.config.collectionId, slugs);
  }
  return pending;
}

/** Two files with one slug: neither is written, and both are named, before any write. */
function withoutDuplicates(
  context: RunContext,
  options: {
    run: CollectionRun;
    drafts: readonly ItemDraft[];
    state: ManifestCollection;
    failedSlugs: Set<string>;
  },
): ItemDraft[] {
  const bySlug = new Map<string, ItemDraft[]>();
  for (const draft of options.drafts) bySlug.set(draft.slug, [...(bySlug.get(draft.slug) ?? []), draft]);
  const unique: ItemDraft[] = [];
  for (const [slug, group] of bySlug) {
    if (group.length === 1) {
      unique.push(group[0] as ItemDraft);
      continue;
    }
    options.failedSlugs.add(slug);
    const files = group.map((draft) => draft.file);
    for (const draft of group) {
      const error = duplicateSlugError({ slug, file: draft.file, files, collection: options.run.config });
      const itemId = options.state.items[slug]?.itemId || null;
      context.record(
        invalidResult({ collection: options.run.config.name, file: draft.file, slug, itemId, error }),
      );
    }
  }
  return unique;
}

export function planCollection(
  context: RunContext,
  options: {
    run: CollectionRun;
    state: ManifestCollection;
    drafts: CollectionDrafts;
    remoteBySlug: Map<string, RemoteItem>;
  },
): CollectionPlan {
  const { run, state } = options;
  const { failedSlugs } = options.drafts;
  const unique = withoutDuplicates(context, { run, drafts: options.drafts.drafts, state, failedSlugs });
  const plan = planChanges(unique, new Map(Object.entries(state.items)), {
    isForced: context.flags.isForced,
    presentFiles: new Set(run.files.map((file) => file.path)),
    failedSlugs,
  });
  settleColdMatches(plan, options.remoteBySlug, state.items, context.flags.isForced);
  const removals = pendingRemovals(plan.remove, context.config.onDelete);
  return { ...plan, removals, planned: plannedResults(run, state, plan, removals, context.config.onDelete) };
}

function plannedResults(
  run: CollectionRun,
  state: ManifestCollection,
  plan: SyncPlan,
  removals: readonly PlannedRemoval[],
  policy: ResolvedConfig["onDelete"],
): ItemResult[] {
  const line = (
    file: string,
    slug: string,
    action: ItemResult["action"],
    itemId: string | null,
  ): ItemResult => ({
    collection: run.config.name,
    file,
    slug,
    action,
    itemId: itemId || null,
    error: null,
  });
  return [
    ...plan.create.map((draft) => line(draft.file, draft.slug, "create", null)),
    ...plan.update.map((update) => ({
      ...line(update.draft.file, update.draft.slug, "update", update.previous.itemId),
      changedFields: update.changedFields,
    })),
    ...plan.unchanged.map((draft) =>
      line(draft.file, draft.slug, "unchanged", state.items[draft.slug]?.itemId ?? null),
    ),
    ...removals.map((removal) => line(removal.entry.file, removal.slug, policy, removal.entry.itemId)),
  ];
}
