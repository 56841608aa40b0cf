/**
 * A faster parse for plain CommonMark bodies: markdown-it tokens turned into the mdast tree
 * remark-parse would give. micromark is about ten times slower than markdown-it and was most
 * of the time spent rendering a post. Only a conservative class of bodies takes this path;
 * for anything else `fastParse` returns undefined and the caller parses with remark.
 *
 * Positions are approximate: block nodes start at their first line (column 1), images and
 * links at their own line (column 1), and other inline nodes share their block's position. The renderer re-renders the slow way whenever a
 * warning (the only reader of positions) is given.
 */
import MarkdownIt from "markdown-it";
import type Token from "markdown-it/lib/token.mjs";
import type {
  AlignType,
  BlockContent,
  Code,
  Heading,
  List,
  ListItem,
  Paragraph,
  PhrasingContent,
  Root,
  RootContent,
  Table,
  TableCell,
  TableRow,
} from "mdast";
import type { Position } from "unist";
import { mayHoldLiteral } from "./autolink-literals.ts";

const markdownIt = new MarkdownIt("commonmark").enable("table");
// mdast keeps destinations as written (after unescaping); markdown-it would percent-encode
// them, punycode hosts and drop `javascript:` links. The renderer checks schemes itself.
markdownIt.normalizeLink = (url) => url;
markdownIt.normalizeLinkText = (text) => text;
markdownIt.validateLink = () => true;
// Keeps escapes and character references apart (`text_special`), so a `*` or `_` left in a
// `text` token is known to be an unmatched delimiter, not an escaped one.
markdownIt.core.ruler.disable("text_join");

/**
 * Text that takes a body out of the fast path: characters markdown-it normalises differently
 * (`\r`, `\0`, tabs), GFM triggers (footnotes `[^`, strikethrough `~`, tasks). Pipes are
 * allowed only in the plain tables `convertTable` accepts.
 */
