/**
 * Whether this run sees exactly what the last run that found nothing to do saw (its stamp,
 * record/run-stamp.ts explains why that is enough), and if so its outcome, replayed without
 * reading the manifest. Any doubt (no stamp, an unreadable one, one stat that differs) is a
 * miss, silently: the run then does the full work, as it would without a stamp.
 */
import { readFile } from "node:fs/promises";
import type { WebflowClient } from "../../webflow/client.ts";
import { buildReport, type ItemResult, type ResultLog, type SyncReport } from "../report/report.ts";
import {
  parseRunStamp,
  runStampPath,
  stampedEvents,
  stampedStats,
  statKeyOf,
  type RunStamp,
  sourcePrefix,
  type SourceLine,
} from "../record/run-stamp.ts";
import type { CollectionRun } from "./discover.ts";

/**
 * The stamp beside the manifest, when it is for this target and the manifest has not been
 * written or edited since (its stat is unchanged). Cheap: the files are compared later.
 */
export async function readRunStamp(manifestPath: string, target: string): Promise<RunStamp | undefined> {
  try {
    const stamp = parseRunStamp(await readFile(runStampPath(manifestPath), "utf8"));
    if (!stamp || stamp.target !== target || statKeyOf(manifestPath) !== stamp.manifest) return undefined;
    return stamp;
  } catch {
    return undefined;
  }
}

/** Whether the stamp's lines are the listed files, in the same order, each with its stat unchanged. */
function sameSources(
  root: string,
  lines: readonly SourceLine[],
  listed: ReadonlyArray<{ path: string; tag?: string }>,
): boolean {
  if (lines.length !== listed.length) return false;
  return lines.every((line, index) => {
    const { path, tag = "" } = listed[index] as { path: string; tag?: string };
    const stat = statKeyOf(`${root}/${path}`);
    return stat !== undefined && line.startsWith(sourcePrefix(tag, path, stat));
  });
}

/** Whether the run's settings, sources and assets are those of the stamp. */
export function matchesRunStamp(
  stamp: RunStamp,
  options: { root: string; runs: readonly CollectionRun[]; settings: string },
): boolean {
  const { root, runs } = options;
  if (stamp.settings !== options.settings || stamp.collections.length !== runs.length) return false;
  const isSame = stamp.collections.every((collection, index) => {
    const run = runs[index] as CollectionRun;
    return (
      run.config.collectionId === collection.collectionId &&
      sameSources(root, collection.files, run.files) &&
      sameSources(root, collection.translations, run.translations)
    );
  });
  if (!isSame) return false;
  for (const [path, stat] of stamp.assets) {
    const key = statKeyOf(`${root}/${path}`);
    // The skip check compares an asset's size and mtime (prepare-files.ts).
    if (key === undefined || key.split(" ").slice(0, 2).join(" ") !== stat) return false;
  }
  return true;
}

/** The report of a run that matched the stamp: the stamped outcome, told through the same events. */
export function replayRunStamp(
  stamp: RunStamp,
  options: {
    order: readonly string[];
    log: Pick<ResultLog, "emit" | "record">;
    client: WebflowClient;
    started: number;
  },
): SyncReport {
  const results: ItemResult[] = [];
  for (const event of stampedEvents(stamp, options.order)) {
    if (event.type !== "item") options.log.emit(event);
    else {
      results.push(event.result);
      options.log.record(event.result);
    }
  }
  const report = buildReport({
    results,
    isDryRun: false,
    isInterrupted: false,
    client: options.client,
    started: options.started,
    files: stampedStats(stamp),
    assets: [],
  });
  return { ...report, isFromRunStamp: true };
}
