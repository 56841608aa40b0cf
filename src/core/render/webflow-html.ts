/**
 * Maps the HTML tree remark-rehype (and, for raw HTML, the sanitiser) produced onto the
 * element set Webflow's rich text keeps (API-NOTES §8): p, h1–h6, strong, em, a, ul/ol/li,
 * blockquote, br, Webflow's image/video figures, plus custom-code embeds (`div.w-embed`) for
 * what the editor cannot hold (code blocks, tables, rules, other HTML), because Webflow
 * stores an embed verbatim but empties bare `<pre>` and drops `<table>`.
 *
 * The walk collects "pieces": runs of inline content and finished blocks. Where the pieces
 * land decides their shape: at the top level an inline run is a `<p>`; inside a list item
 * or a block quote (which Webflow holds as text, not paragraphs) runs are joined with
 * `<br><br>`.
 */
import type { Element, ElementContent, Properties, Root, RootContent, Text } from "hast";
import type { ResolvedRenderOptions } from "../render-markdown.ts";
import { CODE_MARK, RESOLVED_MARK } from "./markdown-pass.ts";
import { addWarning, WarningKind, type RenderState } from "./state.ts";
import { parseVideoUrl, type VideoEmbed } from "./urls.ts";

/** The part of lowlight the renderer uses, so tests and callers need not build one. */
export interface Highlighter {
  registered(language: string): boolean;
  highlight(language: string, value: string): { children: ElementContent[] };
}

export interface NormalizeContext {
  options: ResolvedRenderOptions;
  state: RenderState;
  highlighter: Highlighter | undefined;
}

interface Walk extends NormalizeContext {
  /** rawHtml "keep": HTML with no rich-text form is sent as written instead of being mapped. */
  shouldKeepHtml: boolean;
  headingShift: number;
  slugs: Map<string, number>;
}

type Piece =
  | { kind: "inline"; nodes: ElementContent[] }
  | { kind: "block"; node: ElementContent; label: string; source: Element | undefined };

type Node = RootContent | ElementContent;

/** Elements that flow inside a paragraph. Anything else starts or is a block. */
const PHRASING = new Set([
  "a",
  "abbr",
  "b",
  "bdi",
  "bdo",
  "big",
  "br",
  "cite",
  "code",
  "data",
  "del",
  "dfn",
  "em",
  "font",
  "i",
  "img",
  "input",
  "ins",
  "kbd",
  "mark",
  "q",
  "s",
  "samp",
  "small",
  "span",
  "strike",
  "strong",
  "sub",
  "sup",
  "time",
  "tt",
  "u",
  "var",
  "wbr",
]);
/** Tags Markdown produces or this module maps; under rawHtml "keep" the rest is sent as written. */
const KNOWN_TAGS = new Set([
  "p",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "li",
  "blockquote",
  "pre",
  "code",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "hr",
  "section",
  "div",
  "a",
  "img",
  "strong",
  "b",
  "em",
  "i",
  "s",
  "del",
  "strike",
  "br",
  "sup",
  "input",
  "kbd",
  "samp",
  "tt",
  "wbr",
]);
/** Wrappers without meaning of their own: their content is rendered as if they were not there. */
const CONTAINERS = new Set([
  "div",
  "section",
  "article",
  "header",
  "footer",
  "main",
  "aside",
  "nav",
  "center",
  "hgroup",
  "address",
  "search",
  "li",
  "body",
  "html",
]);
/** Elements whose whitespace is content, so compacting must not touch them. */
const PRESERVE_WHITESPACE = new Set(["pre", "code", "textarea", "script", "style"]);
const TABLE_STRUCTURE = new Set(["table", "thead", "tbody", "tfoot", "tr", "colgroup"]);
const HEADING = /^h([1-6])$/;
/**
 * Properties Markdown itself produces. An element with anything else came from raw HTML
 * that wants more than rich text can hold; under rawHtml "keep" it is sent as written.
 */
const MARKDOWN_PROPERTIES = new Set([
  "href",
  "title",
  "src",
  "alt",
  "className",
  "id",
  "align",
  "start",
  "type",
  "checked",
  "disabled",
  "dataFootnotes",
  "dataFootnoteRef",
  "dataFootnoteBackref",
  "ariaDescribedBy",
  "ariaLabel",
  "ariaLabelledBy",
  RESOLVED_MARK,
  CODE_MARK,
]);
const TASK_UNCHECKED = "\u2610";
const TASK_CHECKED = "\u2611";

