/**
 * `wf-sync sync`: the pipeline, top to bottom. discover → prepare → plan → apply → record →
 * report, one collection after another in reference order, then the second pass for references
 * to items created in this run, then translations. A dry run is the same run with a client
 * that answers writes without sending them, and a manifest that is never saved.
 */
import { resolve } from "node:path";
import type { ResolvedConfig } from "../config.ts";
import type { SiteLocale } from "../core/types.ts";
import type { WebflowClient } from "../webflow/client.ts";
import { createDryRunClient, isPlannedItemId } from "../webflow/dry-run-client.ts";
import {
  buildCollectionRuns,
  emptyGlobWarnings,
  listCollectionSources,
  orderByReferences,
  selectCollections,
  type CollectionRun,
} from "../pipeline/discover/discover.ts";
import { cacheSchemas, readSchemas, readSiteLocales } from "../pipeline/discover/site.ts";
import { matchesRunStamp, readRunStamp, replayRunStamp } from "../pipeline/discover/unchanged-run.ts";
import { emptyPrepareStats, type PrepareStats } from "../pipeline/prepare/prepare-files.ts";
import { prepareRun } from "../pipeline/prepare/prepare-run.ts";
import { buildCollectionDrafts, type DeferredFile } from "../pipeline/plan/build-drafts.ts";
import { checkDeletionGuard } from "../pipeline/plan/deletion-guard.ts";
import { holdBackDrift, verifySeals } from "../pipeline/plan/drift.ts";
import { pendingCreates, planCollection } from "../pipeline/plan/plan-collection.ts";
import { matchWithSite, needsRemoteMatch } from "../pipeline/plan/remote-match.ts";
import { buildSiteIndex } from "../pipeline/plan/site-index.ts";
import { applyCollectionPlan } from "../pipeline/apply/apply-collection.ts";
import { applySecondPass } from "../pipeline/apply/second-pass.ts";
import { applyTranslations } from "../pipeline/apply/translations.ts";
import { readManifest, type Manifest, type ManifestRead } from "../pipeline/record/manifest-store.ts";
import { createRecorder, openCollectionState, type Recorder } from "../pipeline/record/recorder.ts";
import { leaveRunStamp, runSettingsDigest } from "../pipeline/record/run-stamp.ts";
import { recordSources } from "../pipeline/record/record-sources.ts";
import {
  buildReport,
  createResultLog,
  withWarnings,
  type ResultLog,
  type SyncEvent,
  type SyncReport,
} from "../pipeline/report/report.ts";
import {
  createOfflineLookups,
  createRemoteLookups,
  createWriteProgress,
  type RunContext,
  type RunFlags,
} from "../pipeline/run-context.ts";

export type { ItemResult, SyncEvent, SyncReport, CollectionCounts } from "../pipeline/report/report.ts";
export { selectCollections } from "../pipeline/discover/discover.ts";

export interface RunSyncOptions {
  config: ResolvedConfig;
  client: WebflowClient;
  /** Collection names to limit the run to (all when empty). */
  collections?: readonly string[] | undefined;
  isDryRun?: boolean;
  /** Ignore the manifest's digests and rewrite every item. */
  isForced?: boolean;
  /** Unknown frontmatter keys are errors. */
  isStrict?: boolean;
  /** Allow removing more than `maxDeleteShare` of a collection. */
  isDeleteAllowed?: boolean;
  /** Write items changed in Webflow since wf-sync last wrote them (drift); without it they fail. */
  isOverwrite?: boolean;
  /** When a run that was killed started: changes on the site since then may be its own writes. */
  interruptedSince?: string | undefined;
  /** Stops new writes when aborted; in-flight ones finish and the manifest is written. */
  signal?: AbortSignal | undefined;
  onEvent?: (event: SyncEvent) => void;
  /** Backoff base for re-sending creates whose outcome was unknown. */
  retryBaseMs?: number;
  /** List the site's items and reconcile the manifest with them (ids gone, content changed there). */
  isVerified?: boolean;
  /** Parse and render in worker threads: "auto" (default) from a few hundred changed files on. */
  workers?: "auto" | "never" | "always";
  /** `check`: the client is offline, so items on the site are unknown rather than absent. */
  isOffline?: boolean;
}

/**
 * Runs one sync: read, parse, render, map, plan, push, record. The library never prints;
 * it reports through `onEvent` and returns a SyncReport.
 */
