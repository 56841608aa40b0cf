/**
 * Template syntax in Markdown bodies (issue 13): Hugo shortcodes (`{{< … >}}`, `{{% … %}}`)
 * and Liquid (`{% … %}`, `{{ … }}`), found outside code and turned into Markdown before the
 * body is parsed, so that none is ever published as text without a word. Built-in tags get a
 * real conversion (code blocks, links, images, videos); any other tag loses its markers, keeps
 * its inner content, and gives a warning naming its line. Line numbers are kept: every
 * replacement spans as many lines as what it replaces (a code fence's closing line included).
 */
import { posix } from "node:path";
import { TemplateError } from "../../errors.ts";

export type TemplateMode = "convert" | "error" | "keep";

/** One tag found in the body: the markers and what they say. */
interface Tag {
  syntax: "hugo" | "liquid";
  /** `name` of the tag, `"{{ }}"` for a Liquid output expression, `"/*"` for a Hugo comment form. */
  name: string;
  args: string;
  isClosing: boolean;
  /** `{{< x />}}`: self-closing, no end tag to look for. */
  isSelfClosing: boolean;
  /** Hugo's delimiter, `<` or `%`, for finding the matching end tag. */
  delimiter: string;
  start: number;
  end: number;
  text: string;
}

export interface TemplateWarning {
  /** 1-based line in the body. */
  line: number;
  message: string;
}

export interface ConvertedTemplates {
  markdown: string;
  warnings: TemplateWarning[];
}

// Hugo `{{< x >}}`, `{{% x %}}` and its comment form (a shortcode shown as text); Liquid
// `{% x %}` and `{{ x }}`, with `-` trim markers.
const TAG_PATTERN = new RegExp(
  [
    String.raw`\{\{([<%])\/\*([\s\S]*?)\*\/[>%]\}\}`,
    String.raw`\{\{([<%])\s*(\/?)\s*([\w.-]+)((?:(?!\n[ \t]*\n)(?:[^>%]|>(?!\}\})|%(?!\}\})))*?)\s*(\/?)\s*[>%]\}\}`,
    String.raw`\{%-?\s*(\w+)((?:(?!\n[ \t]*\n)[\s\S])*?)-?%\}`,
    String.raw`\{\{(?![<%])-?((?:(?!\n[ \t]*\n)[\s\S])*?)-?\}\}`,
  ].join("|"),
  "g",
);
// A tag never spans a blank line, so an unclosed `{{` in prose cannot swallow what follows.

/** A non-global copy of TAG_PATTERN, for a test that keeps no state. */
const TAG_TEST = new RegExp(TAG_PATTERN.source);

/** True when the body may hold a template tag (before the code ranges that cost a parse are known). */
export function mayHoldTemplate(markdown: string): boolean {
  return (markdown.includes("{{") || markdown.includes("{%")) && TAG_TEST.test(markdown);
}

function readTag(match: RegExpExecArray): Tag {
  const base = { start: match.index, end: match.index + match[0].length, text: match[0] };
  if (match[1] !== undefined)
    return {
      ...base,
      syntax: "hugo",
      name: "/*",
      args: match[2] ?? "",
      isClosing: false,
      isSelfClosing: true,
      delimiter: match[1],
    };
  if (match[3] !== undefined)
    return {
      ...base,
      syntax: "hugo",
      name: match[5] ?? "",
      args: (match[6] ?? "").trim(),
      isClosing: match[4] === "/",
      isSelfClosing: match[7] === "/",
      delimiter: match[3],
    };
  if (match[8] !== undefined) {
    const name = match[8];
    return {
      ...base,
      syntax: "liquid",
      name,
      args: (match[9] ?? "").trim(),
      isClosing: name.startsWith("end"),
      isSelfClosing: false,
      delimiter: "%",
    };
  }
  return {
    ...base,
    syntax: "liquid",
    name: "{{ }}",
    args: (match[10] ?? "").trim(),
    isClosing: false,
    isSelfClosing: true,
    delimiter: "",
  };
}

