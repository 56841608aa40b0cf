/**
 * A cache of source-file digests keyed by what `stat` says of the file, as Git's index does:
 * a file whose size, mtime, ctime and inode are those recorded when it was last hashed is not
 * read again. It is kept in the manifest (`files`), so a run where nothing changed costs one
 * `stat` per file instead of a read and a hash.
 *
 * Racy writes: a file rewritten within the same timestamp tick as the write we recorded could
 * keep its mtime. So a digest is remembered only when the file's mtime was older than the
 * moment of the stat that preceded the read by RACY_MARGIN_MS (more than the coarsest common
 * timestamp resolution, FAT's 2 s): any later write then gets a later mtime (and a tool that
 * sets the mtime back still moves the ctime, which no tool can set).
 */
import { statSync } from "node:fs";

/** What a file's stat must still say for its cached digest to hold. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** When the stat was taken (ms since the epoch); not stored, only judged against the mtime. */
  takenAt: number;
}

/** Stored form, per root-relative path: [sha256, size, mtimeMs, ctimeMs, ino]. */
export type StoredFileDigests = Record<string, [string, number, number, number, number]>;

export const RACY_MARGIN_MS = 3000;

/** The stamp of a regular file, or undefined when it is missing or not a file. */
export function stampOf(path: string): FileStamp | undefined {
  const takenAt = Date.now();
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info?.isFile()) return undefined;
  return { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino, takenAt };
}

export interface FileDigestCache {
  /** The digest recorded for these exact stamps, or undefined (read and hash the file). */
  lookup(path: string, stamp: FileStamp | undefined): string | undefined;
  /** Records the digest of bytes read after `stamp` was taken (only if the file was old enough then). */
  remember(path: string, stamp: FileStamp | undefined, digest: string): void;
  /** Whether `remember` changed anything since the cache was created. */
  readonly hasChanged: boolean;
  /** The stored form, keeping only the paths in `keep` when given. */
  toStored(keep?: ReadonlySet<string>): StoredFileDigests;
}

/** @param stored what the manifest held (undefined: nothing) */
export function createFileDigestCache(stored: StoredFileDigests | undefined): FileDigestCache {
  const entries: StoredFileDigests = { ...stored };
  let hasChanged = false;
  const matches = (entry: StoredFileDigests[string] | undefined, stamp: FileStamp) =>
    entry !== undefined &&
    entry[1] === stamp.size &&
    entry[2] === stamp.mtimeMs &&
    entry[3] === stamp.ctimeMs &&
    entry[4] === stamp.ino;
  return {
    lookup(path, stamp) {
      const entry = entries[path];
      return stamp && matches(entry, stamp) ? entry?.[0] : undefined;
    },
    remember(path, stamp, digest) {
      const entry = entries[path];
      // As Git judges its index racy: by the mtime alone (ctime must then still be equal).
      const isOldEnough = stamp !== undefined && stamp.mtimeMs < stamp.takenAt - RACY_MARGIN_MS;
      if (!isOldEnough) {
        if (entry) {
          delete entries[path];
          hasChanged = true;
        }
        return;
      }
      if (entry?.[0] === digest && matches(entry, stamp)) return;
      entries[path] = [digest, stamp.size, stamp.mtimeMs, stamp.ctimeMs, stamp.ino];
      hasChanged = true;
    },
    get hasChanged() {
      return hasChanged;
    },
    toStored(keep) {
      if (!keep) return { ...entries };
      const kept: StoredFileDigests = {};
      for (const [path, entry] of Object.entries(entries)) if (keep.has(path)) kept[path] = entry;
      return kept;
    },
  };
}
