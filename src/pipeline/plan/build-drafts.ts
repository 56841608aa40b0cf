/**
 * First pass of a collection: every source file becomes an item draft (fieldData + digests), or
 * a located error that fails that file alone. Unchanged files whose links and references still
 * resolve the same are taken from their records unparsed; local assets are made site assets; a
 * reference to an item created later in this run is left out and filled in by the second pass.
 */
import { resolve } from "node:path";
import { WfSyncError } from "../../errors.ts";
import {
  listEntryDependencies,
  mapFields,
  slugForEntry,
  type ItemDraft,
  type MapFieldsOptions,
} from "../../core/map-fields.ts";
import { isItemId } from "../../core/item-id.ts";
import { assetPathFrom, lookupsHold, renderEntry, type PrepareResolvers } from "../../core/prepare-entry.ts";
import type { Entry, SyncWarning } from "../../core/types.ts";
import { confinementOf } from "../discover/confine.ts";
import type { CollectionRun } from "../discover/discover.ts";
import {
  assetPathsOf,
  entryWithBody,
  prepareOnMainThread,
  statAsset,
  type LoadedFile,
} from "../prepare/prepare-files.ts";
import { createPageRules, notAPageWarning } from "./hugo-build.ts";
import { ensureRenderer, htmlSanitizerFor } from "../prepare/renderer.ts";
import { prepareSettingsOf } from "../prepare/prepare-run.ts";
import type { ManifestCollection, SourceRecord } from "../record/manifest-store.ts";
import { uploadEntryAssets, type AssetsByPath } from "../apply/upload-assets.ts";
import { invalidResult, isSyncedCollection, type RunContext } from "../run-context.ts";
import { slugOfReference } from "./site-index.ts";

/** A file whose item needs the second pass (a reference to an item created later in this run). */
export interface DeferredFile {
  run: CollectionRun;
  entry: Entry;
  file: LoadedFile;
  resolveAsset: (path: string) => { fileId: string; url: string } | undefined;
  /** What the file's skip record will say besides its links and references (when it can have one). */
  record: SourceRecord | undefined;
}

/** What a file's item was made from, recorded once the item holds it. */
export type MadeRecords = Map<string, { draft: ItemDraft; record: SourceRecord }>;

export interface CollectionDrafts {
  drafts: ItemDraft[];
  failedSlugs: Set<string>;
  made: MadeRecords;
  deferred: DeferredFile[];
}

/** Reference resolution of one collection's first pass; remembers the site listings it needed. */
function createReferenceResolver(context: RunContext) {
  const remoteIds = new Map<string, Map<string, string>>();
  const resolveReference = (target: string, referencedId: string, fromFile?: string): string | undefined => {
    const slug = slugOfReference(context.index, target, fromFile);
    if (slug === undefined) return undefined;
    const known = context.manifest.collections[referencedId]?.items[slug]?.itemId;
    if (known) return known;
    return remoteIds.get(referencedId)?.get(slug) ?? (isItemId(target) ? target : undefined);
  };
  return { resolveReference, remoteIds };
}
type ReferenceResolver = ReturnType<typeof createReferenceResolver>;

export async function buildCollectionDrafts(
  context: RunContext,
  run: CollectionRun,
  state: ManifestCollection,
): Promise<CollectionDrafts> {
  const out: CollectionDrafts = { drafts: [], failedSlugs: new Set(), made: new Map(), deferred: [] };
  const references = createReferenceResolver(context);
  const assetsByPath: AssetsByPath = new Map();
  const notAPage = createPageRules(context.config.root, new Set(run.files.map((file) => file.path)));
  const fail = (file: string, slug: string, error: WfSyncError | readonly WfSyncError[]) => {
    out.failedSlugs.add(slug);
    const itemId = state.items[slug]?.itemId || null;
    context.record(invalidResult({ collection: run.config.name, file, slug, itemId, error }));
  };
  for (const file of run.files) {
    if (file.skipped) {
      const draft = reusedDraft(context, { run, file, state, references });
      if (draft) {
        out.drafts.push(draft);
        continue;
      }
      await prepareOnMainThread({
        root: context.config.root,
        file,
        settings: prepareSettingsOf(run, context.config),
        resolvers: { urlOfFile: context.index.urlOfFile, urlOfAsset: () => undefined },
        stats: context.stats,
      });
    }
    if (!file.entry) {
      fail(file.path, "", file.error as WfSyncError);
      continue;
    }
    const isNot = await notAPage(file.entry);
    if (isNot) {
      context.emit({ type: "warning", warning: notAPageWarning(file.path, isNot) });
      continue;
    }
    await buildFileDraft(context, { run, file, entry: file.entry, references, assetsByPath, out, fail });
  }
  return out;
}

