/**
 * Skip records: what each file's item was made from, kept only once the item is known to hold
 * what the file says, so the next run can skip the file unparsed.
 */
import type { CollectionRun } from "../discover/discover.ts";
import type { MadeRecords } from "../plan/build-drafts.ts";
import type { ManifestCollection } from "./manifest-store.ts";
import { failureRecordOf } from "../prepare/prepare-files.ts";

/**
 * Keeps the record of every file whose item now holds what the file says and drops the rest:
 * failed, deferred, interrupted or gone. Returns whether the records differ from what was
 * there (writes may have recorded theirs already, see onWritten).
 */
export function recordSources(state: ManifestCollection, run: CollectionRun, made: MadeRecords): boolean {
  const sources = (state.sources ??= {});
  let hasChanged = false;
  const forget = (path: string) => {
    if (!(path in sources)) return;
    delete sources[path];
    hasChanged = true;
  };
  const translations = new Set(run.translations.map((file) => file.path));
  const present = new Set(run.files.map((file) => file.path));
  for (const path of Object.keys(sources)) if (!present.has(path) && !translations.has(path)) forget(path);
  for (const file of run.files) {
    if (file.skipped) continue;
    const madeFor = made.get(file.path);
    const failed = failureRecordOf(file);
    if (madeFor && holdsRecord(state, file.path, madeFor)) {
      if (sources[file.path] !== madeFor.record) hasChanged = true;
      sources[file.path] = madeFor.record;
    } else if (failed) {
      if (JSON.stringify(sources[file.path]) !== JSON.stringify(failed)) hasChanged = true;
      sources[file.path] = failed;
    } else forget(file.path);
  }
  return hasChanged;
}

/** Whether the item of a file holds the draft its record was made with. */
export function holdsRecord(
  state: ManifestCollection,
  path: string,
  made: { draft: { slug: string; digest: string } },
): boolean {
  const entry = state.items[made.draft.slug];
  return (
    entry !== undefined &&
    entry.itemId !== "" &&
    !entry.isPending &&
    entry.digest === made.draft.digest &&
    entry.file === path
  );
}
