import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { describe, expect, it } from "vitest";
import { generatePost } from "../../bench/generate-markdown.ts";
import { parserFor } from "./render-markdown.ts";

const full = unified().use(remarkParse).use(remarkGfm).freeze();

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".md"))
    .map((entry) => join(entry.parentPath, entry.name));
}

const root = new URL("../../", import.meta.url).pathname;
const bodies: Array<[string, string]> = [
  ...[...markdownFiles(join(root, "test/fixtures")), ...markdownFiles(join(root, "content"))].map(
    (file): [string, string] => [file.slice(root.length), readFileSync(file, "utf8")],
  ),
  ...Array.from({ length: 60 }, (_, index): [string, string] => [
    `generated #${index}`,
    generatePost(index, 60),
  ]),
  ["bare URL", "See https://example.com today."],
  ["bare www", "Visit www.example.com."],
  ["bare e-mail", "Write to jane@example.com."],
  ["link and bare URL", "[docs](https://example.com/docs) and https://example.com/raw"],
  ["escaped bracket", "\\[not a link](https://example.com)"],
  ["angle autolink", "<https://example.com> and <mailto:jane@example.com>"],
  ["definition", "[x][1]\n\n[1]: https://example.com/def"],
  ["link title", '[a](https://example.com "title www.x.com")'],
  ["code span", "`https://example.com` in code"],
  ["table only", "| a | b |\n| - | - |\n| 1 | 2 |"],
  ["one-column table", "| a |\n| - |\n| 1 |"],
  ["pipe in text", "a | b, not a table"],
  ["strikethrough only", "~~gone~~ and ~single~"],
  ["footnote only", "Text[^n].\n\n[^n]: The note."],
  ["task only", "- [ ] open\n- [x] done\n- [X] done too"],
  ["no GFM at all", "# Title\n\nJust *CommonMark* with `code` and a [link](/x)."],
  [
    "no URL",
    "Plain *text* with a ~~strike~~ and a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [ ] task[^1]\n\n[^1]: note",
  ],
];

describe("parserFor", () => {
  it.each(bodies)("parses %s to the same tree as full GFM", (_name, markdown) => {
    expect(parserFor(markdown).parse(markdown)).toEqual(full.parse(markdown));
  });

  it("takes the faster parser for a body with links but no bare URL", () => {
    const markdown = "A [link](https://example.com/a) and ![img](https://example.com/b.png).";
    expect(parserFor(markdown)).not.toBe(parserFor("https://example.com bare"));
  });
});
