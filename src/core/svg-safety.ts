/**
 * SVG is the one image type that can carry code: a `<script>` element, an `on…` event handler,
 * a `javascript:` link or an embedded frame runs on the site that shows it (issue 14). Such an SVG is refused
 * unless the collection trusts its repository (`richText.rawHtml: "keep"`). Pure.
 */

/** True for a path or file name with the `.svg` extension. */
export function isSvgPath(path: string): boolean {
  return /\.svgz?$/i.test(path);
}

const ACTIVE_CONTENT: Array<{ pattern: RegExp; what: string }> = [
  { pattern: /<script\b/i, what: "a <script> element" },
  { pattern: /(?<=<[^>]*\s)on[a-z]+\s*=/i, what: "an on… event handler" },
  // In any attribute: `<animate attributeName="href" to="javascript:…">` sets a link as well.
  { pattern: /=\s*["']?\s*javascript:/i, what: "a javascript: link" },
  // Embedded HTML (`<foreignObject>`, used by diagram tools for text) is checked like the rest;
  // what could load a page or a plugin inside it is refused.
  { pattern: /<(?:iframe|embed|object)\b/i, what: "an embedded frame or object" },
];

/** What in an SVG's bytes would run as code on the site, with its 1-based line; undefined when nothing. */
export function findActiveSvgContent(bytes: Uint8Array): { what: string; line: number } | undefined {
  const text = new TextDecoder().decode(bytes);
  let first: { what: string; index: number } | undefined;
  for (const { pattern, what } of ACTIVE_CONTENT) {
    const match = pattern.exec(text);
    if (match && (!first || match.index < first.index)) first = { what, index: match.index };
  }
  if (!first) return undefined;
  let line = 1;
  for (
    let index = text.indexOf("\n");
    index !== -1 && index < first.index;
    index = text.indexOf("\n", index + 1)
  )
    line++;
  return { what: first.what, line };
}
