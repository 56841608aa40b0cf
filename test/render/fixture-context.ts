/**
 * The resolvers the render tests use in place of the pipeline's: a synced Markdown file
 * maps to `/blog/<name>`, and anything under an `images/` folder counts as uploaded.
 */
import type { RenderContext } from "../../src/core/render-markdown.ts";

export function fixtureContext(file: string): RenderContext {
  return {
    file,
    resolveLink(href) {
      const [path = "", fragment] = href.split("#", 2);
      const name = path.split("/").at(-1) ?? "";
      if (!name.endsWith(".md") || name === "missing.md") return undefined;
      return `/blog/${name.slice(0, -".md".length)}${fragment === undefined ? "" : `#${fragment}`}`;
    },
    resolveImage(src) {
      if (!src.includes("images/")) return undefined;
      return { url: `https://uploads.example.test/site/${src.split("/").at(-1) ?? ""}` };
    },
  };
}
