import { dirname, posix, resolve } from "node:path";
import pLimit from "p-limit";
import type { ResolvedCollectionConfig, ResolvedConfig } from "../config.ts";
import {
  AssetError,
  ConfigError,
  ExitCode,
  DeletionGuardError,
  ReferenceError,
  DuplicateSlugError,
  UsageError,
  WfSyncError,
  type SourceLocation,
} from "../errors.ts";
import { checkAssetLimits, type FieldDependency } from "../core/convert-field.ts";
import { digestOf } from "../core/digest.ts";
import { isItemId } from "../core/item-id.ts";
import {
  listEntryDependencies,
  mapFields,
  slugForEntry,
  type ItemDraft,
  type MapFieldsOptions,
} from "../core/map-fields.ts";
import { parseEntry } from "../core/parse-entry.ts";
import { planChanges, type ManifestEntry, type PlannedRemoval, type SyncPlan } from "../pipeline/plan/plan-changes.ts";
import { resolveRenderOptions, type MarkdownRenderer, type RenderOptions } from "../core/render-options.ts";
import {
  createFileLinkResolver,
  lookupsHold,
  renderEntry,
  resolveFileLink,
  type PrepareResolvers,
} from "../core/prepare-entry.ts";
import {
  anchorOf,
  assetPathsOf,
  emptyPrepareStats,
  entryWithBody,
  loadSkippedEntry,
  prepareFiles,
  prepareOnMainThread,
  slugOfLoaded,
  statAsset,
  type LoadedFile,
  type PrepareStats,
  loadRenderer,
} from "../pipeline/prepare/prepare-files.ts";
import type { CollectionSchema, Entry, SiteLocale, SyncWarning } from "../core/types.ts";
import { createLocalizedItems, writeLocaleVariants, type LocaleWrite } from "../pipeline/apply/apply-locales.ts";
import { assetSize, contentTypeFor, readAsset } from "../pipeline/apply/read-asset.ts";
import { createFileDigestCache } from "../pipeline/prepare/file-digests.ts";
import { listSources, readSource } from "../pipeline/discover/read-sources.ts";
import {
  createManifestWriter,
  readManifest,
  writeSchemaCache,
  type Manifest,
  type ManifestAsset,
  type ManifestCollection,
  type SourceRecord,
} from "../pipeline/record/manifest-store.ts";
import type { RemoteItem, WebflowClient } from "../webflow/client.ts";
import { createItems, holdsDraft, removeItems, updateItems, type ItemResult } from "../pipeline/apply/apply-plan.ts";
import { mergeTranslation, missingPrimaryError } from "../core/translation.ts";

export type { ItemResult } from "../pipeline/apply/apply-plan.ts";

/** What the library tells its caller while it works; cli/reporter.ts decides how it looks. */
export type SyncEvent =
  | { type: "notice"; message: string }
  | { type: "warning"; warning: SyncWarning }
  | { type: "planned"; collection: string; planned: ItemResult[] }
  | { type: "item"; result: ItemResult }
  | { type: "progress"; done: number; total: number };

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
  /** Stops new writes when aborted; in-flight ones finish and the manifest is written. */
  signal?: AbortSignal | undefined;
  onEvent?: (event: SyncEvent) => void;
  /** Backoff base for re-sending creates whose outcome was unknown. */
  retryBaseMs?: number;
  /** List the site's items and reconcile the manifest with them (ids gone, content changed there). */
  isVerified?: boolean;
  /** Parse and render in worker threads: "auto" (default) from a few hundred changed files on. */
  workers?: "auto" | "never" | "always";
}

export interface CollectionCounts {
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  kept: number;
  failed: number;
}

export interface SyncReport {
  isDryRun: boolean;
  isInterrupted: boolean;
  items: ItemResult[];
  collections: Record<string, CollectionCounts>;
  totals: CollectionCounts;
  requests: number;
  writeRequests: number;
  rateLimited: number;
  rateLimitWaitMs: number;
  durationMs: number;
  /** Work of the read/parse/render stage: how many files were skipped unparsed, parsed, rendered. */
  files: PrepareStats;
}

interface CollectionRun {
  config: ResolvedCollectionConfig;
  schema: CollectionSchema;
  files: LoadedFile[];
  /** Secondary-locale files, by locale tag. */
  translations: Array<LoadedFile & { tag: string }>;
  renderer: MarkdownRenderer;
  renderOptions: Record<string, unknown>;
  /** Digest of the settings that shape this collection's items (mapping, renderer, schema). */
  settingsDigest: string;
}

const COUNT_KEYS: Record<string, keyof CollectionCounts | undefined> = {
  create: "created",
  update: "updated",
  unchanged: "unchanged",
  delete: "removed",
  unpublish: "removed",
  archive: "removed",
  keep: "kept",
};

function emptyCounts(): CollectionCounts {
  return { created: 0, updated: 0, unchanged: 0, removed: 0, kept: 0, failed: 0 };
}

/** The loaded Markdown toolchain, once `ensureRenderer()` has run. */
let renderModule: Awaited<ReturnType<typeof loadRenderer>> | undefined;

/** Loads the Markdown toolchain before the first render of a run (see loadRenderer). */
async function ensureRenderer(): Promise<void> {
  renderModule ??= await loadRenderer();
}

/** A renderer created on first use; `ensureRenderer()` must have run before `render()`. */
function lazyRenderer(options: RenderOptions): MarkdownRenderer {
  let renderer: MarkdownRenderer | undefined;
  return {
    render(markdown, context) {
      if (!renderModule) throw new Error("ensureRenderer() was not awaited before rendering");
      renderer ??= renderModule.createMarkdownRenderer(options);
      return renderer.render(markdown, context);
    },
  };
}

/** Chooses the collections of this run; an unknown name is a usage error. */
export function selectCollections(
  config: ResolvedConfig,
  names: readonly string[] | undefined,
): ResolvedCollectionConfig[] {
  if (!names || names.length === 0) return [...config.collections];
  const known = new Map(config.collections.map((collection) => [collection.name, collection]));
  return names.map((name) => {
    const collection = known.get(name);
    if (!collection) {
      throw new UsageError(`Unknown collection "${name}".`, {
        hint: `The config has: ${[...known.keys()].join(", ")}.`,
      });
    }
    return collection;
  });
}

/** Rendering options of a collection: the config-wide ones, overridden per collection. */
export function renderOptionsFor(
  config: ResolvedConfig,
  collection: ResolvedCollectionConfig,
): Record<string, unknown> {
  return { ...(config.richText ?? {}), ...(collection.richText ?? {}) };
}

/** Reads and parses every file of a collection; a file that fails costs that file alone. */
export async function loadCollectionFiles(
  root: string,
  collection: ResolvedCollectionConfig,
): Promise<LoadedFile[]> {
  const paths = await listSources({ root, include: collection.include, exclude: collection.exclude });
  const read = pLimit(32);
  return Promise.all(
    paths.map((path) =>
      read(async (): Promise<LoadedFile> => {
        const source = await readSource(root, path);
        try {
          return { path, entry: parseEntry(path, source.text) };
        } catch (error) {
          if (error instanceof WfSyncError) return { path, error };
          throw error;
        }
      }),
    ),
  );
}

