/**
 * Checks a rendered rich-text string against the element set Webflow's rich text keeps
 * (issue 5, API-NOTES §8) and against whitespace between blocks. Inside `div.w-embed`
 * anything goes, because Webflow stores an embed verbatim.
 */
import type { Element, ElementContent, Root, RootContent } from "hast";
import { fromHtml } from "hast-util-from-html";

const INLINE = new Set(["strong", "em", "a", "br", "code", "s", "sup"]);
/** Attributes each element may carry outside embeds (hast property names). */
const ATTRIBUTES: Record<string, readonly string[]> = {
  p: [],
  h1: ["id"],
  h2: ["id"],
  h3: ["id"],
  h4: ["id"],
  h5: ["id"],
  h6: ["id"],
  strong: [],
  em: [],
  s: [],
  sup: [],
  code: [],
  br: [],
  a: ["href", "title"],
  ul: [],
  ol: ["start"],
  li: [],
  blockquote: [],
  figure: ["className", "dataRtType", "dataRtAlign", "dataPageUrl", "style"],
  figcaption: [],
  div: ["className"],
  img: ["src", "alt", "loading"],
  iframe: ["src", "title", "frameBorder", "scrolling", "allowFullScreen"],
};
const FIGURE_CLASSES =
  /^w-richtext-(figure-type-(image|video)|align-(fullwidth|center|normal|floatleft|floatright))$/;

/** Every rule the HTML breaks, as readable strings; empty when it is fine. */
export function findViolations(html: string): string[] {
  const tree: Root = fromHtml(html, { fragment: true });
  const problems: string[] = [];
  checkChildren(tree.children, { tagName: "#root", ancestors: [] }, problems);
  return problems;
}

function checkChildren(
  children: readonly (RootContent | ElementContent)[],
  parent: { tagName: string; ancestors: readonly string[] },
  problems: string[],
): void {
  children.forEach((node, index) => {
    if (node.type === "text") {
      if (/^\s*$/.test(node.value) && isBetweenBlocks(children, index, parent.tagName)) {
        problems.push(`whitespace text ${JSON.stringify(node.value)} between blocks in <${parent.tagName}>`);
      }
      if (parent.tagName === "#root" && node.value.trim() !== "")
        problems.push(`bare text at top level: ${node.value}`);
      return;
    }
    if (node.type === "comment") {
      problems.push("comment outside an embed");
      return;
    }
    if (node.type !== "element") return;
    checkElement(node, parent, problems);
  });
}

function checkElement(
  node: Element,
  parent: { tagName: string; ancestors: readonly string[] },
  problems: string[],
): void {
  const allowed = ATTRIBUTES[node.tagName];
  if (!allowed) {
    problems.push(`<${node.tagName}> is not in Webflow's rich-text set`);
    return;
  }
  for (const key of Object.keys(node.properties)) {
    if (!allowed.includes(key)) problems.push(`<${node.tagName}> has attribute ${key}`);
  }
  const ancestors = [...parent.ancestors, parent.tagName];
  const classes = node.properties["className"];
  if (node.tagName === "div") {
    if (Array.isArray(classes)) {
      if (classes.join(" ") !== "w-embed") problems.push(`<div> with class ${classes.join(" ")}`);
      return; // an embed's content is Webflow's to store verbatim
    }
    if (parent.tagName !== "figure" && !(parent.tagName === "a" && ancestors.includes("figure"))) {
      problems.push("<div> outside a figure that is not an embed");
    }
  }
  if (node.tagName === "figure") {
    const names = Array.isArray(classes) ? classes.map(String) : [];
    if (names.length !== 2 || !names.every((name) => FIGURE_CLASSES.test(name)))
      problems.push(`figure classes ${names.join(" ")}`);
    const type = node.properties["dataRtType"];
    if (type !== "image" && type !== "video") problems.push(`figure data-rt-type ${String(type)}`);
    if (node.properties["dataRtAlign"] === undefined) problems.push("figure without data-rt-align");
    if (ancestors.includes("p")) problems.push("figure inside a paragraph");
  }
  if (
    (node.tagName === "img" || node.tagName === "iframe" || node.tagName === "figcaption") &&
    !ancestors.includes("figure")
  ) {
    problems.push(`<${node.tagName}> outside a figure`);
  }
  if (node.tagName === "img") {
    if (typeof node.properties["src"] !== "string") problems.push("<img> without src");
    if (typeof node.properties["alt"] !== "string") problems.push("<img> without alt");
    if (node.properties["loading"] !== "lazy") problems.push("<img> without loading=lazy");
  }
  if (node.tagName === "li" && parent.tagName !== "ul" && parent.tagName !== "ol")
    problems.push("<li> outside a list");
  if (INLINE.has(node.tagName) && parent.tagName === "#root") problems.push(`<${node.tagName}> at top level`);
  checkChildren(node.children, { tagName: node.tagName, ancestors }, problems);
}

function isBetweenBlocks(
  children: readonly (RootContent | ElementContent)[],
  index: number,
  parentTag: string,
): boolean {
  if (["#root", "ul", "ol", "figure", "blockquote"].includes(parentTag)) return true;
  const isBlock = (node: RootContent | ElementContent | undefined): boolean =>
    node?.type === "element" && !INLINE.has(node.tagName);
  return isBlock(children[index - 1]) || isBlock(children[index + 1]);
}
