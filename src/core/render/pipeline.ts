/**
 * The rendering pipeline shared by the full renderer (render-markdown.ts) and the light one
 * (render-light.ts): mdast → Webflow-ready HTML. The parts that are costly to load (remark's
 * parser, the raw-HTML pass with parse5, highlight.js grammars) are handed in, so that a run
 * whose changed bodies all take the markdown-it fast path never loads them.
 */
import type { Root as HastRoot } from "hast";
import { toHtml } from "hast-util-to-html";
import type { List as MdastList, ListItem, Root as MdastRoot } from "mdast";
import remarkRehype, { defaultHandlers, type Options as RemarkRehypeOptions } from "remark-rehype";
import { unified } from "unified";
import { FileProcessingError, WfSyncError } from "../../errors.ts";
import type { SyncWarning } from "../types.ts";
import {
  hasPlugins,
  resolveRenderOptions,
  type MarkdownRenderer,
  type RenderContext,
  type RenderOptions,
  type RenderResult,
} from "../render-options.ts";
import { findCodeRanges } from "./code-ranges.ts";
import { fastParse } from "./fast-parse.ts";
import { prepareMarkdown } from "./markdown-pass.ts";
import type { parseRawHtml, sanitizePluginOutput } from "./raw-html.ts";
import { addWarning, createRenderState, WarningKind } from "./state.ts";
import { convertTemplates, mayHoldTemplate } from "./templates.ts";
import { toWebflowTree, type Highlighter } from "./webflow-html.ts";

/** The costly parts; a renderer built without one throws MissingRenderPart when a body needs it. */
export interface RenderParts {
  /** remark with the GFM extensions the body needs (bodies markdown-it does not take), and the user's remark plugins. */
  parse?: ((markdown: string, context?: RenderContext) => MdastRoot) | undefined;
  /** The raw-HTML pass (only remark's trees hold raw HTML). */
  rawHtml?: typeof parseRawHtml | undefined;
  /** highlight.js grammars, for `highlight: true`. */
  highlighter?: (() => Highlighter) | undefined;
  /** Off only for the reference renderer the fast path is tested against. */
  isFastPathEnabled: boolean;
  /** The user's rehype plugins (render-markdown.ts builds it; `parse` then runs the remark ones). */
  transformHast?: ((tree: HastRoot, context: RenderContext) => HastRoot) | undefined;
  /** The sanitiser for plugin output (every element, not only raw HTML). */
  sanitizeTree?: typeof sanitizePluginOutput | undefined;
}

/** Thrown by a light renderer for a body (or options) that need the full toolchain. */
export class MissingRenderPart extends Error {
  constructor(part: string) {
    super(`This body needs the full Markdown toolchain (${part}).`);
    this.name = "MissingRenderPart";
  }
}

type Handler = NonNullable<NonNullable<RemarkRehypeOptions["handlers"]>["listItem"]>;

/** Whether a list is loose (blank lines between items), computed once per list. */
const looseness = new WeakMap<MdastList, boolean>();
function isLoose(list: MdastList): boolean {
  let loose = looseness.get(list);
  if (loose === undefined) {
    loose = Boolean(list.spread) || list.children.some((item) => item.spread ?? item.children.length > 1);
    looseness.set(list, loose);
  }
  return loose;
}
const LOOSE_LIST: MdastList = { type: "list", spread: true, children: [] };
const TIGHT_LIST: MdastList = { type: "list", spread: false, children: [] };

/**
 * The stock list-item handler asks whether the whole list is loose for every item, walking all
 * items each time: quadratic in a list's length (20,000 items: seconds). It is handed a stand-in
 * list that answers at once, with the looseness computed once per list.
 */
const listItem: Handler = (state, node, parent) =>
  defaultHandlers.listItem(
    state,
    node as ListItem,
    parent?.type === "list" ? (isLoose(parent) ? LOOSE_LIST : TIGHT_LIST) : parent,
  );

/** Footnote texts are replaced later; only the structure of remark-rehype's output is used. */
const toHastProcessor = unified()
  .use(remarkRehype, { allowDangerousHtml: true, handlers: { listItem } })
  .freeze();

const stringifyOptions = {
  // `&lt;`/`&amp;` rather than `&#x3C;`/`&#x26;`: the stored HTML stays readable in Webflow's embed editor.
  characterReferences: { useNamedReferences: true },
} as const;

