/**
 * The run stamp (`last-run`, beside the manifest): what a run that found nothing to do saw, and
 * what it reported. The next run that sees exactly the same inputs reports the same outcome
 * without reading the manifest (discover/unchanged-run.ts), which is most of a no-op's cost.
 *
 * Why this is safe: a run's outcome is a function of the manifest, the source files, the
 * config and flags, and what the site answers. A run that found nothing to do (every file
 * skipped unparsed by its stat stamp, every item unchanged, no warning, no request besides the
 * schema and locale reads, the manifest not written) depends on the site only through those
 * reads, which every run still makes. So a later run whose manifest has the same stat (size,
 * mtime, ctime, inode: no write, no hand edit), whose files and assets have the stat stamps this
 * run trusted, and whose config, flags, schemas and locales digest the same, would do and
 * report exactly the same: it is reported without being done again. Only that kind of run
 * writes a stamp, and writes it only when the outcome it replays equals the one it just
 * reported (checked before writing). Anything else leaves the old stamp, which then no longer
 * matches, or is only an older record of the same inputs.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ResolvedConfig } from "../../config.ts";
import { digestOf } from "../../core/digest.ts";
import type { SiteLocale } from "../../core/types.ts";
import type { CollectionRun } from "../discover/discover.ts";
import { emptyPrepareStats, type PrepareStats } from "../prepare/prepare-files.ts";
import { stampKey } from "../prepare/file-digests.ts";
import type { ItemResult, SyncEvent } from "../report/report.ts";
import { MANIFEST_VERSION, writeFileAtomic } from "./manifest-store.ts";

/** Bump when the stamp's lines or what they mean change: an older stamp is then ignored. */
export const RUN_STAMP_VERSION = 1;
const HEADER = `wf-sync run stamp ${RUN_STAMP_VERSION}`;

/** A source file as the stamping run saw it, with the result it reported for it. */
export interface StampedSource {
  /** Translations: the locale tag; "" for a primary file. */
  tag: string;
  path: string;
  /** Its stat stamp (`<size> <mtimeMs> <ctimeMs> <ino>`), the one its cached digest holds for. */
  stamp: string;
  slug: string;
  itemId: string | null;
}

/**
 * One line per source: `s <tag> <path> <stat> <itemId> <slug>`, tab-separated. Kept as read: a
 * run compares a line with what it sees by its start (sourcePrefix) and splits it only when
 * it replays it, so a big stamp costs no object per file unless it holds.
 */
export type SourceLine = string;

/** The start of a source's line: what the run must see for the line to hold. */
export function sourcePrefix(tag: string, path: string, stat: string): string {
  return `s\t${tag}\t${path}\t${stat}\t`;
}

function sourceLine(source: StampedSource): SourceLine {
  return `${sourcePrefix(source.tag, source.path, source.stamp)}${source.itemId ?? ""}\t${source.slug}`;
}

function sourceOf(line: SourceLine): StampedSource {
  const [, tag = "", path = "", stamp = "", itemId = "", slug = ""] = line.split("\t");
  return { tag, path, stamp, slug, itemId: itemId || null };
}

export interface StampedCollection {
  collectionId: string;
  name: string;
  /** Primary files, in the order they were listed (and reported). */
  files: SourceLine[];
  translations: SourceLine[];
}

export interface RunStamp {
  /** API base URL and site id, as the manifest's `target`. */
  target: string;
  /** The manifest's stat as the run read it, and still at its end: `<size> <mtimeMs> <ctimeMs> <ino>`. */
  manifest: string;
  /** runSettingsDigest(): config, flags, collection settings (and so schemas), site locales. */
  settings: string;
  collections: StampedCollection[];
  /** Local assets the files use: root-relative path → `<size> <mtimeMs>` (what their records hold). */
  assets: Map<string, string>;
}

/** Where the stamp lives: beside the manifest. */
export function runStampPath(manifestPath: string): string {
  return join(dirname(manifestPath), "last-run");
}

/** A file's stat as the stamp keeps it, or undefined when it is missing or not a file. */
export function statKeyOf(path: string): string | undefined {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info?.isFile()) return undefined;
  return stampKey(info);
}

