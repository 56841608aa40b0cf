import type { ItemDraft } from "../../core/map-fields.ts";

/** What the manifest remembers of one item. */
export interface ManifestEntry {
  itemId: string;
  /** Digest of the last content written (ItemDraft.digest). Empty while a create is in flight. */
  digest: string;
  /** Short digest per field, to name the changed fields in a plan. */
  fields: Record<string, string>;
  file: string;
  isDraft: boolean;
  isArchived: boolean;
  /** True when the item has a live (published) version. */
  isLive: boolean;
  /** Set before a create is sent and cleared once its id is known: a crash in between leaves it set. */
  isPending?: boolean;
  /** The item's `lastUpdated` as Webflow gave it after wf-sync's last write. */
  lastUpdated?: string;
  /** Seal of slug and item id: an entry edited by hand (ids swapped) no longer matches it. */
  seal?: string;
  /** Set when the item was found changed in Webflow since wf-sync last wrote it. */
  drift?: DriftRecord;
}

/** What was found changed in Webflow (values shortened for messages). */
export interface DriftRecord {
  lastUpdated: string;
  slug: string;
  /** Field slug → the value Webflow holds now, shortened; `(draft)`/`(archived)` for state changes. */
  fields: Record<string, string>;
  isDeleted?: boolean;
}

/** An existing item that needs a write. */
export interface PlannedUpdate {
  draft: ItemDraft;
  previous: ManifestEntry;
  /** Previous slug when the file's slug changed. */
  previousSlug: string;
  changedFields: string[];
}

export interface PlannedRemoval {
  slug: string;
  entry: ManifestEntry;
}

export interface SyncPlan {
  create: ItemDraft[];
  update: PlannedUpdate[];
  unchanged: ItemDraft[];
  remove: PlannedRemoval[];
}

export interface PlanOptions {
  /** Rewrite every item whatever the manifest says. */
  isForced?: boolean;
  /** Files that exist on disk (parsed or not): their items are never removed. */
  presentFiles: ReadonlySet<string>;
  /** Slugs whose file failed to map this run: never removed, never treated as renamed. */
  failedSlugs?: ReadonlySet<string>;
}

function changedFieldsOf(draft: ItemDraft, previous: ManifestEntry): string[] {
  const names = new Set([...Object.keys(draft.fieldDigests), ...Object.keys(previous.fields)]);
  const changed = [...names].filter((name) => draft.fieldDigests[name] !== previous.fields[name]).sort();
  if (draft.isDraft !== previous.isDraft) changed.push("isDraft");
  if (draft.isArchived !== previous.isArchived) changed.push("isArchived");
  return changed;
}

/**
 * A moved file (`git mv old.md new.md`): its slug and path changed, but everything else it sends
 * is what the item of a file that is gone was written with. Only a single, exact match counts.
 */
function movedFrom(
  draft: ItemDraft,
  known: ReadonlyMap<string, ManifestEntry>,
  options: PlanOptions & { claimed: ReadonlySet<string>; renamed: ReadonlySet<string> },
): string | undefined {
  const sameContent = (entry: ManifestEntry) => {
    const keys = new Set([...Object.keys(draft.fieldDigests), ...Object.keys(entry.fields)]);
    keys.delete("slug");
    return keys.size > 0 && [...keys].every((key) => draft.fieldDigests[key] === entry.fields[key]);
  };
  const matches = [...known].filter(
    ([slug, entry]) =>
      !options.claimed.has(slug) &&
      !options.renamed.has(slug) &&
      !options.failedSlugs?.has(slug) &&
      !options.presentFiles.has(entry.file) &&
      !entry.isPending &&
      entry.itemId !== "" &&
      entry.isDraft === draft.isDraft &&
      entry.isArchived === draft.isArchived &&
      sameContent(entry),
  );
  return matches.length === 1 ? matches[0]?.[0] : undefined;
}

/**
 * Compares drafts with what the manifest knows and sorts every item into create / update /
 * unchanged / remove. Pure. A file whose slug changed keeps its item (an update of the slug),
 * and an item whose file still exists is never removed, even when that file failed to parse.
 */
export function planChanges(
  drafts: readonly ItemDraft[],
  known: ReadonlyMap<string, ManifestEntry>,
  options: PlanOptions,
): SyncPlan {
  const plan: SyncPlan = { create: [], update: [], unchanged: [], remove: [] };
  const claimed = new Set(drafts.map((draft) => draft.slug));
  const byFile = new Map<string, string>();
  for (const [slug, entry] of known)
    if (!claimed.has(slug) && !options.failedSlugs?.has(slug)) byFile.set(entry.file, slug);
  const renamed = new Set<string>();

  for (const draft of drafts) {
    let previousSlug = draft.slug;
    let previous = known.get(draft.slug);
    if (!previous) {
      const oldSlug = byFile.get(draft.file) ?? movedFrom(draft, known, { ...options, claimed, renamed });
      const oldEntry = oldSlug === undefined ? undefined : known.get(oldSlug);
      if (oldSlug !== undefined && oldEntry && !oldEntry.isPending && !renamed.has(oldSlug)) {
        previous = oldEntry;
        previousSlug = oldSlug;
        renamed.add(oldSlug);
      }
    }
    if (!previous || previous.isPending || previous.itemId === "") {
      plan.create.push(draft);
    } else if (options.isForced || previous.digest !== draft.digest || previousSlug !== draft.slug) {
      plan.update.push({ draft, previous, previousSlug, changedFields: changedFieldsOf(draft, previous) });
    } else {
      plan.unchanged.push(draft);
    }
  }

  for (const [slug, entry] of known) {
    if (claimed.has(slug) || renamed.has(slug) || options.failedSlugs?.has(slug)) continue;
    if (options.presentFiles.has(entry.file) || entry.isPending || entry.itemId === "") continue;
    plan.remove.push({ slug, entry });
  }
  return plan;
}
