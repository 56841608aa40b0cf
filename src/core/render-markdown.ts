/**
 * Markdown body → the HTML string a Webflow RichText field keeps (issue 5).
 *
 * Webflow silently drops or empties what its rich text does not hold (API-NOTES §8), so the
 * output is restricted to the editor's element set, with custom-code embeds (`div.w-embed`)
 * for code blocks, tables and other HTML, and every construct that cannot be represented
 * is reported as a SyncWarning with its file and line. docs/rich-text.md lists each
 * construct's rendering. Pure: no fs, no network, no process.
 */
import type { Root as HastRoot } from "hast";
import { fromHtml } from "hast-util-from-html";
import { common, createLowlight } from "lowlight";
import type { Definition, Nodes as MdastNodes, Root as MdastRoot } from "mdast";
import remarkGfm from "remark-gfm";
import { gfmFootnoteFromMarkdown } from "mdast-util-gfm-footnote";
import { gfmStrikethroughFromMarkdown } from "mdast-util-gfm-strikethrough";
import { gfmTableFromMarkdown } from "mdast-util-gfm-table";
import { gfmTaskListItemFromMarkdown } from "mdast-util-gfm-task-list-item";
import { gfmFootnote } from "micromark-extension-gfm-footnote";
import { gfmStrikethrough } from "micromark-extension-gfm-strikethrough";
import { gfmTable } from "micromark-extension-gfm-table";
import { gfmTaskListItem } from "micromark-extension-gfm-task-list-item";
import remarkParse from "remark-parse";
import { unified, type PluggableList, type Processor } from "unified";
import { VFile } from "vfile";
import { mayHoldLiteral } from "./render/autolink-literals.ts";
import { buildRenderer, type RenderParts } from "./render/pipeline.ts";
import { parseRawHtml, sanitizePluginOutput } from "./render/raw-html.ts";
import { isLocalUrl } from "./render/urls.ts";
import type { Highlighter } from "./render/webflow-html.ts";

export {
  resolveRenderOptions,
  type MarkdownRenderer,
  type RenderContext,
  type RenderOptions,
  type RenderResult,
  type ResolvedRenderOptions,
} from "./render-options.ts";
import {
  hasPlugins,
  type MarkdownRenderer,
  type RenderContext,
  type RenderOptions,
} from "./render-options.ts";

/** CommonMark + GFM parser; shared because building it is the costly part. */
const markdownParser = unified().use(remarkParse).use(remarkGfm).freeze();

/** The GFM extensions other than autolink literals, each with the text it cannot do without. */
const GFM_PARTS = [
  {
    trigger: (markdown: string) => markdown.includes("[^"),
    micromark: gfmFootnote,
    fromMarkdown: gfmFootnoteFromMarkdown,
  },
  {
    trigger: (markdown: string) => markdown.includes("~"),
    micromark: gfmStrikethrough,
    fromMarkdown: gfmStrikethroughFromMarkdown,
  },
  {
    trigger: (markdown: string) => markdown.includes("|"),
    micromark: gfmTable,
    fromMarkdown: gfmTableFromMarkdown,
  },
  {
    trigger: (markdown: string) => /\[[ xX]\]/.test(markdown),
    micromark: gfmTaskListItem,
    fromMarkdown: gfmTaskListItemFromMarkdown,
  },
] as const;

/**
 * Parsers with only some GFM extensions (a bit mask over GFM_PARTS), built on first use.
 * Every extension costs time at every character where its construct might start; the
 * autolink-literal one roughly doubles parse time. A body that lacks an extension's trigger
 * (a footnote needs `[^`, strikethrough `~`, a table `|`, a task `[ ]`) parses to the same
 * tree without it.
 */
const partialParsers = new Map<number, typeof markdownParser>();
function partialParser(mask: number): typeof markdownParser {
  let parser = partialParsers.get(mask);
  if (!parser) {
    const parts = GFM_PARTS.filter((_part, index) => (mask & (1 << index)) !== 0);
    const plugin = function (this: Processor): void {
      const data = this.data();
      (data.micromarkExtensions ??= []).push(...parts.map((part) => part.micromark()));
      (data.fromMarkdownExtensions ??= []).push(...parts.map((part) => part.fromMarkdown()));
    };
    parser = unified().use(remarkParse).use(plugin).freeze();
    partialParsers.set(mask, parser);
  }
  return parser;
}

/**
 * The parser for a body: full GFM when an autolink literal could occur, else one with just
 * the GFM extensions whose triggers the body contains.
 */