/** Positional and `key=value` arguments of a tag (quotes removed). */
function parseArgs(args: string): { positional: string[]; named: Record<string, string> } {
  const positional: string[] = [];
  const named: Record<string, string> = {};
  for (const match of args.matchAll(
    /([\w-]+)\s*=\s*("([^"]*)"|'([^']*)'|`([^`]*)`|(\S+))|"([^"]*)"|'([^']*)'|`([^`]*)`|(\S+)/g,
  )) {
    if (match[1] !== undefined) named[match[1]] = match[3] ?? match[4] ?? match[5] ?? match[6] ?? "";
    else positional.push(match[7] ?? match[8] ?? match[9] ?? match[10] ?? "");
  }
  return { positional, named };
}

function describe(tag: Tag): string {
  if (tag.name === "{{ }}") return `Liquid output "${truncate(tag.text)}"`;
  return tag.syntax === "hugo" ? `Hugo shortcode "${tag.name}"` : `Liquid tag "${tag.name}"`;
}

function truncate(text: string): string {
  const line = text.replace(/\s+/g, " ");
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

function countLines(text: string): number {
  let count = 0;
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) count++;
  return count;
}

/** Pads `replacement` with line breaks so that it spans as many lines as `original`. */
function keepLines(original: string, replacement: string): string {
  const missing = countLines(original) - countLines(replacement);
  return missing > 0 ? replacement + "\n".repeat(missing) : replacement;
}

/** Where the end tag of a paired tag starts and ends, searched in the raw text. */
function findEnd(markdown: string, tag: Tag, from: number): { start: number; end: number } | undefined {
  const pattern =
    tag.syntax === "hugo"
      ? new RegExp(`\\{\\{[<%]\\s*/\\s*${escapeRegExp(tag.name)}\\s*[>%]\\}\\}`, "g")
      : new RegExp(`\\{%-?\\s*end${escapeRegExp(tag.name)}\\s*-?%\\}`, "g");
  pattern.lastIndex = from;
  const found = pattern.exec(markdown);
  return found ? { start: found.index, end: found.index + found[0].length } : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A fenced code block holding `code` exactly (the fence is longer than any backtick run in it). */
function fence(code: string, language: string, indent: string): string {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((run) => run[0].length));
  const marker = "`".repeat(Math.max(3, longest + 1));
  return `${marker}${language}\n${code}\n${indent}${marker}`;
}

/** The code between a block tag and its end tag, without the line break after the one and before the other. */
function innerCode(markdown: string, from: number, to: number): string {
  let code = markdown.slice(from, to);
  if (code.startsWith("\n")) code = code.slice(1);
  const lastBreak = code.lastIndexOf("\n");
  if (lastBreak !== -1 && code.slice(lastBreak + 1).trim() === "") code = code.slice(0, lastBreak);
  return code;
}

/** What precedes the tag on its line, when it is only indentation or quote markers. */
function indentOf(markdown: string, start: number): string {
  const lineStart = markdown.lastIndexOf("\n", start - 1) + 1;
  const before = markdown.slice(lineStart, start);
  return /^[ \t>]*$/.test(before) ? before : "";
}

const FILE_LANGUAGES: Record<string, string> = {
  yml: "yaml",
  md: "markdown",
  htm: "html",
  js: "javascript",
  ts: "typescript",
};

function codeLanguage(tag: Tag): string {
  const { positional, named } = parseArgs(tag.args);
  const language = named["lang"] ?? named["language"] ?? positional[0];
  if (language) return language;
  const file = named["file"];
  const extension = file?.includes(".") ? (file.split(".").at(-1) ?? "") : "";
  return FILE_LANGUAGES[extension] ?? extension;
}

/** A path as a relative Markdown link target from `fromFile` (spaces encoded, `./` added). */
function relativeHref(fromFile: string, target: string, hash: string): string {
  let relative = posix.relative(posix.dirname(fromFile), target);
  if (!relative.startsWith(".")) relative = `./${relative}`;
  return `${encodeURI(relative)}${hash}`;
}

function withMarkdownExtension(path: string): string {
  return /\.(md|markdown)$/i.test(path) ? path : `${path.replace(/\/$/, "")}.md`;
}

