/**
 * The manifest's shape, checked on every read (issue 14, item 4): the manifest is a cache, and
 * a hand-edited, truncated or foreign one must cost a rebuild from the site by slug, never a
 * crash or a duplicate. Two checks of the same shape: `isManifestShaped`, a hand-written walk
 * that costs a few milliseconds on a 10,000-item manifest (the no-op pays it on every run),
 * and `manifestSchema` (zod), run only when the walk fails, for a message naming the first
 * wrong value. manifest-shape.test.ts keeps the two in agreement.
 */
import { z } from "zod";

const text = z.string();
const stringRecord = z.record(z.string(), z.string());
const nullableStringRecord = z.record(z.string(), z.string().nullable());

const entrySchema = z.object({
  itemId: text,
  digest: text,
  fields: stringRecord,
  file: text,
  isDraft: z.boolean(),
  isArchived: z.boolean(),
  isLive: z.boolean(),
  isPending: z.boolean().optional(),
  previews: stringRecord.optional(),
  lastUpdated: text.optional(),
  seal: text.optional(),
  drift: z
    .object({ lastUpdated: text, slug: text, fields: stringRecord, isDeleted: z.boolean().optional() })
    .optional(),
});

const warningSchema = z.object({
  kind: text,
  message: text,
  location: z.object({ file: text, line: z.number().optional(), column: z.number().optional() }).optional(),
});

const sourceSchema = z.object({
  digest: text,
  slug: text,
  assets: z.record(z.string(), z.object({ size: z.number(), mtimeMs: z.number() })).optional(),
  links: nullableStringRecord.optional(),
  refs: nullableStringRecord.optional(),
  warnings: z.array(warningSchema).optional(),
  primary: z.object({ path: text, digest: text, itemId: text, anchor: text }).optional(),
  failure: z
    .object({
      code: text.optional(),
      message: text,
      hint: text.optional(),
      line: z.number().optional(),
      limit: text.optional(),
    })
    .optional(),
});

const collectionSchema = z.object({
  settingsDigest: text,
  items: z.record(z.string(), entrySchema),
  locales: z
    .record(
      z.string(),
      z.record(z.string(), z.object({ digest: text, file: text, lastUpdated: text.optional() })),
    )
    .optional(),
  sources: z.record(z.string(), sourceSchema).optional(),
});

export const manifestSchema = z.object({
  version: z.number(),
  target: text,
  collections: z.record(z.string(), collectionSchema),
  assets: z.record(z.string(), z.object({ fileId: text, url: text, fileName: text })),
  files: stringRecord.optional(),
});

// The same shape, walked by hand.

type Check = (value: unknown) => boolean;

const isString: Check = (value) => typeof value === "string";
const isNumber: Check = (value) => typeof value === "number";
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isNullableString: Check = (value) => value === null || typeof value === "string";

function recordOf(check: Check): Check {
  return (value) => {
    if (!isObject(value)) return false;
    // Object.values beats for…in on the 10,000-key records of a big manifest.
    for (const item of Object.values(value)) if (!check(item)) return false;
    return true;
  };
}
const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined || check(value);
/** An object whose listed keys pass their checks (other keys are left alone, as zod does). */
function objectOf(shape: Record<string, Check>): Check {
  const entries = Object.entries(shape);
  return (value) => isObject(value) && entries.every(([key, check]) => check(value[key]));
}

const isStringRecord = recordOf(isString);
const isDrift = objectOf({
  lastUpdated: isString,
  slug: isString,
  fields: isStringRecord,
  isDeleted: optional((value) => typeof value === "boolean"),
});
const isEntry: Check = (value) => {
  // The hot loop of the walk (one per item): written out rather than composed.
  if (!isObject(value)) return false;
  const entry = value;
  return (
    typeof entry["itemId"] === "string" &&
    typeof entry["digest"] === "string" &&
    typeof entry["file"] === "string" &&
    typeof entry["isDraft"] === "boolean" &&
    typeof entry["isArchived"] === "boolean" &&
    typeof entry["isLive"] === "boolean" &&
    (entry["isPending"] === undefined || typeof entry["isPending"] === "boolean") &&
    (entry["lastUpdated"] === undefined || typeof entry["lastUpdated"] === "string") &&
    (entry["seal"] === undefined || typeof entry["seal"] === "string") &&
    (entry["drift"] === undefined || isDrift(entry["drift"])) &&
    areFieldDigests(entry["fields"]) &&
    (entry["previews"] === undefined || areFieldDigests(entry["previews"]))
  );
};
/** An entry's few field digests: for…in, which allocates nothing on a small object. */
function areFieldDigests(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key in value) if (typeof value[key] !== "string") return false;
  return true;
}
const isWarning = objectOf({
  kind: isString,
  message: isString,
  location: optional(objectOf({ file: isString, line: optional(isNumber), column: optional(isNumber) })),
});
const isLinkRecord = recordOf(isNullableString);
const isAssetStamps = recordOf(objectOf({ size: isNumber, mtimeMs: isNumber }));
const isPrimary = objectOf({ path: isString, digest: isString, itemId: isString, anchor: isString });
const isSource: Check = (value) => {
  if (!isObject(value)) return false;
  const source = value;
  return (
    typeof source["digest"] === "string" &&
    typeof source["slug"] === "string" &&
    (source["links"] === undefined || isLinkRecord(source["links"])) &&
    (source["refs"] === undefined || isLinkRecord(source["refs"])) &&
    (source["assets"] === undefined || isAssetStamps(source["assets"])) &&
    (source["warnings"] === undefined ||
      (Array.isArray(source["warnings"]) && source["warnings"].every(isWarning))) &&
    (source["primary"] === undefined || isPrimary(source["primary"])) &&
    (source["failure"] === undefined ||
      (isObject(source["failure"]) && typeof source["failure"]["message"] === "string"))
  );
};
const isCollection = objectOf({
  settingsDigest: isString,
  items: recordOf(isEntry),
  locales: optional(
    recordOf(recordOf(objectOf({ digest: isString, file: isString, lastUpdated: optional(isString) }))),
  ),
  sources: optional(recordOf(isSource)),
});
const isAssets = recordOf(objectOf({ fileId: isString, url: isString, fileName: isString }));
const isManifestObject = objectOf({
  version: isNumber,
  target: isString,
  collections: recordOf(isCollection),
  assets: isAssets,
  files: optional(isStringRecord),
});

/** Whether `value` is a record of uploaded assets (kept from a manifest of another version). */
export function isAssetRecord(
  value: unknown,
): value is Record<string, { fileId: string; url: string; fileName: string }> {
  return isAssets(value);
}

/** Whether `value` has the manifest's shape (the fast check). */
export function isManifestShaped(value: unknown): boolean {
  return isManifestObject(value);
}

/**
 * What is wrong with `value`'s shape, for a warning (`collections.<id>.items.<slug>: …`), or
 * undefined when it has the manifest's shape.
 */
export function manifestShapeProblem(value: unknown): string | undefined {
  const result = manifestSchema.safeParse(value);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  if (!issue) return "unexpected shape";
  const where = issue.path.map(String).join(".");
  return `${where || "(top level)"}: ${issue.message}`;
}