/** An unchanged file's draft from its record, when its links and references still resolve the same. */
function reusedDraft(
  context: RunContext,
  options: { run: CollectionRun; file: LoadedFile; state: ManifestCollection; references: ReferenceResolver },
): ItemDraft | undefined {
  const { file, run } = options;
  const record = file.skipped as SourceRecord;
  const linkOf = context.index.linksFrom(file.path);
  const holds =
    Object.entries(record.links ?? {}).every(([href, url]) => (linkOf(href) ?? null) === url) &&
    Object.entries(record.refs ?? {}).every(([key, itemId]) => {
      const [referencedId = "", ...rest] = key.split(" ");
      return (
        (options.references.resolveReference(rest.join(" "), referencedId, file.path) ?? null) === itemId
      );
    });
  const entry = options.state.items[record.slug];
  if (!holds || !entry) return undefined;
  for (const warning of record.warnings ?? []) context.emit({ type: "warning", warning });
  return {
    collection: run.config.name,
    file: file.path,
    slug: record.slug,
    fieldData: {},
    isDraft: entry.isDraft,
    isArchived: entry.isArchived,
    digest: entry.digest,
    fieldDigests: entry.fields,
    ...(entry.previews ? { fieldPreviews: entry.previews } : {}),
  };
}

/**
 * Which reference fields must wait for the second pass (their target is created later in this
 * run), after looking up on the site the targets a fresh manifest does not know yet.
 */
async function deferredReferences(
  context: RunContext,
  options: {
    entry: Entry;
    dependencies: ReturnType<typeof listEntryDependencies>;
    references: ReferenceResolver;
  },
): Promise<Set<string>> {
  const { entry, references } = options;
  const omitFields = new Set<string>();
  for (const dependency of options.dependencies) {
    if (dependency.kind !== "reference") continue;
    const referencedId = dependency.collectionId;
    const isSynced = isSyncedCollection(context, referencedId);
    const targetSlug = slugOfReference(context.index, dependency.target, entry.file);
    if (isSynced && targetSlug && context.pendingSlugs.get(referencedId)?.has(targetSlug)) {
      // No manifest record for that collection yet (a fresh runner): the item may already be on the site.
      if (!context.manifest.collections[referencedId]) {
        const remote = await context.remote.slugsOf(referencedId);
        if (remote.has(targetSlug)) {
          references.remoteIds.set(referencedId, remote);
          continue;
        }
      }
      omitFields.add(dependency.fieldSlug);
      continue;
    }
    if (
      !references.remoteIds.has(referencedId) &&
      !context.manifest.collections[referencedId]?.items[dependency.target]?.itemId &&
      !isSynced
    ) {
      references.remoteIds.set(referencedId, await context.remote.slugsOf(referencedId));
    }
  }
  return omitFields;
}

