/**
 * Frontmatter value → the exact JSON Webflow takes for one field, checked against the
 * field's type and `validations` before any request is sent (issue 4), and back again
 * for `wf-sync pull`. Pure: resolving references and uploading assets happen in the
 * pipeline, which passes the answers in through `FieldContext`.
 *
 * Per-type rules live in `./fields/`; docs/field-types.md is the author-facing table.
 */
import { FieldValueError } from "../errors.ts";
import type { AssetError, ReferenceError, SourceLocation } from "../errors.ts";
import {
  assetToFrontmatter,
  checkAssetLimits as checkAssetLimitsImpl,
  convertFile,
  convertImage,
  convertMultiImage,
  listAssetDependencies,
} from "./fields/asset.ts";
import { convertDateTime, dateTimeToFrontmatter } from "./fields/date-time.ts";
import { convertNumber } from "./fields/number.ts";
import { convertOption, optionToFrontmatter } from "./fields/option.ts";
import {
  convertMultiReference,
  convertReference,
  listReferenceDependencies,
  referenceToFrontmatter,
} from "./fields/reference.ts";
import type { Converter } from "./fields/shared.ts";
import { convertSwitch } from "./fields/switch.ts";
import {
  convertColor,
  convertEmail,
  convertLink,
  convertPhone,
  convertPlainText,
  convertRichText,
  convertVideoLink,
} from "./fields/text.ts";
import type { FieldSchema, SyncWarning } from "./types.ts";

/** What the pipeline knows about the value being converted, and how to look things up. */
export interface FieldContext {
  /** where the key sits: file (POSIX, relative to project root), line of the key */
  location: SourceLocation;
  /** the frontmatter key as the author wrote it (may differ from field.slug through the `fields` mapping) */
  key: string;
  /**
   * item id for a Reference target written as a slug or as a relative path to a Markdown
   * file; undefined = not found. Should also accept an item id, so values pulled for items
   * whose slug was unknown convert back.
   */
  resolveReference?: (target: string, collectionId: string, fromFile: string) => string | undefined;
  /** uploaded asset for a local path as written (relative to the Markdown file); undefined = not uploaded (yet) */
  resolveAsset?: (path: string) => { fileId: string; url: string } | undefined;
  /**
   * The sanitiser RichText values pass (core/render/sanitize-value.ts), loaded by the caller;
   * undefined under `rawHtml: "keep"`, where a value is sent as written.
   */
  sanitizeHtml?: ((html: string) => { html: string; removed?: string | undefined }) | undefined;
}

/** The converted value, or the one error that stops this field (and with it the item). */
export type ConvertResult =
  | { ok: true; value: unknown; warnings?: SyncWarning[] }
  | { ok: false; error: FieldValueError | ReferenceError | AssetError };

/** What a value needs resolved before convertFieldValue can succeed: references and local assets (so the pipeline can look them up / upload first). */
export type FieldDependency =
  | { kind: "reference"; collectionId: string; target: string }
  | { kind: "asset"; path: string; assetKind: "image" | "file" };

// A Map, not an object literal, so a type named like an Object.prototype key finds nothing.
const CONVERTERS: ReadonlyMap<string, Converter> = new Map([
  ["PlainText", convertPlainText],
  ["RichText", convertRichText],
  ["Email", convertEmail],
  ["Phone", convertPhone],
  ["Link", convertLink],
  ["VideoLink", convertVideoLink],
  ["Color", convertColor],
  ["Number", convertNumber],
  ["DateTime", convertDateTime],
  ["Switch", convertSwitch],
  ["Option", convertOption],
  ["Reference", convertReference],
  ["MultiReference", convertMultiReference],
  ["Image", convertImage],
  ["MultiImage", convertMultiImage],
  ["File", convertFile],
]);

/** Field types wf-sync can write; others (User, ExtFileRef, newer types) are read-only to it. */
export const WRITABLE_FIELD_TYPES: ReadonlySet<string> = new Set(CONVERTERS.keys());

/** List-valued types; their empty value is `[]`, the natural empty list, rather than `null`. */
const LIST_TYPES: ReadonlySet<string> = new Set(["MultiReference", "MultiImage"]);
/** Types where spaces are content, so only `""` counts as empty; elsewhere blank text is empty too. */
const TEXT_TYPES: ReadonlySet<string> = new Set(["PlainText", "RichText"]);