/** Returns a new tree holding only Webflow-safe blocks, with no whitespace between them. */
export function toWebflowTree(tree: Root, context: NormalizeContext): Root {
  const walk: Walk = {
    ...context,
    shouldKeepHtml: context.options.rawHtml === "keep",
    headingShift: context.options.h1 === "demote" && containsH1(tree.children) ? 1 : 0,
    slugs: new Map(),
  };
  const pieces = collectPieces(tree.children, walk, "flow");
  const children: ElementContent[] = pieces.map((piece) =>
    piece.kind === "inline" ? element("p", {}, piece.nodes) : piece.node,
  );
  return { type: "root", children: children.map(stripMarks) };
}

function collectPieces(nodes: readonly Node[], walk: Walk, where: "flow" | "quote"): Piece[] {
  const pieces: Piece[] = [];
  let run: ElementContent[] = [];
  const flush = (): void => {
    if (run.length > 0) pieces.push(...paragraphPieces(run, walk));
    run = [];
  };
  for (const node of nodes) {
    if (node.type === "text") {
      if (run.length > 0 || !isWhitespace(node.value)) run.push(node);
    } else if (node.type === "raw") {
      run.push(node);
    } else if (node.type === "element") {
      if (PHRASING.has(node.tagName)) run.push(node);
      else {
        flush();
        pieces.push(
          ...(isKeptAsWritten(node, walk)
            ? [block(embed([compact(node)]), `<${node.tagName}>`, node)]
            : blockPieces(node, walk, where)),
        );
      }
    }
    // comments and doctypes are not content
  }
  flush();
  return pieces;
}

function blockPieces(node: Element, walk: Walk, where: "flow" | "quote"): Piece[] {
  const heading = HEADING.exec(node.tagName);
  if (heading?.[1] !== undefined) return headingPieces(node, Number(heading[1]), walk, where);
  switch (node.tagName) {
    case "p":
      return paragraphPieces(node.children, walk);
    case "ul":
    case "ol":
      return [block(renderList(node, walk), "a list", node)];
    case "blockquote":
      if (where === "quote") {
        warn(
          walk,
          node,
          "A block quote nested in another is flattened into the outer quote; Webflow's block quotes cannot nest.",
        );
        return collectPieces(node.children, walk, "quote");
      }
      return renderQuote(node, walk).map((quote) => block(quote, "a block quote", node));
    case "pre":
      return codeBlockPieces(node, walk);
    case "table":
      return tablePieces(node, walk);
    case "hr":
      return [block(embed([element("hr", {}, [])]), "a thematic break", node)];
    case "section":
      if (node.properties["dataFootnotes"] !== undefined) return footnotePieces(node, walk);
      return collectPieces(node.children, walk, where);
    case "div":
      if (isEmbed(node)) return [block(node, "an HTML embed", node)];
      return collectPieces(node.children, walk, where);
    default:
      if (CONTAINERS.has(node.tagName)) return collectPieces(node.children, walk, where);
      // Other HTML (details, dl, figure, …) has no rich-text form; an embed keeps it as written.
      return [block(embed([compact(node)]), `<${node.tagName}>`, node)];
  }
}

function headingPieces(node: Element, level: number, walk: Walk, where: "flow" | "quote"): Piece[] {
  const content = trimInline(phrasing(node.children, walk, 1));
  if (where === "quote") {
    warn(
      walk,
      node,
      "A heading inside a block quote is rendered as bold text; Webflow's block quotes hold text only.",
    );
    return content.length > 0 ? [{ kind: "inline", nodes: [element("strong", {}, content)] }] : [];
  }
  const properties: Properties = {};
  if (walk.options.headingIds) properties["id"] = uniqueSlug(textContent(content), walk.slugs);
  return [
    block(element(`h${Math.min(level + walk.headingShift, 6)}`, properties, content), "a heading", node),
  ];
}