export async function runSync(options: RunSyncOptions): Promise<SyncReport> {
  const started = Date.now();
  const { config } = options;
  const flags = flagsOf(options);
  const client = flags.isDryRun ? createDryRunClient(options.client) : options.client;
  const selected = selectCollections(config, options.collections);
  const isWholeRun = selected.length === config.collections.length;
  // Only an ordinary run of the whole config is compared with a run stamp, and may leave one.
  const isStampable = isStampableRun(options, flags, isWholeRun);
  const events: SyncEvent[] = [];
  const log = createResultLog((event) => {
    if (isStampable) events.push(event);
    options.onEvent?.(event);
  });
  const emit = log.emit;

  // Discover. The sources are listed and the manifest is read while the schema requests are
  // answered; each is awaited below, so a failure there (a 401) is the run's error. The
  // manifest waits when the last run's stamp may still hold: then it is not read at all.
  const listings = listCollectionSources(config.root, selected);
  const manifestPath = resolve(config.root, config.manifest);
  const target = `${client.target}${config.siteId ? `#${config.siteId}` : ""}`;
  const schemaReads = readSchemas(client, selected);
  const stamp = isStampable ? await readRunStamp(manifestPath, target) : undefined;
  const readTelling = () => readManifestTelling(manifestPath, target, emit);
  const manifestRead = stamp ? undefined : readTelling();
  manifestRead?.catch(() => {});
  const earlyRead = await manifestRead;
  const schemas = await schemaReads;
  if (!flags.isDryRun) await cacheSchemas(manifestPath, schemas);
  const siteLocales = await readSiteLocales(config, selected, client);
  const runs = await buildCollectionRuns({ config, selected, listings, schemas });
  const order = orderByReferences(runs);
  const orderIds = order.map((run) => run.config.collectionId);
  const settings = isStampable ? runSettingsDigest({ config, runs, siteLocales, flags }) : "";
  const discoveryRequests = client.stats.requests;

  // Nothing changed since the last run that found nothing to do: its outcome, replayed.
  if (stamp && !options.signal?.aborted && matchesRunStamp(stamp, { root: config.root, runs, settings }))
    return replayRunStamp(stamp, { order: orderIds, log, client, started });
  const { manifest, isFresh, text, readAs } = earlyRead ?? (await readTelling());
  const recorder = createRecorder({
    path: manifestPath,
    manifest,
    writtenText: text,
    isDryRun: flags.isDryRun,
  });
  for (const warning of await emptyGlobWarnings({ config, selected, listings }))
    emit({ type: "warning", warning });

  // Prepare: read and hash every file; parse and render only those whose item may have changed.
  const stats = emptyPrepareStats();
  const canSkip = !isFresh && !flags.isForced && !flags.isVerified;
  const pool = options.workers ?? "auto";
  if (
    await prepareRun({ config, runs, manifest, stats, canSkip, isStrict: flags.isStrict, isWholeRun, pool })
  )
    recorder.markUnsaved();

  // Plan, apply, record: collection by collection, referenced ones first.
  checkDeletionGuard({ runs, manifest, config, isDeleteAllowed: flags.isDeleteAllowed });
  const context = runContextOf(options, { client, flags, manifest, recorder, log, stats, runs, siteLocales });
  const isAborted = () => options.signal?.aborted ?? false;
  const deferred: DeferredFile[] = [];
  for (const run of order) {
    if (isAborted()) break;
    deferred.push(...(await syncCollection(context, run, canSkip)));
  }
  if (deferred.length > 0 && !isAborted()) {
    recorder.markUnsaved();
    await applySecondPass(context, deferred);
  }
  for (const run of runs) {
    if (run.translations.length === 0 || isAborted()) continue;
    recorder.markUnsaved();
    await applyTranslations(context, run);
  }
  await recorder.saveIfUnsaved();

  // Report, and leave the stamp when the run found nothing to do.
  const report = reportOf({ log, flags, client, started, stats, isInterrupted: isAborted() });
  if (isStampable && !report.isInterrupted)
    await leaveRunStamp({
      manifestPath,
      target,
      manifestReadAs: isFresh ? undefined : readAs,
      settings,
      runs,
      order: orderIds,
      events,
      stats,
      laterRequests: client.stats.requests - discoveryRequests,
    });
  return report;
}