const UNSUPPORTED_TEXT = /[\r\0\t~]|\[\^|\[[ xX]\]/;

/** Parses `markdown` like remark-parse with GFM, or returns undefined when it cannot promise the same tree. */
export function fastParse(markdown: string): Root | undefined {
  if (UNSUPPORTED_TEXT.test(markdown) || mayHoldLiteral(markdown)) return undefined;
  const env: { references?: Record<string, unknown> } = {};
  const tokens = markdownIt.parse(markdown, env);
  if (env.references && Object.keys(env.references).length > 0) return undefined;
  const lines = markdown.split("\n");
  if (!arePipesInTables(tokens, lines)) return undefined;
  try {
    const children = convertBlocks(
      tokens,
      { index: 0 },
      { lines, lineFacts: new Map(), isInQuote: false, isAtRoot: true },
      undefined,
    ) as RootContent[];
    return {
      type: "root",
      children,
      position: {
        start: { line: 1, column: 1, offset: 0 },
        end: { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1, offset: markdown.length },
      },
    };
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** Thrown inside the conversion for a token it does not convert; caught by fastParse. */
class Unsupported extends Error {}

interface Cursor {
  index: number;
}

interface BlockContext {
  /** The source split at `\n`. */
  lines: string[];
  /** Whole-document line tests, each run once (per token they would make the parse quadratic). */
  lineFacts: Map<RegExp, boolean>;
  isInQuote: boolean;
  isAtRoot: boolean;
}

const INDENTED_QUOTE = /^ {4,}>/;
const QUOTE_ONLY_LINE = /^ *>[ >]*$/;
/** A whitespace-and-`>` line with five or more spaces. */
const LONG_BLANK_LINE = /^(?=[ >]*$)(?:[^ ]* ){5}/;

/** Whether any line of the document matches `test`; computed once per document and test. */
function hasLine(context: BlockContext, test: RegExp): boolean {
  let known = context.lineFacts.get(test);
  if (known === undefined) {
    known = context.lines.some((line) => test.test(line));
    context.lineFacts.set(test, known);
  }
  return known;
}

function blockPosition(token: Token): Position {
  const [startLine, endLine] = token.map ?? [0, 0];
  return { start: { line: startLine + 1, column: 1 }, end: { line: endLine + 1, column: 1 } };
}

/** Converts block tokens from `cursor` until the closing token of type `until` (consumed). */
function convertBlocks(
  tokens: Token[],
  cursor: Cursor,
  context: BlockContext,
  until: string | undefined,
): BlockContent[] {
  const { lines } = context;
  const nodes: BlockContent[] = [];
  while (cursor.index < tokens.length) {
    const previous = tokens[cursor.index - 1];
    const token = tokens[cursor.index++]!;
    if (token.type === until) return nodes;
    const position = blockPosition(token);
    switch (token.type) {
      case "paragraph_open": {
        const inline = tokens[cursor.index++]!;
        cursor.index++; // paragraph_close
        const paragraph: Paragraph = {
          type: "paragraph",
          children: convertInline(inline, position),
          position,
        };
        nodes.push(paragraph);
        break;
      }
      case "heading_open": {
        const inline = tokens[cursor.index++]!;
        cursor.index++; // heading_close
        const depth = Number(token.tag.slice(1)) as Heading["depth"];
        nodes.push({ type: "heading", depth, children: convertInline(inline, position), position });
        break;
      }
      case "blockquote_open": {
        // markdown-it continues a quote with a `>` indented four or more spaces.
        if (hasLine(context, INDENTED_QUOTE)) throw new Unsupported("indented `>` and a quote");
        const children = convertBlocks(
          tokens,
          cursor,
          { ...context, isInQuote: true, isAtRoot: false },
          "blockquote_close",
        );
        // micromark splits indented code that follows an empty quote; markdown-it does not.
        if (children.length === 0) throw new Unsupported("empty blockquote");
        nodes.push({ type: "blockquote", children, position });
        break;
      }
      case "bullet_list_open":
      case "ordered_list_open":
        // In a quote, micromark counts a `>`-only line as part of the list before it
        // (marking it spread); markdown-it and CommonMark do not.
        if (context.isInQuote && hasLine(context, QUOTE_ONLY_LINE))
          throw new Unsupported("list in a quote with a blank quoted line");
        // micromark lets only a list starting at 1 follow a non-blank line, or indented code
        // even across blank lines.
        if (
          token.type === "ordered_list_open" &&
          Number(token.attrGet("start") ?? 1) !== 1 &&
          (previous?.type === "code_block" || !/^[ >]*$/.test(lines[(token.map?.[0] ?? 0) - 1] ?? ""))
        )
          throw new Unsupported("ordered list not at 1 after another line or indented code");
        nodes.push(convertList(tokens, cursor, { open: token, context, position }));
        break;
      case "fence":
        nodes.push(convertFence(token, lines, position));
        break;
      case "code_block":
        // micromark splits indented code that directly follows a quote or list into one block per line.
        if (
          previous?.type.endsWith("_close") &&
          previous.type !== "paragraph_close" &&
          previous.type !== "heading_close"
        )
          throw new Unsupported("indented code right after a container");
        // micromark keeps a trailing whitespace-only line indented past the code; markdown-it drops it.
        if (hasLine(context, LONG_BLANK_LINE))
          throw new Unsupported("indented code and a long whitespace-only line");
        nodes.push({
          type: "code",
          lang: null,
          meta: null,
          value: token.content.replace(/\n$/, ""),
          position,
        });
        break;
      case "table_open":
        if (!context.isAtRoot) throw new Unsupported("table in a container");
        nodes.push(convertTable(tokens, cursor, { lines, open: token, position }));
        break;
      case "hr":
        nodes.push({ type: "thematicBreak", position });
        break;
      default:
        throw new Unsupported(token.type);
    }
  }
  if (until !== undefined) throw new Unsupported(`unclosed ${until}`);
  return nodes;
}

function convertFence(token: Token, lines: string[], position: Position): Code {
  if (/[\\&]/.test(token.info)) throw new Unsupported("fence info with escapes or references");
  // An unclosed fence runs to the end of its container, where the two disagree on blank lines.
  const [startLine, endLine] = token.map ?? [0, 0];
  const closing = lines[endLine - 1] ?? "";
  const closingFence = /^[ >]*(`+) *$/.exec(closing)?.[1] ?? "";
  if (endLine - 1 <= startLine || closingFence.length < token.markup.length)
    throw new Unsupported("unclosed fence");
  // micromark keeps the meta's trailing whitespace; markdown-it's info is the rest of the line.
  const match = /^\s*(\S+)\s*([^]*)$/.exec(token.info);
  return {
    type: "code",
    lang: match?.[1] ?? null,
    meta: match?.[2] || null,
    value: token.content.replace(/\n$/, ""),
    position,
  };
}

/** Every line holding a `|` is inside a table markdown-it found. */
function arePipesInTables(tokens: Token[], lines: string[]): boolean {
  const inTable = new Set<number>();
  for (const token of tokens) {
    if (token.type !== "table_open" || !token.map) continue;
    for (let line = token.map[0]; line < token.map[1]; line++) inTable.add(line);
  }
  return lines.every((line, index) => !line.includes("|") || inTable.has(index));
}

/** A table row as `convertTable` accepts it: outer pipes, no escapes or code, no trailing text. */
const PLAIN_ROW = /^\|(?:[^|\\`]*\|)+ *$/;

/**
 * A GFM table, only in its plainest form: at the top level, blank lines around it, every row
 * with outer pipes and exactly one cell per column. markdown-it pads short rows and drops
 * extra cells, interrupts paragraphs differently and splits cells its own way around
 * escapes and code; none of that can happen here.
 */
function convertTable(
  tokens: Token[],
  cursor: Cursor,
  where: { lines: string[]; open: Token; position: Position },
): Table {
  const { lines, open, position } = where;
  const [startLine, endLine] = open.map ?? [0, 0];
  const isBlank = (line: string | undefined): boolean => line === undefined || /^ *$/.test(line);
  if (!isBlank(lines[startLine - 1]) || !isBlank(lines[endLine]))
    throw new Unsupported("table not between blank lines");
  const tableLines = lines.slice(startLine, endLine);
  const columns = (tableLines[0]?.match(/\|/g)?.length ?? 0) - 1;
  if (tableLines.some((line) => !PLAIN_ROW.test(line) || line.match(/\|/g)!.length - 1 !== columns))
    throw new Unsupported("table that is not plain");
  const rows: TableRow[] = [];
  const align: AlignType[] = [];
  let cells: TableCell[] = [];
  while (cursor.index < tokens.length) {
    const token = tokens[cursor.index++]!;
    switch (token.type) {
      case "table_close":
        return { type: "table", align, children: rows, position };
      case "thead_open":
      case "thead_close":
      case "tbody_open":
      case "tbody_close":
      case "th_close":
      case "td_close":
        break;
      case "tr_open":
        cells = [];
        break;
      case "tr_close":
        rows.push({ type: "tableRow", children: cells, position });
        break;
      case "th_open":
      case "td_open": {
        if (token.type === "th_open") align.push(alignOf(token));
        const inline = tokens[cursor.index++]!;
        cells.push({ type: "tableCell", children: convertInline(inline, position), position });
        break;
      }
      default:
        throw new Unsupported(token.type);
    }
  }
  throw new Unsupported("unclosed table");
}

/** A column's alignment, read back from a header cell's `text-align` style. */
function alignOf(headerCell: Token): AlignType {
  const value = /^text-align:(left|right|center)$/.exec(headerCell.attrGet("style") ?? "")?.[1];
  return (value ?? null) as AlignType;
}

/**
 * A list and its items. markdown-it's tightness is not mdast's `spread`: mdast marks a list
 * spread when a blank line separates two items, and an item spread when a blank line
 * separates two of its own children (blank lines inside nested containers do not count).
 */
function convertList(
  tokens: Token[],
  cursor: Cursor,
  where: { open: Token; context: BlockContext; position: Position },
): List {
  const { open, context, position } = where;
  const { lines } = context;
  const isOrdered = open.type === "ordered_list_open";
  const close = isOrdered ? "ordered_list_close" : "bullet_list_close";
  const items: ListItem[] = [];
  const itemRanges: { start: number; end: number }[] = [];
  let start: number | null = null;
  while (cursor.index < tokens.length) {
    const token = tokens[cursor.index++]!;
    if (token.type === close) break;
    if (token.type !== "list_item_open") throw new Unsupported(token.type);
    if (isOrdered && start === null) start = Number.parseInt(token.info, 10);
    const childStart = cursor.index;
    const children = convertBlocks(tokens, cursor, { ...context, isAtRoot: false }, "list_item_close");
    // Empty items interrupt paragraphs and end lists differently in the two parsers.
    if (children.length === 0) throw new Unsupported("empty list item");
    // So do items whose content starts on the line after the marker.
    if (tokens[childStart]?.map?.[0] !== token.map?.[0])
      throw new Unsupported("item starting with a blank line");
    const childRanges = directChildRanges(tokens, childStart, cursor.index - 1, lines);
    let isSpread = false;
    for (let i = 1; i < childRanges.length; i++) {
      if (childRanges[i - 1]!.end < childRanges[i]!.start) isSpread = true;
    }
    const [itemStart, itemEnd] = token.map ?? [0, 0];
    itemRanges.push({ start: itemStart, end: contentEnd(lines, itemStart, itemEnd) });
    items.push({
      type: "listItem",
      spread: isSpread,
      checked: null,
      children,
      position: blockPosition(token),
    });
  }
  let isSpread = false;
  for (let i = 1; i < itemRanges.length; i++) {
    if (itemRanges[i - 1]!.end < itemRanges[i]!.start) isSpread = true;
  }
  return { type: "list", ordered: isOrdered, start, spread: isSpread, children: items, position };
}

/** Line ranges (0-based, end exclusive, trailing blank lines left out) of the blocks directly in tokens[from, to). */
function directChildRanges(
  tokens: Token[],
  from: number,
  to: number,
  lines: string[],
): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  let level = 0;
  for (let i = from; i < to; i++) {
    const token = tokens[i]!;
    if (level === 0 && token.nesting >= 0 && token.map) {
      ranges.push({ start: token.map[0], end: contentEnd(lines, token.map[0], token.map[1]) });
    }
    level += token.nesting;
  }
  return ranges;
}

/** `end` moved back over blank lines, but not before `start + 1`. */
function contentEnd(lines: string[], start: number, end: number): number {
  let last = end;
  while (last > start + 1 && /^ *$/.test(lines[last - 1] ?? "")) last--;
  return last;
}

type Phrasing = PhrasingContent;

/** Converts an `inline` token's children into mdast phrasing content. */
function convertInline(inline: Token, position: Position): Phrasing[] {
  if (inline.type !== "inline") throw new Unsupported(inline.type);
  // The two apply CommonMark's "rule of 3" differently to long delimiter runs (`***a****b`).
  if (/\*{3}|_{3}/.test(inline.content)) throw new Unsupported("delimiter run of three or more");
  const cursor: Cursor = { index: 0 };
  const hasLineEnding = inline.content.includes("\n");
  const line = { current: position.start.line };
  return convertPhrasing(inline.children ?? [], cursor, { position, hasLineEnding, line }, undefined);
}

/** The position of an image or link: its own line (counted at line breaks), column unknown. */
function linePosition(where: { line: { current: number } }): Position {
  return { start: { line: where.line.current, column: 1 }, end: { line: where.line.current, column: 1 } };
}

function convertPhrasing(
  tokens: Token[],
  cursor: Cursor,
  where: { position: Position; hasLineEnding: boolean; line: { current: number } },
  until: string | undefined,
): Phrasing[] {
  const { position, hasLineEnding } = where;
  const nodes: Phrasing[] = [];
  const pushText = (value: string): void => {
    if (value === "") return;
    const last = nodes.at(-1);
    if (last?.type === "text") last.value += value;
    else nodes.push({ type: "text", value, position });
  };
  while (cursor.index < tokens.length) {
    const token = tokens[cursor.index++]!;
    if (token.type === until) return nodes;
    switch (token.type) {
      case "text":
        if (!hasInertDelimiters(token.content)) throw new Unsupported("unmatched emphasis delimiter");
        pushText(token.content);
        break;
      case "text_special":
        pushText(token.content);
        break;
      case "softbreak":
        where.line.current++;
        pushText("\n");
        break;
      case "hardbreak":
        where.line.current++;
        nodes.push({ type: "break", position });
        break;
      case "code_inline":
        // markdown-it turns a line ending in a code span into a space; micromark keeps it.
        if (hasLineEnding && token.content.includes(" ")) throw new Unsupported("multi-line code span");
        // markdown-it strips a space from each end of an all-space span too (```   ```).
        if (/^ *$/.test(token.content)) throw new Unsupported("all-space code span");
        nodes.push({ type: "inlineCode", value: token.content, position });
        break;
      case "em_open":
        nodes.push({
          type: "emphasis",
          children: convertPhrasing(tokens, cursor, where, "em_close"),
          position,
        });
        break;
      case "strong_open":
        nodes.push({
          type: "strong",
          children: convertPhrasing(tokens, cursor, where, "strong_close"),
          position,
        });
        break;
      case "link_open": {
        const url = token.attrGet("href") ?? "";
        const title = token.attrGet("title");
        const at = linePosition(where);
        const children = convertPhrasing(tokens, cursor, where, "link_close");
        nodes.push({ type: "link", url, title, children, position: at });
        break;
      }
      case "image": {
        const at = linePosition(where);
        const alt = toText(convertPhrasing(token.children ?? [], { index: 0 }, where, undefined));
        nodes.push({
          type: "image",
          url: token.attrGet("src") ?? "",
          title: token.attrGet("title"),
          alt,
          position: at,
        });
        break;
      }
      default:
        throw new Unsupported(token.type);
    }
  }
  if (until !== undefined) throw new Unsupported(`unclosed ${until}`);
  return nodes;
}

/**
 * Whether every `*`/`_` run in markdown-it's leftover text could neither open nor close
 * emphasis: surrounded by whitespace, or (`_` only) inside a word. Where a run could, the
 * two parsers' emphasis algorithms sometimes pair delimiters differently.
 */
function hasInertDelimiters(text: string): boolean {
  for (const match of text.matchAll(/[*_]+/g)) {
    const before = text[match.index - 1];
    const after = text[match.index + match[0].length];
    if (before === undefined || after === undefined) return false;
    const isSpaced = SPACE.test(before) && SPACE.test(after);
    const isInWord = match[0][0] === "_" && WORD_CHARACTER.test(before) && WORD_CHARACTER.test(after);
    if (!isSpaced && !isInWord) return false;
  }
  return true;
}

/** Unicode space separators (a text token holds no line endings, and tabs never get here). */
const SPACE = /\p{Zs}/u;
/** Neither whitespace nor Unicode punctuation or symbol, as CommonMark's flanking rules see it. */
const WORD_CHARACTER = /[^\s\p{P}\p{S}]/u;

/** mdast-util-to-string, as remark computes an image's alt from its label. */
function toText(nodes: Phrasing[]): string {
  return nodes
    .map((node) => {
      if ("value" in node) return node.value;
      if (node.type === "image") return node.alt ?? "";
      if ("children" in node) return toText(node.children);
      return "";
    })
    .join("");
}