let packageVersion: string | undefined;
/** wf-sync's own version: another release may reach another outcome from the same inputs. */
function wfSyncVersion(): string {
  if (packageVersion === undefined) {
    try {
      const text = readFileSync(new URL("../../../package.json", import.meta.url), "utf8");
      packageVersion = String((JSON.parse(text) as { version?: unknown }).version ?? "");
    } catch {
      packageVersion = "";
    }
  }
  return packageVersion;
}

/** Digest of everything besides the files and the manifest that shapes a run's outcome. */
export function runSettingsDigest(options: {
  config: ResolvedConfig;
  runs: readonly CollectionRun[];
  siteLocales: readonly SiteLocale[];
  flags: { isStrict: boolean; isDeleteAllowed: boolean };
}): string {
  return digestOf({
    stamp: RUN_STAMP_VERSION,
    manifest: MANIFEST_VERSION,
    wfSync: wfSyncVersion(),
    // Functions (unified plugins) drop out of the JSON; the settings digests identify them.
    config: options.config,
    settings: options.runs.map((run) => [run.config.collectionId, run.settingsDigest]),
    locales: options.siteLocales,
    isStrict: options.flags.isStrict,
    isDeleteAllowed: options.flags.isDeleteAllowed,
  });
}

/** A field of a stamp line: no tab, no line break (paths with them are not stamped). */
const isPlain = (value: string) => !/[\t\n\r]/.test(value);

/** The stamp as text, or undefined when a value cannot be written on one line. */
export function formatRunStamp(stamp: RunStamp): string | undefined {
  const lines = [
    HEADER,
    `target\t${stamp.target}`,
    `manifest\t${stamp.manifest}`,
    `settings\t${stamp.settings}`,
  ];
  for (const collection of stamp.collections) {
    lines.push(`collection\t${collection.collectionId}\t${collection.name}`);
    lines.push(...collection.files, ...collection.translations);
  }
  for (const [path, stat] of stamp.assets) lines.push(`a\t${stat}\t${path}`);
  lines.push("end");
  return lines.every((line) => !/[\n\r]/.test(line)) ? `${lines.join("\n")}\n` : undefined;
}

/** Reads a stamp's text; anything unexpected gives undefined (the run then does the full work). */
export function parseRunStamp(text: string): RunStamp | undefined {
  const lines = text.split("\n");
  if (lines[0] !== HEADER || lines.at(-2) !== "end" || lines.at(-1) !== "") return undefined;
  const header = (index: number, key: string) => {
    const [name, value] = (lines[index] as string).split("\t");
    return name === key && value !== undefined ? value : undefined;
  };
  const target = header(1, "target");
  const manifest = header(2, "manifest");
  const settings = header(3, "settings");
  if (target === undefined || manifest === undefined || settings === undefined) return undefined;
  const stamp: RunStamp = { target, manifest, settings, collections: [], assets: new Map() };
  for (let index = 4; index < lines.length - 2; index++) {
    const line = lines[index] as string;
    const current = stamp.collections.at(-1);
    if (line.startsWith("s\t") && current) {
      // A primary file's line has an empty tag.
      (line.startsWith("s\t\t") ? current.files : current.translations).push(line);
      continue;
    }
    const fields = line.split("\t");
    if (fields[0] === "collection" && fields.length === 3) {
      const [, collectionId = "", name = ""] = fields;
      stamp.collections.push({ collectionId, name, files: [], translations: [] });
    } else if (fields[0] === "a" && fields.length === 3) {
      stamp.assets.set(fields[2] as string, fields[1] as string);
    } else return undefined;
  }
  return stamp;
}

/** The result a stamped file reports: unchanged. */
function unchanged(collection: string, line: SourceLine): ItemResult {
  const file = sourceOf(line);
  return {
    collection,
    file: file.path,
    slug: file.slug,
    action: "unchanged",
    itemId: file.itemId,
    error: null,
  };
}

/**
 * The events of a run that matches the stamp, in the order the full run emits them: per
 * collection (in reference order) its plan, its items and the progress, then the translations.
 */
