/**
 * Drift: an item changed in Webflow (by an editor) since wf-sync last wrote it. wf-sync never
 * overwrites, republishes or re-creates such an item silently: it fails that item, naming the
 * fields that differ, and `--overwrite` is the explicit way through.
 *
 * Cost: nothing on a run that writes nothing. Otherwise one listing per collection of the items
 * changed since the collection's watermark (the newest `lastUpdated` wf-sync saw there), a
 * page per 100 such items; each is compared with the `lastUpdated` the manifest recorded after
 * wf-sync's own last write of it.
 */
import { DriftError } from "../../errors.ts";
import { shortDigestOf } from "../../core/digest.ts";
import { sealOf } from "../../core/item-id.ts";
import type { RemoteItem } from "../../webflow/client.ts";
import { findBySlugs } from "../apply/remote-match.ts";
import type { CollectionRun } from "../discover/discover.ts";
import type { ManifestCollection } from "../record/manifest-store.ts";
import type { RunContext } from "../run-context.ts";
import type { CollectionPlan } from "./plan-collection.ts";
import type { DriftRecord, ManifestEntry } from "./plan-changes.ts";

function isLater(remote: string | undefined, recorded: string | undefined): boolean {
  if (!remote || !recorded) return false;
  return Date.parse(remote) > Date.parse(recorded);
}

/** The newest `lastUpdated` recorded in a collection: changes after it were made by someone else. */
export function watermarkOf(state: ManifestCollection): string | undefined {
  let newest: string | undefined;
  for (const entry of Object.values(state.items))
    if (entry.lastUpdated && (!newest || isLater(entry.lastUpdated, newest))) newest = entry.lastUpdated;
  for (const variants of Object.values(state.locales ?? {}))
    for (const variant of Object.values(variants))
      if (variant.lastUpdated && (!newest || isLater(variant.lastUpdated, newest)))
        newest = variant.lastUpdated;
  return newest;
}

/**
 * Entries whose seal does not match their slug and id (a manifest edited by hand) are looked up
 * on the site by slug before anything is planned: the id Webflow gives for the slug wins, and
 * the item is compared in full, so one file's content never goes into another file's item.
 */
export async function verifySeals(
  context: RunContext,
  run: CollectionRun,
  state: ManifestCollection,
): Promise<void> {
  const broken = Object.entries(state.items).filter(
    ([slug, entry]) =>
      entry.itemId !== "" && entry.seal !== undefined && entry.seal !== sealOf(slug, entry.itemId),
  );
  if (broken.length === 0) return;
  context.emit({
    type: "warning",
    warning: {
      kind: "manifest-edited",
      message: `The manifest's ids of ${broken.length} item(s) of "${run.config.name}" do not match their slugs (edited by hand?); they were looked up on the site by slug.`,
    },
  });
  const found = await findBySlugs(
    context.client,
    run.config.collectionId,
    broken.map(([slug]) => slug),
  );
  for (const [slug, entry] of broken) {
    const item = found.get(slug);
    if (!item) delete state.items[slug];
    else
      state.items[slug] = {
        ...entry,
        itemId: item.itemId,
        digest: "",
        isLive: item.isLive,
        isDraft: item.isDraft,
        isArchived: item.isArchived,
        lastUpdated: item.lastUpdated,
        seal: sealOf(slug, item.itemId),
      };
  }
}

/** A value as a message shows it: one line, at most 60 characters. */
function shorten(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
  const line = text
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

/** What differs between the item on the site and what wf-sync last wrote into it. */
export function describeDrift(entry: ManifestEntry, slug: string, remote: RemoteItem): DriftRecord {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(remote.fieldData)) {
    if (key === "slug" || !(key in entry.fields)) continue;
    if (entry.fields[key] !== shortDigestOf(value)) fields[key] = shorten(value);
  }
  if (remote.slug !== slug) fields["slug"] = remote.slug;
  if (remote.isArchived !== entry.isArchived) fields["archived"] = String(remote.isArchived);
  if (remote.isDraft !== entry.isDraft) fields["draft"] = String(remote.isDraft);
  return { lastUpdated: remote.lastUpdated ?? "", slug: remote.slug, fields };
}

/** Marks the entries whose item changed on the site since wf-sync's last write of it. */
async function findDrift(context: RunContext, run: CollectionRun, state: ManifestCollection): Promise<void> {
  const watermark = watermarkOf(state);
  if (!watermark) return;
  const changed = await context.client.listItems(run.config.collectionId, { updatedSince: watermark });
  const slugById = new Map(Object.entries(state.items).map(([slug, entry]) => [entry.itemId, slug]));
  for (const remote of changed) {
    const slug = slugById.get(remote.itemId);
    const entry = slug === undefined ? undefined : state.items[slug];
    if (!entry || slug === undefined || !isLater(remote.lastUpdated, entry.lastUpdated)) continue;
    // A run killed mid-write left its last writes unrecorded: a change since it started may be its own.
    if (context.interruptedSince && !isLater(context.interruptedSince, remote.lastUpdated)) {
      entry.lastUpdated = remote.lastUpdated;
      continue;
    }
    const drift = describeDrift(entry, slug, remote);
    // Only a change to what wf-sync owns is drift (a touch that changed nothing it wrote is not).
    if (Object.keys(drift.fields).length > 0) entry.drift = drift;
    else entry.lastUpdated = remote.lastUpdated;
  }
}

/** The message of an item that was changed in Webflow. */
export function driftError(file: string, drift: DriftRecord, isRemoval: boolean): DriftError {
  const what = drift.isDeleted
    ? "was deleted in Webflow"
    : `was changed in Webflow since wf-sync last wrote it${
        Object.keys(drift.fields).length > 0
          ? ` (${Object.entries(drift.fields)
              .map(([field, value]) => `${field}: now "${value}"`)
              .join("; ")})`
          : ""
      }`;
  return new DriftError(`the item ${what}; it was not ${isRemoval ? "removed" : "overwritten"}.`, {
    location: { file },
    hint: "Bring the edit into the file (`wf-sync pull --overwrite` writes the site's version), or run `wf-sync sync --overwrite` to replace it with the file's version.",
  });
}

/**
 * Before any write: items about to be updated or removed that changed in Webflow are taken out
 * of the plan and fail (unless `--overwrite`), with the fields that differ.
 */
export async function holdBackDrift(
  context: RunContext,
  options: { run: CollectionRun; state: ManifestCollection; plan: CollectionPlan },
): Promise<void> {
  const { run, state, plan } = options;
  if (plan.update.length === 0 && plan.removals.length === 0) return;
  await findDrift(context, run, state);
  const isHeld = (slug: string, file: string, isRemoval: boolean): boolean => {
    const entry = state.items[slug];
    if (!entry?.drift) return false;
    if (context.flags.isOverwrite) {
      delete entry.drift;
      return false;
    }
    const error = driftError(file, entry.drift, isRemoval);
    context.record({
      collection: run.config.name,
      file,
      slug,
      action: isRemoval ? "keep" : "update",
      itemId: entry.itemId,
      error: error.message,
      cause: error,
    });
    return true;
  };
  plan.update = plan.update.filter((update) => !isHeld(update.previousSlug, update.draft.file, false));
  plan.removals = plan.removals.filter((removal) => !isHeld(removal.slug, removal.entry.file, true));
}
