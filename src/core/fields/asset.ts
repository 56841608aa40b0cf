/**
 * Image, MultiImage and File fields. Authors write a URL (Webflow fetches and hosts it) or
 * a path relative to the Markdown file (the pipeline uploads it first, API-NOTES §7.1, and
 * `resolveAsset` hands back the asset). Alt text comes from an `{src, alt}` mapping.
 */
import { AssetError, type SourceLocation } from "../../errors.ts";
import type { ConvertResult, FieldContext, FieldDependency } from "../convert-field.ts";
import { type Converter, describeValue, fail, isRecord, ok, quote } from "./shared.ts";

/** Which limits apply: Image and MultiImage fields take images, File fields take documents (and images). */
export type AssetKind = "image" | "file";

/** Image types Webflow hosts (API-NOTES §7.1). */
const IMAGE_EXTENSIONS: readonly string[] = ["png", "jpg", "jpeg", "gif", "svg", "webp", "avif"];
/** Document types Webflow hosts, Lottie (`.json`, `.lottie`) included (API-NOTES §7.1). */
// prettier-ignore
const DOCUMENT_EXTENSIONS: readonly string[] = [
  "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv", "odt", "ods", "odp", "json", "lottie",
];
const MEBIBYTE = 1024 * 1024;
/** Webflow says "4 MB" / "10 MB" without saying which megabyte; binary is assumed (**unconfirmed**). */
const IMAGE_LIMIT_BYTES = 4 * MEBIBYTE;
const DOCUMENT_LIMIT_BYTES = 10 * MEBIBYTE;
/** `fileName` on upload must be shorter than 100 characters (API-NOTES §7.1). */
const FILE_NAME_LIMIT = 100;

function baseName(path: string): string {
  return path.split(/[\\/]/).at(-1) ?? path;
}

/** Lower-case extension without the dot; a leading dot (`.env`) is a hidden file, not an extension. */
function extensionOf(path: string): string | undefined {
  const name = baseName(path);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : undefined;
}

function acceptedExtensions(assetKind: AssetKind): readonly string[] {
  return assetKind === "image" ? IMAGE_EXTENSIONS : [...DOCUMENT_EXTENSIONS, ...IMAGE_EXTENSIONS];
}

/** Why Webflow would refuse a file of this name in this kind of field, or undefined. */
function typeProblem(path: string, assetKind: AssetKind): string | undefined {
  const accepted = acceptedExtensions(assetKind);
  const where = assetKind === "image" ? "an image field" : "a file field";
  const list = `Use one of: ${accepted.map((extension) => `.${extension}`).join(", ")}.`;
  const extension = extensionOf(path);
  if (extension === undefined)
    return `${quote(baseName(path))} has no file extension, so its type is unknown. ${list}`;
  if (!accepted.includes(extension)) return `Webflow does not take .${extension} files in ${where}. ${list}`;
  return undefined;
}

/** Rounded up, so a file just over the limit never reads as exactly the limit. */
function formatMegabytes(bytes: number): string {
  return `${(Math.ceil((bytes / MEBIBYTE) * 10) / 10).toFixed(1)} MB`;
}

/**
 * Checks made before an upload: type by extension, size (4 MB for images, 10 MB for
 * other documents; the type of the file decides, so an image in a File field is still
 * held to 4 MB), an empty file, and the length of the file name.
 */
export function checkAssetLimits(options: {
  path: string;
  sizeBytes: number;
  assetKind: AssetKind;
  location: SourceLocation;
}): AssetError | undefined {
  const { path, sizeBytes, assetKind, location } = options;
  const problem = typeProblem(path, assetKind);
  if (problem !== undefined) return new AssetError(`${path}: ${problem}`, { location });
  const isImage = IMAGE_EXTENSIONS.includes(extensionOf(path) ?? "");
  const limitBytes = isImage ? IMAGE_LIMIT_BYTES : DOCUMENT_LIMIT_BYTES;
  if (sizeBytes > limitBytes) {
    return new AssetError(
      `${path} is ${formatMegabytes(sizeBytes)}; Webflow takes ${isImage ? "images" : "documents"} up to ${limitBytes / MEBIBYTE} MB. ${isImage ? "Compress or resize it" : "Make it smaller"}, then sync again.`,
      { location },
    );
  }
  if (sizeBytes === 0) {
    return new AssetError(
      `${path} is empty (0 bytes), so there is nothing to upload. Replace it with the real file.`,
      { location },
    );
  }
  const name = baseName(path);
  if (name.length >= FILE_NAME_LIMIT) {
    return new AssetError(
      `${path}: the file name is ${name.length} characters long; Webflow takes names shorter than ${FILE_NAME_LIMIT}. Rename the file.`,
      { location },
    );
  }
  return undefined;
}

