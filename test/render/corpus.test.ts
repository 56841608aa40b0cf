/**
 * Real posts render without a single warning: the Markdown corpus in `content/` (when the
 * project has one) and the sample posts in test/fixtures/render/corpus. Links between the
 * files resolve the way the pipeline resolves them; local images count as uploaded.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { posix } from "node:path";
import { fileURLToPath } from "node:url";
import matter from "gray-matter";
import { describe, expect, it } from "vitest";
import { createMarkdownRenderer, listLocalImages } from "../../src/core/render-markdown.ts";
import { findViolations } from "./allowed-html.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

function markdownFiles(directory: string): string[] {
  if (!existsSync(`${root}${directory}`)) return [];
  return readdirSync(`${root}${directory}`, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".md"))
    .map((name) => posix.join(directory, name.split("\\").join("/")))
    .sort();
}

const files = [...markdownFiles("content"), ...markdownFiles("test/fixtures/render/corpus")];
const known = new Set(files);

describe("the Markdown corpus", () => {
  const renderer = createMarkdownRenderer();

  it("is not empty", () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)("%s renders without warnings", (file) => {
    const text = readFileSync(`${root}${file}`, "utf8");
    const { content } = matter(text);
    const lineOffset = text.slice(0, text.length - content.length).split("\n").length - 1;
    const images = new Set(listLocalImages(content));
    const result = renderer.render(content, {
      file,
      lineOffset,
      resolveLink(href) {
        const [path = "", fragment] = href.split("#", 2);
        const target = posix.normalize(posix.join(posix.dirname(file), path));
        if (!known.has(target)) return undefined;
        return `/blog/${posix.basename(target, ".md")}${fragment === undefined ? "" : `#${fragment}`}`;
      },
      resolveImage: (src) =>
        images.has(src) ? { url: `https://uploads.example.test/${posix.basename(src)}` } : undefined,
    });
    expect(result.warnings).toEqual([]);
    expect(findViolations(result.html)).toEqual([]);
  });
});
