/**
 * Rich-text HTML as Webflow stores it → Markdown, for `wf-sync pull` (issue 6). The reverse
 * of render-markdown.ts, close enough for an author to edit: headings, lists, emphasis,
 * links, images with captions, code blocks kept in custom-code embeds, tables (GFM).
 * Pure: no fs, no network, no process.
 */
import type { Element, Root as HastRoot } from "hast";
import { fromHtml } from "hast-util-from-html";
import { toMdast, type Handle, type State } from "hast-util-to-mdast";
import type { Nodes as MdastNodes } from "mdast";
import { gfmToMarkdown } from "mdast-util-gfm";
import { toMarkdown } from "mdast-util-to-markdown";

function classesOf(node: Element): string[] {
  const value = node.properties["className"];
  return Array.isArray(value) ? value.map(String) : typeof value === "string" ? value.split(/\s+/) : [];
}

/** Webflow's video figure holds an iframe; Markdown has none, so it becomes a link alone in a paragraph (which render-markdown turns back into a video). */
const iframe: Handle = (state: State, node: Element) => {
  const src = node.properties["src"];
  if (typeof src !== "string" || src === "") return undefined;
  const url = src.startsWith("//") ? `https:${src}` : src;
  const link = { type: "link" as const, url, title: null, children: [{ type: "text" as const, value: url }] };
  const paragraph = { type: "paragraph" as const, children: [link] };
  state.patch(node, paragraph);
  return paragraph;
};

/** An image figure: the image, then its caption as the image's title, as render-markdown writes it. */
const figure: Handle = (state: State, node: Element) => {
  const classes = classesOf(node);
  const pageUrl = node.properties["dataPageUrl"];
  if (classes.includes("w-richtext-figure-type-video") && typeof pageUrl === "string" && pageUrl !== "") {
    const link = {
      type: "link" as const,
      url: pageUrl,
      title: null,
      children: [{ type: "text" as const, value: pageUrl }],
    };
    const paragraph = { type: "paragraph" as const, children: [link] };
    state.patch(node, paragraph);
    return paragraph;
  }
  if (!classes.includes("w-richtext-figure-type-image")) return state.all(node);
  const children = state.all(node);
  const image = findImage(children);
  const caption = node.children.find(
    (child): child is Element => child.type === "element" && child.tagName === "figcaption",
  );
  if (!image) return children;
  const captionText = caption ? textOf(caption).trim() : "";
  if (captionText !== "") image.title = captionText;
  const paragraph = { type: "paragraph" as const, children: [image] };
  state.patch(node, paragraph);
  return paragraph;
};

function findImage(nodes: readonly MdastNodes[]): Extract<MdastNodes, { type: "image" }> | undefined {
  for (const node of nodes) {
    if (node.type === "image") return node;
    if ("children" in node) {
      const found = findImage(node.children as MdastNodes[]);
      if (found) return found;
    }
  }
  return undefined;
}

function textOf(node: Element): string {
  return node.children
    .map((child) => (child.type === "text" ? child.value : child.type === "element" ? textOf(child) : ""))
    .join("");
}

/** Converts stored rich-text HTML to Markdown text (ending without a trailing newline). */
export function htmlToMarkdown(html: string): string {
  if (html.trim() === "") return "";
  const tree: HastRoot = fromHtml(html, { fragment: true });
  // Figure captions are folded into the image title by `figure`; drop them as paragraphs.
  const mdast = toMdast(tree, { handlers: { iframe, figure, figcaption: () => undefined } });
  const text = toMarkdown(mdast, {
    extensions: [gfmToMarkdown()],
    bullet: "-",
    emphasis: "_",
    strong: "*",
    fences: true,
    rule: "-",
    listItemIndent: "one",
  });
  return text.replace(/\n+$/, "");
}
