/**
 * `wf-sync sync`: the pipeline, top to bottom. discover → prepare → plan → apply → record →
 * report, one collection after another in reference order, then the second pass for references
 * to items created in this run, then translations. A dry run is the same run with a client
 * that answers writes without sending them, and a manifest that is never saved.
 */
import { resolve } from "node:path";
import type { ResolvedConfig } from "../config.ts";
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
import { emptyPrepareStats } from "../pipeline/prepare/prepare-files.ts";
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
import { readManifest } from "../pipeline/record/manifest-store.ts";
import { createRecorder, openCollectionState } from "../pipeline/record/recorder.ts";
import { recordSources } from "../pipeline/record/record-sources.ts";
import {
  buildReport,
  createResultLog,
  withWarnings,
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
  const log = createResultLog(options.onEvent ?? (() => {}));
  const emit = log.emit;
  const selected = selectCollections(config, options.collections);

  // Discover. The sources are listed and the manifest is read while the schema requests are
  // answered; each is awaited below, so a failure there (a 401) is the run's error.
  const listings = listCollectionSources(config.root, selected);
  const manifestPath = resolve(config.root, config.manifest);
  const manifestRead = readManifest(
    manifestPath,
    `${client.target}${config.siteId ? `#${config.siteId}` : ""}`,
  );
  manifestRead.catch(() => {});
  const schemaReads = readSchemas(client, selected);
  const { manifest, isFresh, text, warning: manifestWarning } = await manifestRead;
  if (manifestWarning) emit({ type: "warning", warning: manifestWarning });
  const recorder = createRecorder({
    path: manifestPath,
    manifest,
    writtenText: text,
    isDryRun: flags.isDryRun,
  });
  const schemas = await schemaReads;
  if (!flags.isDryRun) await cacheSchemas(manifestPath, schemas);
  const siteLocales = await readSiteLocales(config, selected, client);
  const runs = await buildCollectionRuns({ config, selected, listings, schemas });
  for (const warning of await emptyGlobWarnings({ config, selected, listings }))
    emit({ type: "warning", warning });

  // Prepare: read and hash every file; parse and render only those whose item may have changed.
  const stats = emptyPrepareStats();
  const canSkip = !isFresh && !flags.isForced && !flags.isVerified;
  const isWholeRun = selected.length === config.collections.length;
  const pool = options.workers ?? "auto";
  if (
    await prepareRun({ config, runs, manifest, stats, canSkip, isStrict: flags.isStrict, isWholeRun, pool })
  )
    recorder.markUnsaved();

  // Plan, apply, record: collection by collection, referenced ones first.
  checkDeletionGuard({ runs, manifest, config, isDeleteAllowed: flags.isDeleteAllowed });
  const context: RunContext = {
    config,
    client,
    flags,
    signal: options.signal,
    retryBaseMs: options.retryBaseMs,
    manifest,
    save: recorder.save,
    emit,
    record: log.record,
    stats,
    runs,
    index: buildSiteIndex(runs),
    remote: options.isOffline ? createOfflineLookups() : createRemoteLookups(client, config.siteId),
    pendingSlugs: pendingCreates(runs, manifest),
    siteLocales,
    progress: createWriteProgress(emit),
    interruptedSince: options.interruptedSince,
  };
  const isAborted = () => options.signal?.aborted ?? false;
  const deferred: DeferredFile[] = [];
  for (const run of orderByReferences(runs)) {
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

  // Report. A dry run's items to be created have no id yet.
  const results = withWarnings(
    flags.isDryRun
      ? log.results.map((result) => (isPlannedItemId(result.itemId) ? { ...result, itemId: null } : result))
      : log.results,
    log.warningsByFile,
  );
  return buildReport({
    results,
    isDryRun: flags.isDryRun,
    isInterrupted: isAborted(),
    client,
    started,
    files: stats,
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
