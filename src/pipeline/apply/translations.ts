/**
 * Translations, last: every primary item (and everything they reference) exists by now. A
 * secondary-locale file is matched to its primary file by `translationOf:` or by file name;
 * keys it leaves out fall back to the primary file's values, and an empty body falls back to
 * the primary body. Each becomes a write to its primary item's locale variant.
 */
import { resolve } from "node:path";
import { ReferenceError, WfSyncError } from "../../errors.ts";
import { mapFields, slugForEntry, type ItemDraft } from "../../core/map-fields.ts";
import { isItemId } from "../../core/item-id.ts";
import { assetPathFrom } from "../../core/prepare-entry.ts";
import { anchorOf, mergeTranslation, missingPrimaryError } from "../../core/translation.ts";
import type { Entry, SiteLocale } from "../../core/types.ts";
import type { RemoteItem } from "../../webflow/client.ts";
import type { CollectionRun } from "../discover/discover.ts";
import { resolveLink, slugOfReference } from "../plan/site-index.ts";
import { entryWithBody, loadSkippedEntry, statAsset, type LoadedFile } from "../prepare/prepare-files.ts";
import { ensureRenderer, htmlSanitizerFor } from "../prepare/renderer.ts";
import { overBudgetError, TimeBudgetExceeded, withinTimeBudget } from "../prepare/time-budget.ts";
import { resolveLimits } from "../../core/limits.ts";
import type { ManifestCollection, SourceRecord } from "../record/manifest-store.ts";
import { invalidResult, type RunContext } from "../run-context.ts";
import { writeLocaleVariants, type LocaleWrite } from "./apply-locales.ts";
import { holdsDraft } from "./apply-plan.ts";

type Translation = LoadedFile & { tag: string };

/** What the translations of one collection share while they are planned and written. */
interface TranslationRun {
  context: RunContext;
  run: CollectionRun;
  state: ManifestCollection;
  sources: Record<string, SourceRecord>;
  primaryBySlug: Map<string, LoadedFile>;
  rawDigests: Map<string, string>;
  /** Records to keep once their variant is written: `<tag> <anchor>` → record. */
  pendingRecords: Map<string, SourceRecord>;
  remoteByTag: Map<string, Map<string, RemoteItem>>;
}

export async function applyTranslations(context: RunContext, run: CollectionRun): Promise<void> {
  const state = (context.manifest.collections[run.config.collectionId] ??= { settingsDigest: "", items: {} });
  const sources = (state.sources ??= {});
  for (const path of Object.keys(sources))
    if (!run.files.some((file) => file.path === path) && !run.translations.some((file) => file.path === path))
      delete sources[path];
  const translationRun: TranslationRun = {
    context,
    run,
    state,
    sources,
    primaryBySlug: new Map(
      run.files.flatMap((file) => (file.entry ? [[slugForEntry(file.entry), file] as const] : [])),
    ),
    rawDigests: new Map(run.files.map((file) => [file.path, file.rawDigest ?? ""])),
    pendingRecords: new Map(),
    remoteByTag: new Map(),
  };
  const writes: LocaleWrite[] = [];
  for (const file of run.translations) {
    const write = await planTranslation(translationRun, file);
    if (write) writes.push(write);
  }
  if (writes.length === 0) return;
  const locales = (state.locales ??= {});
  await writeLocaleVariants(
    {
      client: context.client,
      collectionId: run.config.collectionId,
      collectionName: run.config.name,
      entries: state.items,
      save: context.save,
      emit: context.record,
    },
    writes,
    (write) => {
      (locales[write.tag] ??= {})[write.anchor] = { digest: write.draft.digest, file: write.draft.file };
      const record = translationRun.pendingRecords.get(`${write.tag} ${write.anchor}`);
      if (record && record.primary?.itemId === write.itemId && record.primary.digest !== "")
        sources[write.draft.file] = record;
    },
  );
}

/** Resolvers of a translation: its own paths from its folder first, then from the primary file's. */
function translationResolvers(tr: TranslationRun) {
  const { context } = tr;
  const resolveFrom = (target: string, referencedId: string, fromFile: string) =>
    context.manifest.collections[referencedId]?.items[slugOfReference(context.index, target, fromFile) ?? ""]
      ?.itemId || (isItemId(target) ? target : undefined);
  const resolveReference = (target: string, referencedId: string, fromFile: string, primaryFile?: string) => {
    const primary = primaryFile ?? tr.sources[fromFile]?.primary?.path;
    return (
      resolveFrom(target, referencedId, fromFile) ??
      (primary ? resolveFrom(target, referencedId, primary) : undefined)
    );
  };
  return {
    resolveReference,
    resolveLink: (href: string, from: string) => resolveLink(context.index, href, from),
  };
}