/** A paragraph's content, split around images (figures are blocks in Webflow) or turned into a video. */
function paragraphPieces(children: readonly ElementContent[], walk: Walk): Piece[] {
  const video = walk.options.videoEmbeds ? videoFigure(children) : undefined;
  if (video) return [block(video, "a video", undefined)];
  const pieces: Piece[] = [];
  let current: ElementContent[] = [];
  const pushInline = (): void => {
    const nodes = trimInline(current);
    if (nodes.length > 0) pieces.push({ kind: "inline", nodes });
    current = [];
  };
  for (const node of phrasing(children, walk, 0)) {
    if (node.type === "element" && node.tagName === "figure") {
      pushInline();
      pieces.push(block(node, "an image", undefined));
    } else current.push(node);
  }
  pushInline();
  return pieces;
}

/**
 * Inline content mapped to strong/em/a/br/code/s. At depth 0 an image (or a link around
 * only an image) comes back as a finished `figure` for the caller to split out; deeper
 * down it cannot leave its parent, so it becomes its alt text with a warning.
 */
function phrasing(nodes: readonly ElementContent[], walk: Walk, depth: number): ElementContent[] {
  const out: ElementContent[] = [];
  for (const node of nodes) {
    if (node.type === "text") {
      // A soft line break is a space; after <br> the newline remark-rehype adds is not content.
      let value = node.value.replace(/[ \t]*\r?\n[ \t]*/g, " ");
      const previous = out.at(-1);
      if (previous?.type === "element" && previous.tagName === "br") value = value.trimStart();
      if (value !== "") out.push({ type: "text", value });
      continue;
    }
    if (node.type === "raw") {
      out.push(node);
      continue;
    }
    if (node.type !== "element") continue;
    out.push(...phrasingElement(node, walk, depth));
  }
  return out;
}

function phrasingElement(node: Element, walk: Walk, depth: number): ElementContent[] {
  if (isKeptAsWritten(node, walk)) return [compact(node)];
  switch (node.tagName) {
    case "img":
      if (depth === 0) return [imageFigure(node, undefined, walk)];
      warn(
        walk,
        node,
        "An image inside a link or formatting is rendered as its alt text; Webflow's images are blocks of their own.",
      );
      return textNodes(stringProperty(node, "alt"));
    case "a": {
      const href = stringProperty(node, "href");
      if (href === "") return phrasing(node.children, walk, depth + 1);
      const image = depth === 0 ? onlyImage(node.children) : undefined;
      if (image) return [imageFigure(image, href, walk)];
      const properties: Properties = { href };
      const title = stringProperty(node, "title");
      if (title !== "") properties["title"] = title;
      return [element("a", properties, phrasing(node.children, walk, depth + 1))];
    }
    case "strong":
    case "b":
      return [element("strong", {}, phrasing(node.children, walk, depth + 1))];
    case "em":
    case "i":
      return [element("em", {}, phrasing(node.children, walk, depth + 1))];
    case "s":
    case "del":
    case "strike":
      return [element("s", {}, phrasing(node.children, walk, depth + 1))];
    case "code":
    case "kbd":
    case "samp":
    case "tt":
      return [element("code", {}, textNodes(textContent(node.children)))];
    case "br":
      return [element("br", {}, [])];
    case "wbr":
      return [];
    case "input":
      if (node.properties["type"] === "checkbox") {
        return textNodes(node.properties["checked"] === true ? TASK_CHECKED : TASK_UNCHECKED);
      }
      warn(walk, node, "A form field has no rich-text form and is left out.");
      return [];
    case "sup": {
      const reference = footnoteReference(node);
      // Rich text keeps no ids, so an in-page link would lead nowhere: the number alone, raised.
      if (reference !== undefined) return [element("sup", {}, textNodes(`[${reference}]`))];
      break;
    }
    default:
      break;
  }
  warn(
    walk,
    node,
    `<${node.tagName}> has no equivalent in Webflow rich text; its text is kept without that formatting.`,
  );
  return phrasing(node.children, walk, depth);
}

function imageFigure(image: Element, href: string | undefined, walk: Walk): ElementContent {
  const src = stringProperty(image, "src");
  const alt = stringProperty(image, "alt");
  // An empty src means the URL was refused (already warned about); keep the words.
  if (src === "") return { type: "text", value: alt };
  const align = walk.options.imageAlign;
  const img = element("img", { src, loading: "lazy", alt }, []);
  const frame = element("div", {}, [img]);
  const children: ElementContent[] = [href === undefined ? frame : element("a", { href }, [frame])];
  const title = stringProperty(image, "title");
  if (title !== "") children.push(element("figcaption", {}, [{ type: "text", value: title }]));
  return element(
    "figure",
    {
      className: ["w-richtext-figure-type-image", `w-richtext-align-${align}`],
      dataRtType: "image",
      dataRtAlign: align,
    },
    children,
  );
}

