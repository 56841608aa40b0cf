/**
 * Local images and files an item uses become Webflow assets before the item is written: each
 * file is checked (present, within Webflow's limits), then found by MD5 in the manifest or by
 * name and size on the site, and uploaded only when neither has it.
 */
import { findActiveSvgContent, isSvgPath } from "../../core/svg-safety.ts";
import { AssetError, ExitCode, WfSyncError, type SourceLocation } from "../../errors.ts";
import type { FieldDependency } from "../../core/convert-field.ts";
import type { Entry } from "../../core/types.ts";
import type { ManifestAsset } from "../record/manifest-store.ts";
import type { RunContext } from "../run-context.ts";
import { confinementOf } from "../discover/confine.ts";
import { contentTypeFor, findLocalAsset, readAsset } from "./read-asset.ts";

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
    /** The collection trusts its repository (`rawHtml: "keep"`): SVGs holding code are uploaded. */
    isSvgCodeTrusted?: boolean;
    assetsByPath: AssetsByPath;
  },
): Promise<WfSyncError[]> {
  const { entry, assetsByPath } = options;
  const errors: WfSyncError[] = [];
  const confinement = confinementOf(context.config);
  for (const asset of wantedAssets(options)) {
    const location = { file: entry.file, line: asset.line };
    const found = await findLocalAsset({
      confinement,
      fromFile: entry.file,
      written: asset.path,
      assetKind: asset.assetKind,
      location,
      prefix: asset.key,
      isBodyImage: asset.key === "",
    });
    if (found === undefined) continue;
    if ("error" in found) {
      errors.push(found.error);
      continue;
    }
    if (assetsByPath.has(found.key)) continue;
    const relative = found.key;
    const { bytes, md5 } = await readAsset(found.real, confinement, location);
    const active = isSvgPath(relative) && !options.isSvgCodeTrusted ? findActiveSvgContent(bytes) : undefined;
    if (active) {
      errors.push(
        new AssetError(
          `${asset.key}${asset.path}: the SVG holds ${active.what} (its line ${active.line}), which would run on the site.`,
          { location, hint: 'Remove it from the SVG, or set richText: { rawHtml: "keep" } for a repository you trust.' },
        ),
      );
      continue;
    }
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