/** Turns one parsed file into a draft (or a failure); records what it was made from. */
async function buildFileDraft(
  context: RunContext,
  options: {
    run: CollectionRun;
    file: LoadedFile;
    entry: Entry;
    references: ReferenceResolver;
    assetsByPath: AssetsByPath;
    out: CollectionDrafts;
    fail: (file: string, slug: string, error: WfSyncError | readonly WfSyncError[]) => void;
  },
): Promise<void> {
  const { run, file, entry, references, assetsByPath, out, fail } = options;
  const refs: Record<string, string | null> = {};
  const mapOptions: MapFieldsOptions = {
    mapping: run.config,
    schema: run.schema,
    isStrict: context.flags.isStrict,
    sanitizeHtml: await htmlSanitizerFor({
      schema: run.schema,
      bodyField: run.config.body,
      renderOptions: run.renderOptions,
    }),
  };
  const dependencies = listEntryDependencies(entry, mapOptions);
  const omitFields = await deferredReferences(context, { entry, dependencies, references });
  const isDeferred = omitFields.size > 0;
  const bodyImages = Object.keys(file.rendered?.lookups.images ?? {});
  // Stat before the assets are read: an asset edited meanwhile then fails the next skip check.
  const assetPaths = assetPathsOf(
    entry.file,
    [
      ...dependencies.flatMap((dependency) => (dependency.kind === "asset" ? [dependency.path] : [])),
      ...bodyImages,
    ],
    confinementOf(context.config),
  );
  const assetStats = await Promise.all(
    assetPaths.map(async (path) => [path, await statAsset(resolve(context.config.root, path))] as const),
  );
  const assetErrors = await uploadEntryAssets(context, {
    entry,
    dependencies,
    bodyImages,
    bodyImageLines: file.rendered?.lookups.imageLines,
    hasBody: Boolean(run.config.body),
    isSvgCodeTrusted: run.renderOptions["rawHtml"] === "keep",
    assetsByPath,
  });
  if (assetErrors.length > 0) return fail(entry.file, slugForEntry(entry), assetErrors);
  const resolveAsset = (path: string) => assetsByPath.get(assetPathFrom(entry.file, path));
  const rendered = await finalRender(context, { run, file, entry, assetsByPath });
  if (rendered instanceof WfSyncError) return fail(entry.file, slugForEntry(entry), rendered);
  file.rendered = undefined;
  const warnings: SyncWarning[] = [...(rendered?.warnings ?? [])];
  const mapped = mapFields(entry, {
    ...mapOptions,
    html: rendered?.html,
    resolveReference: (target, referencedId) => {
      const itemId = references.resolveReference(target, referencedId, entry.file);
      if (isSyncedCollection(context, referencedId)) refs[`${referencedId} ${target}`] = itemId ?? null;
      return itemId;
    },
    resolveAsset,
    omitFields,
  });
  warnings.push(...mapped.warnings);
  for (const warning of warnings) context.emit({ type: "warning", warning });
  if (!mapped.ok) return fail(entry.file, slugForEntry(entry), mapped.errors);
  if (isDeferred) {
    const errors = checkDeferredTargets(context, {
      entry,
      mapOptions,
      html: rendered?.html,
      resolveAsset,
      references,
    });
    if (errors) return fail(entry.file, slugForEntry(entry), errors);
  }
  out.drafts.push(mapped.draft);
  const record = sourceRecordOf({ file, slug: mapped.draft.slug, assetPaths, assetStats, warnings });
  // A deferred file's record is completed (links, references) by the second pass.
  if (isDeferred) out.deferred.push({ run, entry, file, resolveAsset, record });
  else if (record) {
    if (Object.keys(rendered?.lookups.links ?? {}).length > 0) record.links = rendered?.lookups.links;
    if (Object.keys(refs).length > 0) record.refs = refs;
    out.made.set(file.path, { draft: mapped.draft, record });
  }
}

/** The body as it will be sent: rendered again when a link or asset resolved differently since. */
async function finalRender(
  context: RunContext,
  options: { run: CollectionRun; file: LoadedFile; entry: Entry; assetsByPath: AssetsByPath },
): Promise<LoadedFile["rendered"] | WfSyncError> {
  const { run, file, entry } = options;
  const resolvers: PrepareResolvers = {
    urlOfFile: context.index.urlOfFile,
    urlOfAsset: (path) => options.assetsByPath.get(path)?.url,
  };
  const rendered = file.rendered;
  if (!run.config.body || (rendered && lookupsHold(rendered.lookups, entry.file, resolvers))) return rendered;
  if (rendered) context.stats.rerendered++;
  await ensureRenderer();
  try {
    return renderEntry(run.renderer, await entryWithBody(context.config.root, file), resolvers);
  } catch (error) {
    if (!(error instanceof WfSyncError)) throw error;
    return error;
  }
}

/** A deferred field still fails now when one of its targets is neither known nor created later in this run. */
function checkDeferredTargets(
  context: RunContext,
  options: {
    entry: Entry;
    mapOptions: MapFieldsOptions;
    html: string | undefined;
    resolveAsset: (path: string) => { fileId: string; url: string } | undefined;
    references: ReferenceResolver;
  },
): WfSyncError[] | undefined {
  const { entry } = options;
  const isPending = (target: string, referencedId: string) =>
    context.pendingSlugs.get(referencedId)?.has(slugOfReference(context.index, target, entry.file) ?? "") ??
    false;
  const checked = mapFields(entry, {
    ...options.mapOptions,
    html: options.html,
    resolveAsset: options.resolveAsset,
    resolveReference: (target, referencedId) =>
      options.references.resolveReference(target, referencedId, entry.file) ??
      (isPending(target, referencedId) ? "(pending)" : undefined),
  });
  return checked.ok ? undefined : checked.errors;
}

/** The skip record of a file, when every asset it uses could be stat'ed. */
function sourceRecordOf(options: {
  file: LoadedFile;
  slug: string;
  assetPaths: readonly string[];
  assetStats: ReadonlyArray<readonly [string, { size: number; mtimeMs: number } | undefined]>;
  warnings: SyncWarning[];
}): SourceRecord | undefined {
  if (options.file.rawDigest === undefined) return undefined;
  const assets: NonNullable<SourceRecord["assets"]> = {};
  for (const [path, info] of options.assetStats) {
    if (!info) return undefined;
    assets[path] = info;
  }
  const record: SourceRecord = { digest: options.file.rawDigest, slug: options.slug };
  if (options.assetPaths.length > 0) record.assets = assets;
  if (options.warnings.length > 0) record.warnings = options.warnings;
  return record;
}