/** A paragraph that is nothing but a YouTube/Vimeo link becomes Webflow's video figure. */
function videoFigure(children: readonly ElementContent[]): Element | undefined {
  const meaningful = children.filter((node) => !(node.type === "text" && isWhitespace(node.value)));
  const link = meaningful[0];
  if (meaningful.length !== 1 || link?.type !== "element" || link.tagName !== "a") return undefined;
  const href = stringProperty(link, "href");
  const video: VideoEmbed | undefined = parseVideoUrl(href);
  if (!video) return undefined;
  const text = textContent(link.children).trim();
  const title = text === "" || text === href ? `${video.provider} video` : text;
  const iframe = element(
    "iframe",
    { src: video.embedUrl, title, frameBorder: "0", scrolling: "no", allowFullScreen: true },
    [],
  );
  return element(
    "figure",
    {
      className: ["w-richtext-figure-type-video", "w-richtext-align-fullwidth"],
      dataRtType: "video",
      dataRtAlign: "fullwidth",
      dataPageUrl: href,
      // Webflow's CSS gives the video frame no height; the figure's padding sets it to 16:9.
      style: "padding-bottom:56.25%",
    },
    [element("div", {}, [iframe])],
  );
}

function renderList(node: Element, walk: Walk): Element {
  const properties: Properties = {};
  const start = node.properties["start"];
  if (node.tagName === "ol" && typeof start === "number" && start !== 1) properties["start"] = start;
  const items: ElementContent[] = [];
  for (const child of node.children) {
    if (child.type === "element" && child.tagName === "li")
      items.push(element("li", {}, listItemContent(child, walk)));
    else if (child.type === "element" || (child.type === "text" && !isWhitespace(child.value))) {
      // Raw HTML can put other things directly in a list; give them an item of their own.
      items.push(element("li", {}, listItemContent(element("li", {}, [child]), walk)));
    }
  }
  return element(node.tagName, properties, items);
}

/** A list item's content: its paragraphs as text (joined by a blank line), blocks such as nested lists kept. */
function listItemContent(item: Element, walk: Walk): ElementContent[] {
  const out: ElementContent[] = [];
  let previousInline = false;
  for (const piece of collectPieces(item.children, walk, "flow")) {
    if (piece.kind === "inline") {
      if (previousInline) out.push(element("br", {}, []), element("br", {}, []));
      out.push(...piece.nodes);
      previousInline = true;
    } else {
      out.push(piece.node);
      previousInline = false;
    }
  }
  return out;
}

/** Webflow's block quote is a text block: paragraphs join with `<br><br>`; other blocks split it. */
function renderQuote(node: Element, walk: Walk): ElementContent[] {
  const out: ElementContent[] = [];
  let current: ElementContent[] = [];
  const flush = (): void => {
    if (current.length > 0) out.push(element("blockquote", {}, current));
    current = [];
  };
  for (const piece of collectPieces(node.children, walk, "quote")) {
    if (piece.kind === "inline") {
      if (current.length > 0) current.push(element("br", {}, []), element("br", {}, []));
      current.push(...piece.nodes);
    } else {
      warn(
        walk,
        piece.source ?? node,
        `${capitalize(piece.label)} inside a block quote is rendered outside the quote, where it appears; Webflow's block quotes hold text only.`,
      );
      flush();
      out.push(piece.node);
    }
  }
  flush();
  return out;
}

