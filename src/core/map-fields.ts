import { DuplicateSlugError, FieldValueError, type SourceLocation, type WfSyncError } from "../errors.ts";
import { editDistance } from "./closest-match.ts";
import {
  convertFieldValue,
  listFieldDependencies,
  type FieldContext,
  type FieldDependency,
} from "./convert-field.ts";
import { digestOf, shortDigestOf } from "./digest.ts";
import { previewOf } from "./preview-value.ts";
import { slugFromPath, slugify } from "./slugify.ts";
import type { CollectionSchema, Entry, FieldSchema, SyncWarning } from "./types.ts";

/** The part of a collection's config that shapes its items. */
export interface CollectionMapping {
  name: string;
  body?: string | undefined;
  fields: Record<string, string>;
}

/**
 * The mapping settings that go into a collection's settings digest. An option at its default
 * is left out, so adding an option does not make every existing item stale.
 */
export function mappingDigestInput(collection: {
  fields: Record<string, string>;
  body?: string | undefined;
  slugFrom?: "name" | "path" | undefined;
}): Record<string, unknown> {
  return {
    fields: collection.fields,
    body: collection.body,
    ...(collection.slugFrom === "path" ? { slugFrom: "path" } : {}),
  };
}

/** One item as wf-sync wants it on the site, ready to plan and push. */
export interface ItemDraft {
  /** The collection's local name. */
  collection: string;
  file: string;
  slug: string;
  fieldData: Record<string, unknown>;
  isDraft: boolean;
  isArchived: boolean;
  /** Digest of everything sent for this item; equal digests mean nothing to write. */
  digest: string;
  /** Short digest per field slug, to tell which fields changed. */
  fieldDigests: Record<string, string>;
  /** Frontmatter line that set each field (by field slug), to locate what Webflow refuses. */
  fieldLines?: Record<string, number>;
  /** Short preview per field slug of the value sent, for plans (`previewOf`); absent on drafts reused unparsed. */
  fieldPreviews?: Record<string, string>;
}

/** Frontmatter keys with a meaning of their own, never sent as fields. */
const CONTROL_KEYS = new Set(["slug", "draft", "archived", "locale"]);

/** Keys that never become a field of their own name: control keys, `title`/`name` and a translation's anchor. */
export const RESERVED_FRONTMATTER_KEYS: ReadonlySet<string> = new Set([
  ...CONTROL_KEYS,
  "title",
  "name",
  "translationOf",
]);

/** A frontmatter key matched to the field that receives it. */
interface KeyBinding {
  key: string;
  field: FieldSchema;
  value: unknown;
  location: SourceLocation;
}

export interface MapFieldsOptions {
  mapping: CollectionMapping;
  schema: CollectionSchema;
  /** The rendered body, when the collection has a body field. */
  html?: string;
  /** Unknown frontmatter keys are errors instead of warnings. */
  isStrict?: boolean;
  /** Item id for a reference target (slug, or path relative to `fromFile`). */
  resolveReference?: (target: string, collectionId: string, fromFile: string) => string | undefined;
  resolveAsset?: (path: string) => { fileId: string; url: string } | undefined;
  /** Field slugs to leave out of fieldData (references resolved in a second pass). */
  omitFields?: ReadonlySet<string>;
  /** The sanitiser for RichText values (see FieldContext); required, so no caller forgets it. */
  sanitizeHtml: FieldContext["sanitizeHtml"];
}

export type MapFieldsResult =
  | { ok: true; draft: ItemDraft; warnings: SyncWarning[] }
  | { ok: false; errors: WfSyncError[]; warnings: SyncWarning[] };

function locate(entry: Entry, key: string): SourceLocation {
  const line = entry.keyLines[key];
  return line === undefined ? { file: entry.file } : { file: entry.file, line };
}

/** The slug an entry maps to: frontmatter `slug`, else the file's path per `slugFrom`, normalised. */
export function slugForEntry(entry: Entry): string {
  const written = entry.data["slug"];
  if (typeof written === "string" && written.trim() !== "") return slugify(written);
  if (typeof written === "number") return slugify(String(written));
  return entry.fileSlug ?? slugFromPath(entry.file);
}

/**
 * The error for one of several files that map to one slug (none of them is written): names
 * every file of the group and the setting that would tell them apart.
 */