/** Plans one translation: unchanged (reported), failed (reported), or a write to make. */
async function planTranslation(tr: TranslationRun, file: Translation): Promise<LocaleWrite | undefined> {
  const { context, run } = tr;
  const name = `${run.config.name}[${file.tag}]`;
  const fail = (slug: string, error: WfSyncError | readonly WfSyncError[]) => {
    delete tr.sources[file.path];
    context.record(invalidResult({ collection: name, file: file.path, slug, itemId: null, error }));
  };
  if (file.skipped && (await reuseSkippedTranslation(tr, file, name))) return undefined;
  if (!file.entry) return (fail("", file.error as WfSyncError), undefined);
  const anchor = anchorOf(file.entry, file.path);
  const primaryFile = tr.primaryBySlug.get(anchor);
  const itemId = tr.state.items[anchor]?.itemId;
  if (!primaryFile)
    return (
      fail(anchor, missingPrimaryError({ anchor, collection: run.config.name, file: file.path })),
      undefined
    );
  let primary: Entry;
  try {
    primary = await entryWithBody(context.config.root, primaryFile);
  } catch (error) {
    if (!(error instanceof WfSyncError)) throw error;
    return (fail(anchor, error), undefined);
  }
  const locale = context.siteLocales.find(
    (candidate) => candidate.tag.toLowerCase() === file.tag.toLowerCase(),
  );
  if (!locale) return undefined;
  const made = await translationDraft(tr, { file, entry: file.entry, primary, anchor, itemId });
  if (made instanceof WfSyncError || Array.isArray(made)) return (fail(anchor, made), undefined);
  const { draft } = made;
  const unchanged = (id: string | null) =>
    context.record({
      collection: name,
      file: file.path,
      slug: draft.slug,
      action: "unchanged",
      itemId: id,
      error: null,
    });
  const known = tr.state.locales?.[file.tag]?.[anchor];
  if (!context.flags.isForced && known?.digest === draft.digest) {
    made.keep(true);
    return (unchanged(itemId ?? null), undefined);
  }
  if (!itemId) {
    const error = new ReferenceError(
      `the primary item "${anchor}" was not synced, so its translation cannot be written.`,
      { location: { file: file.path } },
    );
    return (fail(anchor, error), undefined);
  }
  if (
    !known &&
    !context.flags.isForced &&
    (await isHeldOnSite(tr, { locale, itemId, draft, tag: file.tag }))
  ) {
    ((tr.state.locales ??= {})[file.tag] ??= {})[anchor] = { digest: draft.digest, file: file.path };
    made.keep(true);
    return (unchanged(itemId), undefined);
  }
  return { tag: file.tag, cmsLocaleId: locale.cmsLocaleId, itemId, anchor, draft };
}

/** An unchanged translation whose links and references still resolve the same: reported unchanged, unparsed. */
async function reuseSkippedTranslation(
  tr: TranslationRun,
  file: Translation,
  name: string,
): Promise<boolean> {
  const { context, run } = tr;
  const record = file.skipped as SourceRecord;
  const resolvers = translationResolvers(tr);
  const holds =
    Object.entries(record.links ?? {}).every(
      ([href, url]) => (resolvers.resolveLink(href, file.path) ?? null) === url,
    ) &&
    Object.entries(record.refs ?? {}).every(([key, itemId]) => {
      const [referencedId = "", ...rest] = key.split(" ");
      return (
        (resolvers.resolveReference(rest.join(" "), referencedId, file.path, record.primary?.path) ??
          null) === itemId
      );
    });
  if (holds) {
    for (const warning of record.warnings ?? []) context.emit({ type: "warning", warning });
    const itemId = tr.state.items[record.primary?.anchor ?? ""]?.itemId ?? null;
    context.record({
      collection: name,
      file: file.path,
      slug: record.slug,
      action: "unchanged",
      itemId,
      error: null,
    });
    return true;
  }
  file.skipped = undefined;
  await loadSkippedEntry(context.config.root, file, context.stats);
  const primaryFile = run.files.find((candidate) => candidate.path === record.primary?.path);
  const primaryEntry = primaryFile
    ? await loadSkippedEntry(context.config.root, primaryFile, context.stats)
    : undefined;
  if (primaryEntry && primaryFile) tr.primaryBySlug.set(slugForEntry(primaryEntry), primaryFile);
  return false;
}

