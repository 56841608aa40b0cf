/**
 * Types shared by the pipeline stages. Only Webflow's *schema* vocabulary appears here
 * (field types and validations), because mapping frontmatter needs it; wire details
 * (URLs, status codes, response shapes) stay in adapters/webflow-client.ts.
 */
import type { SourceLocation } from "../errors.ts";

/** Field types of a Webflow collection (API-NOTES §3.2), plus anything newer we pass through. */
export type FieldType =
  | "PlainText"
  | "RichText"
  | "Image"
  | "MultiImage"
  | "VideoLink"
  | "Link"
  | "Email"
  | "Phone"
  | "Number"
  | "DateTime"
  | "Switch"
  | "Color"
  | "Option"
  | "File"
  | "Reference"
  | "MultiReference"
  | "ExtFileRef"
  | "User";

/** One field of a collection, as `GET /collections/{id}` describes it. */
export interface FieldSchema {
  id: string;
  slug: string;
  displayName: string;
  type: FieldType | (string & {});
  isRequired: boolean;
  isEditable?: boolean;
  helpText?: string | null;
  /** Per-type keys (API-NOTES §3.4): maxLength, minLength, minValue, maxValue, format, options, collectionId, … */
  validations?: Record<string, unknown> | null;
}

/** A collection's schema. `name` and `slug` are always among `fields`. */
export interface CollectionSchema {
  id: string;
  displayName: string;
  singularName?: string;
  slug: string;
  fields: FieldSchema[];
  /** Set by the offline `check` when no schema is cached: fields are then not checked at all. */
  isUnknown?: boolean;
}

/** A locale of a site, as the CMS endpoints address it. */
export interface SiteLocale {
  /** e.g. "fr-FR" */
  tag: string;
  cmsLocaleId: string;
  isPrimary: boolean;
}

/** One Markdown file read from disk. Paths are POSIX and relative to the config's folder. */
export interface SourceFile {
  /** POSIX path relative to the project root (the config's folder), e.g. `content/blog/a.md`. */
  path: string;
  text: string;
}

/** A parsed Markdown file: frontmatter data plus body, with positions for error messages. */
export interface Entry {
  file: string;
  data: Record<string, unknown>;
  /** 1-based line of each top-level frontmatter key in the file, where known. */
  keyLines: Record<string, number>;
  body: string;
  /** 1-based line in the file where the body starts. */
  bodyLine: number;
  /** The slug the file's path gives under its collection's `slugFrom` (used when there is no `slug:`). */
  fileSlug?: string;
  /** `YYYY-MM-DD` from a Jekyll-style file name, used as `date` when the frontmatter has none. */
  fileDate?: string;
  /** The collection's base folder holding the file (where Hugo's `ref "/x"` paths start). */
  contentRoot?: string;
}

/** A non-fatal problem; the reporter groups warnings by `kind`. */
export interface SyncWarning {
  kind: string;
  message: string;
  location?: SourceLocation;
}