export function duplicateSlugError(options: {
  slug: string;
  /** The file this error is for. */
  file: string;
  /** Every file with that slug, this one included. */
  files: readonly string[];
  collection: { name: string; slugFrom?: "name" | "path" | undefined };
  /** Line of this file's `slug:` key, when its frontmatter sets the slug. */
  slugLine?: number | undefined;
}): DuplicateSlugError {
  const { slug, file, files, collection } = options;
  const others = files.filter((other) => other !== file);
  const fromPath =
    collection.slugFrom === "path"
      ? ""
      : `set \`slugFrom: "path"\` on collection "${collection.name}" to build slugs from the folders, or `;
  const fix =
    options.slugLine === undefined
      ? `add a \`slug:\` line to the frontmatter of all but one of them`
      : `change this file's \`slug:\` (line ${options.slugLine}) or give the others a \`slug:\` of their own`;
  return new DuplicateSlugError(
    `slug "${slug}" is also used by ${others.join(", ")}, so none of these ${files.length} files is synced.`,
    {
      location: options.slugLine === undefined ? { file } : { file, line: options.slugLine },
      hint: `To tell them apart, ${fromPath}${fix}.`,
    },
  );
}

/** Matches frontmatter keys to fields per SPEC §2; unknown keys come back separately. */
function bindKeys(entry: Entry, options: MapFieldsOptions): { bindings: KeyBinding[]; unknown: string[] } {
  if (options.schema.isUnknown) return { bindings: [], unknown: [] };
  const bySlug = new Map(options.schema.fields.map((field) => [field.slug, field]));
  const bindings: KeyBinding[] = [];
  const unknown: string[] = [];
  const taken = new Set<string>();
  // A Jekyll file name's date stands in for a missing `date` (only where `date` reaches a field).
  const data =
    entry.fileDate !== undefined && entry.data["date"] === undefined
      ? { ...entry.data, date: entry.fileDate }
      : entry.data;
  const hasName =
    "name" in data || Object.entries(options.mapping.fields).some(([, slug]) => slug === "name");
  for (const [key, value] of Object.entries(data)) {
    if (CONTROL_KEYS.has(key)) continue;
    let fieldSlug = options.mapping.fields[key];
    if (fieldSlug === undefined && bySlug.has(key)) fieldSlug = key;
    if (fieldSlug === undefined && key === "title" && !hasName) fieldSlug = "name";
    const isImplicit = data !== entry.data && key === "date";
    if (fieldSlug === undefined) {
      if (!isImplicit) unknown.push(key);
      continue;
    }
    const field = bySlug.get(fieldSlug);
    if (!field) {
      if (!isImplicit) unknown.push(key);
      continue;
    }
    if (taken.has(field.slug)) continue;
    taken.add(field.slug);
    bindings.push({ key, field, value, location: locate(entry, key) });
  }
  return { bindings, unknown };
}

/** The frontmatter key an author writes for a field: the key the config's `fields` maps to it, else its slug. */
function frontmatterKeyOf(field: FieldSchema, mapping: CollectionMapping): string {
  const mapped = Object.entries(mapping.fields).find(([, slug]) => slug === field.slug)?.[0];
  if (mapped !== undefined) return mapped;
  return field.slug === "name" ? "title" : field.slug;
}

/** Every key a file of the collection may hold: mapped keys, field slugs, and the keys with a meaning of their own. */
function knownKeys(options: MapFieldsOptions): string[] {
  const mapped = new Set(Object.values(options.mapping.fields));
  return [
    ...Object.keys(options.mapping.fields),
    // A mapped field is written under its key, so its slug is no suggestion.
    ...options.schema.fields.map((field) => field.slug).filter((slug) => !mapped.has(slug)),
    ...RESERVED_FRONTMATTER_KEYS,
  ];
}

