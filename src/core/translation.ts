/**
 * Secondary-locale files: how a translation finds its primary file and what it writes. Shared
 * by the sync and the offline check so both read translations the same way.
 */
import { ReferenceError } from "../errors.ts";
import { slugFromPath, slugify } from "./slugify.ts";
import type { Entry } from "./types.ts";

/**
 * The slug of the primary item a translation belongs to: `translationOf:`, else the slug its
 * path gives under the collection's `slugFrom`, below the locale's folder (its file name by default).
 */
export function anchorOf(entry: Entry, path: string): string {
  const value = entry.data["translationOf"];
  return typeof value === "string" && value.trim() ? slugify(value) : (entry.fileSlug ?? slugFromPath(path));
}

/**
 * The entry a translation writes: the primary file's values overlaid with the translation's
 * own, the primary's slug unless the translation names one, and the primary's body when the
 * translation has none.
 */
export function mergeTranslation(options: { primary: Entry; translation: Entry; anchor: string }): Entry {
  const { primary, translation, anchor } = options;
  const { translationOf: _anchor, ...own } = translation.data;
  const hasBody = translation.body.trim() !== "";
  return {
    file: translation.file,
    data: { ...primary.data, slug: own["slug"] ?? anchor, ...own },
    keyLines: translation.keyLines,
    body: hasBody ? translation.body : primary.body,
    bodyLine: hasBody ? translation.bodyLine : primary.bodyLine,
  };
}

/** The error for a translation whose primary file does not exist. */
export function missingPrimaryError(options: {
  anchor: string;
  collection: string;
  file: string;
}): ReferenceError {
  return new ReferenceError(
    `translation of "${options.anchor}", but no primary file of "${options.collection}" has that slug.`,
    {
      location: { file: options.file },
      hint: "Name the file like its primary file, or set `translationOf: <slug>`.",
    },
  );
}