/** Orders collections so that referenced ones come first; cycles keep their config order. */
function orderByReferences(runs: CollectionRun[]): CollectionRun[] {
  const byId = new Map(runs.map((run) => [run.config.collectionId, run]));
  const ordered: CollectionRun[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (run: CollectionRun) => {
    const id = run.config.collectionId;
    if (state.get(id)) return;
    state.set(id, "visiting");
    for (const field of run.schema.fields) {
      if (field.type !== "Reference" && field.type !== "MultiReference") continue;
      const target = byId.get(String(field.validations?.["collectionId"] ?? ""));
      if (target && target !== run) visit(target);
    }
    state.set(id, "done");
    ordered.push(run);
  };
  for (const run of runs) visit(run);
  return ordered;
}

/**
 * Runs one sync: read, parse, render, map, plan, push, record. The library never prints;
 * it reports through `onEvent` and returns a SyncReport.
 */
export async function runSync(options: RunSyncOptions): Promise<SyncReport> {
  const started = Date.now();
  const { config, client } = options;
  const emit = options.onEvent ?? (() => {});
  const selected = selectCollections(config, options.collections);
  const isDryRun = options.isDryRun ?? false;
  const results: ItemResult[] = [];
  const record = (result: ItemResult) => {
    results.push(result);
    emit({ type: "item", result });
  };

  // The run's first work overlaps: the sources are listed and the manifest is read while the
  // HTTP client loads and the schema requests (one per collection per run, cached for the
  // offline `check`) are answered. Each is awaited below; a failure there (a 401, a network
  // error) is the run's error, not an unhandled rejection.
  const sourceLists = selected.map((collection) => ({
    translations: Object.entries(collection.locales ?? {}).map(async ([tag, include]) =>
      (await listSources({ root: config.root, include, exclude: collection.exclude })).map((path) => ({
        path,
        tag,
      })),
    ),
    primary: listSources({ root: config.root, include: collection.include, exclude: collection.exclude }),
  }));
  for (const list of sourceLists)
    for (const listed of [list.primary, ...list.translations]) listed.catch(() => {});
  const manifestPath = resolve(config.root, config.manifest);
  const target = `${client.target}${config.siteId ? `#${config.siteId}` : ""}`;
  const manifestRead = readManifest(manifestPath, target);
  manifestRead.catch(() => {});
  const schemaReads = Promise.all(
    selected.map(
      async (collection) =>
        [collection.collectionId, await client.getCollection(collection.collectionId)] as const,
    ),
  );
  schemaReads.catch(() => {});

  const { manifest, isFresh, text: manifestText } = await manifestRead;
  const writer = createManifestWriter(manifestPath, manifest, { writtenText: manifestText });
  // Whether the manifest may hold a change no save has covered yet (see the final save).
  let hasUnsaved = false;
  const save = isDryRun
    ? async () => {}
    : () => {
        hasUnsaved = false;
        return writer.save();
      };

  const schemas = new Map<string, CollectionSchema>(await schemaReads);
  if (!isDryRun) {
    await writeSchemaCache(resolve(dirname(manifestPath), "schema-cache.json"), {
      version: 1,
      fetchedAt: new Date().toISOString(),
      collections: Object.fromEntries(schemas),
    });
  }

  const siteLocales = await readSiteLocales(config, selected, client);

  const runs: CollectionRun[] = [];
  for (const [index, collection] of selected.entries()) {
    const renderOptions = renderOptionsFor(config, collection);
    const schema = schemas.get(collection.collectionId) as CollectionSchema;
    const lists = sourceLists[index] as (typeof sourceLists)[number];
    const translations: CollectionRun["translations"] = (await Promise.all(lists.translations)).flat();
    const translated = new Set(translations.map((file) => file.path));
    const primaryPaths = await lists.primary;
    runs.push({
      config: collection,
      schema,
      // A file matched by a locale's pattern is a translation, never a primary item of its own.
      files: primaryPaths.filter((path) => !translated.has(path)).map((path) => ({ path })),
      translations,
      renderer: lazyRenderer(renderOptions),
      renderOptions,
      settingsDigest: digestOf({
        mapping: { fields: collection.fields, body: collection.body },
        render: resolveRenderOptions(renderOptions),
        schema: schema.fields,
      }),
    });
  }

  // Read and hash every file; parse and render only those whose item may have changed.
  const fileStats = emptyPrepareStats();
  const isVerified = options.isVerified ?? false;
  const canSkip = !isFresh && !(options.isForced ?? false) && !isVerified;
  // --force and --verify read every file again (and refresh the cache from what they read).
  const fileDigests = createFileDigestCache(canSkip ? manifest.files : undefined);
  await prepareFiles({
    root: config.root,
    collections: runs.map((run) => {
      const stored = manifest.collections[run.config.collectionId];
      const isStrictBlocked = (record: SourceRecord) =>
        (options.isStrict ?? false) &&
        (record.warnings ?? []).some((warning) => warning.kind === "unknown-key");
      const skippable =
        canSkip && stored?.settingsDigest === run.settingsDigest
          ? {
              ...stored,
              sources: Object.fromEntries(
                Object.entries(stored.sources ?? {}).filter(([, record]) => !isStrictBlocked(record)),
              ),
            }
          : undefined;
      return {
        files: run.files,
        translations: run.translations,
        settings: { hasBody: Boolean(run.config.body), renderOptions: run.renderOptions },
        urlPattern: urlPatternOf(run),
        skippable,
      };
    }),
    assetUrls: new Map(Object.values(manifest.assets).map((asset) => [asset.fileName, asset.url])),
    stats: fileStats,
    pool: options.workers ?? "auto",
    digests: fileDigests,
  });
  if (fileDigests.hasChanged && !isDryRun) {
    hasUnsaved = true;
    // Forget files that are gone, unless this run saw only some of the collections.
    const isWholeRun = selected.length === config.collections.length;
    const seen = new Set(runs.flatMap((run) => [...run.files, ...run.translations].map((file) => file.path)));
    manifest.files = fileDigests.toStored(isWholeRun ? seen : undefined);
  }

  // Path → item, across every collection, for relative links and path references.
  const byPath = new Map<string, { run: CollectionRun; slug: string }>();
  for (const run of runs) {
    for (const file of run.files) {
      const slug = slugOfLoaded(file);
      if (slug !== undefined) byPath.set(file.path, { run, slug });
    }
  }
  const urlByPath = new Map(
    [...byPath].map(([path, found]) => [path, urlPatternOf(found.run).replace("{slug}", found.slug)]),
  );
  const urlOfFile = (path: string) => urlByPath.get(path);
  const linksFrom = createFileLinkResolver(urlOfFile);

  try {
    checkDeletionGuard({ runs, manifest, config, isDeleteAllowed: options.isDeleteAllowed ?? false });
  } catch (error) {
    // A dry run still shows the whole plan, removals included; it says the real run would refuse.
    if (!isDryRun || !(error instanceof DeletionGuardError)) throw error;
    emit({
      type: "warning",
      warning: {
        kind: "deletion-guard",
        message: `${error.message.split(":\n")[0]?.replace("nothing was written", "a real run would refuse without --yes") ?? error.message}.`,
      },
    });
  }

  let siteAssetList:
    Promise<Array<{ assetId: string; fileName: string; size: number; hostedUrl: string }>> | undefined;
  // Listing the site's assets only saves uploads; if it fails, uploading is still correct.
  const siteAssets = () =>
    (siteAssetList ??= config.siteId
      ? client.listAssets(config.siteId).catch(() => [])
      : Promise.resolve([]));
  const remoteSlugCache = new Map<string, Promise<Map<string, string>>>();
  const remoteSlugs = (collectionId: string) => {
    let cached = remoteSlugCache.get(collectionId);
    if (!cached) {
      cached = client
        .listItems(collectionId)
        .then((items) => new Map(items.map((item) => [item.slug, item.itemId])));
      remoteSlugCache.set(collectionId, cached);
    }
    return cached;
  };

  const pendingSlugs = new Map<string, Set<string>>(); // collectionId → slugs to be created later this run
  for (const run of runs) {
    const entries = manifest.collections[run.config.collectionId]?.items ?? {};
    const slugs = new Set<string>();
    for (const file of run.files) {
      const slug = slugOfLoaded(file);
      if (slug !== undefined) slugs.add(slug);
    }
    for (const slug of Object.keys(entries)) if (entries[slug]?.itemId) slugs.delete(slug);
    pendingSlugs.set(run.config.collectionId, slugs);
  }

  const deferred: Array<{
    run: CollectionRun;
    entry: Entry;
    file: LoadedFile;
    resolveAsset: (path: string) => { fileId: string; url: string } | undefined;
    /** What the file's skip record will say besides its links and references (when it can have one). */
    record: SourceRecord | undefined;
  }> = [];
  let plannedWrites = 0;
  let doneWrites = 0;
  const progress = () => emit({ type: "progress", done: doneWrites, total: plannedWrites });

  for (const run of orderByReferences(runs)) {
    if (options.signal?.aborted) break;
    const collectionId = run.config.collectionId;
    const stored = manifest.collections[collectionId];
    const isCold = !stored;
    const collectionState: ManifestCollection = stored ?? { settingsDigest: "", items: {} };
    if (!isDryRun) manifest.collections[collectionId] = collectionState;
    const hasNewSettings = collectionState.settingsDigest !== run.settingsDigest;
    // New settings re-render every item once: records made under the old ones must not skip anything.
    if (hasNewSettings) collectionState.sources = {};
    collectionState.settingsDigest = run.settingsDigest;
    const entries = collectionState.items;

    // The manifest is a cache: when it is missing (a fresh CI runner), or a create was cut
    // short, find the items on the site by slug instead of creating them again.
    const remoteBySlug = new Map<string, RemoteItem>();
    const hasPending = Object.values(entries).some((entry) => entry.isPending || entry.itemId === "");
    if (isCold || hasPending || isVerified) {
      const remote = await client.listItems(collectionId);
      for (const item of remote) remoteBySlug.set(item.slug, item);
      if (isVerified) reconcileWithSite(entries, remote, remoteBySlug);
      for (const [slug, entry] of Object.entries(entries)) {
        if (!entry.isPending && entry.itemId !== "") continue;
        const item = remoteBySlug.get(slug);
        if (item) entries[slug] = adoptRemote(entry, item);
        else delete entries[slug];
      }
      if (isCold) {
        const fileBySlug = new Map<string, string>();
        for (const file of run.files) {
          const slug = slugOfLoaded(file);
          if (slug !== undefined && !fileBySlug.has(slug)) fileBySlug.set(slug, file.path);
        }
        for (const item of remote) {
          const file = fileBySlug.get(item.slug);
          if (file === undefined) continue;
          entries[item.slug] = {
            itemId: item.itemId,
            digest: "",
            fields: {},
            file,
            isDraft: item.isDraft,
            isArchived: item.isArchived,
            isLive: item.isLive,
          };
        }
      }
      pendingSlugs.get(collectionId)?.forEach((slug) => {
        if (entries[slug]?.itemId) pendingSlugs.get(collectionId)?.delete(slug);
      });
    }

    const resolveReference = (
      target: string,
      referencedId: string,
      fromFile?: string,
    ): string | undefined => {
      const slug = slugOfReference(target, byPath, fromFile);
      if (slug === undefined) return undefined;
      const known = manifest.collections[referencedId]?.items[slug]?.itemId;
      if (known) return known;
      return (
        remoteReferenceIds.get(referencedId)?.get(slug) ??
        (isItemId(target) ? target : undefined)
      );
    };
    const remoteReferenceIds = new Map<string, Map<string, string>>();
    const assetsByPath = new Map<string, { fileId: string; url: string }>();

    const drafts: ItemDraft[] = [];
    const failedSlugs = new Set<string>();
    const presentFiles = new Set(run.files.map((file) => file.path));
    const fail = (file: string, slug: string, error: WfSyncError) => {
      failedSlugs.add(slug);
      record({
        collection: run.config.name,
        file,
        slug,
        action: "invalid",
        itemId: entries[slug]?.itemId || null,
        error: error.message,
        cause: error,
      });
    };

    // What each parsed file's item was made from, recorded once the item holds it.
    const made = new Map<string, { draft: ItemDraft; record: SourceRecord }>();
    for (const file of run.files) {
      if (file.skipped) {
        const record = file.skipped;
        // Links and references of an unchanged file may point at items that changed: check each answer.
        const linkOf = linksFrom(file.path);
        const holds =
          Object.entries(record.links ?? {}).every(([href, url]) => (linkOf(href) ?? null) === url) &&
          Object.entries(record.refs ?? {}).every(([key, itemId]) => {
            const [referencedId = "", ...rest] = key.split(" ");
            return (resolveReference(rest.join(" "), referencedId, file.path) ?? null) === itemId;
          });
        const entry = entries[record.slug];
        if (holds && entry) {
          for (const warning of record.warnings ?? []) emit({ type: "warning", warning });
          drafts.push({
            collection: run.config.name,
            file: file.path,
            slug: record.slug,
            fieldData: {},
            isDraft: entry.isDraft,
            isArchived: entry.isArchived,
            digest: entry.digest,
            fieldDigests: entry.fields,
          });
          continue;
        }
        await prepareOnMainThread({
          root: config.root,
          file,
          settings: { hasBody: Boolean(run.config.body), renderOptions: run.renderOptions },
          resolvers: { urlOfFile, urlOfAsset: () => undefined },
          stats: fileStats,
        });
      }
      if (!file.entry) {
        fail(file.path, "", file.error as WfSyncError);
        continue;
      }
      const entry = file.entry;
      const warnings: SyncWarning[] = [];
      const refs: Record<string, string | null> = {};
      const isSyncedCollection = (collectionId: string) =>
        runs.some((candidate) => candidate.config.collectionId === collectionId);
      const recordingResolver = (target: string, referencedId: string) => {
        const itemId = resolveReference(target, referencedId, entry.file);
        if (isSyncedCollection(referencedId)) refs[`${referencedId} ${target}`] = itemId ?? null;
        return itemId;
      };
      const mapOptions: MapFieldsOptions = {
        mapping: run.config,
        schema: run.schema,
        isStrict: options.isStrict ?? false,
      };
      const dependencies = listEntryDependencies(entry, mapOptions);
      const omitFields = new Set<string>();
      let isDeferred = false;
      for (const dependency of dependencies) {
        if (dependency.kind !== "reference") continue;
        const referencedId = dependency.collectionId;
        const isSynced = runs.some((candidate) => candidate.config.collectionId === referencedId);
        const targetSlug = slugOfReference(dependency.target, byPath, entry.file);
        if (isSynced && targetSlug && pendingSlugs.get(referencedId)?.has(targetSlug)) {
          // No manifest record for that collection yet (a fresh runner): the item may already be on the site.
          if (!manifest.collections[referencedId]) {
            const remote = await remoteSlugs(referencedId);
            if (remote.has(targetSlug)) {
              remoteReferenceIds.set(referencedId, remote);
              continue;
            }
          }
          // Referenced item is created later in this run (or in a cycle): fill it in on the second pass.
          omitFields.add(dependency.fieldSlug);
          isDeferred = true;
          continue;
        }
        if (
          !remoteReferenceIds.has(referencedId) &&
          !manifest.collections[referencedId]?.items[dependency.target]?.itemId &&
          !isSynced
        ) {
          remoteReferenceIds.set(referencedId, await remoteSlugs(referencedId));
        }
      }
      const bodyImages = Object.keys(file.rendered?.lookups.images ?? {});
      // Stat before the assets are read: an asset edited meanwhile then fails the next skip check.
      const assetPaths = assetPathsOf(entry.file, [
        ...dependencies.flatMap((dependency) => (dependency.kind === "asset" ? [dependency.path] : [])),
        ...bodyImages,
      ]);
      const assetStats = await Promise.all(
        assetPaths.map(async (path) => [path, await statAsset(resolve(config.root, path))] as const),
      );
      const assetErrors = await prepareAssets({
        entry,
        dependencies,
        bodyImages,
        run,
        config,
        client,
        manifest,
        assetsByPath,
        isDryRun,
        save,
        siteAssets,
      });
      if (assetErrors.length > 0) {
        fail(entry.file, slugForEntry(entry), assetErrors[0] as WfSyncError);
        continue;
      }
      const resolveAsset = (path: string) =>
        assetsByPath.get(posix.normalize(posix.join(posix.dirname(entry.file), path)));
      const resolvers: PrepareResolvers = { urlOfFile, urlOfAsset: (path) => assetsByPath.get(path)?.url };
      let rendered = file.rendered;
      if (run.config.body && (!rendered || !lookupsHold(rendered.lookups, entry.file, resolvers))) {
        // Rendered before the final slugs and uploads were known, and one of its answers changed.
        if (rendered) fileStats.rerendered++;
        await ensureRenderer();
        try {
          rendered = renderEntry(run.renderer, await entryWithBody(config.root, file), resolvers);
        } catch (error) {
          if (!(error instanceof WfSyncError)) throw error;
          fail(entry.file, slugForEntry(entry), error);
          continue;
        }
      }
      file.rendered = undefined;
      warnings.push(...(rendered?.warnings ?? []));
      const mapped = mapFields(entry, {
        ...mapOptions,
        html: rendered?.html,
        resolveReference: recordingResolver,
        resolveAsset,
        omitFields,
      });
      warnings.push(...mapped.warnings);
      for (const warning of warnings) emit({ type: "warning", warning });
      if (!mapped.ok) {
        fail(entry.file, slugForEntry(entry), mapped.errors[0] as WfSyncError);
        for (const extra of mapped.errors.slice(1))
          emit({
            type: "warning",
            warning: { kind: "item-error", message: extra.message, location: extra.location },
          });
        continue;
      }
      if (isDeferred) {
        // A deferred field still fails now when one of its targets is neither known nor created later in this run.
        const isPending = (target: string, referencedId: string) =>
          pendingSlugs.get(referencedId)?.has(slugOfReference(target, byPath, entry.file) ?? "") ?? false;
        const checked = mapFields(entry, {
          ...mapOptions,
          html: rendered?.html,
          resolveAsset,
          resolveReference: (target, referencedId) =>
            resolveReference(target, referencedId, entry.file) ??
            (isPending(target, referencedId) ? "(pending)" : undefined),
        });
        if (!checked.ok) {
          fail(entry.file, slugForEntry(entry), checked.errors[0] as WfSyncError);
          continue;
        }
      }
      drafts.push(mapped.draft);
      let record: SourceRecord | undefined;
      if (file.rawDigest !== undefined) {
        const assets: NonNullable<SourceRecord["assets"]> = {};
        let hasAllAssets = true;
        for (const [path, info] of assetStats) {
          if (info) assets[path] = info;
          else hasAllAssets = false;
        }
        record = hasAllAssets ? { digest: file.rawDigest, slug: mapped.draft.slug } : undefined;
        if (record && assetPaths.length > 0) record.assets = assets;
        if (record && warnings.length > 0) record.warnings = warnings;
      }
      // A deferred file's record is completed (links, references) by the second pass.
      if (isDeferred) deferred.push({ run, entry, file, resolveAsset, record });
      else if (record) {
        if (Object.keys(rendered?.lookups.links ?? {}).length > 0) record.links = rendered?.lookups.links;
        if (Object.keys(refs).length > 0) record.refs = refs;
        made.set(file.path, { draft: mapped.draft, record });
      }
    }

    // Two files with one slug: neither is written, and both are named, before any write.
    const bySlug = new Map<string, ItemDraft[]>();
    for (const draft of drafts) bySlug.set(draft.slug, [...(bySlug.get(draft.slug) ?? []), draft]);
    const unique: ItemDraft[] = [];
    for (const [slug, group] of bySlug) {
      if (group.length === 1) {
        unique.push(group[0] as ItemDraft);
        continue;
      }
      for (const draft of group) {
        const others = group
          .filter((other) => other !== draft)
          .map((other) => other.file)
          .join(", ");
        fail(
          draft.file,
          slug,
          new DuplicateSlugError(`slug "${slug}" is also used by ${others}.`, {
            location: { file: draft.file },
            hint: "Give one of the files another `slug:` in its frontmatter.",
          }),
        );
      }
    }

    const known = new Map<string, ManifestEntry>(Object.entries(entries));
    const plan = planChanges(unique, known, {
      isForced: options.isForced ?? false,
      presentFiles,
      failedSlugs,
    });
    settleColdMatches(plan, remoteBySlug, entries, options.isForced ?? false);
    const removals = pendingRemovals(plan.remove, config.onDelete);

    const planned: ItemResult[] = [
      ...plan.create.map((draft) => plannedResult(run, draft.file, draft.slug, "create", null)),
      ...plan.update.map((update) => ({
        ...plannedResult(run, update.draft.file, update.draft.slug, "update", update.previous.itemId),
        changedFields: update.changedFields,
      })),
      ...plan.unchanged.map((draft) =>
        plannedResult(run, draft.file, draft.slug, "unchanged", entries[draft.slug]?.itemId ?? null),
      ),
      ...removals.map((removal) =>
        plannedResult(
          run,
          removal.entry.file,
          removal.slug,
          config.onDelete === "delete" ? "delete" : config.onDelete,
          removal.entry.itemId,
        ),
      ),
    ];
    emit({ type: "planned", collection: run.config.name, planned });
    if (isDryRun) {
      for (const result of planned) results.push(result);
      continue;
    }
    for (const draft of plan.unchanged) {
      const entry = entries[draft.slug];
      if (entry) entries[draft.slug] = { ...entry, file: draft.file };
      record(plannedResult(run, draft.file, draft.slug, "unchanged", entry?.itemId ?? null));
    }
    plannedWrites +=
      plan.create.length + plan.update.length + (config.onDelete === "keep" ? 0 : removals.length);
    progress();

    const context = {
      client,
      collectionId,
      collectionName: run.config.name,
      entries,
      save,
      signal: options.signal,
      retryBaseMs: options.retryBaseMs,
      // Removals and unpublishes must name every locale, or Webflow acts on the primary only.
      cmsLocaleIds: localeIdsFor(run.config, siteLocales),
      emit: (result: ItemResult) => {
        if (result.action !== "keep") doneWrites++;
        record(result);
        progress();
      },
      // The file's record goes into the same save as its item (recordSources checks it again).
      onWritten: (draft: ItemDraft) => {
        const madeFor = made.get(draft.file);
        if (!isDryRun && madeFor?.draft === draft)
          (collectionState.sources ??= {})[draft.file] = madeFor.record;
      },
    };
    const localeIds = localeIdsFor(run.config, siteLocales);
    const adopted =
      localeIds.length > 1
        ? await createLocalizedItems(context, plan.create, localeIds)
        : await createItems(context, plan.create);
    pendingSlugs.set(
      collectionId,
      new Set([...(pendingSlugs.get(collectionId) ?? [])].filter((slug) => !entries[slug]?.itemId)),
    );
    await updateItems(context, [...plan.update, ...adopted]);
    await removeItems(context, removals, config.onDelete);
    const hasNewRecords = recordSources(collectionState, run, made);
    // Every write above saved its own change (and the records that went with it). Only what
    // changed outside them needs this save: serialising a big site's manifest to find out that
    // nothing did costs more than the rest of a no-op run.
    const isSaved = canSkip && !isCold && !hasPending && !hasNewSettings && !hasNewRecords;
    if (!isSaved) await save();
  }

  // Second pass: references to items that did not exist yet on the first pass (cycles, or later collections).
  if (!isDryRun && deferred.length > 0 && !options.signal?.aborted) {
    hasUnsaved = true;
    for (const run of runs) {
      const mine = deferred.filter((item) => item.run === run);
      if (mine.length === 0) continue;
      const entries = manifest.collections[run.config.collectionId]?.items ?? {};
      const drafts: ItemDraft[] = [];
      // Records of the files whose item ends up holding the full draft, as the first pass keeps them.
      const made = new Map<string, { draft: ItemDraft; record: SourceRecord }>();
      for (const { entry: parsed, file, resolveAsset, record: base } of mine) {
        await ensureRenderer();
        let entry: Entry;
        try {
          entry = await entryWithBody(config.root, file);
        } catch (error) {
          if (!(error instanceof WfSyncError)) throw error;
          record({
            collection: run.config.name,
            file: parsed.file,
            slug: slugForEntry(parsed),
            action: "update",
            itemId: entries[slugForEntry(parsed)]?.itemId ?? null,
            error: error.message,
            cause: error,
          });
          continue;
        }
        const links: Record<string, string | null> = {};
        const refs: Record<string, string | null> = {};
        const resolveReference = (target: string, referencedId: string) => {
          const itemId =
            manifest.collections[referencedId]?.items[slugOfReference(target, byPath, entry.file) ?? ""]
              ?.itemId || undefined;
          if (runs.some((candidate) => candidate.config.collectionId === referencedId))
            refs[`${referencedId} ${target}`] = itemId ?? null;
          return itemId;
        };
        const rendered = run.config.body
          ? run.renderer.render(entry.body, {
              file: entry.file,
              lineOffset: entry.bodyLine - 1,
              resolveLink: (href) => {
                const url = resolveLink(href, entry.file, byPath);
                links[href] = url ?? null;
                return url;
              },
              resolveImage: resolveAsset,
            })
          : undefined;
        const mapped = mapFields(entry, {
          mapping: run.config,
          schema: run.schema,
          isStrict: options.isStrict ?? false,
          html: rendered?.html,
          resolveReference,
          resolveAsset,
        });
        if (mapped.ok) {
          drafts.push(mapped.draft);
          if (base) {
            const record: SourceRecord = { ...base };
            if (Object.keys(links).length > 0) record.links = links;
            if (Object.keys(refs).length > 0) record.refs = refs;
            made.set(entry.file, { draft: mapped.draft, record });
          }
        } else
          record({
            collection: run.config.name,
            file: entry.file,
            slug: slugForEntry(entry),
            action: "update",
            itemId: entries[slugForEntry(entry)]?.itemId ?? null,
            error: mapped.errors[0]?.message ?? "failed",
            cause: mapped.errors[0],
          });
      }
      const plan = planChanges(drafts, new Map(Object.entries(entries)), {
        presentFiles: new Set(drafts.map((draft) => draft.file)),
      });
      await updateItems(
        {
          client,
          collectionId: run.config.collectionId,
          collectionName: run.config.name,
          entries,
          save,
          signal: options.signal,
          emit: (result) => {
            // The item was already counted on the first pass; a failure here still counts.
            if (result.error) record(result);
          },
        },
        plan.update,
      );
      // Only now does the item hold everything the file says: keep its record, so the next run
      // skips the file unparsed, as it does a file that needed no second pass.
      const sources = ((manifest.collections[run.config.collectionId] as ManifestCollection).sources ??= {});
      for (const [path, { draft, record }] of made) {
        const entry = entries[draft.slug];
        const isHeld =
          entry !== undefined &&
          entry.itemId !== "" &&
          !entry.isPending &&
          entry.digest === draft.digest &&
          entry.file === path;
        if (isHeld) sources[path] = record;
      }
    }
  }

  // Translations last: every primary item (and everything they reference) exists by now.
  for (const run of runs) {
    if (run.translations.length === 0 || options.signal?.aborted) continue;
    hasUnsaved = true;
    await syncTranslations({
      run,
      manifest,
      client,
      siteLocales,
      byPath,
      root: config.root,
      stats: fileStats,
      isDryRun,
      isForced: options.isForced ?? false,
      isStrict: options.isStrict ?? false,
      save,
      record,
      emit,
    });
  }

  // Each collection saved its own changes (an untouched one had none), so the final save is
  // needed only after the passes above, or when the digest cache changed and no save followed:
  // serialising a big site's manifest costs a tenth of a second each time.
  if (!isDryRun && hasUnsaved) await save();
  return buildReport({
    results,
    isDryRun,
    isInterrupted: options.signal?.aborted ?? false,
    client,
    started,
    files: fileStats,
  });
}

/** The site's locales, read once when a collection declares secondary locales (API-NOTES §6). */
async function readSiteLocales(
  config: ResolvedConfig,
  selected: readonly ResolvedCollectionConfig[],
  client: WebflowClient,
): Promise<SiteLocale[]> {
  const needed = selected.flatMap((collection) => Object.keys(collection.locales ?? {}));
  if (needed.length === 0) return [];
  if (!config.siteId) {
    throw new ConfigError(
      "`locales` needs `siteId` in wf-sync.config.ts, to look up the site's locale ids.",
      { location: { file: config.configFile } },
    );
  }
  const site = await client.getSite(config.siteId);
  for (const tag of needed) {
    if (!site.locales.some((locale) => locale.tag.toLowerCase() === tag.toLowerCase() && !locale.isPrimary)) {
      throw new ConfigError(`Locale "${tag}" is not a secondary locale of site ${config.siteId}.`, {
        location: { file: config.configFile },
        hint: `The site has: ${site.locales.map((locale) => `${locale.tag}${locale.isPrimary ? " (primary)" : ""}`).join(", ") || "no locales"}.`,
      });
    }
  }
  return site.locales;
}

/** Primary first, then the collection's secondary locales; empty when the collection has none. */
function localeIdsFor(collection: ResolvedCollectionConfig, siteLocales: readonly SiteLocale[]): string[] {
  const tags = Object.keys(collection.locales ?? {}).map((tag) => tag.toLowerCase());
  if (tags.length === 0) return [];
  const primary = siteLocales.find((locale) => locale.isPrimary);
  const secondary = siteLocales.filter(
    (locale) => !locale.isPrimary && tags.includes(locale.tag.toLowerCase()),
  );
  return primary ? [primary.cmsLocaleId, ...secondary.map((locale) => locale.cmsLocaleId)] : [];
}

/**
 * Writes secondary-locale files into their primary item's locale variant. A translation is
 * matched to its primary file by `translationOf:` or by file name; keys it leaves out fall
 * back to the primary file's values, and an empty body falls back to the primary body.
 */
async function syncTranslations(options: {
  run: CollectionRun;
  manifest: Manifest;
  client: WebflowClient;
  siteLocales: readonly SiteLocale[];
  byPath: Map<string, { run: CollectionRun; slug: string }>;
  root: string;
  stats: PrepareStats;
  isDryRun: boolean;
  isForced: boolean;
  isStrict: boolean;
  save: () => Promise<void>;
  record: (result: ItemResult) => void;
  emit: (event: SyncEvent) => void;
}): Promise<void> {
  const { run, manifest, client, byPath } = options;
  const collectionId = run.config.collectionId;
  const collectionState = manifest.collections[collectionId] ?? { settingsDigest: "", items: {} };
  const entries = collectionState.items;
  const locales = (collectionState.locales ??= {});
  const primaryBySlug = new Map(
    run.files.flatMap((file) => (file.entry ? [[slugForEntry(file.entry), file] as const] : [])),
  );
  const writes: LocaleWrite[] = [];
  const remoteByTag = new Map<string, Map<string, RemoteItem>>();
  const sources = options.isDryRun ? {} : (collectionState.sources ??= {});
  const rawDigests = new Map(run.files.map((file) => [file.path, file.rawDigest ?? ""]));
  const resolveFrom = (target: string, referencedId: string, fromFile: string) =>
    manifest.collections[referencedId]?.items[slugOfReference(target, byPath, fromFile) ?? ""]?.itemId ||
    (isItemId(target) ? target : undefined);
  // A translation's values may be its own or inherited from the primary file: a path is tried
  // from the translation's folder first, then from the primary file's.
  const primaryPathOf = (translationPath: string) => sources[translationPath]?.primary?.path;
  const resolveReference = (target: string, referencedId: string, fromFile: string, primaryFile?: string) =>
    resolveFrom(target, referencedId, fromFile) ??
    ((primaryFile ?? primaryPathOf(fromFile))
      ? resolveFrom(target, referencedId, (primaryFile ?? primaryPathOf(fromFile)) as string)
      : undefined);
  const resolveTranslationLink = (href: string, from: string) => resolveLink(href, from, byPath);
  const pendingRecords = new Map<string, SourceRecord>();
  for (const path of Object.keys(sources))
    if (!run.files.some((file) => file.path === path) && !run.translations.some((file) => file.path === path))
      delete sources[path];
  for (const file of run.translations) {
    const name = `${run.config.name}[${file.tag}]`;
    const fail = (slug: string, error: WfSyncError) => {
      delete sources[file.path];
      options.record({
        collection: name,
        file: file.path,
        slug,
        action: "invalid",
        itemId: null,
        error: error.message,
        cause: error,
      });
    };
    if (file.skipped) {
      const record = file.skipped;
      const holds =
        Object.entries(record.links ?? {}).every(
          ([href, url]) => (resolveTranslationLink(href, file.path) ?? null) === url,
        ) &&
        Object.entries(record.refs ?? {}).every(([key, itemId]) => {
          const [referencedId = "", ...rest] = key.split(" ");
          return (
            (resolveReference(rest.join(" "), referencedId, file.path, record.primary?.path) ?? null) ===
            itemId
          );
        });
      if (holds) {
        for (const warning of record.warnings ?? []) options.emit({ type: "warning", warning });
        options.record({
          collection: name,
          file: file.path,
          slug: record.slug,
          action: "unchanged",
          itemId: entries[record.primary?.anchor ?? ""]?.itemId ?? null,
          error: null,
        });
        continue;
      }
      file.skipped = undefined;
      await loadSkippedEntry(options.root, file, options.stats);
      const primaryFile = run.files.find((candidate) => candidate.path === record.primary?.path);
      const primaryEntry = primaryFile
        ? await loadSkippedEntry(options.root, primaryFile, options.stats)
        : undefined;
      if (primaryEntry && primaryFile) primaryBySlug.set(slugForEntry(primaryEntry), primaryFile);
    }
    if (!file.entry) {
      fail("", file.error as WfSyncError);
      continue;
    }
    const anchor = anchorOf(file.entry, file.path);
    const primaryFile = primaryBySlug.get(anchor);
    const itemId = entries[anchor]?.itemId;
    if (!primaryFile) {
      fail(anchor, missingPrimaryError({ anchor, collection: run.config.name, file: file.path }));
      continue;
    }
    let primary: Entry;
    try {
      primary = await entryWithBody(options.root, primaryFile);
    } catch (error) {
      if (!(error instanceof WfSyncError)) throw error;
      fail(anchor, error);
      continue;
    }
    const locale = options.siteLocales.find(
      (candidate) => candidate.tag.toLowerCase() === file.tag.toLowerCase(),
    );
    if (!locale) continue;
    const merged = mergeTranslation({ primary, translation: file.entry, anchor });
    // Values inherited from the primary file are relative to it; the translation's own to itself.
    const usedAssets = new Set<string>();
    const resolveAsset = (path: string) => {
      for (const base of [file.path, primary.file]) {
        const relative = posix.normalize(posix.join(posix.dirname(base), path));
        const asset = Object.values(manifest.assets).find((candidate) => candidate.fileName === relative);
        if (asset) {
          usedAssets.add(relative);
          return { fileId: asset.fileId, url: asset.url };
        }
      }
      return undefined;
    };
    const links: Record<string, string | null> = {};
    const refs: Record<string, string | null> = {};
    if (run.config.body) await ensureRenderer();
    const rendered = run.config.body
      ? run.renderer.render(merged.body, {
          file: file.path,
          lineOffset: merged.bodyLine - 1,
          resolveLink: (href) => {
            const url = resolveTranslationLink(href, file.path);
            links[href] = url ?? null;
            return url;
          },
          resolveImage: resolveAsset,
        })
      : undefined;
    const warnings = [...(rendered?.warnings ?? [])];
    for (const warning of warnings) options.emit({ type: "warning", warning });
    const mapped = mapFields(merged, {
      mapping: run.config,
      schema: run.schema,
      html: rendered?.html,
      isStrict: options.isStrict,
      resolveAsset,
      resolveReference: (target, referencedId) => {
        const itemId = resolveReference(target, referencedId, file.path, primary.file);
        refs[`${referencedId} ${target}`] = itemId ?? null;
        return itemId;
      },
    });
    if (!mapped.ok) {
      fail(anchor, mapped.errors[0] as WfSyncError);
      continue;
    }
    const primaryPath = primary.file;
    const assets: NonNullable<SourceRecord["assets"]> = { ...(sources[primaryPath]?.assets ?? {}) };
    let hasAllAssets = sources[primaryPath] !== undefined;
    for (const path of usedAssets) {
      const info = await statAsset(resolve(options.root, path));
      if (info) assets[path] = info;
      else hasAllAssets = false;
    }
    const record: SourceRecord = {
      digest: file.rawDigest ?? "",
      slug: mapped.draft.slug,
      primary: { path: primaryPath, digest: rawDigests.get(primaryPath) ?? "", itemId: itemId ?? "", anchor },
    };
    if (Object.keys(assets).length > 0) record.assets = assets;
    if (Object.keys(links).length > 0) record.links = links;
    if (Object.keys(refs).length > 0) record.refs = refs;
    if (warnings.length > 0) record.warnings = warnings;
    const keep = (isWritten: boolean) => {
      if (isWritten && hasAllAssets && file.rawDigest && itemId && record.primary?.digest)
        sources[file.path] = record;
      else delete sources[file.path];
    };
    if (hasAllAssets && file.rawDigest) pendingRecords.set(`${file.tag} ${anchor}`, record);
    const known = locales[file.tag]?.[anchor];
    keep(false);
    if (!options.isForced && known?.digest === mapped.draft.digest) {
      keep(true);
      options.record({
        collection: name,
        file: file.path,
        slug: mapped.draft.slug,
        action: "unchanged",
        itemId: itemId ?? null,
        error: null,
      });
      continue;
    }
    if (!itemId) {
      if (options.isDryRun)
        options.record({
          collection: name,
          file: file.path,
          slug: mapped.draft.slug,
          action: "update",
          itemId: null,
          error: null,
        });
      else
        fail(
          anchor,
          new ReferenceError(
            `the primary item "${anchor}" was not synced, so its translation cannot be written.`,
            { location: { file: file.path } },
          ),
        );
      continue;
    }
    if (!known && !options.isForced) {
      // No record (a fresh manifest): the site may already hold this translation.
      let remote = remoteByTag.get(file.tag);
      if (!remote) {
        remote = new Map(
          (await client.listItems(collectionId, { cmsLocaleId: locale.cmsLocaleId })).map((item) => [
            item.itemId,
            item,
          ]),
        );
        remoteByTag.set(file.tag, remote);
      }
      const current = remote.get(itemId);
      if (current && holdsDraft(current, mapped.draft)) {
        if (!options.isDryRun)
          (locales[file.tag] ??= {})[anchor] = { digest: mapped.draft.digest, file: file.path };
        keep(true);
        options.record({
          collection: name,
          file: file.path,
          slug: mapped.draft.slug,
          action: "unchanged",
          itemId,
          error: null,
        });
        continue;
      }
    }
    if (options.isDryRun) {
      options.record({
        collection: name,
        file: file.path,
        slug: mapped.draft.slug,
        action: "update",
        itemId,
        error: null,
      });
      continue;
    }
    writes.push({ tag: file.tag, cmsLocaleId: locale.cmsLocaleId, itemId, anchor, draft: mapped.draft });
  }
  if (options.isDryRun || writes.length === 0) return;
  await writeLocaleVariants(
    {
      client,
      collectionId,
      collectionName: run.config.name,
      entries,
      save: options.save,
      emit: options.record,
    },
    writes,
    (write) => {
      (locales[write.tag] ??= {})[write.anchor] = { digest: write.draft.digest, file: write.draft.file };
      const record = pendingRecords.get(`${write.tag} ${write.anchor}`);
      if (record && record.primary?.itemId === write.itemId && record.primary.digest !== "")
        sources[write.draft.file] = record;
    },
  );
}

function plannedResult(
  run: CollectionRun,
  file: string,
  slug: string,
  action: ItemResult["action"],
  itemId: string | null,
): ItemResult {
  return { collection: run.config.name, file, slug, action, itemId: itemId || null, error: null };
}

/** Items matched on the site by slug (cold manifest) that already hold the file's content need no write. */
function settleColdMatches(
  plan: SyncPlan,
  remoteBySlug: Map<string, RemoteItem>,
  entries: Record<string, ManifestEntry>,
  isForced: boolean,
): void {
  if (remoteBySlug.size === 0 || isForced) return;
  plan.update = plan.update.filter((update) => {
    if (update.previous.digest !== "") return true;
    const remote = remoteBySlug.get(update.previousSlug);
    if (!remote || update.previousSlug !== update.draft.slug || !holdsDraft(remote, update.draft))
      return true;
    entries[update.draft.slug] = {
      ...update.previous,
      digest: update.draft.digest,
      fields: update.draft.fieldDigests,
      file: update.draft.file,
      isDraft: update.draft.isDraft,
      isArchived: update.draft.isArchived,
    };
    plan.unchanged.push(update.draft);
    return false;
  });
}

/** Removals that still change something under the policy (an item already unpublished stays so). */
function pendingRemovals(
  removals: readonly PlannedRemoval[],
  policy: ResolvedConfig["onDelete"],
): PlannedRemoval[] {
  if (policy === "unpublish") return removals.filter((removal) => removal.entry.isLive);
  if (policy === "archive")
    return removals.filter((removal) => !removal.entry.isArchived || removal.entry.isLive);
  return [...removals];
}

/** Refuses, before any write, a run that would remove more than the safety share of a collection. */
function checkDeletionGuard(options: {
  runs: CollectionRun[];
  manifest: Manifest;
  config: ResolvedConfig;
  isDeleteAllowed: boolean;
}): void {
  const { runs, manifest, config } = options;
  if (config.onDelete === "keep" || options.isDeleteAllowed) return;
  for (const run of runs) {
    const entries = manifest.collections[run.config.collectionId]?.items ?? {};
    const present = new Set(run.files.map((file) => file.path));
    const slugs = new Set(run.files.flatMap((file) => slugOfLoaded(file) ?? []));
    // A file moved with its bytes unchanged (git mv) keeps its item: the plan updates its slug,
    // so it is not a removal. Recognised by the raw digest the manifest recorded for the old path.
    const sources = manifest.collections[run.config.collectionId]?.sources ?? {};
    const newDigests = new Set(run.files.filter((file) => !sources[file.path]).map((file) => file.rawDigest));
    const candidates = Object.entries(entries).filter(([slug, entry]) => {
      if (entry.itemId === "" || slugs.has(slug) || present.has(entry.file)) return false;
      const recorded = sources[entry.file]?.digest;
      return !(recorded !== undefined && newDigests.has(recorded));
    });
    const removals = pendingRemovals(
      candidates.map(([slug, entry]) => ({ slug, entry })),
      config.onDelete,
    );
    const total = Object.keys(entries).length;
    if (removals.length > 0 && removals.length > config.maxDeleteShare * total) {
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
}

/**
 * The slug a reference target names: the target itself, or the slug of the synced Markdown
 * file a path points at, resolved from the referring file's folder (paths contain `/` or end
 * in `.md`). Without the referring file, a path is matched by its end.
 */
function slugOfReference(
  target: string,
  byPath: Map<string, { run: CollectionRun; slug: string }>,
  fromFile?: string,
): string | undefined {
  if (!target.includes("/") && !/\.(md|markdown)$/i.test(target)) return target;
  if (fromFile !== undefined) {
    const resolved = posix.normalize(posix.join(posix.dirname(fromFile), target));
    for (const candidate of [resolved, `${resolved}.md`]) {
      const found = byPath.get(candidate);
      if (found) return found.slug;
    }
    return undefined;
  }
  const suffix = `/${target.replace(/^(\.\.?\/)+/, "")}`;
  return [...byPath.entries()].find(([path]) => path === target || path.endsWith(suffix))?.[1].slug;
}

/** A relative link to another synced Markdown file becomes that item's URL path. */
function resolveLink(
  href: string,
  fromFile: string,
  byPath: Map<string, { run: CollectionRun; slug: string }>,
): string | undefined {
  return resolveFileLink(href, fromFile, (path) => {
    const found = byPath.get(path);
    return found ? urlPatternOf(found.run).replace("{slug}", found.slug) : undefined;
  });
}

/** URL path of a collection's items on the site, with `{slug}` to fill in. */
function urlPatternOf(run: CollectionRun): string {
  return run.config.urlPattern ?? `/${run.schema.slug || run.config.name}/{slug}`;
}

/**
 * Keeps the record of every file whose item now holds what the file says (so the next run
 * can skip it) and drops the rest: failed, deferred, interrupted or gone. Returns whether the
 * records differ from what was there (writes may have recorded theirs already, see onWritten).
 */
function recordSources(
  state: ManifestCollection,
  run: CollectionRun,
  made: Map<string, { draft: ItemDraft; record: SourceRecord }>,
): boolean {
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
    const made1 = made.get(file.path);
    const entry = made1 ? state.items[made1.draft.slug] : undefined;
    if (
      made1 &&
      entry &&
      entry.itemId !== "" &&
      !entry.isPending &&
      entry.digest === made1.draft.digest &&
      entry.file === file.path
    ) {
      if (sources[file.path] !== made1.record) hasChanged = true;
      sources[file.path] = made1.record;
    } else forget(file.path);
  }
  return hasChanged;
}

/**
 * `--verify`: the site is the truth. An entry whose item is gone is matched again by slug
 * (or dropped, so the item is created again); the plan then compares content with the site.
 */
/** A manifest entry pointing at the item found on the site; a blank digest makes the plan compare its content. */
function adoptRemote(entry: ManifestEntry, item: RemoteItem): ManifestEntry {
  return {
    ...entry,
    itemId: item.itemId,
    isLive: item.isLive,
    isDraft: item.isDraft,
    isArchived: item.isArchived,
    digest: "",
    isPending: false,
  };
}

function reconcileWithSite(
  entries: Record<string, ManifestEntry>,
  remote: readonly RemoteItem[],
  remoteBySlug: Map<string, RemoteItem>,
): void {
  const ids = new Set(remote.map((item) => item.itemId));
  for (const [slug, entry] of Object.entries(entries)) {
    if (entry.isPending || entry.itemId === "" || ids.has(entry.itemId)) continue;
    const item = remoteBySlug.get(slug);
    if (item) entries[slug] = adoptRemote(entry, item);
    else delete entries[slug];
  }
  // Content edited on the site: a blank digest makes the plan compare (settleColdMatches) and rewrite.
  for (const [slug, entry] of Object.entries(entries)) {
    const item = remoteBySlug.get(slug);
    if (item && item.itemId === entry.itemId && entry.digest !== "") entries[slug] = { ...entry, digest: "" };
  }
}

/** Uploads the entry's local images and files that the site does not have yet (by MD5), once. */
async function prepareAssets(options: {
  entry: Entry;
  dependencies: Array<FieldDependency & { key?: string; location?: SourceLocation }>;
  /** Local image sources of the body, as written (the renderer reported them). */
  bodyImages: readonly string[];
  run: CollectionRun;
  config: ResolvedConfig;
  client: WebflowClient;
  manifest: Manifest;
  assetsByPath: Map<string, { fileId: string; url: string }>;
  isDryRun: boolean;
  save: () => Promise<void>;
  /** The site's assets, listed once per run on first need. */
  siteAssets: () => Promise<Array<{ assetId: string; fileName: string; size: number; hostedUrl: string }>>;
}): Promise<WfSyncError[]> {
  const { entry, config, client, manifest, assetsByPath } = options;
  // A field's asset is located at its frontmatter key (and named by it); a body image at the body.
  const wanted: Array<{ path: string; assetKind: "image" | "file"; line: number | undefined; key: string }> =
    [];
  for (const dependency of options.dependencies) {
    if (dependency.kind === "asset")
      wanted.push({
        path: dependency.path,
        assetKind: dependency.assetKind,
        line: dependency.location?.line,
        key: dependency.key ? `${dependency.key}: ` : "",
      });
  }
  if (options.run.config.body)
    for (const src of options.bodyImages)
      wanted.push({ path: src, assetKind: "image", line: entry.bodyLine, key: "" });
  const errors: WfSyncError[] = [];
  for (const asset of wanted) {
    const relative = posix.normalize(posix.join(posix.dirname(entry.file), decodeURI(asset.path)));
    if (assetsByPath.has(relative)) continue;
    const absolute = resolve(config.root, relative);
    const location = { file: entry.file, line: asset.line };
    const size = await assetSize(absolute);
    if (size === undefined) {
      errors.push(
        new AssetError(`${asset.key}${asset.path}: file not found (looked for ${relative}).`, {
          location,
          hint: "Paths are relative to the Markdown file.",
        }),
      );
      continue;
    }
    const limitError = checkAssetLimits({
      path: relative,
      sizeBytes: size,
      assetKind: asset.assetKind,
      location,
    });
    if (limitError) {
      errors.push(
        asset.key
          ? new AssetError(`${asset.key}${limitError.message}`, { location, hint: limitError.hint })
          : limitError,
      );
      continue;
    }
    const { bytes, md5 } = await readAsset(absolute);
    const fileName = relative.split("/").at(-1) ?? relative;
    let uploaded: ManifestAsset | undefined = manifest.assets[md5];
    if (!uploaded && config.siteId) {
      // A fresh manifest (e.g. a new CI runner) has no upload records: adopt an asset of the
      // same name and size already on the site rather than uploading it again.
      const onSite = (await options.siteAssets()).find(
        (asset) => asset.fileName === fileName && asset.size === bytes.length,
      );
      if (onSite) {
        uploaded = { fileId: onSite.assetId, url: onSite.hostedUrl, fileName: relative };
        if (!options.isDryRun) manifest.assets[md5] = uploaded;
      }
    }
    if (uploaded) {
      assetsByPath.set(relative, { fileId: uploaded.fileId, url: uploaded.url });
      continue;
    }
    if (options.isDryRun) {
      assetsByPath.set(relative, { fileId: `(upload ${md5.slice(0, 8)})`, url: relative });
      continue;
    }
    if (!config.siteId) {
      errors.push(
        new AssetError(`${asset.path}: uploading a local file needs \`siteId\` in wf-sync.config.ts.`, {
          location,
          hint: "Add the site id (wf-sync init writes it), or use a URL.",
        }),
      );
      continue;
    }
    try {
      const upload = await client.createAsset(config.siteId, { fileName, fileHash: md5 });
      await client.uploadAsset(upload, { bytes, fileName, contentType: contentTypeFor(fileName) });
      manifest.assets[md5] = { fileId: upload.assetId, url: upload.hostedUrl, fileName: relative };
      assetsByPath.set(relative, { fileId: upload.assetId, url: upload.hostedUrl });
      await options.save();
    } catch (error) {
      // A failed upload costs the items that use the file, not the run.
      if (!(error instanceof WfSyncError) || error.exitCode === ExitCode.CannotRun) throw error;
      errors.push(
        new AssetError(`${asset.path}: upload failed: ${error.message}`, { location, cause: error }),
      );
    }
  }
  return errors;
}

function buildReport(options: {
  results: ItemResult[];
  isDryRun: boolean;
  isInterrupted: boolean;
  client: WebflowClient;
  started: number;
  files: PrepareStats;
}): SyncReport {
  const collections: Record<string, CollectionCounts> = {};
  const totals = emptyCounts();
  for (const result of options.results) {
    const counts = (collections[result.collection] ??= emptyCounts());
    const key = result.error ? "failed" : COUNT_KEYS[result.action];
    if (!key) continue;
    counts[key]++;
    totals[key]++;
  }
  const stats = options.client.stats;
  return {
    isDryRun: options.isDryRun,
    isInterrupted: options.isInterrupted,
    items: options.results,
    collections,
    totals,
    requests: stats.requests,
    writeRequests: stats.writes,
    rateLimited: stats.rateLimited,
    rateLimitWaitMs: stats.rateLimitWaitMs,
    durationMs: Date.now() - options.started,
    files: options.files,
  };
}
