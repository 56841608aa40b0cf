import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { AssetError, type SourceLocation, type WfSyncError } from "../../errors.ts";
import { checkAssetLimits, type AssetKind } from "../../core/fields/asset.ts";
import {
  assetKeyOf,
  confinedRealPath,
  isSiteAbsolute,
  locateFile,
  outsideProjectError,
  type Confinement,
} from "../discover/confine.ts";

export { contentTypeFor } from "../../core/content-types.ts";

/** Size of a local file, or undefined when it does not exist (or lies outside the project). */
export async function assetSize(path: string, confinement: Confinement): Promise<number | undefined> {
  try {
    const info = await stat(await confinedRealPath(confinement, path, { file: path }));
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a local asset and its MD5 (Webflow's `fileHash`, hex). The path is checked against the
 * project's confinement right before the read; outside it, OutsideProjectError and no read.
 */
export async function readAsset(
  path: string,
  confinement: Confinement,
  location: SourceLocation = { file: path },
): Promise<{ bytes: Uint8Array; md5: string }> {
  const bytes = await readFile(await confinedRealPath(confinement, path, location));
  return { bytes, md5: createHash("md5").update(bytes).digest("hex") };
}

/** A local asset that can be uploaded: its key, its real path and its size. */
export interface FoundAsset {
  /** Root-relative path, or the root-absolute path as written (`/img/a.png`) for `staticDirs`. */
  key: string;
  /** Real path of the file (symlinks resolved), confined to the project or its staticDirs. */
  real: string;
  size: number;
}

/**
 * Finds the local file an image or file reference of `fromFile` points at, the same way for
 * `sync`, `--dry-run` and `check`: the file, or the error that fails the item (outside the
 * project, missing, over Webflow's limits), or `undefined` for a root-absolute body image not
 * found locally (it stays a site path; the renderer warns about it).
 */
export async function findLocalAsset(options: {
  confinement: Confinement;
  fromFile: string;
  /** The path as written in the file. */
  written: string;
  assetKind: AssetKind;
  location: SourceLocation;
  /** `key: ` for a frontmatter field, "" for a body image. */
  prefix: string;
  isBodyImage: boolean;
}): Promise<FoundAsset | { key: string; error: WfSyncError } | undefined> {
  const { confinement, written, location, prefix } = options;
  const key = assetKeyOf(options.fromFile, written);
  const located = await locateFile(confinement, key);
  if (located.kind === "outside")
    return {
      key,
      error: outsideProjectError({ confinement, written, real: located.real, location, prefix }),
    };
  if (located.kind === "missing") {
    if (options.isBodyImage && isSiteAbsolute(key)) return undefined;
    const hint = isSiteAbsolute(key)
      ? "A path starting with / is looked up in the folders listed in `staticDirs`."
      : "Paths are relative to the Markdown file.";
    return {
      key,
      error: new AssetError(`${prefix}${written}: file not found (looked for ${located.lookedFor}).`, {
        location,
        hint,
      }),
    };
  }
  const limitError = checkAssetLimits({
    path: key,
    sizeBytes: located.size,
    assetKind: options.assetKind,
    location,
  });
  if (limitError) {
    return {
      key,
      error: prefix
        ? new AssetError(`${prefix}${limitError.message}`, { location, hint: limitError.hint })
        : limitError,
    };
  }
  return { key, real: located.real, size: located.size };
}
