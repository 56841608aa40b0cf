import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ManifestEntry } from "../plan/plan-changes.ts";
import type { CollectionSchema, SiteLocale, SyncWarning } from "../../core/types.ts";
import { stampKey, type StoredFileDigests } from "../prepare/file-digests.ts";
import { asLocalFileError } from "./local-fault.ts";
import { isAssetRecord, isManifestShaped, manifestShapeProblem } from "./manifest-shape.ts";

/** Bump when the manifest's shape changes; an unknown version is rebuilt from the site. */
export const MANIFEST_VERSION = 1;

export interface ManifestCollection {
  /** Digest of the settings that shape this collection's items (mapping, renderer, schema). */
  settingsDigest: string;
  /** Slug → entry, primary locale. */
  items: Record<string, ManifestEntry>;
  /** Locale tag → slug → digest of what was written to that locale variant. */
  locales?: Record<string, Record<string, { digest: string; file: string; lastUpdated?: string }>>;
  /** Source path → what its item was last made from: lets a run skip unchanged files unparsed. */
  sources?: Record<string, SourceRecord>;
}

/**
 * Everything an item was made from besides the collection's settings. A file whose record
 * still holds (same bytes, same assets, same answers for its links and references) is not
 * parsed again. Written only once the item is known to hold what the file says.
 */
export interface SourceRecord {
  /** SHA-256 (hex) of the file's bytes. */
  digest: string;
  /** Slug of the item (for a translation, of its locale variant). */
  slug: string;
  /** Local assets the item uses: root-relative path → size and mtime when it was synced. */
  assets?: Record<string, { size: number; mtimeMs: number }>;
  /** Relative links of the body, as written → URL they became (null: left as written). */
  links?: Record<string, string | null>;
  /** References into synced collections: `<collectionId> <target>` → item id. */
  refs?: Record<string, string | null>;
  /** Warnings the file gave; shown again when it is skipped. */
  warnings?: SyncWarning[];
  /** Set when the file failed to parse or render with these bytes and settings: it fails again, unparsed. */
  failure?: {
    code?: string | undefined;
    message: string;
    hint?: string | undefined;
    line?: number | undefined;
    limit?: string | undefined;
  };
  /** Translations only: the primary file, its digest, and the item the variant belongs to. */
  primary?: { path: string; digest: string; itemId: string; anchor: string };
}

export interface ManifestAsset {
  fileId: string;
  url: string;
  fileName: string;
}

export interface Manifest {
  version: number;
  /** Which API the ids belong to (base URL and site): ids from another target are useless here. */
  target: string;
  collections: Record<string, ManifestCollection>;
  /** Uploaded assets by MD5 of their bytes. */
  assets: Record<string, ManifestAsset>;
  /** Source files' digests by stat stamp (adapters/file-digests.ts): unchanged files are not read. */
  files?: StoredFileDigests;
}

export function emptyManifest(target: string): Manifest {
  return { version: MANIFEST_VERSION, target, collections: {}, assets: {} };
}

/** What reading the manifest gave. */
export interface ManifestRead {
  manifest: Manifest;
  /** True when nothing usable was read: the sync rebuilds the manifest from the site by slug. */
  isFresh: boolean;
  /** The file's text when it was used as is (a save that would write it again is skipped). */
  text?: string;
  /** Why a manifest that was there was set aside (unreadable JSON or a wrong shape). */
  warning?: SyncWarning;
  /** The file's stat as it was read, `<size> <mtimeMs> <ctimeMs> <ino>` (the run stamp keeps it). */
  readAs?: string;
}

/** The manifest's text and its stat, taken from the same open file. */
async function readWithStat(path: string): Promise<{ text: string; readAs: string }> {
  const handle = await open(path, "r");
  try {
    const info = await handle.stat();
    const text = await handle.readFile("utf8");
    return { text, readAs: stampKey(info) };
  } finally {
    await handle.close();
  }
}

