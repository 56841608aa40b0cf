/**
 * The read → parse → render stage of a sync, incremental: every file is hashed (or, when its
 * stat stamp is unchanged, its digest is taken from the cache in the manifest); a file whose bytes, settings and assets are unchanged since its item was last synced is
 * skipped (its slug comes from the manifest's `sources`); the rest are parsed and rendered,
 * in worker threads when there are enough of them to pay for starting the workers.
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { relative, sep } from "node:path";
import { assetKeyOf, isSiteAbsolute, localPathOf, type Confinement } from "../discover/confine.ts";
import pLimit from "p-limit";
import { FrontmatterError, WfSyncError } from "../../errors.ts";
import { slugForEntry } from "../../core/map-fields.ts";
import { parseEntry } from "../../core/parse-entry.ts";
import {
  createEntryPreparer,
  fromPreparedError,
  type PreparedFile,
  type PrepareResolvers,
  type PrepareSettings,
  type RenderLookups,
} from "../../core/prepare-entry.ts";
import { hasPlugins } from "../../core/render-options.ts";
import { slugFromPath, type SlugRule } from "../../core/slugify.ts";
import type { Entry, SyncWarning } from "../../core/types.ts";
import type { ManifestCollection, SourceRecord } from "../record/manifest-store.ts";
import { stampOf, type FileDigestCache, type FileStamp } from "./file-digests.ts";
import { prepareInWorkers } from "./worker-pool.ts";
import { createTaskPreparer, type PreparedTask } from "./prepare-task.ts";

/**
 * The Markdown toolchain, loaded on first need: a run where no file changed never renders and
 * so never pays the few hundred milliseconds it takes to load.
 */
export function loadRenderer(): Promise<typeof import("../../core/render-markdown.ts")> {
  return import("../../core/render-markdown.ts");
}

/** Fewer changed files than this are prepared on the main thread: starting workers costs more. */
export const POOL_THRESHOLD = 200;

/** A source file of a run: skipped (slug from the manifest), parsed and rendered, or failed. */
export interface LoadedFile {
  path: string;
  /** SHA-256 of the bytes that were hashed (and, when parsed, parsed). */
  rawDigest?: string;
  /** What stat said of the file before it was read (for the digest cache). */
  stamp?: FileStamp | undefined;
  entry?: Entry;
  error?: WfSyncError;
  /** Set when the file was not parsed because nothing it depends on changed. */
  skipped?: SourceRecord;
  /** Rendered body and the answers its resolvers gave (checked again before use). */
  rendered?: { html: string; warnings: SyncWarning[]; lookups: RenderLookups };
  /** The collection's slug rule, for parsing (set by prepareFiles). */
  slugRule?: SlugRule | undefined;
  /**
   * Set when the parsed entry's Markdown body was let go (a big run keeps only the rendered
   * HTML): read `entry.body` through `entryWithBody`, which reads the file again.
   */
  isBodyDropped?: boolean;
}

/** How much work the prepare stage did; the report carries it (tests and the benchmark read it). */
export interface PrepareStats {
  files: number;
  /** Files read and hashed (the rest had a digest cached under an unchanged stat stamp). */
  hashed: number;
  skipped: number;
  parsed: number;
  rendered: number;
  /** Files parsed and rendered by the pool (worker threads, with the main thread taking its share). */
  inWorkers: number;
  /** Files rendered again on the main thread because a link or image resolved differently. */
  rerendered: number;
  /** Bodies rendered by the markdown-it fast path (the rest of `rendered` went through remark). */
  fastPath: number;
}

export function emptyPrepareStats(): PrepareStats {
  return {
    files: 0,
    hashed: 0,
    skipped: 0,
    parsed: 0,
    rendered: 0,
    inWorkers: 0,
    rerendered: 0,
    fastPath: 0,
  };
}

/** One collection's share of the prepare stage. */
export interface PrepareCollection {
  files: LoadedFile[];
  translations: Array<LoadedFile & { tag: string }>;
  /** Locale tag → the slug rule of its folder (so `slugFrom: "path"` anchors translations by path). */
  translationSlugRules?: Record<string, SlugRule> | undefined;
  settings: PrepareSettings;
  /** URL pattern of its items, for links between files (`{slug}` is replaced). */
  urlPattern: string;
  /** Its manifest state, when unchanged settings allow skipping; undefined disables skipping. */
  skippable: ManifestCollection | undefined;
}

