/**
 * Checks and normalises `fieldData` against a collection's fields, per API-NOTES §3.3/§3.4.
 * Params name the value as `fieldData.<slug>`, except an unknown key (bare key, as the
 * community-observed "not described in schema" error does) and slug uniqueness (bare
 * `slug`, checked by the caller because it needs the whole batch).
 */
import type { FieldSchema } from "../core/types.ts";
import type { ErrorDetail } from "./api-error.ts";
import { deriveId } from "./ids.ts";
import { sanitizeRichText } from "./rich-text.ts";
import type { AssetRecord, SandboxStore } from "./store.ts";

/** Community-observed accepted slug pattern (API-NOTES §1.7). */
export const SLUG_PATTERN = /^[_a-zA-Z0-9][-_a-zA-Z0-9]*$/;

const STRING_TYPES = new Set(["PlainText", "RichText", "Link", "Email", "Phone", "VideoLink", "Color"]);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export interface FieldDataCheck {
  /** Values as they will be stored; `null` means "clear this field". */
  normalized: Record<string, unknown>;
  details: ErrorDetail[];
}

interface CheckContext {
  store: SandboxStore;
  siteId: string;
  /** `http://127.0.0.1:PORT`, to point file values at our own hosted URLs. */
  origin: string;
  hostedUrlOf: (asset: AssetRecord) => string;
  /** Whether Webflow could fetch a file given by URL. */
  isFetchable: (url: string) => boolean;
  /** `skipInvalidFiles` of the request (default true): drop invalid files instead of refusing. */
  skipInvalidFiles: boolean;
}

