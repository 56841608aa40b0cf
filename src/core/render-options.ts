/**
 * Rendering options, their defaults and the context/result types of the renderer. Kept apart
 * from render-markdown.ts so that code which only needs the options (the settings digest) does
 * not load the Markdown toolchain: a no-op sync never renders, and should not pay for it.
 */
import { canonicalJson, digestOf } from "./digest.ts";
import type { SyncWarning } from "./types.ts";

/** A unified plugin as Astro, Docusaurus and MDX configs take one: the plugin, or `[plugin, options]`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- plugins take any options
export type PluginFunction = (this: any, ...options: any[]) => unknown;
export type PluginEntry = PluginFunction | readonly [PluginFunction, ...unknown[]];

/** How a Markdown body is turned into rich text. Every field is optional; the defaults suit a Webflow site. */
export interface RenderOptions {
  /**
   * Fenced and indented code blocks. `"embed"` (default): a custom-code embed holding an
   * escaped `<pre><code>`, which Webflow stores verbatim. `"paragraph"`: a paragraph of inline
   * `<code>` with `<br>` line breaks (stays editable in the Designer, loses tabs and wrapping).
   */
  codeBlocks?: "embed" | "paragraph";
  /**
   * GFM tables. `"embed"` (default): the `<table>` inside a custom-code embed.
   * `"list"`: a bulleted list with one item per row, each cell as `Header: value`.
   */
  tables?: "embed" | "list";
  /**
   * Raw HTML in the Markdown. `"sanitize"` (default): parsed, cleaned with GitHub's schema
   * (no scripts, styles, event handlers or unknown attributes; a warning names what was
   * removed), then mapped like Markdown. `"keep"`: trusted repositories only; not sanitised,
   * so HTML with no rich-text form (scripts, iframes, `<sub>`, …) is sent as written, blocks
   * inside custom-code embeds. `"escape"`: shown as text.
   */
  rawHtml?: "sanitize" | "keep" | "escape";
  /** Give headings an `id` made from their text (GitHub style), for in-page links. Default false. */
  headingIds?: boolean;
  /**
   * `"demote"` (default): when the body has an `h1`, every heading moves down one level
   * (h6 stays h6), because the page template usually renders the title as the `h1`.
   * `"keep"`: levels as written.
   */
  h1?: "keep" | "demote";
  /**
   * Highlight code blocks at build time (highlight.js grammars via lowlight; `hljs-*`
   * classes, so the site needs a highlight.js theme in its custom code). Only with
   * `codeBlocks: "embed"` and a known language on the fence. Default false.
   */
  highlight?: boolean;
  /** A YouTube or Vimeo link alone in a paragraph becomes Webflow's video figure. Default true. */
  videoEmbeds?: boolean;
  /** Alignment of image figures, as Webflow's image toolbar sets it. Default `"center"`. */
  imageAlign?: "fullwidth" | "center" | "normal" | "floatleft" | "floatright";
  /** Bold line shown above the footnote list; `""` for none. Default `"Footnotes"`. */
  footnoteLabel?: string;
  /**
   * Hugo shortcodes and Liquid tags outside code. `"convert"` (default): built-in tags become
   * Markdown (code blocks, links, images, videos), others lose their markers with a warning.
   * `"error"`: the file fails. `"keep"`: sent as written. Set per collection (`templates`).
   */
  templates?: "convert" | "error" | "keep";
  /**
   * unified remark plugins, run on the Markdown tree after parsing (a plugin may also extend
   * the parser, as remark-directive does). Then wf-sync's own rendering and sanitising run.
   * Setting plugins turns off the markdown-it fast path and the worker pool.
   */
  remarkPlugins?: readonly PluginEntry[];
  /** unified rehype plugins, run on the HTML tree before wf-sync maps it to rich text and sanitises it. */
  rehypePlugins?: readonly PluginEntry[];
}

/** RenderOptions with every default applied; plugins as identities (name, code digest, options). */
export type ResolvedRenderOptions = Required<Omit<RenderOptions, "remarkPlugins" | "rehypePlugins">> & {
  remarkPlugins: string[];
  rehypePlugins: string[];
};

/** Whether the options carry unified plugins (functions: no fast path, no worker threads). */
export function hasPlugins(options: RenderOptions): boolean {
  return (options.remarkPlugins?.length ?? 0) > 0 || (options.rehypePlugins?.length ?? 0) > 0;
}

/**
 * What identifies a plugin in the settings digest: its name, a digest of its code and its
 * options, so that changing any of them re-renders every item once.
 */
export function pluginIdentity(entry: PluginEntry): string {
  const [plugin, ...options] = typeof entry === "function" ? [entry] : entry;
  const code = digestOf(String(plugin)).slice(0, 16);
  return `${plugin.name || "anonymous"}@${code}${options.length > 0 ? ` ${canonicalJson(options)}` : ""}`;
}

/** What the renderer needs to know about the file being rendered. */
export interface RenderContext {
  /** POSIX path used in warnings. */
  file: string;
  /** Added to body line numbers to get file lines (the body starts after the frontmatter); default 0. */
  lineOffset?: number;
  /** Folder (POSIX, from the root) that Hugo `ref "/x"` paths start from: the collection's base folder. */
  contentRoot?: string | undefined;
  /** Maps a relative link target (as written, e.g. "../other.md#x") to a URL path, or undefined if not a synced file. */
  resolveLink?: (href: string) => string | undefined;
  /**
   * Maps a local image src (as written, relative to the Markdown file) to its uploaded URL, or
   * undefined if not uploaded. `line` is the file line the image is on.
   */
  resolveImage?: (src: string, line?: number) => { url: string } | undefined;
}

/** The RichText value and what could not be rendered faithfully. */
export interface RenderResult {
  html: string;
  warnings: SyncWarning[];
}

/** Renders Markdown bodies; one instance serves any number of files. */
export interface MarkdownRenderer {
  render(markdown: string, context: RenderContext): RenderResult;
}

const DEFAULT_OPTIONS: Required<RenderOptions> = {
  codeBlocks: "embed",
  tables: "embed",
  rawHtml: "sanitize",
  headingIds: false,
  h1: "demote",
  highlight: false,
  videoEmbeds: true,
  imageAlign: "center",
  footnoteLabel: "Footnotes",
  templates: "convert",
  remarkPlugins: [],
  rehypePlugins: [],
};

/** The options with defaults applied, as a plain JSON-able object (it goes into the settings digest). */
export function resolveRenderOptions(options: RenderOptions = {}): ResolvedRenderOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved = { ...DEFAULT_OPTIONS, ...defined } as Required<RenderOptions>;
  // A fixed key order keeps the settings digest stable whatever order the user wrote.
  return {
    codeBlocks: resolved.codeBlocks,
    tables: resolved.tables,
    rawHtml: resolved.rawHtml,
    headingIds: resolved.headingIds,
    h1: resolved.h1,
    highlight: resolved.highlight,
    videoEmbeds: resolved.videoEmbeds,
    imageAlign: resolved.imageAlign,
    footnoteLabel: resolved.footnoteLabel,
    templates: resolved.templates,
    remarkPlugins: resolved.remarkPlugins.map(pluginIdentity),
    rehypePlugins: resolved.rehypePlugins.map(pluginIdentity),
  };
}
