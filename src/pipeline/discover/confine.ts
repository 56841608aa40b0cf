/**
 * Confinement (issue 14): every local file a run reads lies, symlinks followed, inside the
 * project root (the config's folder) or one of the config's `staticDirs`. The readers (the
 * source listing, `readSource`, the asset readers) ask here before they read; `sync`,
 * `--dry-run` and `check` share them, so they report the same failure.
 */
import { existsSync, realpathSync } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { assetPathFrom } from "../../core/prepare-entry.ts";
import { ConfigError, OutsideProjectError, type SourceLocation } from "../../errors.ts";

/** The folders reads may come from, as given and with symlinks resolved. */
export interface Confinement {
  /** The project root (the config's folder), absolute. */
  root: string;
  /** The real path of `root`. */
  realRoot: string;
  /** `staticDirs`, in config order: where root-absolute paths (`/img/x.png`) are looked up. */
  staticDirs: ReadonlyArray<{ path: string; real: string }>;
}

const confinements = new Map<string, Confinement>();

/**
 * The confinement of a project: its root and `staticDirs` resolved once per process. A
 * `staticDirs` folder that does not exist is a config error (a typo would otherwise turn
 * every root-absolute image into a warning).
 */
export function confinementOf(config: {
  root: string;
  staticDirs?: readonly string[] | undefined;
}): Confinement {
  const staticDirs = config.staticDirs ?? [];
  const key = JSON.stringify([config.root, staticDirs]);
  const known = confinements.get(key);
  if (known) return known;
  const root = resolve(config.root);
  const confinement: Confinement = {
    root,
    realRoot: realpathSync(root),
    staticDirs: staticDirs.map((dir) => {
      const path = resolve(root, dir);
      try {
        return { path, real: realpathSync(path) };
      } catch (error) {
        throw new ConfigError(`staticDirs: the folder ${dir} (${path}) does not exist.`, {
          cause: error,
          hint: "Fix the path in wf-sync.config.ts; it is relative to the config's folder.",
        });
      }
    }),
  };
  confinements.set(key, confinement);
  return confinement;
}

/** True when `path` is `folder` or lies below it (both absolute, already resolved). */
export function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** True when a real path lies in the project root or one of the static folders. */
export function isAllowed(confinement: Confinement, realPath: string): boolean {
  return (
    isInside(confinement.realRoot, realPath) ||
    confinement.staticDirs.some((dir) => isInside(dir.real, realPath))
  );
}

/**
 * The key of a local asset referenced from `fromFile` (core's `assetPathFrom`): root-relative,
 * or root-absolute (`/img/a.png`) for `staticDirs`; percent-encoding decoded.
 */
export const assetKeyOf = assetPathFrom;

/** True for the key of a root-absolute reference (looked up in `staticDirs`). */
export function isSiteAbsolute(key: string): boolean {
  return key.startsWith("/");
}

/**
 * Where an asset key points on disk, symlinks not yet resolved: a root-relative key below the
 * root; a root-absolute key in the first static folder that has it (undefined when none has).
 */
export function localPathOf(confinement: Confinement, key: string): string | undefined {
  if (!isSiteAbsolute(key)) return resolve(confinement.root, key);
  for (const dir of confinement.staticDirs) {
    const candidate = resolve(dir.path, `.${key}`);
    if (isInside(dir.path, candidate) && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** What a key resolves to: a confined regular file, nothing, or a place outside the project. */
export type LocatedFile =
  | { kind: "file"; absolute: string; real: string; size: number; mtimeMs: number }
  | { kind: "missing"; lookedFor: string }
  | { kind: "outside"; absolute: string; real: string };

/** Resolves an asset key, symlinks followed, and stats the file only when it is confined. */
export async function locateFile(confinement: Confinement, key: string): Promise<LocatedFile> {
  const absolute = localPathOf(confinement, key);
  const lookedFor = isSiteAbsolute(key)
    ? confinement.staticDirs.length === 0
      ? `${key} (no staticDirs are configured)`
      : `${key} in ${confinement.staticDirs.map((dir) => relative(confinement.root, dir.path) || ".").join(", ")}`
    : key;
  if (absolute === undefined) return { kind: "missing", lookedFor };
  let real: string;
  try {
    real = await realpath(absolute);
  } catch {
    return { kind: "missing", lookedFor };
  }
  if (!isAllowed(confinement, real)) return { kind: "outside", absolute, real };
  const info = await stat(real).catch(() => undefined);
  if (!info?.isFile()) return { kind: "missing", lookedFor };
  return { kind: "file", absolute, real, size: info.size, mtimeMs: info.mtimeMs };
}

/** The error for a reference that leads outside the project; `written` is the path as the author wrote it. */
export function outsideProjectError(options: {
  confinement: Confinement;
  written: string;
  real: string;
  location: SourceLocation;
  /** `key: ` of a frontmatter field, or "". */
  prefix?: string;
}): OutsideProjectError {
  const { confinement } = options;
  const where = confinement.staticDirs.length > 0 ? "the project or its staticDirs" : "the project";
  return new OutsideProjectError(
    `${options.prefix ?? ""}${options.written} resolves to ${options.real}, outside ${where} (${confinement.realRoot}); it was not read.`,
    {
      location: options.location,
      hint: "Only files inside the project are uploaded. Copy the file into the project, or list its folder in `staticDirs` in wf-sync.config.ts if you trust it.",
    },
  );
}

/**
 * The real path of a file about to be read, after checking it is confined; throws
 * OutsideProjectError otherwise. Readers call this right before they read, so a path that
 * was swapped for a symlink after it was located is still refused.
 */
export async function confinedRealPath(
  confinement: Confinement,
  absolute: string,
  location: SourceLocation,
): Promise<string> {
  const real = await realpath(absolute);
  if (!isAllowed(confinement, real))
    throw outsideProjectError({ confinement, written: absolute, real, location });
  return real;
}
