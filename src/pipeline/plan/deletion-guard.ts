/**
 * The deletion guard: a run that would remove more than `maxDeleteShare` of a collection is
 * refused before any write, in a dry run exactly as in the real run, unless `--yes` allows it.
 */
import type { ResolvedConfig } from "../../config.ts";
import { DeletionGuardError } from "../../errors.ts";
import type { CollectionRun } from "../discover/discover.ts";
import { slugOfLoaded } from "../prepare/prepare-files.ts";
import type { Manifest } from "../record/manifest-store.ts";
import type { PlannedRemoval } from "./plan-changes.ts";

/** Removals that still change something under the policy (an item already unpublished stays so). */
export function pendingRemovals(
  removals: readonly PlannedRemoval[],
  policy: ResolvedConfig["onDelete"],
): PlannedRemoval[] {
  if (policy === "unpublish") return removals.filter((removal) => removal.entry.isLive);
  if (policy === "archive")
    return removals.filter((removal) => !removal.entry.isArchived || removal.entry.isLive);
  return [...removals];
}

/** The items of a collection whose file is gone (a file moved with its bytes unchanged keeps its item). */
function removalsOf(
  run: CollectionRun,
  manifest: Manifest,
  policy: ResolvedConfig["onDelete"],
): PlannedRemoval[] {
  const stored = manifest.collections[run.config.collectionId];
  const entries = stored?.items ?? {};
  const present = new Set(run.files.map((file) => file.path));
  const slugs = new Set(run.files.flatMap((file) => slugOfLoaded(file) ?? []));
  // A file moved with its bytes unchanged (git mv) keeps its item: the plan updates its slug,
  // so it is not a removal. Recognised by the raw digest the manifest recorded for the old path.
  const sources = stored?.sources ?? {};
  const newDigests = new Set(run.files.filter((file) => !sources[file.path]).map((file) => file.rawDigest));
  const candidates = Object.entries(entries).filter(([slug, entry]) => {
    if (entry.itemId === "" || slugs.has(slug) || present.has(entry.file)) return false;
    const recorded = sources[entry.file]?.digest;
    return !(recorded !== undefined && newDigests.has(recorded));
  });
  return pendingRemovals(
    candidates.map(([slug, entry]) => ({ slug, entry })),
    policy,
  );
}

/** Refuses, before any write, a run that would remove more than the safety share of a collection. */
export function checkDeletionGuard(options: {
  runs: readonly CollectionRun[];
  manifest: Manifest;
  config: ResolvedConfig;
  isDeleteAllowed: boolean;
}): void {
  const { manifest, config } = options;
  if (config.onDelete === "keep" || options.isDeleteAllowed) return;
  for (const run of options.runs) {
    const removals = removalsOf(run, manifest, config.onDelete);
    const total = Object.keys(manifest.collections[run.config.collectionId]?.items ?? {}).length;
    if (removals.length === 0 || removals.length <= config.maxDeleteShare * total) continue;
    const names = removals
      .slice(0, 10)
      .map((removal) => `  ${removal.slug} (${removal.entry.file})`)
      .join("\n");
    throw new DeletionGuardError(
      `Refusing to ${config.onDelete} ${removals.length} of ${total} items of "${run.config.name}" (more than ${Math.round(config.maxDeleteShare * 100)} %); nothing was written:\n${names}${removals.length > 10 ? "\n  …" : ""}`,
      {
        hint: "If the files were removed on purpose, run again with --yes; otherwise check `include` and restore the files.",
      },
    );
  }
}
