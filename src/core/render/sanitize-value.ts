/**
 * RichText values written in frontmatter are HTML, and they pass the same sanitiser as raw
 * HTML in bodies (issue 14 item 5), with a schema widened by the markup Webflow itself stores
 * in rich text (image and video figures, embeds), so that a value `pull` wrote comes back
 * unchanged. A value the sanitiser leaves alone is returned as written, byte for byte, so
 * clean values never churn; a changed one is returned sanitised, with what was removed.
 * Loaded only when a run has such a value (it brings in parse5).
 */
import type { Root } from "hast";
import { fromHtml } from "hast-util-from-html";
import { sanitize, type Schema } from "hast-util-sanitize";
import { toHtml } from "hast-util-to-html";
import { removedBySanitizer, SANITIZE_SCHEMA } from "./raw-html.ts";

/** What sanitising a value did: the HTML to send and, when it changed, what was removed. */
export interface SanitizedValue {
  html: string;
  /** `removed <script>`, or the attributes; undefined when the value was already clean (sent as written). */
  removed?: string | undefined;
}

const attributes = SANITIZE_SCHEMA.attributes ?? {};
const WEBFLOW_FIGURE = [
  "className",
  "style",
  "dataRtType",
  "dataRtAlign",
  "dataRtMaxWidth",
  "dataRtMaxHeight",
];

/** GitHub's schema (as bodies use it) plus Webflow's own rich-text markup, with ids kept as written. */
export const RICH_TEXT_VALUE_SCHEMA: Schema = {
  ...SANITIZE_SCHEMA,
  clobber: [],
  strip: [...(SANITIZE_SCHEMA.strip ?? []), "style"],
  tagNames: [...(SANITIZE_SCHEMA.tagNames ?? []), "figure", "figcaption", "iframe"],
  attributes: {
    ...attributes,
    figure: [...WEBFLOW_FIGURE, "dataRtDimensions", "dataRtEmbedType", "dataPageUrl"],
    div: [...(attributes["div"] ?? []), "className", "dataRtType"],
    img: [...(attributes["img"] ?? []), "loading", "srcSet", "sizes"],
    code: [["className", "hljs", /^language-./]],
    span: [["className", /^hljs-/]],
    iframe: ["src", "title", "frameBorder", "scrolling", "allowFullScreen", "allow", "width", "height"],
  },
  protocols: { ...SANITIZE_SCHEMA.protocols, src: ["https", "http"] },
};

/** Sanitises one HTML value; see the module comment. */
export function sanitizeHtmlValue(html: string): SanitizedValue {
  const tree = fromHtml(html, { fragment: true });
  const cleaned = sanitize(tree, RICH_TEXT_VALUE_SCHEMA) as Root;
  const cleanedHtml = toHtml(cleaned);
  if (toHtml(tree) === cleanedHtml) return { html };
  return { html: cleanedHtml, removed: removedBySanitizer(tree, cleaned) };
}