/**
 * The Markdown file a link tag points at, as a relative link from `file` (the pipeline's
 * file-link resolver then maps it to the item's URL): Jekyll `post_url` (a post's name, in the
 * `_posts` folder), `link` (a path from the Jekyll site's source folder), Hugo `ref`/`relref` (from the content
 * folder when it starts with `/`, else from the page's folder).
 */
function linkHref(tag: Tag, file: string, contentRoot: string | undefined): string | undefined {
  const { positional, named } = parseArgs(tag.args);
  const written = named["path"] ?? positional[0];
  if (!written) return undefined;
  const [path = "", anchor] = written.split("#", 2);
  const hash = anchor === undefined ? "" : `#${anchor}`;
  if (tag.name === "post_url") {
    const segments = file.split("/");
    const postsAt = segments.lastIndexOf("_posts");
    const postsDir = postsAt === -1 ? "_posts" : segments.slice(0, postsAt + 1).join("/");
    return relativeHref(file, posix.join(postsDir, `${path.replace(/^\//, "")}.md`), hash);
  }
  if (tag.name === "link")
    return relativeHref(file, posix.join(jekyllSourceOf(file), path.replace(/^\//, "")), hash);
  if (path === "") return hash;
  if (path.startsWith("/")) {
    const segments = file.split("/");
    const contentAt = segments.indexOf("content");
    const contentDir = contentRoot ?? (contentAt === -1 ? "" : segments.slice(0, contentAt + 1).join("/"));
    return relativeHref(file, withMarkdownExtension(posix.join(contentDir, path)), hash);
  }
  return relativeHref(file, withMarkdownExtension(posix.join(posix.dirname(file), path)), hash);
}

/**
 * The Jekyll site's source folder holding `file`: the folder above its first `_`-folder
 * (`docs/_posts/a.md` → `docs`), where `link` paths start; the project root otherwise.
 */
function jekyllSourceOf(file: string): string {
  const folders = file.split("/").slice(0, -1);
  const special = folders.findIndex((folder) => folder.startsWith("_"));
  return special === -1 ? "" : folders.slice(0, special).join("/");
}

function figureMarkdown(tag: Tag): string | undefined {
  const { named } = parseArgs(tag.args);
  const src = named["src"];
  if (!src) return undefined;
  const alt = (named["alt"] ?? named["title"] ?? "").replace(/[[\]]/g, "\\$&");
  const caption = named["caption"] ?? named["title"];
  const title = caption ? ` "${caption.replace(/"/g, '\\"')}"` : "";
  const image = `![${alt}](<${src}>${title})`;
  return named["link"] ? `[${image}](<${named["link"]}>)` : image;
}

function videoMarkdown(tag: Tag): string | undefined {
  const { positional, named } = parseArgs(tag.args);
  const id = named["id"] ?? positional[0];
  if (!id || !/^[\w-]+$/.test(id)) return undefined;
  return tag.name === "youtube" ? `https://www.youtube.com/watch?v=${id}` : `https://vimeo.com/${id}`;
}

const CODE_TAGS = new Set(["highlight", "code"]);
const LINK_TAGS = new Set(["post_url", "link", "ref", "relref"]);

/** Whether `[from, to)` overlaps one of the sorted, non-overlapping `ranges`. */
function overlapsRanges(ranges: ReadonlyArray<readonly [number, number]>, from: number, to: number): boolean {
  // The first range that ends after `from`: the only one that can overlap first.
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ranges[middle]![1] <= from) low = middle + 1;
    else high = middle;
  }
  const range = ranges[low];
  return range !== undefined && range[0] < to;
}

/**
 * Converts the template tags of a body (see the module comment). `codeRanges` are the
 * `[start, end)` offsets of code blocks and code spans, where tags are left alone.
 * With `mode: "error"` the first tag throws a TemplateError; `"keep"` changes nothing.
 */
export function convertTemplates(
  markdown: string,
  options: {
    file: string;
    lineOffset: number;
    /** Where Hugo `ref "/x"` paths start (else the `content` folder above the file, or the root). */
    contentRoot?: string | undefined;
    mode: TemplateMode;
    codeRanges: ReadonlyArray<readonly [number, number]>;
  },
): ConvertedTemplates {
  const warnings: TemplateWarning[] = [];
  if (options.mode === "keep") return { markdown, warnings };
  const lineAt = (offset: number) => countLines(markdown.slice(0, offset)) + 1;
  const pieces: string[] = [];
  const opened = new Set<string>();
  let copied = 0;
  const replace = (start: number, end: number, replacement: string) => {
    pieces.push(markdown.slice(copied, start), keepLines(markdown.slice(start, end), replacement));
    copied = end;
  };
  const pattern = new RegExp(TAG_PATTERN.source, "g");
  for (let match = pattern.exec(markdown); match; match = pattern.exec(markdown)) {
    if (overlapsRanges(options.codeRanges, match.index, match.index + match[0].length)) {
      // Inside code, or reaching into it: not a tag here; look again just after its `{`.
      pattern.lastIndex = match.index + 1;
      continue;
    }
    const tag = readTag(match);
    if (options.mode === "error") {
      throw new TemplateError(
        `${describe(tag)} in the body: \`templates: "error"\` refuses template syntax.`,
        {
          location: { file: options.file, line: lineAt(tag.start) + options.lineOffset },
          hint: 'Remove the tag, or set the collection\'s `templates` to "convert" (the default).',
        },
      );
    }
    const handled = convertTag(markdown, tag, {
      file: options.file,
      contentRoot: options.contentRoot,
      opened,
    });
    if (handled.warning) warnings.push({ line: lineAt(tag.start), message: handled.warning });
    replace(tag.start, handled.end ?? tag.end, handled.replacement);
    pattern.lastIndex = handled.end ?? tag.end;
  }
  pieces.push(markdown.slice(copied));
  return { markdown: pieces.join(""), warnings };
}

/** One tag's replacement; `end` when it consumed its end tag too. */
function convertTag(
  markdown: string,
  tag: Tag,
  where: { file: string; contentRoot: string | undefined; opened: Set<string> },
): { replacement: string; end?: number; warning?: string } {
  const { file, opened } = where;
  if (tag.name === "/*") {
    // Hugo's way to show a shortcode as text: it stays text, as inline code.
    const closing = tag.delimiter === "<" ? ">" : "%";
    return { replacement: `\`{{${tag.delimiter} ${tag.args.trim()} ${closing}}}\`` };
  }
  if (tag.isClosing) {
    const opening = tag.syntax === "liquid" ? tag.name.slice("end".length) : tag.name;
    // The opening tag already gave the warning.
    if (opened.has(`${tag.syntax} ${opening}`)) return { replacement: "" };
    return { replacement: "", warning: unknownWarning({ ...tag, name: opening }) };
  }
  const end = !tag.isSelfClosing ? findEnd(markdown, tag, tag.end) : undefined;
  if (CODE_TAGS.has(tag.name) && end) {
    const code = innerCode(markdown, tag.end, end.start);
    return { replacement: fence(code, codeLanguage(tag), indentOf(markdown, tag.start)), end: end.end };
  }
  if (tag.name === "raw" && end) {
    // Unwrapped and left alone: what a raw block holds is text, even when it looks like a tag.
    return { replacement: markdown.slice(tag.end, end.start), end: end.end };
  }
  if (tag.name === "comment" && end) return { replacement: "", end: end.end };
  if (LINK_TAGS.has(tag.name)) {
    const href = linkHref(tag, file, where.contentRoot);
    if (href !== undefined) return { replacement: href };
  }
  if (tag.name === "figure") {
    const image = figureMarkdown(tag);
    if (image !== undefined) return { replacement: image };
  }
  if (tag.name === "youtube" || tag.name === "vimeo") {
    const video = videoMarkdown(tag);
    if (video !== undefined) return { replacement: video };
  }
  // Anything else: markers removed, inner content (of a paired tag) kept as Markdown.
  opened.add(`${tag.syntax} ${tag.name}`);
  return { replacement: "", warning: unknownWarning(tag) };
}

function unknownWarning(tag: Tag): string {
  if (tag.name === "{{ }}")
    return `${describe(tag)} has no Markdown form; it was removed. Replace it with its value.`;
  return `${describe(tag)} has no built-in conversion; its markers were removed and any content inside kept as Markdown. Replace it with Markdown, or handle it with a remark plugin (richText.remarkPlugins).`;
}
