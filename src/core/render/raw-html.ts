/**
 * Raw HTML in the Markdown is parsed into the tree (so `<b>x</b>`, three raw nodes, becomes
 * one element, and a `<details>` opened in one HTML block and closed in another stays one
 * element). With rawHtml "sanitize" the whole tree then goes through hast-util-sanitize with
 * GitHub's schema; whatever the sanitiser removes is reported per raw node, because a
 * silent removal is what the issue forbids. With "keep" the parsed HTML is trusted as is.
 */
import type { Element, ElementContent, Root, RootContent } from "hast";
import { fromHtml } from "hast-util-from-html";
import { raw } from "hast-util-raw";
import { defaultSchema, sanitize, type Schema } from "hast-util-sanitize";
import { toHtml } from "hast-util-to-html";
import type { Position } from "unist";
import { VFile } from "vfile";
import { CODE_MARK, RESOLVED_MARK } from "./markdown-pass.ts";
import { resolveReference } from "./resolve-url.ts";
import { addWarning, WarningKind, type RenderState } from "./state.ts";

const defaultAttributes = defaultSchema.attributes ?? {};

/** GitHub's schema plus our two internal marks and `tel:` links. */
export const SANITIZE_SCHEMA: Schema = {
  ...defaultSchema,
  attributes: {
    ...defaultAttributes,
    a: [...(defaultAttributes["a"] ?? []), RESOLVED_MARK],
    img: [...(defaultAttributes["img"] ?? []), RESOLVED_MARK],
    code: [...(defaultAttributes["code"] ?? []), CODE_MARK],
  },
  protocols: {
    ...defaultSchema.protocols,
    href: [...(defaultSchema.protocols?.["href"] ?? []), "tel"],
  },
};

/** Properties the sanitiser rewrites (prefixes) rather than removes; not worth a warning. */
const CLOBBERED = new Set(["id", "name", "ariaDescribedBy", "ariaLabelledBy"]);

type RawNode = Extract<RootContent, { type: "raw" }>;

/**
 * Returns the tree with raw HTML parsed and sanitised; the same tree when it has none.
 * `markdown` is the source the tree's positions point into; hast-util-raw needs it to keep
 * line numbers for the warnings given later.
 */
export function parseRawHtml(
  tree: Root,
  options: { markdown: string; state: RenderState; shouldSanitize: boolean },
): Root {
  const { markdown, state, shouldSanitize } = options;
  const rawNodes = collectRaw(tree);
  if (rawNodes.length === 0) return tree;
  if (shouldSanitize) for (const node of rawNodes) reportSanitizerChanges(node, state);
  const parsed = raw(tree, { file: new VFile(markdown) }) as Root;
  const result = shouldSanitize ? (sanitize(parsed, SANITIZE_SCHEMA) as Root) : parsed;
  resolveRawHtmlReferences(result, state);
  return result;
}

/**
 * Sanitises a whole tree that plugins have worked on (remark plugins can set any element
 * through `data.hName`, rehype plugins add elements directly), so that no plugin sends what
 * the sanitiser would remove from raw HTML. What it removes is reported, once per render.
 */
export function sanitizePluginOutput(tree: Root, state: RenderState): Root {
  const cleaned = sanitize(tree, SANITIZE_SCHEMA) as Root;
  if (toHtml(comparable(tree)) === toHtml(comparable(cleaned))) return cleaned;
  const what = removedBySanitizer(tree, cleaned);
  addWarning(state, {
    kind: WarningKind.RawHtml,
    message: `HTML made by a remark or rehype plugin was changed by the sanitiser: ${what}. Change the plugin, or set rawHtml: "keep" for a trusted repository.`,
  });
  return cleaned;
}

function collectRaw(tree: Root): RawNode[] {
  const found: RawNode[] = [];
  const visit = (nodes: readonly (RootContent | ElementContent)[]): void => {
    for (const node of nodes) {
      if (node.type === "raw") found.push(node);
      else if (node.type === "element") visit(node.children);
    }
  };
  visit(tree.children);
  return found;
}

function reportSanitizerChanges(node: RawNode, state: RenderState): void {
  const fragment = fromHtml(node.value, { fragment: true });
  const cleaned = sanitize(fragment, SANITIZE_SCHEMA) as Root;
  const before = toHtml(comparable(fragment));
  const after = toHtml(comparable(cleaned));
  if (before === after) return;
  const what = removedBySanitizer(fragment, cleaned);
  addWarning(state, {
    kind: WarningKind.RawHtml,
    message: `Raw HTML was changed by the sanitiser: ${what}. Write it in Markdown, or set rawHtml: "keep" for a trusted repository.`,
    position: node.position,
  });
}

/** A copy without comments and clobber-prone properties, so only real removals compare unequal. */
function comparable(tree: Root): Root {
  const copy = (nodes: readonly (RootContent | ElementContent)[]): ElementContent[] =>
    nodes.flatMap((node): ElementContent[] => {
      if (node.type === "comment" || node.type === "doctype") return [];
      if (node.type !== "element") return [node];
      const properties = Object.fromEntries(
        Object.entries(node.properties).filter(([key]) => !CLOBBERED.has(key)),
      );
      return [{ ...node, properties, children: copy(node.children) }];
    });
  return { type: "root", children: copy(tree.children) };
}

/** What the sanitiser took out of `before`: the elements gone, or else the attributes. */
export function removedBySanitizer(before: Root, after: Root): string {
  const kept = tagNames(after);
  const removed = [...tagNames(before)].filter((name) => !kept.has(name));
  return removed.length > 0
    ? `removed ${removed.map((name) => `<${name}>`).join(", ")}`
    : "removed attributes it does not allow (such as class, style or event handlers)";
}

/** The names of every element in a tree. */
function tagNames(tree: Root): Set<string> {
  const names = new Set<string>();
  const visit = (nodes: readonly (RootContent | ElementContent)[]): void => {
    for (const node of nodes) {
      if (node.type !== "element") continue;
      names.add(node.tagName);
      visit(node.children);
    }
  };
  visit(tree.children);
  return names;
}

/** `<a href>` and `<img src>` written as raw HTML get the same resolution as Markdown ones. */
function resolveRawHtmlReferences(tree: Root, state: RenderState): void {
  const visit = (nodes: readonly (RootContent | ElementContent)[], inherited: Position | undefined): void => {
    for (const node of nodes) {
      if (node.type !== "element") continue;
      const position = node.position ?? inherited;
      resolveElement(node, state, position);
      visit(node.children, position);
    }
  };
  visit(tree.children, undefined);
}

function resolveElement(node: Element, state: RenderState, position: Position | undefined): void {
  if (node.properties[RESOLVED_MARK] !== undefined) return;
  const attribute = node.tagName === "a" ? "href" : node.tagName === "img" ? "src" : undefined;
  if (attribute === undefined) return;
  const value = node.properties[attribute];
  if (typeof value !== "string") return;
  node.properties[attribute] = resolveReference(state, {
    url: value,
    kind: attribute === "href" ? "link" : "image",
    position,
  });
  node.properties[RESOLVED_MARK] = true;
}