export interface PrepareFilesOptions {
  root: string;
  collections: PrepareCollection[];
  /** Uploaded assets known from the manifest: root-relative path → URL. */
  assetUrls: ReadonlyMap<string, string>;
  stats: PrepareStats;
  /** Worker threads: "auto" uses them from POOL_THRESHOLD changed files on. */
  pool?: "auto" | "never" | "always";
  /** Digests by stat stamp: a file whose stamp is unchanged is not read to be hashed. */
  digests?: FileDigestCache | undefined;
}

export function rawDigestOf(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Size and mtime of a local file, or undefined when it is missing. */
export async function statAsset(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

function assetsUnchanged(root: string, assets: SourceRecord["assets"]): boolean {
  if (!assets) return true;
  for (const [path, known] of Object.entries(assets)) {
    const current = stampOf(`${root}/${path}`);
    if (!current || current.size !== known.size || current.mtimeMs !== known.mtimeMs) return false;
  }
  return true;
}

export { anchorOf } from "../../core/translation.ts";
import { anchorOf } from "../../core/translation.ts";

function parseLoaded(file: LoadedFile, text: string, limits: PrepareSettings["limits"]): void {
  try {
    file.entry = parseEntry(file.path, text, { slugRule: file.slugRule, limits });
  } catch (error) {
    if (!(error instanceof WfSyncError)) throw error;
    file.error = error;
  }
}

function applyPrepared(file: LoadedFile, prepared: PreparedFile): void {
  if (prepared.error) file.error = fromPreparedError(prepared.error);
  if (prepared.entry) file.entry = prepared.entry;
  if (prepared.html !== undefined)
    file.rendered = { html: prepared.html, warnings: prepared.warnings, lookups: prepared.lookups };
}

/**
 * Lets go of a parsed entry's Markdown body: a run of thousands of files then holds each file's
 * HTML but not its source. Reading the body afterwards throws instead of giving an empty text,
 * so a path that forgot `entryWithBody` fails loudly and never sends an empty body.
 */
function dropBody(file: LoadedFile): void {
  if (!file.entry) return;
  const path = file.path;
  Object.defineProperty(file.entry, "body", {
    configurable: true,
    enumerable: false,
    get(): string {
      throw new Error(`internal: the body of ${path} was let go; read it with entryWithBody()`);
    },
  });
  file.isBodyDropped = true;
}

/**
 * The file's entry with its Markdown body, read again from disk when it was let go. The bytes
 * must be those the entry was parsed from; a file edited during the run fails (run sync again).
 */
export async function entryWithBody(root: string, file: LoadedFile): Promise<Entry> {
  const entry = file.entry;
  if (!entry) throw new Error(`internal: ${file.path} has no parsed entry`);
  if (!file.isBodyDropped) return entry;
  const bytes = await readFile(`${root}/${file.path}`);
  if (rawDigestOf(bytes) !== file.rawDigest) {
    throw new FrontmatterError(`${file.path} changed while wf-sync was running.`, {
      location: { file: file.path },
      hint: "Run sync again.",
    });
  }
  // The same bytes passed the configured body limit when they were first parsed.
  const { body } = parseEntry(file.path, new TextDecoder().decode(bytes), {
    limits: { maxBodyBytes: Number.POSITIVE_INFINITY },
  });
  Object.defineProperty(entry, "body", { value: body, writable: true, enumerable: true, configurable: true });
  file.isBodyDropped = false;
  return entry;
}

/**
 * One run of prepareFiles: its inputs, and the bytes read so far. The bytes read are kept
 * until the file is parsed, so a changed file is read once.
 */
interface PrepareRun {
  root: string;
  collections: PrepareCollection[];
  stats: PrepareStats;
  digests: FileDigestCache | undefined;
  /** Reads a root-relative file, at most 64 at a time. */
  readBytes: (path: string) => Promise<Uint8Array>;
  alreadyRead: Map<string, Uint8Array>;
}

/** A primary file to parse and render, with the index of its collection's settings. */
type PendingFile = { file: LoadedFile; settings: number };

/** A translation to parse, with its collection's limits. */
type TranslationToParse = { file: LoadedFile; limits: PrepareSettings["limits"] };

/**
 * Reads, hashes and (where needed) parses and renders every file of the run. Afterwards each
 * primary file is skipped, parsed (with `rendered` for body collections) or failed; each
 * translation is skipped, parsed or failed (translations render later, with their primary).
 */
export async function prepareFiles(options: PrepareFilesOptions): Promise<void> {
  const { root, collections, stats } = options;
  const io = pLimit(64);
  const run: PrepareRun = {
    root,
    collections,
    stats,
    digests: options.digests,
    readBytes: (path: string) => io(() => readFile(`${root}/${path}`)),
    alreadyRead: new Map<string, Uint8Array>(),
  };
  for (const collection of collections) {
    for (const file of collection.files) file.slugRule = collection.settings.slugRule;
    for (const file of collection.translations) file.slugRule = collection.translationSlugRules?.[file.tag];
  }
  // Stat before reading: bytes read later are at least as new as the stamp they are cached under.
  if (run.digests) {
    for (const collection of collections)
      for (const file of [...collection.files, ...collection.translations])
        file.stamp = stampOf(`${root}/${file.path}`);
  }
  await findDigests(run);
  const { pending, translationsToParse } = decideSkips(run);
  await prepareChanged(run, pending, options);
  await parseTranslations(run, translationsToParse);
}

/**
 * 1. Digests of every file that has a record (the others are prepared whatever their bytes,
 * and read only then, in a worker when there are many): from the cache when the stamp is
 * unchanged, else read (in parallel) and hashed. The bytes read are kept until the file is
 * parsed, so a changed file is read once.
 */
async function findDigests(run: PrepareRun): Promise<void> {
  const { stats, digests, alreadyRead } = run;
  const toHash: LoadedFile[] = [];
  for (const collection of run.collections) {
    const sources = collection.skippable?.sources;
    const findDigest = (file: LoadedFile) => {
      stats.files++;
      const cached = digests?.lookup(file.path, file.stamp);
      if (cached !== undefined) file.rawDigest = cached;
      else toHash.push(file);
    };
    for (const file of collection.files) {
      if (sources?.[file.path]) findDigest(file);
      else stats.files++;
    }
    for (const file of collection.translations) findDigest(file);
  }
  await Promise.all(
    toHash.map(async (file) => {
      const bytes = await run.readBytes(file.path);
      file.rawDigest = rawDigestOf(bytes);
      stats.hashed++;
      digests?.remember(file.path, file.stamp, file.rawDigest);
      alreadyRead.set(file.path, bytes);
    }),
  );
}

/** 2. Decide which files can be skipped: same bytes, same assets, item known and settled. */
/** A recorded failure as the error it was. */
function failureOf(path: string, failure: NonNullable<SourceRecord["failure"]>): WfSyncError {
  return fromPreparedError({
    code: failure.code,
    limit: failure.limit,
    message: failure.message,
    hint: failure.hint,
    location: { file: path, ...(failure.line === undefined ? {} : { line: failure.line }) },
  });
}

/** What the manifest keeps of a file that failed to parse or render, to fail it again unparsed. */
export function failureRecordOf(file: LoadedFile): SourceRecord | undefined {
  if (!file.error || file.rawDigest === undefined || file.skipped) return undefined;
  const error = file.error as WfSyncError & { limit?: string };
  const failure: NonNullable<SourceRecord["failure"]> = { code: error.code, message: error.message };
  if (error.hint) failure.hint = error.hint;
  if (error.location?.line !== undefined) failure.line = error.location.line;
  if (typeof error.limit === "string") failure.limit = error.limit;
  return { digest: file.rawDigest, slug: "", failure };
}

function decideSkips(run: PrepareRun): {
  pending: PendingFile[];
  translationsToParse: TranslationToParse[];
} {
  const { root, stats, alreadyRead } = run;
  const pending: PendingFile[] = [];
  const translationsToParse: TranslationToParse[] = [];
  run.collections.forEach((collection, index) => {
    const state = collection.skippable;
    const primaryDigests = new Map<string, string>();
    for (const file of collection.files) {
      const record = state?.sources?.[file.path];
      const item = record ? state?.items[record.slug] : undefined;
      if (file.rawDigest !== undefined) primaryDigests.set(file.path, file.rawDigest);
      if (
        record &&
        item &&
        record.digest === file.rawDigest &&
        item.itemId !== "" &&
        !item.isPending &&
        item.file === file.path &&
        assetsUnchanged(root, record.assets)
      ) {
        file.skipped = record;
        stats.skipped++;
        alreadyRead.delete(file.path);
      } else if (record?.failure && record.digest === file.rawDigest) {
        // It failed with these bytes and settings: it fails again, unparsed (a no-op stays cheap).
        file.error = failureOf(file.path, record.failure);
        stats.skipped++;
        alreadyRead.delete(file.path);
      } else {
        pending.push({ file, settings: index });
      }
    }
    for (const file of collection.translations) {
      const record = state?.sources?.[file.path];
      const anchor = record?.primary?.anchor ?? "";
      const isSame =
        record?.primary !== undefined &&
        record.digest === file.rawDigest &&
        primaryDigests.get(record.primary.path) === record.primary.digest &&
        state?.items[anchor]?.itemId === record.primary.itemId &&
        state.locales?.[file.tag]?.[anchor] !== undefined &&
        assetsUnchanged(root, record.assets);
      if (isSame) {
        file.skipped = record;
        stats.skipped++;
        alreadyRead.delete(file.path);
      } else {
        translationsToParse.push({ file, limits: collection.settings.limits });
      }
    }
  });
  return { pending, translationsToParse };
}

/** The URL of every primary file, for links between files (step 3 below). */
function fileUrlsOf(collections: readonly PrepareCollection[]): Map<string, string> {
  const fileUrls = new Map<string, string>();
  for (const collection of collections) {
    const state = collection.skippable;
    for (const file of collection.files) {
      const slug =
        file.skipped?.slug ??
        state?.sources?.[file.path]?.slug ??
        slugFromPath(file.path, collection.settings.slugRule);
      fileUrls.set(file.path, collection.urlPattern.replace("{slug}", slug));
    }
  }
  return fileUrls;
}

/**
 * 3. Parse and render what changed. Links resolve against the slugs known so far (skipped
 * files, then earlier records, then the file name); sync.ts re-checks every answer.
 */
async function prepareChanged(
  run: PrepareRun,
  pending: PendingFile[],
  options: PrepareFilesOptions,
): Promise<void> {
  const { root, collections, stats, digests, alreadyRead } = run;
  const fileUrls = fileUrlsOf(collections);
  const settings = collections.map((collection) => collection.settings);
  pending.sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
  // Plugins are functions, which cannot be sent to a worker thread: with plugins, no pool.
  const canUsePool = !collections.some((collection) => hasPlugins(collection.settings.renderOptions));
  const usePool =
    canUsePool &&
    (options.pool === "always" || (options.pool !== "never" && pending.length >= POOL_THRESHOLD));
  const byPath = new Map(pending.map((item) => [item.file.path, item.file]));
  const read = async (path: string) => {
    const kept = alreadyRead.get(path);
    if (kept) {
      alreadyRead.delete(path);
      return new TextDecoder().decode(kept);
    }
    const bytes = await run.readBytes(path);
    const file = byPath.get(path);
    // Hash what is parsed, so the record always describes the bytes the item was made from.
    if (file) {
      file.rawDigest = rawDigestOf(bytes);
      stats.hashed++;
      digests?.remember(file.path, file.stamp, file.rawDigest);
    }
    return new TextDecoder().decode(bytes);
  };
  const onResult = (prepared: PreparedTask) => {
    const file = byPath.get(prepared.path);
    if (!file) return;
    if (prepared.rawDigest !== undefined) {
      if (file.rawDigest === undefined) stats.hashed++;
      file.rawDigest = prepared.rawDigest;
      // The stamp the preparer took just before its read describes those bytes best.
      digests?.remember(file.path, prepared.stamp ?? file.stamp, file.rawDigest);
    }
    applyPrepared(file, prepared);
    stats.parsed++;
    if (prepared.html !== undefined) stats.rendered++;
    if (prepared.isFastPath) stats.fastPath++;
  };
  const data = { settings, fileUrls: [...fileUrls], assetUrls: [...options.assetUrls], root };
  if (pending.length === 0) return;
  // The light renderer first (the markdown-it fast path alone, a third of the load time);
  // the full toolchain only for a body that needs it. With nothing to prepare, neither is
  // loaded: a no-op run never renders.
  const { createLightRenderer } = await import("../../core/render-light.ts");
  const prepareHere = createTaskPreparer(data, {
    light: createLightRenderer,
    loadFull: loadRenderer,
  });
  // A copy of what was prepared here, as a worker's answer is: the body and the frontmatter
  // values are slices of the file's text, and would keep every whole text alive.
  const prepare = async (task: Parameters<typeof prepareHere>[0]) => structuredClone(await prepareHere(task));
  if (usePool) {
    // Workers read their files themselves; what step 1 read is not sent along.
    for (const item of pending) alreadyRead.delete(item.file.path);
    await prepareInWorkers({
      data,
      local: prepare,
      files: pending.map((item) => ({ path: item.file.path, settings: item.settings })),
      onResult: (prepared) => {
        onResult(prepared);
        // Many files: keep the HTML, let the Markdown go (read again in the rare case it is needed).
        const file = byPath.get(prepared.path);
        if (file?.rendered) dropBody(file);
      },
    });
    stats.inWorkers += pending.length;
  } else {
    for (const item of pending)
      onResult(
        await prepare({ path: item.file.path, settings: item.settings, text: await read(item.file.path) }),
      );
  }
}

/**
 * 4. Translations are parsed here and rendered with their primary later; a changed
 * translation of a skipped primary needs that primary's entry too.
 */
async function parseTranslations(run: PrepareRun, translationsToParse: TranslationToParse[]): Promise<void> {
  const { root, stats, digests, alreadyRead } = run;
  for (const { file, limits } of translationsToParse) {
    const kept = alreadyRead.get(file.path);
    alreadyRead.delete(file.path);
    const bytes = kept ?? (await run.readBytes(file.path));
    if (!kept) {
      file.rawDigest = rawDigestOf(bytes);
      digests?.remember(file.path, file.stamp, file.rawDigest);
    }
    parseLoaded(file, new TextDecoder().decode(bytes), limits);
    stats.parsed++;
  }
  for (const collection of run.collections) {
    const changed = collection.translations.filter((file) => file.entry);
    if (changed.length === 0) continue;
    const anchors = new Set(changed.map((file) => anchorOf(file.entry as Entry, file.path)));
    for (const file of collection.files) {
      if (!file.skipped || !anchors.has(file.skipped.slug)) continue;
      await loadSkippedEntry(root, file, stats, collection.settings.limits);
    }
  }
}

/** Parses a skipped file after all (a translation needs it); it stays skipped for its own item. */
export async function loadSkippedEntry(
  root: string,
  file: LoadedFile,
  stats: PrepareStats,
  limits?: PrepareSettings["limits"],
): Promise<Entry | undefined> {
  if (file.entry) return file.entry;
  parseLoaded(file, await readFile(`${root}/${file.path}`, "utf8"), limits);
  stats.parsed++;
  return file.entry;
}

/** The slug a loaded primary file maps to, parsed or skipped. */
export function slugOfLoaded(file: LoadedFile): string | undefined {
  if (file.entry) return slugForEntry(file.entry);
  return file.skipped?.slug;
}

/**
 * Root-relative paths of the local assets a file uses (as prepareAssets finds them), for
 * their skip stamps: a root-absolute path (`/img/a.png`) becomes the path of the file found in
 * `staticDirs` (relative to the root, so possibly `../`), and is left out when none has it.
 */
export function assetPathsOf(file: string, paths: readonly string[], confinement?: Confinement): string[] {
  const found: string[] = [];
  for (const path of paths) {
    const key = assetKeyOf(file, path);
    if (!isSiteAbsolute(key)) found.push(key);
    else {
      const local = confinement && localPathOf(confinement, key);
      if (local !== undefined && confinement)
        found.push(relative(confinement.root, local).split(sep).join("/"));
    }
  }
  return [...new Set(found)];
}

/** Parses and renders one file on the main thread (a skipped file whose links or references moved). */
export async function prepareOnMainThread(options: {
  root: string;
  file: LoadedFile;
  settings: PrepareSettings;
  resolvers: PrepareResolvers;
  stats: PrepareStats;
}): Promise<void> {
  const { file } = options;
  const bytes = await readFile(`${options.root}/${file.path}`);
  file.rawDigest = rawDigestOf(bytes);
  file.skipped = undefined;
  file.entry = undefined;
  options.stats.skipped--;
  const { createMarkdownRenderer } = await loadRenderer();
  applyPrepared(
    file,
    createEntryPreparer([options.settings], createMarkdownRenderer).prepare(
      { path: file.path, settings: 0, text: new TextDecoder().decode(bytes) },
      options.resolvers,
    ),
  );
  options.stats.parsed++;
  if (file.rendered) options.stats.rendered++;
}