/** A value, a validation error, or a file Webflow cannot use (`invalidFile`: why). */
type Outcome = { value: unknown } | { error: string } | { invalidFile: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkLength(field: FieldSchema, text: string): string | undefined {
  const maxLength = field.validations?.["maxLength"];
  const minLength = field.validations?.["minLength"];
  if (typeof maxLength === "number" && text.length > maxLength)
    return `Must be at most ${maxLength} characters long`;
  if (typeof minLength === "number" && text.length < minLength)
    return `Must be at least ${minLength} characters long`;
  return undefined;
}

function checkNumber(field: FieldSchema, value: number): string | undefined {
  const rules = field.validations ?? {};
  if (rules["format"] === "integer" && !Number.isInteger(value)) return "Must be an integer";
  if (typeof rules["minValue"] === "number" && value < rules["minValue"])
    return `Must be at least ${rules["minValue"]}`;
  if (typeof rules["maxValue"] === "number" && value > rules["maxValue"])
    return `Must be at most ${rules["maxValue"]}`;
  if (rules["allowNegative"] === false && value < 0) return "Must not be negative";
  if (rules["allowZero"] === false && value === 0) return "Must not be zero";
  return undefined;
}

function checkFile(value: unknown, context: CheckContext): Outcome {
  if (!isPlainObject(value)) return { error: "Expected an object with url or fileId" };
  const { fileId, url, alt } = value;
  if (alt !== undefined && alt !== null && typeof alt !== "string") return { error: "alt must be a string" };
  if (fileId !== undefined) {
    if (typeof fileId !== "string") return { error: "fileId must be a string" };
    const asset = context.store.assets.get(fileId);
    if (asset && asset.siteId === context.siteId) {
      return { value: { fileId, url: context.hostedUrlOf(asset), alt: alt ?? null } };
    }
    if (typeof url !== "string") return { invalidFile: `File not found: '${fileId}'` };
    return { value: { fileId, url, alt: alt ?? null } };
  }
  if (typeof url !== "string" || !/^https?:\/\//i.test(url))
    return { error: "Expected an object with url or fileId" };
  if (!context.isFetchable(url)) return { invalidFile: `Could not fetch the file at '${url}'` };
  // Webflow imports a URL into a file of the site. It de-duplicates files by content (fileHash,
  // API-NOTES §7.1); having no content, we key the file id on the site and the URL, so that the
  // same image written to the staged and the live copy is one file (unconfirmed, API-NOTES §11.13).
  return { value: { fileId: deriveId(context.siteId, "url-import", url), url, alt: alt ?? null } };
}

function checkReference(field: FieldSchema, value: unknown, context: CheckContext): string | undefined {
  const collectionId = field.validations?.["collectionId"];
  if (typeof value !== "string") return "Expected an item id string";
  if (typeof collectionId === "string" && !context.store.hasItem(collectionId, value)) {
    return `Referenced item not found: '${value}'`;
  }
  return undefined;
}

function checkValue(field: FieldSchema, value: unknown, context: CheckContext): Outcome {
  if (STRING_TYPES.has(field.type)) {
    if (typeof value !== "string") return { error: `Expected a string for ${field.type}` };
    const lengthError = checkLength(field, value);
    if (lengthError) return { error: lengthError };
    if (field.slug === "slug" && !SLUG_PATTERN.test(value)) {
      return { error: `Slug must contain only letters, numbers, hyphens and underscores: '${value}'` };
    }
    return { value: field.type === "RichText" ? sanitizeRichText(value) : value };
  }
  switch (field.type) {
    case "Number": {
      if (typeof value !== "number" || !Number.isFinite(value)) return { error: "Expected a number" };
      const error = checkNumber(field, value);
      return error ? { error } : { value };
    }
    case "Switch":
      return typeof value === "boolean" ? { value } : { error: "Expected a boolean" };
    case "DateTime": {
      if (typeof value !== "string" || !ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) {
        return { error: "Expected an ISO 8601 date string" };
      }
      // Webflow reads dates back in full ISO form, e.g. 2022-11-18T00:00:00.000Z (API-NOTES §3.3).
      return { value: new Date(value).toISOString() };
    }
    case "Option": {
      const options = field.validations?.["options"];
      const ids = Array.isArray(options) ? options.map((option: { id?: unknown }) => option.id) : [];
      if (typeof value !== "string" || !ids.includes(value))
        return { error: `Not a valid option id: '${String(value)}'` };
      return { value };
    }
    case "Reference": {
      const error = checkReference(field, value, context);
      return error ? { error } : { value };
    }
    case "MultiReference": {
      if (!Array.isArray(value)) return { error: "Expected an array of item ids" };
      for (const entry of value) {
        const error = checkReference(field, entry, context);
        if (error) return { error };
      }
      return { value: [...new Set(value)] };
    }
    case "Image":
    case "File":
      return checkFile(value, context);
    case "MultiImage": {
      if (!Array.isArray(value)) return { error: "Expected an array of images" };
      const images: unknown[] = [];
      for (const entry of value) {
        const outcome = checkFile(entry, context);
        if ("error" in outcome) return outcome;
        // skipInvalidFiles drops the bad image and keeps the others.
        if ("invalidFile" in outcome) {
          if (!context.skipInvalidFiles) return outcome;
          continue;
        }
        images.push(outcome.value);
      }
      return { value: images };
    }
    case "User":
      return { error: "Field is read-only" };
    default:
      // Types we don't model (ExtFileRef, newer ones) pass through untouched.
      return { value };
  }
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/**
 * Checks `fieldData` for one item. On create every required field must be present; on
 * update only the given keys are checked (PATCH is partial).
 */
export function checkFieldData(options: {
  fields: readonly FieldSchema[];
  fieldData: unknown;
  isCreate: boolean;
  context: CheckContext;
}): FieldDataCheck {
  const { fields, fieldData, isCreate, context } = options;
  const details: ErrorDetail[] = [];
  const normalized: Record<string, unknown> = {};
  if (fieldData === undefined && !isCreate) return { normalized, details };
  if (!isPlainObject(fieldData)) {
    details.push({ param: "fieldData", description: "Expected an object" });
    return { normalized, details };
  }
  const bySlug = new Map(fields.map((field) => [field.slug, field]));
  for (const [key, value] of Object.entries(fieldData)) {
    const field = bySlug.get(key);
    if (!field) {
      details.push({ param: key, description: "Field not described in schema" });
      continue;
    }
    if (isEmpty(value)) {
      if (field.isRequired) details.push({ param: `fieldData.${key}`, description: "Field is required" });
      else normalized[key] = null;
      continue;
    }
    const outcome = checkValue(field, value, context);
    if ("error" in outcome) details.push({ param: `fieldData.${key}`, description: outcome.error });
    else if ("invalidFile" in outcome) {
      // The request's skipInvalidFiles (default true) leaves the field out; false refuses the request.
      if (!context.skipInvalidFiles)
        details.push({ param: `fieldData.${key}`, description: `Invalid file: ${outcome.invalidFile}` });
    } else normalized[key] = outcome.value;
  }
  if (isCreate) {
    for (const field of fields) {
      if (field.isRequired && isEmpty(fieldData[field.slug]) && !(field.slug in fieldData)) {
        details.push({ param: `fieldData.${field.slug}`, description: "Field is required" });
      }
    }
  }
  return { normalized, details };
}

/** Merges normalised values into stored fieldData; `null` clears (the key is left out, as reads omit unset fields). */
export function mergeFieldData(
  target: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...target };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}