export function buildRenderer(options: RenderOptions, parts: RenderParts): MarkdownRenderer {
  const resolved = resolveRenderOptions(options);
  if (resolved.highlight && !parts.highlighter) throw new MissingRenderPart("highlighting");
  // Plugins work on remark's tree: no markdown-it fast path, and the full toolchain from the start.
  const withPlugins = hasPlugins(options);
  if (withPlugins && (!parts.parse || !parts.sanitizeTree)) throw new MissingRenderPart("plugins");
  const isFastPathEnabled = parts.isFastPathEnabled && !withPlugins;
  const highlighter = resolved.highlight ? parts.highlighter?.() : undefined;
  const renderTree = (mdast: MdastRoot, markdown: string, context: RenderContext): RenderResult => {
    const state = createRenderState(context);
    prepareMarkdown(mdast, resolved, state);
    let hast = toHastProcessor.runSync(mdast) as HastRoot;
    if (parts.transformHast) hast = parts.transformHast(hast, context);
    if (resolved.rawHtml !== "escape" && parts.rawHtml) {
      hast = parts.rawHtml(hast, { markdown, state, shouldSanitize: resolved.rawHtml === "sanitize" });
    }
    if (withPlugins && resolved.rawHtml !== "keep" && parts.sanitizeTree)
      hast = parts.sanitizeTree(hast, state);
    const webflowTree = toWebflowTree(hast, { options: resolved, state, highlighter });
    return { html: toHtml(webflowTree, stringifyOptions), warnings: sortByLocation(state.warnings) };
  };
  const renderBody = (markdown: string, context: RenderContext): RenderResult => {
    const fastTree = isFastPathEnabled ? fastParse(markdown) : undefined;
    if (fastTree) {
      const result = renderTree(fastTree, markdown, context);
      // The fast tree's positions are approximate; a warning must point at the exact spot.
      if (result.warnings.length === 0) return result;
    }
    if (!parts.parse) throw new MissingRenderPart("remark");
    return renderTree(parts.parse(markdown, context), markdown, context);
  };
  const renderWithTemplates = (markdown: string, context: RenderContext): RenderResult => {
    if (resolved.templates === "keep" || !mayHoldTemplate(markdown)) return renderBody(markdown, context);
    // Tags inside code are code: markdown-it's tokens say where code is (code-ranges.ts), and
    // remark's tree where they cannot (or on the remark-only path).
    const fastRanges = isFastPathEnabled ? findCodeRanges(markdown) : undefined;
    if (!fastRanges && !parts.parse) throw new MissingRenderPart("remark (template syntax)");
    const converted = convertTemplates(markdown, {
      file: context.file,
      lineOffset: context.lineOffset ?? 0,
      contentRoot: context.contentRoot,
      mode: resolved.templates,
      codeRanges: fastRanges ?? codeRangesOf((parts.parse as NonNullable<RenderParts["parse"]>)(markdown)),
    });
    const result = renderBody(converted.markdown, context);
    if (converted.warnings.length === 0) return result;
    const state = createRenderState(context);
    for (const warning of converted.warnings)
      addWarning(state, {
        kind: WarningKind.Template,
        message: warning.message,
        position: { start: { line: warning.line, column: 1 }, end: { line: warning.line, column: 1 } },
      });
    return { html: result.html, warnings: sortByLocation([...state.warnings, ...result.warnings]) };
  };
  return {
    render(markdown, context) {
      try {
        return renderWithTemplates(markdown, context);
      } catch (error) {
        throw asFileFailure(error, context);
      }
    },
  };
}

/** `[start, end)` offsets of the code blocks and code spans of a tree, in document order. */
export function codeRangesOf(tree: MdastRoot): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const visit = (node: MdastRoot | MdastRoot["children"][number]): void => {
    if (node.type === "code" || node.type === "inlineCode") {
      const start = node.position?.start.offset;
      const end = node.position?.end.offset;
      if (start !== undefined && end !== undefined) ranges.push([start, end]);
      return;
    }
    if ("children" in node) for (const child of node.children) visit(child as MdastRoot["children"][number]);
  };
  visit(tree);
  return ranges;
}

/**
 * One body's unexpected exception (a parser's stack overflow, a plugin's bug) becomes that
 * file's failure: the run goes on with the other files (SPEC §5).
 */
function asFileFailure(error: unknown, context: RenderContext): unknown {
  if (error instanceof WfSyncError || error instanceof MissingRenderPart) return error;
  const what =
    error instanceof RangeError
      ? `${error.message} (the body is probably nested too deeply)`
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  return new FileProcessingError(`wf-sync could not render this file's body: ${what}.`, {
    cause: error,
    location: { file: context.file, line: (context.lineOffset ?? 0) + 1 },
    hint: "This is probably a bug in wf-sync; please report it with the file. The other files are not affected.",
  });
}

/** Document order, whichever stage found the problem. */
function sortByLocation(warnings: SyncWarning[]): SyncWarning[] {
  const key = (warning: SyncWarning): [number, number] => [
    warning.location?.line ?? Number.MAX_SAFE_INTEGER,
    warning.location?.column ?? 0,
  ];
  return warnings
    .map((warning, index) => ({ warning, index }))
    .sort((a, b) => {
      const [lineA, columnA] = key(a.warning);
      const [lineB, columnB] = key(b.warning);
      return lineA - lineB || columnA - columnB || a.index - b.index;
    })
    .map(({ warning }) => warning);
}
