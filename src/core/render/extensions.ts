/**
 * Markdown extensions that CommonMark and GFM parse as plain text, given their meaning on the
 * Markdown tree (issue 13), the same whichever parser built it:
 *
 * - GitHub alerts: a block quote starting `[!NOTE]` (TIP, IMPORTANT, WARNING, CAUTION) keeps
 *   its quote, with the bold label ("Note", …) as its first line.
 * - Definition lists (Hugo/Goldmark, PHP Markdown Extra): a `Term` line followed by `: Definition`
 *   lines becomes a paragraph with the term in bold and each definition on a line below it.
 */
import type { Blockquote, Paragraph, Parents, PhrasingContent, Root, RootContent } from "mdast";

const ALERT = /^\[!(note|tip|important|warning|caution)\][ \t]*(?:\n|$)/i;

/** Mutates `tree`: alerts get their label, definition lists their bold terms. */
export function applyExtensions(tree: Root): void {
  visitParents(tree, (parent) => {
    if (parent.type === "blockquote") labelAlert(parent);
    if (!("children" in parent)) return;
    const children = parent.children as RootContent[];
    for (let index = 0; index < children.length; index++) {
      const child = children[index];
      if (child?.type !== "paragraph") continue;
      const replacement = definitionParagraphs(child, children[index - 1]);
      if (replacement === undefined) continue;
      children.splice(
        index - replacement.replacesPrevious,
        1 + replacement.replacesPrevious,
        ...replacement.nodes,
      );
      index += replacement.nodes.length - 1 - replacement.replacesPrevious;
    }
  });
}

function visitParents(node: Parents, visit: (parent: Parents) => void): void {
  visit(node);
  for (const child of node.children as RootContent[]) {
    if ("children" in child) visitParents(child as Parents, visit);
  }
}

function labelAlert(quote: Blockquote): void {
  const first = quote.children[0];
  if (first?.type !== "paragraph") return;
  const lead = first.children[0];
  if (lead?.type !== "text") return;
  const match = ALERT.exec(lead.value);
  if (!match?.[1]) return;
  const kind = match[1].toLowerCase();
  const label = `${kind.charAt(0).toUpperCase()}${kind.slice(1)}`;
  const rest = lead.value.slice(match[0].length);
  const after: PhrasingContent[] =
    rest === "" ? first.children.slice(1) : [{ ...lead, value: rest }, ...first.children.slice(1)];
  const strong: PhrasingContent = {
    type: "strong",
    children: [{ type: "text", value: label }],
    position: lead.position,
  };
  first.children =
    after.length > 0 ? [strong, { type: "break", position: lead.position }, ...after] : [strong];
}

/** A paragraph's phrasing split at its line endings (text nodes split; other nodes kept whole). */
function splitLines(children: readonly PhrasingContent[]): PhrasingContent[][] {
  const lines: PhrasingContent[][] = [[]];
  for (const node of children) {
    if (node.type !== "text" || !node.value.includes("\n")) {
      lines.at(-1)?.push(node);
      continue;
    }
    node.value.split("\n").forEach((part, index) => {
      if (index > 0) lines.push([]);
      if (part !== "") lines.at(-1)?.push({ ...node, value: part });
    });
  }
  return lines;
}

function startsDefinition(line: readonly PhrasingContent[]): boolean {
  const first = line[0];
  return first?.type === "text" && /^:[ \t]+\S/.test(first.value);
}

function withoutMarker(line: PhrasingContent[]): PhrasingContent[] {
  const [first, ...rest] = line;
  if (first?.type !== "text") return line;
  return [{ ...first, value: first.value.replace(/^:[ \t]+/, "") }, ...rest];
}

/**
 * The paragraphs a definition list becomes: `Term\n: Definition` in one paragraph, or a
 * paragraph of `: Definition` lines after the term's paragraph (a blank line between them).
 */
function definitionParagraphs(
  paragraph: Paragraph,
  previous: RootContent | undefined,
): { nodes: Paragraph[]; replacesPrevious: 0 | 1 } | undefined {
  const lines = splitLines(paragraph.children);
  if (!lines.some(startsDefinition)) return undefined;
  const startsWithDefinition = startsDefinition(lines[0] ?? []);
  if (startsWithDefinition) {
    // The loose form: the term is the paragraph before, which must be a single line.
    if (previous?.type !== "paragraph") return undefined;
    const termLines = splitLines(previous.children);
    if (termLines.length !== 1 || startsDefinition(termLines[0] ?? [])) return undefined;
    const built = buildGroups([...termLines, ...lines], previous);
    return built && { nodes: built, replacesPrevious: 1 };
  }
  const built = buildGroups(lines, paragraph);
  return built && { nodes: built, replacesPrevious: 0 };
}

/** Term/definition groups: every term line must be followed by at least one definition. */
function buildGroups(lines: PhrasingContent[][], at: Paragraph): Paragraph[] | undefined {
  const groups: Paragraph[] = [];
  let current: PhrasingContent[] | undefined;
  let hasDefinition = false;
  for (const line of lines) {
    if (startsDefinition(line)) {
      if (!current) return undefined;
      current.push({ type: "break" }, ...withoutMarker(line));
      hasDefinition = true;
      continue;
    }
    if (current && !hasDefinition) return undefined;
    current = [{ type: "strong", children: line }];
    groups.push({ type: "paragraph", children: current, position: at.position });
    hasDefinition = false;
  }
  return hasDefinition ? groups : undefined;
}