/** What an author's value points at. */
type AssetInput =
  | { kind: "url"; url: string; alt: string | undefined }
  | { kind: "local"; path: string; alt: string | undefined }
  | { kind: "uploaded"; fileId: string; url: string | undefined; alt: string | undefined };

type AssetProblem = { problem: string; hint?: string };

const OBJECT_KEYS = new Set(["src", "url", "path", "alt", "fileId"]);
const FORMS = 'Write a URL, a path relative to the Markdown file, or { src: <url or path>, alt: "…" }.';

/** Classifies a string as a web URL or a local path; other schemes cannot be uploaded. */
function readLocator(
  text: string,
): { kind: "url"; url: string } | { kind: "local"; path: string } | AssetProblem {
  const trimmed = text.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    try {
      if (new URL(trimmed).hostname !== "") return { kind: "url", url: trimmed };
    } catch {
      // reported below
    }
    return { problem: `${quote(trimmed)} is not a valid URL` };
  }
  if (/^data:/i.test(trimmed)) {
    return {
      problem: "data: URIs are not accepted",
      hint: "Save the content as a file next to the Markdown file and give its path.",
    };
  }
  if (trimmed.startsWith("//"))
    return { problem: `${quote(trimmed)} has no scheme`, hint: `Write it as https:${trimmed}.` };
  // One letter before the colon is a Windows drive (C:\…), not a scheme.
  if (/^[a-z][a-z0-9+.-]+:/i.test(trimmed)) {
    return { problem: `${quote(trimmed)} is neither an http(s) URL nor a local path` };
  }
  return { kind: "local", path: trimmed };
}

function readAlt(raw: unknown): { alt: string | undefined } | AssetProblem {
  if (raw === undefined || raw === null) return { alt: undefined };
  // Blank alt is dropped: pulled items say "no alt" as null or "", and one form keeps diffs stable.
  if (typeof raw === "string") return { alt: raw.trim() === "" ? undefined : raw };
  return { problem: `alt must be text, got ${describeValue(raw)}`, hint: 'Put it in quotes: alt: "…".' };
}

/** Reads one image/file value: a string, or a mapping with `src`/`url`/`path`, `alt`, `fileId`. */
function readAssetInput(raw: unknown): AssetInput | AssetProblem {
  if (typeof raw === "string") {
    if (raw.trim() === "") return { problem: "the value is empty" };
    const locator = readLocator(raw);
    if ("problem" in locator) return locator;
    return { ...locator, alt: undefined };
  }
  if (!isRecord(raw)) return { problem: `expected a URL, a path or { src, alt }, got ${describeValue(raw)}` };
  const unknownKeys = Object.keys(raw).filter((key) => !OBJECT_KEYS.has(key));
  if (unknownKeys.length > 0) {
    return {
      problem: `unknown key${unknownKeys.length > 1 ? "s" : ""} ${unknownKeys.map((key) => quote(key)).join(", ")} (an image or file takes src, alt, and optionally fileId)`,
    };
  }
  const alt = readAlt(raw["alt"]);
  if ("problem" in alt) return alt;
  const locators = (["src", "url", "path"] as const).filter(
    (key) => raw[key] !== undefined && raw[key] !== null,
  );
  if (locators.length > 1)
    return { problem: `give only one of src, url and path (found ${locators.join(" and ")})` };
  const fileId = raw["fileId"];
  if (fileId !== undefined && fileId !== null) {
    // An asset already in Webflow (for example written back by a pull): sent as Webflow's own shape.
    if (typeof fileId !== "string" || fileId.trim() === "")
      return { problem: "fileId must be the id of a Webflow asset, as text" };
    const url = locators[0] === undefined ? undefined : raw[locators[0]];
    if (url !== undefined && typeof url !== "string")
      return { problem: `${locators[0] ?? "src"} must be text` };
    return { kind: "uploaded", fileId: fileId.trim(), url: url?.trim(), alt: alt.alt };
  }
  const key = locators[0];
  if (key === undefined) return { problem: "the mapping has no src (a URL or a path)" };
  const locatorValue = raw[key];
  if (typeof locatorValue !== "string" || locatorValue.trim() === "") {
    return { problem: `${key} must be a URL or a path, got ${describeValue(locatorValue)}` };
  }
  const locator = readLocator(locatorValue);
  if ("problem" in locator) return locator;
  return { ...locator, alt: alt.alt };
}

