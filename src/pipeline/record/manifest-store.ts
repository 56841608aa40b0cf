import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ManifestEntry } from "../plan/plan-changes.ts";
import type { CollectionSchema, SiteLocale, SyncWarning } from "../../core/types.ts";
import type { StoredFileDigests } from "../prepare/file-digests.ts";

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

/**
 * Reads the manifest. A missing file, another version or another target gives an empty
 * manifest: the manifest is a cache, and the sync rebuilds it from the site by slug.
 */
export async function readManifest(
  path: string,
  target: string,
): Promise<{ manifest: Manifest; isFresh: boolean; text?: string }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      return { manifest: emptyManifest(target), isFresh: true };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Manifest>;
    if (
      parsed.version !== MANIFEST_VERSION ||
      parsed.target !== target ||
      typeof parsed.collections !== "object"
    ) {
      return {
        manifest: { ...emptyManifest(target), assets: parsed.target === target ? (parsed.assets ?? {}) : {} },
        isFresh: true,
      };
    }
    return { manifest: { ...emptyManifest(target), ...parsed } as Manifest, isFresh: false, text };
  } catch {
    // A torn or hand-edited manifest is only a lost cache: rebuild it.
    return { manifest: emptyManifest(target), isFresh: true };
  }
}

/** Writes a file atomically: a crash leaves either the old or the new content, never half of it. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/**
 * Serialises manifest writes: each `save()` resolves once a write that includes the state at
 * the time of the call has reached the disk; calls during a write are folded into the next one.
 */
export function createManifestWriter(
  path: string,
  manifest: Manifest,
  options: { writtenText?: string | undefined } = {},
) {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  // What the file holds now: a save that would write the same text again is skipped, so a
  // run where nothing changed leaves the manifest alone.
  let writtenText = options.writtenText;
  async function writeOnce(): Promise<void> {
    // Compact JSON: the manifest of a big site is rewritten after every batch.
    const text = `${JSON.stringify(manifest)}\n`;
    if (text === writtenText) return;
    await writeFileAtomic(path, text);
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