/** The known key an unknown one is most likely a typo of: close in spelling (or in case only), else undefined. */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { key: string; distance: number } | undefined;
  for (const candidate of new Set(candidates)) {
    if (candidate === key) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    // One edit for short keys, two from six letters on: `sumary` → `summary`, not `tags` → `date`.
    const allowed = Math.min(candidate.length, key.length) >= 6 ? 2 : 1;
    if (distance <= allowed && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/** References and local assets the entry's values need, so they can be resolved before mapping. */
export function listEntryDependencies(
  entry: Entry,
  options: MapFieldsOptions,
): Array<FieldDependency & { fieldSlug: string; key: string; location: SourceLocation }> {
  return bindKeys(entry, options).bindings.flatMap((binding) =>
    listFieldDependencies(binding.field, binding.value).map((dependency) => ({
      ...dependency,
      fieldSlug: binding.field.slug,
      key: binding.key,
      location: binding.location,
    })),
  );
}

function readFlag(entry: Entry, key: string, errors: WfSyncError[]): boolean {
  const value = entry.data[key];
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  errors.push(
    new FieldValueError(`${key}: expected true or false, got ${JSON.stringify(value)}.`, {
      location: locate(entry, key),
    }),
  );
  return false;
}

/** A required field that got no value (and whose key did not already fail): one error each. */
function missingRequired(
  entry: Entry,
  options: MapFieldsOptions,
  mapped: { bindings: ReadonlyArray<{ field: FieldSchema }>; fieldData: Record<string, unknown> },
): WfSyncError[] {
  const errors: WfSyncError[] = [];
  for (const field of options.schema.fields) {
    if (!field.isRequired || field.slug === "slug" || options.omitFields?.has(field.slug)) continue;
    const value = mapped.fieldData[field.slug];
    const isMissing = value === undefined || value === null || value === "";
    const alreadyFailed = mapped.bindings.some((binding) => binding.field.slug === field.slug);
    if (!isMissing || alreadyFailed) continue;
    const key = frontmatterKeyOf(field, options.mapping);
    errors.push(
      new FieldValueError(`${key}: required by the collection (field "${field.displayName}") but missing.`, {
        location: { file: entry.file, line: 1 },
        hint:
          field.slug === "name" && key === "title"
            ? "Add `title:` (or `name:`) to the frontmatter."
            : `Add \`${key}:\` to the frontmatter.`,
      }),
    );
  }
  return errors;
}

/**
 * Maps a parsed entry to the item Webflow should hold (SPEC §2): fields by slug or through
 * `fields`, `name` from `title`, `slug` from frontmatter or the file name, draft/archived flags,
 * every value converted and validated against the collection schema.
 */
export function mapFields(entry: Entry, options: MapFieldsOptions): MapFieldsResult {
  const errors: WfSyncError[] = [];
  const warnings: SyncWarning[] = [];
  const { bindings, unknown } = bindKeys(entry, options);
  for (const key of unknown) {
    const suggestion = closestKey(key, knownKeys(options));
    const didYouMean = suggestion === undefined ? "" : ` Did you mean \`${suggestion}\`?`;
    const message = `${key}: not a field of collection "${options.mapping.name}" and not mapped in \`fields\`.${didYouMean}`;
    if (options.isStrict) {
      errors.push(
        new FieldValueError(message, {
          location: locate(entry, key),
          hint:
            suggestion === undefined
              ? "Map it to a field slug in the collection's `fields`, or remove it."
              : `Rename it to \`${suggestion}\`, map it in the collection's \`fields\`, or remove it.`,
        }),
      );
    } else {
      warnings.push({ kind: "unknown-key", message, location: locate(entry, key) });
    }
  }

  const slug = slugForEntry(entry);
  if (slug === "") {
    errors.push(
      new FieldValueError("slug: the item has no usable slug.", {
        location: locate(entry, "slug"),
        hint: "Give the file a `slug:` of letters, digits and hyphens.",
      }),
    );
  }
  const fieldData: Record<string, unknown> = { slug };
  const context = {
    resolveReference: options.resolveReference,
    resolveAsset: options.resolveAsset,
    sanitizeHtml: options.sanitizeHtml,
  };
  for (const binding of bindings) {
    if (options.omitFields?.has(binding.field.slug)) continue;
    const result = convertFieldValue(binding.field, binding.value, {
      location: binding.location,
      key: binding.key,
      ...context,
    });
    if (result.ok) {
      if (result.value !== undefined) fieldData[binding.field.slug] = result.value;
      if (result.warnings) warnings.push(...result.warnings);
    } else {
      errors.push(result.error);
    }
  }
  if (options.mapping.body && options.html !== undefined) fieldData[options.mapping.body] = options.html;
  errors.push(...missingRequired(entry, options, { bindings, fieldData }));

  const isDraft = readFlag(entry, "draft", errors);
  const isArchived = readFlag(entry, "archived", errors);
  if (errors.length > 0) return { ok: false, errors, warnings };
  const fieldDigests: Record<string, string> = {};
  const fieldPreviews: Record<string, string> = {};
  for (const [key, value] of Object.entries(fieldData)) {
    fieldDigests[key] = shortDigestOf(value);
    fieldPreviews[key] = previewOf(value);
  }
  const fieldLines: Record<string, number> = {};
  for (const binding of bindings)
    if (binding.location.line !== undefined) fieldLines[binding.field.slug] = binding.location.line;
  return {
    ok: true,
    warnings,
    draft: {
      collection: options.mapping.name,
      file: entry.file,
      slug,
      fieldData,
      isDraft,
      isArchived,
      digest: digestOf({ fieldData, isDraft, isArchived }),
      fieldDigests,
      fieldLines,
      fieldPreviews,
    },
  };
}