/** True when the author left the value empty: `key:` / `~` / `null`, `""`, `[]`. */
function isEmptyValue(field: FieldSchema, raw: unknown): boolean {
  if (raw === null || raw === undefined) return true;
  if (Array.isArray(raw)) return raw.length === 0;
  if (typeof raw === "string") return TEXT_TYPES.has(field.type) ? raw === "" : raw.trim() === "";
  return false;
}

function failure(context: FieldContext, message: string, hint?: string): ConvertResult {
  return {
    ok: false,
    error: new FieldValueError(`${context.key}: ${message}`, { location: context.location, hint }),
  };
}

/**
 * Turn an author's value into the exact JSON Webflow takes for this field, validating it.
 *
 * An empty value (`null`, `~`, a bare `key:`, `""`, `[]`, or a missing key passed as
 * `undefined`) clears the field: the result is `null` (`[]` for MultiReference and
 * MultiImage), or an error when the field is required. Whether Webflow clears on `null`
 * or `""` is unconfirmed (API-NOTES §11 #12); this is the one place that decides.
 * Read-only and unknown field types always fail, so call this only for keys the author wrote
 * (and for required fields that are missing).
 */
export function convertFieldValue(field: FieldSchema, raw: unknown, context: FieldContext): ConvertResult {
  const converter = CONVERTERS.get(field.type);
  if (field.isEditable === false) {
    return failure(
      context,
      `the field "${field.displayName}" is managed by Webflow and cannot be written. Remove the key, or map it to another field in wf-sync.config.ts.`,
    );
  }
  if (converter === undefined) {
    return failure(
      context,
      `the field "${field.displayName}" has type ${field.type}, which wf-sync cannot write (it is read-only or not supported). Remove the key, or map it to another field in wf-sync.config.ts.`,
    );
  }
  if (isEmptyValue(field, raw)) {
    if (!field.isRequired) return { ok: true, value: LIST_TYPES.has(field.type) ? [] : null };
    // YAML reads `color: #fff` as `color:` plus a comment, which lands here as null.
    const hint =
      field.type === "Color" && raw === null
        ? 'YAML reads an unquoted # as the start of a comment; write the colour in quotes: "#1a2b3c".'
        : undefined;
    return failure(
      context,
      `the field "${field.displayName}" is required, but the value is empty. Give it a value.`,
      hint,
    );
  }
  return converter(field, raw, context);
}

/**
 * What a value needs resolved before convertFieldValue can succeed: references and local
 * assets (so the pipeline can look them up / upload first). Malformed values need nothing;
 * converting them reports the problem.
 */
export function listFieldDependencies(field: FieldSchema, raw: unknown): FieldDependency[] {
  if (isEmptyValue(field, raw)) return [];
  switch (field.type) {
    case "Reference":
    case "MultiReference":
      return listReferenceDependencies(field, raw);
    case "Image":
      return listAssetDependencies(raw, { assetKind: "image", isList: false });
    case "MultiImage":
      return listAssetDependencies(raw, { assetKind: "image", isList: true });
    case "File":
      return listAssetDependencies(raw, { assetKind: "file", isList: false });
    default:
      return [];
  }
}

/**
 * Local asset checks done before upload (pure: takes the byte size and file name): type by
 * extension, 4 MB images, 10 MB documents, no empty files, file names under 100 characters.
 */
export function checkAssetLimits(options: {
  path: string;
  sizeBytes: number;
  assetKind: "image" | "file";
  location: SourceLocation;
}): AssetError | undefined {
  return checkAssetLimitsImpl(options);
}

/**
 * Reverse direction, for `wf-sync pull`: Webflow's stored value → a frontmatter value an
 * author would write (option id → name, reference id → slug via callback, image → url or
 * `{src, alt}`, date → YYYY-MM-DD when midnight UTC else ISO). Converting the result back
 * gives the stored value again, except that images come back in Webflow's write form
 * `{url, alt}` (the fileId is Webflow's to assign). Empty values become `null`.
 */
export function toFrontmatterValue(
  field: FieldSchema,
  value: unknown,
  options: { slugForItemId?: (itemId: string, collectionId: string) => string | undefined },
): unknown {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case "DateTime":
      return dateTimeToFrontmatter(value);
    case "Option":
      return optionToFrontmatter(field, value);
    case "Reference":
    case "MultiReference":
      return referenceToFrontmatter({ field, value, slugForItemId: options.slugForItemId });
    case "Image":
    case "MultiImage":
    case "File":
      return assetToFrontmatter(value);
    default:
      return value;
  }
}