/** Reads the manifest, and tells why one that was there was set aside. */
async function readManifestTelling(
  path: string,
  target: string,
  emit: (event: SyncEvent) => void,
): Promise<ManifestRead> {
  const read = await readManifest(path, target);
  if (read.warning) emit({ type: "warning", warning: read.warning });
  return read;
}

/**
 * Whether the run may be answered from (and may leave) a run stamp: a real run of the whole
 * config, without the flags that make it do more than an ordinary run.
 */
function isStampableRun(options: RunSyncOptions, flags: RunFlags, isWholeRun: boolean): boolean {
  return (
    isWholeRun &&
    !flags.isDryRun &&
    !flags.isForced &&
    !flags.isVerified &&
    !flags.isOverwrite &&
    !options.isOffline &&
    options.interruptedSince === undefined
  );
}

function runContextOf(
  options: RunSyncOptions,
  parts: {
    client: WebflowClient;
    flags: RunFlags;
    manifest: Manifest;
    recorder: Recorder;
    log: ResultLog;
    stats: PrepareStats;
    runs: CollectionRun[];
    siteLocales: SiteLocale[];
  },
): RunContext {
  const { client, manifest, runs, log } = parts;
  return {
    config: options.config,
    client,
    flags: parts.flags,
    signal: options.signal,
    retryBaseMs: options.retryBaseMs,
    manifest,
    save: parts.recorder.save,
    emit: log.emit,
    record: log.record,
    stats: parts.stats,
    runs,
    index: buildSiteIndex(runs),
    remote: options.isOffline ? createOfflineLookups() : createRemoteLookups(client, options.config.siteId),
    pendingSlugs: pendingCreates(runs, manifest),
    siteLocales: parts.siteLocales,
    progress: createWriteProgress(log.emit),
    interruptedSince: options.interruptedSince,
  };
}

/** The report of a full run. A dry run's items to be created have no id yet. */
function reportOf(options: {
  log: ResultLog;
  flags: RunFlags;
  client: WebflowClient;
  started: number;
  stats: PrepareStats;
  isInterrupted: boolean;
}): SyncReport {
  const { log, flags } = options;
  const results = withWarnings(
    flags.isDryRun
      ? log.results.map((result) => (isPlannedItemId(result.itemId) ? { ...result, itemId: null } : result))
      : log.results,
    log.warningsByFile,
  );
  return buildReport({
    results,
    isDryRun: flags.isDryRun,
    isInterrupted: options.isInterrupted,
    client: options.client,
    started: options.started,
    files: options.stats,
    assets: log.assets,
    warningsByFile: log.warningsByFile,
  });
}

function flagsOf(options: RunSyncOptions): RunFlags {
  return {
    isDryRun: options.isDryRun ?? false,
    isForced: options.isForced ?? false,
    isStrict: options.isStrict ?? false,
    isVerified: options.isVerified ?? false,
    isDeleteAllowed: options.isDeleteAllowed ?? false,
    isOverwrite: options.isOverwrite ?? false,
  };
}

/** One collection's first pass: match with the site, build drafts, plan, write, record. */
async function syncCollection(
  context: RunContext,
  run: CollectionRun,
  canSkip: boolean,
): Promise<DeferredFile[]> {
  const { state, isCold, hasNewSettings } = openCollectionState(context.manifest, run);
  const needsMatch = needsRemoteMatch(state, isCold, context.flags.isVerified);
  const remoteBySlug = needsMatch ? await matchWithSite(context, { run, state, isCold }) : new Map();
  await verifySeals(context, run, state);
  const drafts = await buildCollectionDrafts(context, run, state);
  const plan = planCollection(context, { run, state, drafts, remoteBySlug });
  await holdBackDrift(context, { run, state, plan });
  context.emit({ type: "planned", collection: run.config.name, planned: plan.planned });
  await applyCollectionPlan(context, { run, state, plan, made: drafts.made });
  const hasNewRecords = recordSources(state, run, drafts.made);
  // Every write above saved its own change (and the records that went with it). Only what
  // changed outside them needs this save: serialising a big site's manifest to find out that
  // nothing did costs more than the rest of a no-op run.
  const isSaved = canSkip && !needsMatch && !hasNewSettings && !hasNewRecords;
  if (!isSaved) await context.save();
  return drafts.deferred;
}
