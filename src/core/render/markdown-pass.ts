/**
 * Changes made on the Markdown tree, before it becomes HTML: link and image targets are
 * resolved here because the mdast holds them exactly as written (the pipeline's resolvers
 * and listLocalImages must agree on that spelling), and raw HTML is routed per `rawHtml`.
 */
import type { Definition, Nodes, Parents, Root, RootContent } from "mdast";
import type { ResolvedRenderOptions } from "../render-markdown.ts";
import { applyExtensions } from "./extensions.ts";
import { resolveReference } from "./resolve-url.ts";
import { addWarning, WarningKind, type RenderState } from "./state.ts";

/**
 * Property set on `a`/`img` whose target is already resolved, so the raw-HTML pass does not
 * resolve (and warn about) it a second time. Removed before output.
 */
export const RESOLVED_MARK = "dataWfResolved";
/** Property set on the `code` of a fenced or indented code block (remark-rehype appends a newline to those). */
export const CODE_MARK = "dataWfCode";

const FLOW_PARENTS = new Set(["root", "blockquote", "listItem", "footnoteDefinition"]);

/**
 * Mutates `tree`: gives alerts and definition lists their form (extensions.ts), resolves
 * link/image targets, marks code blocks, turns raw HTML into text for `rawHtml: "escape"`.
 */
export function prepareMarkdown(tree: Root, options: ResolvedRenderOptions, state: RenderState): void {
  applyExtensions(tree);
  const definitions = new Map<string, Definition>();
  const imageReferenceIds = new Set<string>();
  const linkReferenceIds = new Set<string>();
  const footnoteReferenceIds = new Set<string>();
  const footnoteDefinitions: { identifier: string; node: Nodes }[] = [];

  walk(tree, (node) => {
    if (node.type === "definition") {
      if (!definitions.has(node.identifier)) definitions.set(node.identifier, node);
    } else if (node.type === "imageReference") imageReferenceIds.add(node.identifier);
    else if (node.type === "linkReference") linkReferenceIds.add(node.identifier);
    else if (node.type === "footnoteReference") footnoteReferenceIds.add(node.identifier);
    else if (node.type === "footnoteDefinition")
      footnoteDefinitions.push({ identifier: node.identifier, node });
  });

  for (const [identifier, definition] of definitions) {
    // A definition has no output of its own; resolve it as what references it.
    const kind = imageReferenceIds.has(identifier)
      ? "image"
      : linkReferenceIds.has(identifier)
        ? "link"
        : undefined;
    if (kind)
      definition.url = resolveReference(state, { url: definition.url, kind, position: definition.position });
  }

  for (const { identifier, node } of footnoteDefinitions) {
    if (footnoteReferenceIds.has(identifier)) continue;
    addWarning(state, {
      kind: WarningKind.Unsupported,
      message: `Footnote [^${identifier}] is defined but never referenced, so it is not rendered. Reference it with [^${identifier}] or remove it.`,
      position: node.position,
    });
  }

  walk(tree, (node, parent, index) => {
    switch (node.type) {
      case "link":
      case "image":
        node.url = resolveReference(state, {
          url: node.url,
          kind: node.type === "link" ? "link" : "image",
          position: node.position,
        });
        mark(node, RESOLVED_MARK);
        return;
      case "linkReference":
      case "imageReference":
        mark(node, RESOLVED_MARK);
        return;
      case "code":
        mark(node, CODE_MARK);
        return;
      case "html":
        if (parent === undefined || index === undefined) return;
        routeHtml(node.value, { parent, index, options, node });
        return;
      default:
        return;
    }
  });
}

function routeHtml(
  value: string,
  where: { parent: Parents; index: number; options: ResolvedRenderOptions; node: Nodes },
): void {
  const { parent, index, options, node } = where;
  if (options.rawHtml !== "escape") return; // "sanitize" and "keep" parse it in the HTML pass
  const text = { type: "text" as const, value, position: node.position };
  const replacement = FLOW_PARENTS.has(parent.type)
    ? { type: "paragraph" as const, children: [text], position: node.position }
    : text;
  (parent.children as RootContent[])[index] = replacement as RootContent;
}

function mark(node: Nodes, property: string): void {
  node.data = { ...node.data, hProperties: { ...node.data?.hProperties, [property]: true } };
}

type Visitor = (node: Nodes, parent: Parents | undefined, index: number | undefined) => void;

/** Depth-first, parents before children; the visitor may replace `parent.children[index]`. */
function walk(root: Root, visit: Visitor): void {
  const stack: { node: Nodes; parent: Parents | undefined; index: number | undefined }[] = [
    { node: root, parent: undefined, index: undefined },
  ];
  while (stack.length > 0) {
    const { node, parent, index } = stack.pop()!;
    visit(node, parent, index);
    const current = parent && index !== undefined ? (parent.children[index] as Nodes) : node;
    if ("children" in current) {
      for (let i = current.children.length - 1; i >= 0; i--) {
        stack.push({ node: current.children[i] as Nodes, parent: current, index: i });
      }
    }
  }
}