function codeBlockPieces(pre: Element, walk: Walk): Piece[] {
  const elements = pre.children.filter((child): child is Element => child.type === "element");
  const code = elements.length === 1 && elements[0]?.tagName === "code" ? elements[0] : undefined;
  let text = textContent(code ? code.children : pre.children);
  // remark-rehype ends a Markdown code block with a newline that the source did not have.
  if (code?.properties[CODE_MARK] !== undefined && text.endsWith("\n")) text = text.slice(0, -1);
  const language = code ? languageOf(code) : undefined;
  if (walk.options.codeBlocks === "paragraph") {
    const lines = text.split("\n");
    const children: ElementContent[] = [];
    lines.forEach((line, index) => {
      if (index > 0) children.push(element("br", {}, []));
      // Leading indentation would collapse in a paragraph; no-break spaces keep it visible.
      const indented = line.replace(/^[ \t]+/, (indent) =>
        "\u00a0".repeat(indent.replace(/\t/g, "    ").length),
      );
      if (indented !== "") children.push({ type: "text", value: indented });
    });
    return [{ kind: "inline", nodes: [element("code", {}, children)] }];
  }
  const className = language === undefined ? [] : [`language-${language}`];
  let codeChildren: ElementContent[] = [{ type: "text", value: text }];
  const highlighter = walk.highlighter;
  if (walk.options.highlight && highlighter && language !== undefined && highlighter.registered(language)) {
    codeChildren = highlighter.highlight(language, text).children;
    className.unshift("hljs");
  }
  const properties: Properties = className.length > 0 ? { className } : {};
  return [
    block(embed([element("pre", {}, [element("code", properties, codeChildren)])]), "a code block", pre),
  ];
}

function languageOf(code: Element): string | undefined {
  const classes = code.properties["className"];
  if (!Array.isArray(classes)) return undefined;
  for (const name of classes) {
    if (typeof name === "string" && name.startsWith("language-")) return name.slice("language-".length);
  }
  return undefined;
}

function tablePieces(table: Element, walk: Walk): Piece[] {
  if (walk.options.tables === "embed") return [block(embed([compact(table)]), "a table", table)];
  const rows = descendants(table, "tr");
  const cellsOf = (row: Element): Element[] =>
    row.children.filter(
      (cell): cell is Element => cell.type === "element" && (cell.tagName === "th" || cell.tagName === "td"),
    );
  const head = descendants(table, "thead")[0];
  const headerRow = head ? descendants(head, "tr")[0] : undefined;
  const headers = headerRow ? cellsOf(headerRow).map((cell) => textContent(cell.children).trim()) : [];
  const bodyRows = rows.filter((row) => row !== headerRow);
  const items: ElementContent[] = [];
  for (const row of bodyRows.length > 0 ? bodyRows : headerRow ? [headerRow] : []) {
    const content: ElementContent[] = [];
    cellsOf(row).forEach((cell, index) => {
      const value = trimInline(phrasing(cell.children, walk, 1));
      if (value.length === 0) return; // an empty cell says nothing in a list
      if (content.length > 0) content.push(element("br", {}, []));
      const label = headers[index] || `Column ${index + 1}`;
      if (row !== headerRow)
        content.push(element("strong", {}, [{ type: "text", value: `${label}:` }]), {
          type: "text",
          value: " ",
        });
      content.push(...value);
    });
    items.push(element("li", {}, content));
  }
  return [block(element("ul", {}, items), "a table", table)];
}

/** GFM footnotes: references became `<sup>[n]</sup>` in phrasing; the definitions become an ordered list at the end. */
function footnotePieces(section: Element, walk: Walk): Piece[] {
  const list = descendants(section, "ol")[0];
  if (!list) return [];
  const pieces: Piece[] = [];
  if (walk.options.footnoteLabel !== "") {
    pieces.push({
      kind: "inline",
      nodes: [element("strong", {}, [{ type: "text", value: walk.options.footnoteLabel }])],
    });
  }
  pieces.push(block(renderList(withoutBackReferences(list), walk), "footnotes", section));
  return pieces;
}

function withoutBackReferences(node: Element): Element {
  const children = node.children
    .filter((child) => !(child.type === "element" && child.properties["dataFootnoteBackref"] !== undefined))
    .map((child) => (child.type === "element" ? withoutBackReferences(child) : child));
  return { ...node, children };
}

function footnoteReference(sup: Element): string | undefined {
  const elements = sup.children.filter((child): child is Element => child.type === "element");
  const link = elements[0];
  if (elements.length !== 1 || link?.tagName !== "a" || link.properties["dataFootnoteRef"] === undefined)
    return undefined;
  return textContent(link.children).trim();
}

/** Under rawHtml "keep", HTML that rich text cannot hold (unknown tags or attributes) is sent as written. */
function isKeptAsWritten(node: Element, walk: Walk): boolean {
  if (!walk.shouldKeepHtml) return false;
  if (!KNOWN_TAGS.has(node.tagName)) return true;
  return Object.keys(node.properties).some((key) => !MARKDOWN_PROPERTIES.has(key));
}