export function stampedEvents(stamp: RunStamp, order: readonly string[]): SyncEvent[] {
  const events: SyncEvent[] = [];
  const byId = new Map(stamp.collections.map((collection) => [collection.collectionId, collection]));
  for (const collectionId of order) {
    const collection = byId.get(collectionId);
    if (!collection) continue;
    const planned = collection.files.map((line) => unchanged(collection.name, line));
    events.push({ type: "planned", collection: collection.name, planned });
    for (const result of planned) events.push({ type: "item", result: { ...result } });
    events.push({ type: "progress", done: 0, total: 0 });
  }
  for (const collection of stamp.collections)
    for (const line of collection.translations) {
      const tag = line.slice(2, line.indexOf("\t", 2));
      events.push({ type: "item", result: unchanged(`${collection.name}[${tag}]`, line) });
    }
  return events;
}

/** The prepare stage's work in a run that matches the stamp: every file skipped, none read. */
export function stampedStats(stamp: RunStamp): PrepareStats {
  const count = stamp.collections.reduce(
    (sum, collection) => sum + collection.files.length + collection.translations.length,
    0,
  );
  return { ...emptyPrepareStats(), files: count, skipped: count };
}

/** What a finished run knows, for its stamp. */
export interface FinishedRun {
  manifestPath: string;
  target: string;
  /** The manifest's stat when it was read (undefined: no manifest was read, or it was fresh). */
  manifestReadAs: string | undefined;
  settings: string;
  runs: readonly CollectionRun[];
  /** Collection ids in the order the run went through them. */
  order: readonly string[];
  /** Every event the run emitted, in order. */
  events: readonly SyncEvent[];
  stats: PrepareStats;
  /** Requests sent after discovery (schemas and locales): a run that found nothing to do sends none. */
  laterRequests: number;
}

/** The stamp of a finished run, when it found nothing to do; otherwise undefined. */
function stampOfRun(run: FinishedRun): RunStamp | undefined {
  if (run.manifestReadAs === undefined || run.laterRequests !== 0) return undefined;
  // Not written since it was read: the next run reads what this one read.
  if (statKeyOf(run.manifestPath) !== run.manifestReadAs) return undefined;
  const reported = new Map<string, ItemResult>();
  for (const event of run.events)
    if (event.type === "item") reported.set(`${event.result.collection}\n${event.result.file}`, event.result);
  const assets = new Map<string, string>();
  const stampedOf = (collection: string, file: CollectionRun["files"][number], tag = "") => {
    const result = reported.get(`${collection}\n${file.path}`);
    if (!file.stamp || !file.skipped || !result || ![tag, file.path, result.slug].every(isPlain))
      return undefined;
    for (const [path, stat] of Object.entries(file.skipped.assets ?? {})) {
      const key = `${stat.size} ${stat.mtimeMs}`;
      if ((assets.get(path) ?? key) !== key || !isPlain(path)) return undefined;
      assets.set(path, key);
    }
    const { slug, itemId } = result;
    return sourceLine({ tag, path: file.path, stamp: stampKey(file.stamp), slug, itemId });
  };
  const collections: StampedCollection[] = [];
  for (const { config, files, translations } of run.runs) {
    const stampedFiles = files.map((file) => stampedOf(config.name, file));
    const stampedTranslations = translations.map((file) =>
      stampedOf(`${config.name}[${file.tag}]`, file, file.tag),
    );
    const all = [...stampedFiles, ...stampedTranslations];
    if (all.some((line) => line === undefined) || !isPlain(config.name)) return undefined;
    collections.push({
      collectionId: config.collectionId,
      name: config.name,
      files: stampedFiles as SourceLine[],
      translations: stampedTranslations as SourceLine[],
    });
  }
  return { target: run.target, manifest: run.manifestReadAs, settings: run.settings, collections, assets };
}

/**
 * Leaves the stamp of a run that found nothing to do. It is written only when replaying it
 * gives back exactly the events and the file counts this run reported. Never fails the run.
 */
export async function leaveRunStamp(run: FinishedRun): Promise<void> {
  const stamp = stampOfRun(run);
  const text = stamp && formatRunStamp(stamp);
  if (!stamp || text === undefined) return;
  const replayed = parseRunStamp(text);
  if (
    !replayed ||
    JSON.stringify(stampedEvents(replayed, run.order)) !== JSON.stringify(run.events) ||
    JSON.stringify(stampedStats(replayed)) !== JSON.stringify(run.stats)
  )
    return;
  await writeFileAtomic(runStampPath(run.manifestPath), text).catch(() => {});
}