export function parserFor(markdown: string): typeof markdownParser {
  if (mayHoldLiteral(markdown)) return markdownParser;
  let mask = 0;
  GFM_PARTS.forEach((part, index) => {
    if (part.trigger(markdown)) mask |= 1 << index;
  });
  return partialParser(mask);
}
let sharedHighlighter: Highlighter | undefined;
function getHighlighter(): Highlighter {
  // Registering the grammars costs a few milliseconds; only pay it when highlighting is on.
  sharedHighlighter ??= createLowlight(common) as unknown as Highlighter;
  return sharedHighlighter;
}

/** Every part, for the full renderer (render/pipeline.ts). */
const ALL_PARTS = {
  parse: (markdown: string) => parserFor(markdown).parse(markdown),
  rawHtml: parseRawHtml,
  highlighter: getHighlighter,
} as const;

/**
 * Creates a renderer with fixed options; call `render` once per file. Bodies that
 * `fastParse` accepts are parsed with markdown-it into the tree remark would give (several
 * times faster); the output is the same either way.
 */
export function createMarkdownRenderer(options: RenderOptions = {}): MarkdownRenderer {
  if (hasPlugins(options))
    return buildRenderer(options, { ...ALL_PARTS, ...pluginParts(options), isFastPathEnabled: false });
  return buildRenderer(options, { ...ALL_PARTS, isFastPathEnabled: true });
}

/**
 * The parts for a renderer with the user's plugins: remark with full GFM and the remark
 * plugins (which may extend the parser), and a rehype run of the rehype plugins. Each file
 * gets a VFile with its path, as plugins expect.
 */
function pluginParts(options: RenderOptions): Pick<RenderParts, "parse" | "transformHast" | "sanitizeTree"> {
  const remark = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use((options.remarkPlugins ?? []) as PluggableList)
    .freeze();
  const rehypePlugins = (options.rehypePlugins ?? []) as PluggableList;
  const rehype = rehypePlugins.length > 0 ? unified().use(rehypePlugins).freeze() : undefined;
  const fileOf = (markdown: string, context: RenderContext | undefined) =>
    new VFile({ path: context?.file, value: markdown });
  return {
    parse: (markdown, context) => {
      const file = fileOf(markdown, context);
      return remark.runSync(remark.parse(file), file) as MdastRoot;
    },
    transformHast:
      rehype && ((tree, context) => rehype.runSync(tree, new VFile({ path: context.file })) as HastRoot),
    sanitizeTree: sanitizePluginOutput,
  };
}

/**
 * A renderer that always parses with remark: the reference the markdown-it fast path is
 * tested against. Not part of the public API.
 */
export function createReferenceRenderer(options: RenderOptions = {}): MarkdownRenderer {
  return buildRenderer(options, { ...ALL_PARTS, isFastPathEnabled: false });
}

/**
 * Local (relative, non-URL) image sources in the body, as written and in order of first
 * appearance, so the pipeline can upload them before rendering. Covers Markdown images,
 * reference-style images and `<img src>` in raw HTML.
 */
export function listLocalImages(markdown: string): string[] {
  return listLocalImageLines(markdown).map((image) => image.src);
}

/** `listLocalImages` with the body line (1-based) where each source first appears. */
export function listLocalImageLines(markdown: string): Array<{ src: string; line: number }> {
  const tree: MdastRoot = parserFor(markdown).parse(markdown);
  const definitions = new Map<string, Definition>();
  const sources: Array<{ src: string; line: number }> = [];
  const pending: MdastNodes[] = [tree];
  const inOrder: MdastNodes[] = [];
  while (pending.length > 0) {
    const node = pending.pop()!;
    inOrder.push(node);
    if (node.type === "definition" && !definitions.has(node.identifier))
      definitions.set(node.identifier, node);
    if ("children" in node)
      for (let i = node.children.length - 1; i >= 0; i--) pending.push(node.children[i]!);
  }
  for (const node of inOrder) {
    const line = node.position?.start.line ?? 1;
    if (node.type === "image") sources.push({ src: node.url, line });
    else if (node.type === "imageReference") {
      const definition = definitions.get(node.identifier);
      if (definition) sources.push({ src: definition.url, line });
    } else if (node.type === "html" && /<img\b/i.test(node.value))
      sources.push(...rawImageSources(node.value).map((src) => ({ src, line })));
  }
  const seen = new Set<string>();
  return sources.filter(({ src }) => isLocalUrl(src) && !seen.has(src) && Boolean(seen.add(src)));
}

function rawImageSources(html: string): string[] {
  const found: string[] = [];
  const visit = (nodes: HastRoot["children"]): void => {
    for (const node of nodes) {
      if (node.type !== "element") continue;
      const src = node.properties["src"];
      if (node.tagName === "img" && typeof src === "string") found.push(src);
      visit(node.children);
    }
  };
  visit(fromHtml(html, { fragment: true }).children);
  return found;
}
