/**
 * Short, readable previews of field values, for plans ("old" → "new"). The manifest keeps one
 * per field of what was written, so a plan can show the old value without asking the site.
 */

/** Longest preview, in characters, ellipsis included: enough to recognise a value, cheap to keep. */
export const PREVIEW_LENGTH = 32;

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= PREVIEW_LENGTH ? flat : `${flat.slice(0, PREVIEW_LENGTH - 1)}…`;
}

/** Rich text as its words: tags dropped, the common entities decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** A field value as a short text: strings quoted, rich text as its words, assets by file name, lists by count. */
export function previewOf(value: unknown): string {
  if (value === undefined || value === null || value === "") return "(empty)";
  if (typeof value === "string") return JSON.stringify(shorten(/^\s*</.test(value) ? textOf(value) : value));
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.length === 1 ? previewOf(value[0]) : `(${value.length} items)`;
  if (typeof value === "object") {
    const asset = value as { url?: unknown; fileId?: unknown };
    if (typeof asset.url === "string") return shorten(asset.url.split("/").at(-1) ?? asset.url);
    if (typeof asset.fileId === "string") return shorten(asset.fileId);
  }
  return shorten(JSON.stringify(value));
}