/** Converts one value; `label` names the list item for MultiImage messages. */
function convertOneAsset(options: {
  raw: unknown;
  context: FieldContext;
  assetKind: AssetKind;
  label: string;
}): ConvertResult {
  const { raw, context, assetKind, label } = options;
  const input = readAssetInput(raw);
  if ("problem" in input) return fail(context, `${label}${input.problem}. ${FORMS}`, input.hint);
  const alt = input.alt === undefined ? {} : { alt: input.alt };
  if (input.kind === "url") return ok({ url: input.url, ...alt });
  if (input.kind === "uploaded")
    return ok({ fileId: input.fileId, ...(input.url === undefined ? {} : { url: input.url }), ...alt });
  const problem = typeProblem(input.path, assetKind);
  if (problem !== undefined) {
    return {
      ok: false,
      error: new AssetError(`${context.key}: ${label}${problem}`, { location: context.location }),
    };
  }
  const asset = context.resolveAsset?.(input.path);
  if (asset === undefined) {
    return {
      ok: false,
      error: new AssetError(
        `${context.key}: ${label}the local file ${quote(input.path)} has not been uploaded to Webflow, so the item cannot point at it. Check that the path is right (it is relative to the Markdown file); the upload step reports why a file could not be uploaded.`,
        { location: context.location },
      ),
    };
  }
  return ok({ fileId: asset.fileId, url: asset.url, ...alt });
}

/** Image: one image → `{url, alt?}` (URL) or `{fileId, url, alt?}` (uploaded local file). */
export const convertImage: Converter = (_field, raw, context) =>
  convertOneAsset({ raw, context, assetKind: "image", label: "" });

/** File: like Image, with documents allowed. */
export const convertFile: Converter = (_field, raw, context) =>
  convertOneAsset({ raw, context, assetKind: "file", label: "" });

/** MultiImage: a list of images (a single image is taken as a list of one), in order. */
export const convertMultiImage: Converter = (_field, raw, context) => {
  const items = Array.isArray(raw) ? raw : [raw];
  const values: unknown[] = [];
  for (const [index, item] of items.entries()) {
    const label = Array.isArray(raw) ? `item ${index + 1} of the list: ` : "";
    const result = convertOneAsset({ raw: item, context, assetKind: "image", label });
    if (!result.ok) return result;
    values.push(result.value);
  }
  return ok(values);
};

/** Local files a value needs uploaded, each path once; URLs and malformed values need nothing. */
export function listAssetDependencies(
  raw: unknown,
  options: { assetKind: AssetKind; isList: boolean },
): FieldDependency[] {
  const items = options.isList && Array.isArray(raw) ? raw : [raw];
  const paths = new Set<string>();
  for (const item of items) {
    const input = readAssetInput(item);
    if (!("problem" in input) && input.kind === "local") paths.add(input.path);
  }
  return [...paths].map((path) => ({ kind: "asset" as const, path, assetKind: options.assetKind }));
}

/** A stored `{fileId, url, alt}` as an author writes it: the URL, or `{src, alt}` when there is alt text. */
export function assetToFrontmatter(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(assetToFrontmatter);
  if (!isRecord(value) || typeof value["url"] !== "string") return value;
  const alt = value["alt"];
  return typeof alt === "string" && alt.trim() !== "" ? { src: value["url"], alt } : value["url"];
}
