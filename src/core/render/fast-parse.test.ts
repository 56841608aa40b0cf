import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatePost } from "../../../bench/generate-markdown.ts";
import {
  createMarkdownRenderer,
  createReferenceRenderer,
  parserFor,
  type RenderContext,
} from "../render-markdown.ts";
import { randomDocument } from "../../../test/helpers/random-markdown.ts";
import { fastParse } from "./fast-parse.ts";

/** The tree without `position`, which the fast path only approximates. */
function stripPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripPositions);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "position")
      .map(([key, child]) => [key, stripPositions(child)]),
  );
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".md"))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The body after the frontmatter, as the pipeline renders it. */
function bodyOf(post: string): string {
  return post.slice(post.indexOf("\n---\n", 4) + 5);
}

const root = new URL("../../../", import.meta.url).pathname;
const files = [...markdownFiles(join(root, "test/fixtures")), ...markdownFiles(join(root, "content"))];
const posts = Array.from({ length: 300 }, (_, index) => generatePost(index, 300));
const bodies: Array<[string, string]> = [
  ...files.map((file): [string, string] => [file.slice(root.length), readFileSync(file, "utf8")]),
  ...posts.map((post, index): [string, string] => [`generated post #${index}`, post]),
  ...posts.map((post, index): [string, string] => [`generated body #${index}`, bodyOf(post)]),
  ...Array.from({ length: 1500 }, (_, seed): [string, string] => [`random #${seed}`, randomDocument(seed)]),
];

const fastBodies = bodies.filter(([, markdown]) => fastParse(markdown) !== undefined);

const contexts: Record<string, RenderContext> = {
  resolving: {
    file: "post.md",
    lineOffset: 3,
    resolveLink: (href) => (/^\.\/post-\d+\.md$/.test(href) ? `/blog/${href.slice(2, -3)}` : undefined),
    resolveImage: (src) => ({ url: `https://cdn.example.com${src}` }),
  },
  bare: { file: "post.md" },
};

describe("fastParse", () => {
  it.each(bodies)("gives remark's tree, or nothing, for %s", (_name, markdown) => {
    const fast = fastParse(markdown);
    if (fast === undefined) return;
    expect(stripPositions(fast)).toStrictEqual(stripPositions(parserFor(markdown).parse(markdown)));
  });

  it.each(Object.entries(contexts))(
    "leaves the renderer's output unchanged (%s context)",
    (_name, context) => {
      const fastRenderer = createMarkdownRenderer();
      const referenceRenderer = createReferenceRenderer();
      // Bodies fastParse declines take the reference path in both renderers.
      for (const [name, markdown] of fastBodies) {
        expect(fastRenderer.render(markdown, context), name).toStrictEqual(
          referenceRenderer.render(markdown, context),
        );
      }
    },
  );

  it("converts a plain table", () => {
    const markdown = "| a | b |\n| :- | -: |\n| *1* | 2 |";
    const fast = fastParse(markdown);
    expect(fast?.children.map((node) => node.type)).toEqual(["table"]);
    expect(stripPositions(fast)).toStrictEqual(stripPositions(parserFor(markdown).parse(markdown)));
  });

  it("takes the fast path for most generated post bodies", () => {
    const renderer = createReferenceRenderer();
    const fastCount = posts
      .map(bodyOf)
      .filter(
        (body) =>
          fastParse(body) !== undefined &&
          renderer.render(body, contexts["resolving"]!).warnings.length === 0,
      ).length;
    expect(fastCount / posts.length).toBeGreaterThanOrEqual(0.8);
  });

  it("takes the fast path for many random documents", () => {
    const randomBodies = bodies.filter(([name]) => name.startsWith("random"));
    const fastCount = randomBodies.filter(([, markdown]) => fastParse(markdown) !== undefined).length;
    expect(fastCount / randomBodies.length).toBeGreaterThanOrEqual(0.3);
  });

  it.each([
    ["a footnote", "Text[^n].\n\n[^n]: note"],
    ["strikethrough", "~~gone~~"],
    ["a table without outer pipes", "a | b\n- | -\n1 | 2"],
    ["a table with a short row", "| a | b |\n| - | - |\n| 1 |"],
    ["a table in a list", "- | a |\n  | - |\n  | 1 |"],
    ["a pipe outside a table", "a | b"],
    ["a task", "- [ ] open"],
    ["a bare URL", "See https://example.com."],
    ["raw HTML", "<div>x</div>"],
    ["inline HTML", "a <b>b</b>"],
    ["a definition", "[x][1]\n\n[1]: /y"],
    ["a tab", "a\tb"],
    ["a carriage return", "a\r\nb"],
  ])("falls back for %s", (_name, markdown) => {
    expect(fastParse(markdown)).toBeUndefined();
  });
});
