/**
 * Reference and MultiReference fields. Webflow stores item ids (API-NOTES §3.3); authors
 * write the referenced item's slug, or a relative path to its Markdown file. Turning
 * either into an id is the pipeline's job (`resolveReference`): it alone knows every
 * collection's files and the ids Webflow gave them.
 */
import { ReferenceError } from "../../errors.ts";
import type { ConvertResult, FieldContext, FieldDependency } from "../convert-field.ts";
import type { FieldSchema } from "../types.ts";
import { type Converter, describeValue, fail, listQuoted, ok, readStringValidation } from "./shared.ts";

/**
 * The target an author wrote: trimmed text, or a whole number (YAML reads the slug `2024`
 * as a number). Undefined when the value cannot name an item.
 */
function readTarget(raw: unknown): string | undefined {
  if (typeof raw === "string") return raw.trim() === "" ? undefined : raw.trim();
  if (typeof raw === "number" && Number.isSafeInteger(raw) && raw >= 0) return String(raw);
  return undefined;
}

/** Slugs cannot contain `/` or end in `.md`, so either marks a path to a Markdown file. */
function isPathTarget(target: string): boolean {
  return target.includes("/") || /\.(md|markdown)$/i.test(target);
}

/** Targets of a MultiReference value, in order, without repeats; a single target is allowed. */
function readTargets(raw: unknown): { targets: string[] } | { index: number; item: unknown } {
  const items = Array.isArray(raw) ? raw : [raw];
  const targets: string[] = [];
  for (const [index, item] of items.entries()) {
    const target = readTarget(item);
    if (target === undefined) return { index, item };
    if (!targets.includes(target)) targets.push(target);
  }
  return { targets };
}

const EXPECTED = "the slug of an item or a relative path to its Markdown file";

function collectionIdOf(
  field: FieldSchema,
  context: FieldContext,
): { collectionId: string } | { result: ConvertResult } {
  const collectionId = readStringValidation(field, "collectionId");
  if (collectionId !== undefined) return { collectionId };
  return {
    result: fail(
      context,
      `the schema of the field "${field.displayName}" does not say which collection it references (validations.collectionId is missing). Refresh the cached schema and try again.`,
    ),
  };
}

/** One ReferenceError naming every target that did not resolve. */
function unresolved(options: {
  context: FieldContext;
  field: FieldSchema;
  collectionId: string;
  missing: readonly string[];
}): ConvertResult {
  const { context, field, collectionId, missing } = options;
  const paths = missing.filter(isPathTarget);
  const slugs = missing.filter((target) => !isPathTarget(target));
  const parts: string[] = [];
  if (slugs.length > 0) {
    parts.push(`no item with the slug${slugs.length > 1 ? "s" : ""} ${listQuoted(slugs)}`);
  }
  if (paths.length > 0) {
    parts.push(`no Markdown file at ${listQuoted(paths)} (paths are relative to this file)`);
  }
  const message = `${context.key}: the field "${field.displayName}" references collection ${collectionId}, which has ${parts.join(", and ")}. Check the spelling, or add the missing item first.`;
  return { ok: false, error: new ReferenceError(message, { location: context.location }) };
}

/** Reference: one slug or path → the referenced item's id. */
export const convertReference: Converter = (field, raw, context) => {
  const target = readTarget(raw);
  if (target === undefined) {
    const hint = Array.isArray(raw)
      ? `The field "${field.displayName}" holds a single item; only MultiReference fields take a list.`
      : undefined;
    return fail(
      context,
      `expected ${EXPECTED}, got ${describeValue(raw)}. Write the slug, e.g. jane-doe.`,
      hint,
    );
  }
  const collection = collectionIdOf(field, context);
  if ("result" in collection) return collection.result;
  const itemId = context.resolveReference?.(target, collection.collectionId, context.location.file);
  if (itemId === undefined) {
    return unresolved({ context, field, collectionId: collection.collectionId, missing: [target] });
  }
  return ok(itemId);
};

/** MultiReference: a list of slugs or paths (or one) → item ids, in the author's order, without duplicates. */
export const convertMultiReference: Converter = (field, raw, context) => {
  const read = readTargets(raw);
  if ("index" in read) {
    return fail(
      context,
      `item ${read.index + 1} of the list is ${describeValue(read.item)}; expected ${EXPECTED}. Write one slug per list item.`,
    );
  }
  const collection = collectionIdOf(field, context);
  if ("result" in collection) return collection.result;
  const itemIds: string[] = [];
  const missing: string[] = [];
  for (const target of read.targets) {
    const itemId = context.resolveReference?.(target, collection.collectionId, context.location.file);
    if (itemId === undefined) missing.push(target);
    // A slug and a path can name the same item; Webflow would store it twice.
    else if (!itemIds.includes(itemId)) itemIds.push(itemId);
  }
  if (missing.length > 0)
    return unresolved({ context, field, collectionId: collection.collectionId, missing });
  return ok(itemIds);
};

/** The references a Reference/MultiReference value needs resolved; none when the value is malformed (conversion reports it). */
export function listReferenceDependencies(field: FieldSchema, raw: unknown): FieldDependency[] {
  const collectionId = readStringValidation(field, "collectionId");
  if (collectionId === undefined) return [];
  const targets = field.type === "Reference" ? [readTarget(raw)] : readTargetsOrEmpty(raw);
  return targets.flatMap((target) =>
    target === undefined ? [] : [{ kind: "reference" as const, collectionId, target }],
  );
}

/** Every target of a list, or none when one item is malformed. */
function readTargetsOrEmpty(raw: unknown): string[] {
  const read = readTargets(raw);
  return "targets" in read ? read.targets : [];
}

/** Stored item id(s) → slug(s) through the callback; an id without a known slug stays an id. */
export function referenceToFrontmatter(options: {
  field: FieldSchema;
  value: unknown;
  slugForItemId: ((itemId: string, collectionId: string) => string | undefined) | undefined;
}): unknown {
  const { field, value, slugForItemId } = options;
  const collectionId = readStringValidation(field, "collectionId");
  const toSlug = (item: unknown): unknown =>
    typeof item === "string" && collectionId !== undefined
      ? (slugForItemId?.(item, collectionId) ?? item)
      : item;
  return Array.isArray(value) ? value.map(toSlug) : toSlug(value);
}