/**
 * Reads the manifest. A missing file, another version or another target gives an empty
 * manifest: the manifest is a cache, and the sync rebuilds it from the site by slug. So does a
 * file that is not JSON or whose shape is wrong (manifest-shape.ts), with a warning saying so.
 */
export async function readManifest(path: string, target: string): Promise<ManifestRead> {
  let text: string;
  let readAs: string;
  try {
    ({ text, readAs } = await readWithStat(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      return { manifest: emptyManifest(target), isFresh: true };
    throw asLocalFileError(error, { path, action: "read the manifest" });
  }
  const setAside = (problem: string): ManifestRead => ({
    manifest: emptyManifest(target),
    isFresh: true,
    warning: {
      kind: "manifest-invalid",
      message: `The manifest ${path} ${problem}: it is treated as a lost cache and rebuilt from the site by slug.`,
    },
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A torn or hand-edited manifest is only a lost cache: rebuild it.
    return setAside("is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return setAside(`has the wrong shape (${manifestShapeProblem(parsed) ?? "not an object"})`);
  const header = parsed as Partial<Manifest>;
  if (header.version !== MANIFEST_VERSION || header.target !== target) {
    // Another version or another target: its ids are no use here, its uploads may still be.
    const assets = header.target === target && isAssetRecord(header.assets) ? header.assets : {};
    return { manifest: { ...emptyManifest(target), assets }, isFresh: true };
  }
  // The cheap walk on every run; zod only to word the warning.
  if (!isManifestShaped(parsed))
    return setAside(`has the wrong shape (${manifestShapeProblem(parsed) ?? "unexpected value"})`);
  return { manifest: { ...emptyManifest(target), ...(parsed as Manifest) }, isFresh: false, text, readAs };
}

/** Writes a file atomically: a crash leaves either the old or the new content, never half of it. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    // A half-written temporary file (full disk) is not left behind; the old file is intact.
    await rm(temporary, { force: true }).catch(() => {});
    throw asLocalFileError(error, { path, action: "write" });
  }
}

/**
 * Serialises manifest writes: each `save()` resolves once a write that includes the state at
 * the time of the call has reached the disk; calls during a write are folded into the next one.
 */
export function createManifestWriter(
  path: string,
  manifest: Manifest,
  options: {
    writtenText?: string | undefined;
    /** The atomic write (tests give one that fails as a full disk would). */
    write?: (path: string, text: string) => Promise<void>;
  } = {},
) {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  // What the file holds now: a save that would write the same text again is skipped, so a
  // run where nothing changed leaves the manifest alone.
  let writtenText = options.writtenText;
  // The first local fault (full disk, read-only folder) ends every later save at once: the
  // run stops at it instead of sending writes it could not record.
  let fault: unknown;
  async function writeOnce(): Promise<void> {
    if (fault !== undefined) throw fault;
    // Compact JSON: the manifest of a big site is rewritten after every batch.
    const text = `${JSON.stringify(manifest)}\n`;
    if (text === writtenText) return;
    try {
      await (options.write ?? writeFileAtomic)(path, text);
    } catch (error) {
      fault = asLocalFileError(error, { path, action: "write" });
      throw fault;
    }
    writtenText = text;
  }
  function save(): Promise<void> {
    if (!running) {
      running = writeOnce().finally(() => {
        running = undefined;
      });
      return running;
    }
    if (!queued) {
      queued = running.then(() => {
        queued = undefined;
        return save();
      });
    }
    return queued;
  }
  return { manifest, save };
}
export type ManifestWriter = ReturnType<typeof createManifestWriter>;

/** Collection schemas cached by the last online run, for the offline `check`. */
export interface SchemaCache {
  version: number;
  fetchedAt: string;
  collections: Record<string, CollectionSchema>;
  locales?: SiteLocale[];
}

export async function readSchemaCache(path: string): Promise<SchemaCache | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as SchemaCache;
    return parsed.version === 1 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function writeSchemaCache(path: string, cache: SchemaCache): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(cache, null, 1)}\n`);
}
