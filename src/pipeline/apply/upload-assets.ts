/**
 * Local images and files an item uses become Webflow assets before the item is written: each
 * file is checked (present, within Webflow's limits), then found by MD5 in the manifest or by
 * name and size on the site, and uploaded only when neither has it.
 */
import { posix, resolve } from "node:path";
import { AssetError, ExitCode, WfSyncError, type SourceLocation } from "../../errors.ts";
import { checkAssetLimits, type FieldDependency } from "../../core/convert-field.ts";
import type { Entry } from "../../core/types.ts";
import type { ManifestAsset } from "../record/manifest-store.ts";
import type { RunContext } from "../run-context.ts";
import { assetSize, contentTypeFor, readAsset } from "./read-asset.ts";

interface WantedAsset {
  path: string;
  assetKind: "image" | "file";
  line: number | undefined;
  /** The frontmatter key that names the asset, as a message prefix ("" for body images). */
  key: string;
}

export type AssetsByPath = Map<string, { fileId: string; url: string }>;

/** A field's asset is located at its frontmatter key (and named by it); a body image at the body. */
function wantedAssets(options: {
  entry: Entry;
  dependencies: ReadonlyArray<FieldDependency & { key?: string; location?: SourceLocation }>;
  bodyImages: readonly string[];
  bodyImageLines?: Readonly<Record<string, number>> | undefined;
  hasBody: boolean;
}): WantedAsset[] {
  const wanted: WantedAsset[] = [];
  for (const dependency of options.dependencies) {
    if (dependency.kind === "asset")
      wanted.push({
        path: dependency.path,
        assetKind: dependency.assetKind,
        line: dependency.location?.line,
        key: dependency.key ? `${dependency.key}: ` : "",
      });
  }
  if (options.hasBody)
    for (const src of options.bodyImages)
      wanted.push({
        path: src,
        assetKind: "image",
        line: options.bodyImageLines?.[src] ?? options.entry.bodyLine,
        key: "",
      });
  return wanted;
}

/** Checks one wanted file; gives its size, or the error that fails the item. */
async function checkAsset(
  context: RunContext,
  asset: WantedAsset,
  location: SourceLocation,
  relative: string,
): Promise<number | WfSyncError> {
  const size = await assetSize(resolve(context.config.root, relative));
  if (size === undefined) {
    return new AssetError(`${asset.key}${asset.path}: file not found (looked for ${relative}).`, {
      location,
      hint: "Paths are relative to the Markdown file.",
    });
  }
  const limitError = checkAssetLimits({
    path: relative,
    sizeBytes: size,
    assetKind: asset.assetKind,
    location,
  });
  if (!limitError) return size;
  return asset.key
    ? new AssetError(`${asset.key}${limitError.message}`, { location, hint: limitError.hint })
    : limitError;
}

/** The asset already uploaded: by MD5 in the manifest, or (a fresh manifest) by name and size on the site. */
async function findUploaded(
  context: RunContext,
  options: { md5: string; fileName: string; size: number; relative: string },
): Promise<ManifestAsset | undefined> {
  const known = context.manifest.assets[options.md5];
  if (known || !context.config.siteId) return known;
  const onSite = (await context.remote.siteAssets()).find(
    (asset) => asset.fileName === options.fileName && asset.size === options.size,
  );
  if (!onSite) return undefined;
  const adopted = { fileId: onSite.assetId, url: onSite.hostedUrl, fileName: options.relative };
  context.manifest.assets[options.md5] = adopted;
  return adopted;
}

/** Uploads one file; a failed upload costs the items that use it, not the run. */
async function uploadAsset(
  context: RunContext,
  options: { bytes: Uint8Array; md5: string; fileName: string; relative: string },
): Promise<ManifestAsset> {
  const siteId = context.config.siteId as string;
  const upload = await context.client.createAsset(siteId, {
    fileName: options.fileName,
    fileHash: options.md5,
  });
  await context.client.uploadAsset(upload, {
    bytes: options.bytes,
    fileName: options.fileName,
    contentType: contentTypeFor(options.fileName),
  });
  const asset = { fileId: upload.assetId, url: upload.hostedUrl, fileName: options.relative };
  context.manifest.assets[options.md5] = asset;
  await context.save();
  return asset;
}

/** Makes sure every local file the entry uses is an asset on the site; returns the errors that fail it. */
export async function uploadEntryAssets(
  context: RunContext,
  options: {
    entry: Entry;
    dependencies: ReadonlyArray<FieldDependency & { key?: string; location?: SourceLocation }>;
    /** Local image sources of the body, as written (the renderer reported them). */
    bodyImages: readonly string[];
    /** The file line of each body image, where the renderer found it. */
    bodyImageLines?: Readonly<Record<string, number>> | undefined;
    hasBody: boolean;
    assetsByPath: AssetsByPath;
  },
): Promise<WfSyncError[]> {
  const { entry, assetsByPath } = options;
  const errors: WfSyncError[] = [];
  for (const asset of wantedAssets(options)) {
    const relative = posix.normalize(posix.join(posix.dirname(entry.file), decodeURI(asset.path)));
    if (assetsByPath.has(relative)) continue;
    const location = { file: entry.file, line: asset.line };
    const checked = await checkAsset(context, asset, location, relative);
    if (checked instanceof WfSyncError) {
      errors.push(checked);
      continue;
    }
    const { bytes, md5 } = await readAsset(resolve(context.config.root, relative));
    const fileName = relative.split("/").at(-1) ?? relative;
    let uploaded = await findUploaded(context, { md5, fileName, size: bytes.length, relative });
    if (!uploaded && !context.config.siteId) {
      errors.push(
        new AssetError(`${asset.path}: uploading a local file needs \`siteId\` in wf-sync.config.ts.`, {
          location,
          hint: "Add the site id (wf-sync init writes it), or use a URL.",
        }),
      );
      continue;
    }
    try {
      uploaded ??= await uploadAsset(context, { bytes, md5, fileName, relative });
    } catch (error) {
      if (!(error instanceof WfSyncError) || error.exitCode === ExitCode.CannotRun) throw error;
      errors.push(
        new AssetError(`${asset.path}: upload failed: ${error.message}`, { location, cause: error }),
      );
      continue;
    }
    assetsByPath.set(relative, { fileId: uploaded.fileId, url: uploaded.url });
  }
  return errors;
}