/** Merges, renders and maps a translation; gives its draft and a way to keep or drop its record. */
async function translationDraft(
  tr: TranslationRun,
  options: { file: Translation; entry: Entry; primary: Entry; anchor: string; itemId: string | undefined },
): Promise<{ draft: ItemDraft; keep: (isWritten: boolean) => void } | WfSyncError | WfSyncError[]> {
  const { context, run } = tr;
  const { file, primary, anchor } = options;
  const merged = mergeTranslation({ primary, translation: options.entry, anchor });
  const resolvers = translationResolvers(tr);
  // Values inherited from the primary file are relative to it; the translation's own to itself.
  const usedAssets = new Set<string>();
  const resolveAsset = (path: string) => {
    for (const base of [file.path, primary.file]) {
      const relative = assetPathFrom(base, path);
      const asset = Object.values(context.manifest.assets).find(
        (candidate) => candidate.fileName === relative,
      );
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
  let rendered: ReturnType<typeof run.renderer.render> | undefined;
  const { maxFileMs } = resolveLimits(context.config.limits);
  try {
    rendered = withinTimeBudget(maxFileMs, merged.body.length, renderTranslation);
  } catch (error) {
    // A body its settings refuse (`templates: "error"`) fails this translation alone.
    if (error instanceof WfSyncError) return error;
    if (error instanceof TimeBudgetExceeded) return overBudgetError(file.path, maxFileMs);
    throw error;
  }
  function renderTranslation() {
    return run.config.body
      ? run.renderer.render(merged.body, {
          file: file.path,
          lineOffset: merged.bodyLine - 1,
          contentRoot: merged.contentRoot,
          resolveLink: (href) => {
            const url = resolvers.resolveLink(href, file.path);
            links[href] = url ?? null;
            return url;
          },
          resolveImage: resolveAsset,
        })
      : undefined;
  }
  const warnings = [...(rendered?.warnings ?? [])];
  for (const warning of warnings) context.emit({ type: "warning", warning });
  const mapped = mapFields(merged, {
    mapping: run.config,
    schema: run.schema,
    html: rendered?.html,
    isStrict: context.flags.isStrict,
    resolveAsset,
    sanitizeHtml: await htmlSanitizerFor({
      schema: run.schema,
      bodyField: run.config.body,
      renderOptions: run.renderOptions,
    }),
    resolveReference: (target, referencedId) => {
      const itemId = resolvers.resolveReference(target, referencedId, file.path, primary.file);
      refs[`${referencedId} ${target}`] = itemId ?? null;
      return itemId;
    },
  });
  if (!mapped.ok) return mapped.errors;
  const record = await translationRecord(tr, { file, primary, anchor, itemId: options.itemId, usedAssets });
  if (record) {
    record.slug = mapped.draft.slug;
    if (Object.keys(links).length > 0) record.links = links;
    if (Object.keys(refs).length > 0) record.refs = refs;
    if (warnings.length > 0) record.warnings = warnings;
    tr.pendingRecords.set(`${file.tag} ${anchor}`, record);
  }
  const keep = (isWritten: boolean) => {
    if (isWritten && record && options.itemId && record.primary?.digest) tr.sources[file.path] = record;
    else delete tr.sources[file.path];
  };
  keep(false);
  return { draft: mapped.draft, keep };
}

/** The skip record of a translation, when every asset it uses (its own and its primary's) could be stat'ed. */
async function translationRecord(
  tr: TranslationRun,
  options: {
    file: Translation;
    primary: Entry;
    anchor: string;
    itemId: string | undefined;
    usedAssets: Set<string>;
  },
): Promise<SourceRecord | undefined> {
  const primaryPath = options.primary.file;
  const assets: NonNullable<SourceRecord["assets"]> = { ...(tr.sources[primaryPath]?.assets ?? {}) };
  let hasAllAssets = tr.sources[primaryPath] !== undefined;
  for (const path of options.usedAssets) {
    // A root-absolute (staticDirs) asset is not stamped: the translation is prepared again next run.
    const info = path.startsWith("/") ? undefined : await statAsset(resolve(tr.context.config.root, path));
    if (info) assets[path] = info;
    else hasAllAssets = false;
  }
  if (!hasAllAssets || !options.file.rawDigest) return undefined;
  const record: SourceRecord = {
    digest: options.file.rawDigest,
    slug: "",
    primary: {
      path: primaryPath,
      digest: tr.rawDigests.get(primaryPath) ?? "",
      itemId: options.itemId ?? "",
      anchor: options.anchor,
    },
  };
  if (Object.keys(assets).length > 0) record.assets = assets;
  return record;
}

/** No record (a fresh manifest): the site may already hold this translation. */
async function isHeldOnSite(
  tr: TranslationRun,
  options: { locale: SiteLocale; itemId: string; draft: ItemDraft; tag: string },
): Promise<boolean> {
  let remote = tr.remoteByTag.get(options.tag);
  if (!remote) {
    const items = await tr.context.client.listItems(tr.run.config.collectionId, {
      cmsLocaleId: options.locale.cmsLocaleId,
    });
    remote = new Map(items.map((item) => [item.itemId, item]));
    tr.remoteByTag.set(options.tag, remote);
  }
  const current = remote.get(options.itemId);
  return current !== undefined && holdsDraft(current, options.draft);
}