function onlyImage(children: readonly ElementContent[]): Element | undefined {
  const meaningful = children.filter((node) => !(node.type === "text" && isWhitespace(node.value)));
  const first = meaningful[0];
  return meaningful.length === 1 && first?.type === "element" && first.tagName === "img" ? first : undefined;
}

function embed(children: ElementContent[]): Element {
  return element("div", { className: ["w-embed"] }, children);
}

function isEmbed(node: Element): boolean {
  const classes = node.properties["className"];
  return Array.isArray(classes) && classes.includes("w-embed");
}

/** Drops whitespace-only text next to block elements, which Webflow turns into stray content. */
function compact(node: Element): Element {
  if (PRESERVE_WHITESPACE.has(node.tagName)) return node;
  const isTable = TABLE_STRUCTURE.has(node.tagName);
  const children: ElementContent[] = [];
  node.children.forEach((child, index) => {
    if (child.type === "text" && isWhitespace(child.value)) {
      const before = node.children[index - 1];
      const after = node.children[index + 1];
      if (
        isTable ||
        isBlockElement(before) ||
        isBlockElement(after) ||
        before === undefined ||
        after === undefined
      )
        return;
    }
    children.push(child.type === "element" ? compact(child) : child);
  });
  return { ...node, children };
}

function isBlockElement(node: ElementContent | undefined): boolean {
  return node?.type === "element" && !PHRASING.has(node.tagName);
}

/** Removes our internal marks everywhere, including inside embeds. */
function stripMarks<T extends ElementContent>(node: T): T {
  if (node.type !== "element") return node;
  const { [RESOLVED_MARK]: _resolved, [CODE_MARK]: _code, ...properties } = node.properties;
  return { ...node, properties, children: node.children.map(stripMarks) };
}

function trimInline(nodes: readonly ElementContent[]): ElementContent[] {
  const out = [...nodes];
  const isBlank = (node: ElementContent | undefined): boolean =>
    (node?.type === "text" && isWhitespace(node.value)) ||
    (node?.type === "element" && node.tagName === "br");
  while (out.length > 0 && isBlank(out[0])) out.shift();
  while (out.length > 0 && isBlank(out.at(-1))) out.pop();
  const first = out[0];
  if (first?.type === "text") out[0] = { ...first, value: first.value.trimStart() };
  const last = out.at(-1);
  if (last?.type === "text") out[out.length - 1] = { ...last, value: last.value.trimEnd() };
  return out;
}

function containsH1(nodes: readonly Node[]): boolean {
  return nodes.some(
    (node) => node.type === "element" && (node.tagName === "h1" || containsH1(node.children)),
  );
}

function descendants(node: Element, tagName: string): Element[] {
  const found: Element[] = [];
  for (const child of node.children) {
    if (child.type !== "element") continue;
    if (child.tagName === tagName) found.push(child);
    found.push(...descendants(child, tagName));
  }
  return found;
}

function uniqueSlug(text: string, slugs: Map<string, number>): string {
  const base =
    text
      .toLowerCase()
      .trim()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s+/g, "-") || "section";
  const count = slugs.get(base);
  slugs.set(base, (count ?? 0) + 1);
  return count === undefined ? base : `${base}-${count}`;
}

function textContent(nodes: readonly ElementContent[]): string {
  let text = "";
  for (const node of nodes) {
    if (node.type === "text") text += node.value;
    else if (node.type === "element") text += textContent(node.children);
  }
  return text;
}

function stringProperty(node: Element, name: string): string {
  const value = node.properties[name];
  return typeof value === "string" ? value : "";
}

function textNodes(value: string): Text[] {
  return value === "" ? [] : [{ type: "text", value }];
}

function element(tagName: string, properties: Properties, children: ElementContent[]): Element {
  return { type: "element", tagName, properties, children };
}

function block(node: ElementContent, label: string, source: Element | undefined): Piece {
  return { kind: "block", node, label, source };
}

function warn(walk: Walk, node: Element, message: string): void {
  addWarning(walk.state, { kind: WarningKind.Unsupported, message, position: node.position });
}

function isWhitespace(value: string): boolean {
  return /^[ \t\n\r\f]*$/.test(value);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
