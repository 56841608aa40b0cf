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

/**
 * Stored form, per root-relative path: `<sha256 hex> <size> <mtimeMs> <ctimeMs> <ino>`. One
 * string a file rather than an array of five values: ten thousand of them parse and serialise
 * several times faster.
 */
export type StoredFileDigests = Record<string, string>;

/** What follows the digest in a stored entry: `<size> <mtimeMs> <ctimeMs> <ino>`. */
export function stampKey(stamp: Omit<FileStamp, "takenAt">): string {
  return `${stamp.size} ${stamp.mtimeMs} ${stamp.ctimeMs} ${stamp.ino}`;
}

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

/** @param stored what the manifest held (undefined: nothing); it is read, never changed */
export function createFileDigestCache(stored: StoredFileDigests | undefined): FileDigestCache {
  // Changes since the manifest was read (undefined: forgotten); the stored entries stay as they are.
  const changes = new Map<string, string | undefined>();
  const entryOf = (path: string) => (changes.has(path) ? changes.get(path) : stored?.[path]);
  return {
    lookup(path, stamp) {
      const entry = entryOf(path);
      if (!stamp || entry === undefined) return undefined;
      const space = entry.indexOf(" ");
      return entry.slice(space + 1) === stampKey(stamp) ? entry.slice(0, space) : undefined;
    },
    remember(path, stamp, digest) {
      const entry = entryOf(path);
      // As Git judges its index racy: by the mtime alone (ctime must then still be equal).
      const isOldEnough = stamp !== undefined && stamp.mtimeMs < stamp.takenAt - RACY_MARGIN_MS;
      if (!isOldEnough) {
        if (entry !== undefined) changes.set(path, undefined);
        return;
      }
      const next = `${digest} ${stampKey(stamp)}`;
      if (entry !== next) changes.set(path, next);
    },
    get hasChanged() {
      return changes.size > 0;
    },
    toStored(keep) {
      const result: StoredFileDigests = {};
      for (const [path, entry] of Object.entries(stored ?? {}))
        if (!changes.has(path) && (!keep || keep.has(path))) result[path] = entry;
      for (const [path, entry] of changes)
        if (entry !== undefined && (!keep || keep.has(path))) result[path] = entry;
      return result;
    },
  };
}
