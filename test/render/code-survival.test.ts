/**
 * A code block's text must reach Webflow byte for byte: parse the rendered HTML back and
 * compare the text of the embed's <code> with the source, highlighted or not.
 */
import type { Element, ElementContent, Root, RootContent } from "hast";
import { fromHtml } from "hast-util-from-html";
import { describe, expect, it } from "vitest";
import { createMarkdownRenderer } from "../../src/core/render-markdown.ts";

function codeTexts(html: string): string[] {
  const found: string[] = [];
  const text = (nodes: readonly ElementContent[]): string =>
    nodes
      .map((node) => (node.type === "text" ? node.value : node.type === "element" ? text(node.children) : ""))
      .join("");
  const visit = (nodes: readonly (RootContent | ElementContent)[], parent: Element | undefined): void => {
    for (const node of nodes) {
      if (node.type !== "element") continue;
      if (node.tagName === "code" && parent?.tagName === "pre") found.push(text(node.children));
      visit(node.children, node);
    }
  };
  const tree: Root = fromHtml(html, { fragment: true });
  visit(tree.children, undefined);
  return found;
}

/** A fence of tildes longer than any run in the code, so the code cannot close it. */
function fence(code: string, language = ""): string {
  const longest = Math.max(0, ...[...code.matchAll(/~+/g)].map((match) => match[0].length));
  const marker = "~".repeat(Math.max(3, longest + 1));
  return `${marker}${language}\n${code}\n${marker}\n`;
}

const samples: readonly string[] = [
  "if (a < b && c > d) { return \"<div>\" + '&amp;'; }",
  "\tindented with a tab\n  two spaces\ntrailing spaces   \n\ttrailing tab\t",
  "unicode: → ✓ 日本語 émoji 🎉 zero\u200bwidth",
  "</div></pre></code><script>alert(1)</script><!-- comment -->",
  "&lt; already escaped &amp; stays literal &#60;",
  "\n\nleading and trailing blank lines\n\n",
  "```\nbackticks inside\n```",
  "   \n \t \n",
];

/** Deterministic pseudo-random strings over characters that stress escaping and whitespace. */
function generatedSamples(count: number): string[] {
  const pool = [
    "<",
    ">",
    "&",
    '"',
    "'",
    "\t",
    " ",
    "  ",
    "\n",
    "a",
    "Z",
    "0",
    "é",
    "日",
    "🎉",
    "`",
    "\\",
    "*",
    "_",
    "#",
    "|",
    "-",
    "/",
    ";",
  ];
  let seed = 20240605;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + (next() % 80) }, () => pool[next() % pool.length] ?? "").join(""),
  );
}

describe("code blocks survive byte for byte", () => {
  const plain = createMarkdownRenderer();
  const highlighted = createMarkdownRenderer({ highlight: true });
  const all = [...samples, ...generatedSamples(200)];

  it.each(samples.map((code) => [JSON.stringify(code).slice(0, 50), code] as const))("%s", (_label, code) => {
    const { html, warnings } = plain.render(fence(code), { file: "code.md" });
    expect(warnings).toEqual([]);
    expect(codeTexts(html)).toEqual([code]);
  });

  it("for 200 generated blocks, plain and highlighted", () => {
    for (const code of all) {
      expect(codeTexts(plain.render(fence(code), { file: "code.md" }).html)).toEqual([code]);
      expect(codeTexts(highlighted.render(fence(code, "ts"), { file: "code.md" }).html)).toEqual([code]);
      expect(codeTexts(highlighted.render(fence(code, "html"), { file: "code.md" }).html)).toEqual([code]);
    }
  });

  it("inside a list item and with raw HTML elsewhere in the document (sanitised tree)", () => {
    const code = samples[0] ?? "";
    const markdown = `- item\n\n  ${fence(code).split("\n").join("\n  ")}\n<b>raw</b>\n`;
    expect(codeTexts(plain.render(markdown, { file: "code.md" }).html)).toEqual([code]);
  });
});
