/**
 * What Webflow does to a RichText value on write (API-NOTES §8): code blocks are not
 * supported, so a bare `<pre>…</pre>` comes back emptied; tables are not part of the rich-text
 * model, so they are dropped. A custom-code embed (`<div class="w-embed">…</div>`) is stored
 * verbatim, `<pre>` and `<table>` inside it included — that is the project's working model,
 * chosen so code survives when the renderer wraps it in an embed.
 */

const TAG = /<(\/?)(div|pre|table)\b([^>]*)>/gi;

function isEmbedOpening(attributes: string): boolean {
  const match = /\bclass\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attributes);
  const classes = match?.[2] ?? match?.[3] ?? match?.[4] ?? "";
  return classes.split(/\s+/).includes("w-embed");
}

/** Index just past the tag that closes the `name` element opened before `from`, honouring nesting. */
function findClose(html: string, name: string, from: number): number {
  const pattern = new RegExp(`<(/?)${name}\\b[^>]*>`, "gi");
  pattern.lastIndex = from;
  let depth = 1;
  for (let match = pattern.exec(html); match; match = pattern.exec(html)) {
    depth += match[1] === "/" ? -1 : 1;
    if (depth === 0) return match.index + match[0].length;
  }
  // An unclosed element runs to the end, as an HTML parser would treat it.
  return html.length;
}

/** Applies Webflow's rich-text storage rules to one HTML string. */
export function sanitizeRichText(html: string): string {
  let out = "";
  let cursor = 0;
  TAG.lastIndex = 0;
  for (let match = TAG.exec(html); match; match = TAG.exec(html)) {
    const [tag, slash, rawName, attributes = ""] = match;
    if (slash === "/") continue;
    const name = (rawName ?? "").toLowerCase();
    const start = match.index;
    const afterOpen = start + tag.length;
    if (name === "div") {
      if (!isEmbedOpening(attributes)) continue;
      // Keep the whole embed untouched and resume scanning after it.
      const end = findClose(html, "div", afterOpen);
      out += html.slice(cursor, end);
      cursor = end;
      TAG.lastIndex = end;
      continue;
    }
    const end = findClose(html, name, afterOpen);
    out += html.slice(cursor, start) + (name === "pre" ? "<pre></pre>" : "");
    cursor = end;
    TAG.lastIndex = end;
  }
  return out + html.slice(cursor);
}
