/**
 * The bounds that keep one file's parse and render short and linear in its size (issue 14).
 * Parsers downstream (micromark, parse5, the unist utilities, yaml) recurse per nesting level
 * and some are superlinear in it, so nesting is measured here first, by single linear scans
 * that over-estimate rather than under-estimate: a file they pass cannot overflow the stack.
 * Pure: values in, values out.
 */
import { LimitError, TextEncodingError } from "../errors.ts";

/** Bounds on one source file; `limits` in the config sets `maxBodyBytes` and `maxFileMs`, the rest are fixed. */
export interface EntryLimits {
  /** Largest Markdown body, in UTF-8 bytes. */
  maxBodyBytes: number;
  /** Deepest nesting of block containers, inline constructs, raw HTML or frontmatter values. */
  maxNestingDepth: number;
  /** Largest frontmatter block, in UTF-8 bytes. */
  maxFrontmatterBytes: number;
  /** Most keys in the frontmatter, counting keys of nested mappings. */
  maxFrontmatterKeys: number;
  /** Most YAML alias expansions (`*anchor`) in one frontmatter. */
  maxYamlAliases: number;
  /** Most time, in milliseconds, to parse and render one file (the prepare stage enforces it). */
  maxFileMs: number;
}

/**
 * Defaults, each far above real content and far below where the parsers misbehave:
 * 5 MB is ten times a long book chapter (Webflow's editor struggles well before that); 32
 * levels is three times the deepest outline in practice, and the stack overflows near 800;
 * Webflow collections hold at most a few dozen fields, so 1,000 keys and 64 KB of
 * frontmatter leave room for long RichText values while keeping YAML's per-map checks cheap;
 * 20 s: the largest body allowed (5 MB of prose, lists and links) takes about 8 s on one core of
 * a two-core CI machine, so the budget leaves room for a busy one and stops only runaway files.
 */
export const DEFAULT_LIMITS: EntryLimits = {
  maxBodyBytes: 5_000_000,
  maxNestingDepth: 32,
  maxFrontmatterBytes: 64 * 1024,
  maxFrontmatterKeys: 1_000,
  maxYamlAliases: 100,
  maxFileMs: 20_000,
};

/** Defaults overridden by what is given (undefined entries keep the default). */
export function resolveLimits(limits: Partial<EntryLimits> | undefined): EntryLimits {
  const resolved = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(limits ?? {}))
    if (typeof value === "number") resolved[key as keyof EntryLimits] = value;
  return resolved;
}

/** UTF-8 length of a string, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

/** Where a scan found its deepest point: the depth, and the 1-based line within the text. */
export interface NestingFound {
  depth: number;
  line: number;
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const char = text[index];
    if (char !== " " && char !== "\t" && char !== "\r") return false;
  }
  return true;
}

/** Length of a list marker (`-`, `*`, `+`, `1.`, `1)`) starting at `index`, or 0. */
function listMarkerLength(text: string, index: number, end: number): number {
  let cursor = index;
  const char = text[cursor];
  if (char === "-" || char === "*" || char === "+") cursor++;
  else {
    while (cursor < end && cursor - index < 9 && text[cursor]! >= "0" && text[cursor]! <= "9") cursor++;
    if (cursor === index || (text[cursor] !== "." && text[cursor] !== ")")) return 0;
    cursor++;
  }
  const after = text[cursor];
  return cursor >= end || after === " " || after === "\t" || after === "\r" ? cursor - index : 0;
}

/**
 * Block nesting (block quotes and list items) of each line that opens a container: the
 * markers at its start plus half its other leading columns (a list item's content sits at
 * least two columns in), which is never less than the real depth.
 */
export function measureBlockNesting(text: string, limit = Infinity): NestingFound {
  const found: NestingFound = { depth: 0, line: 1 };
  let line = 1;
  for (let start = 0; start <= text.length; line++) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    let index = start;
    let columns = 0;
    let markers = 0;
    while (index < end) {
      const char = text[index];
      if (char === " ") columns++;
      else if (char === "\t") columns += 4;
      else {
        const length = char === ">" ? 1 : listMarkerLength(text, index, end);
        if (length === 0) break;
        markers++;
        index += length;
        // The one space that belongs to the marker is not indentation.
        if (text[index] === " " || text[index] === "\t") index++;
        continue;
      }
      index++;
    }
    const depth = markers === 0 ? 0 : markers + Math.floor(columns / 2);
    if (depth > found.depth) {
      found.depth = depth;
      found.line = line;
      if (depth > limit) break;
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  return found;
}

const PUNCTUATION = /[\p{P}\p{S}]/u;
const WHITESPACE = /\s/u;

/** Start offsets of the paragraphs (runs of non-blank lines) of `text`, with their first line. */
function paragraphs(text: string): Array<{ start: number; end: number; line: number }> {
  const found: Array<{ start: number; end: number; line: number }> = [];
  let open: { start: number; line: number } | undefined;
  let line = 1;
  for (let start = 0; start <= text.length; line++) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    if (isBlank(text, start, end)) {
      if (open) found.push({ ...open, end: start });
      open = undefined;
    } else open ??= { start, line };
    if (newline === -1) {
      if (open) found.push({ ...open, end: text.length });
      break;
    }
    start = newline + 1;
  }
  return found;
}

/**
 * Backtick runs of one paragraph that open a code span: run offset → offset just past its
 * closing run (the next run of the same length), so code is skipped in one step.
 */
function codeSpans(text: string, start: number, end: number): Map<number, number> {
  const runs: Array<{ at: number; length: number }> = [];
  for (let index = start; index < end; index++) {
    if (text[index] !== "`") continue;
    const at = index;
    while (index + 1 < end && text[index + 1] === "`") index++;
    runs.push({ at, length: index - at + 1 });
  }
  const spans = new Map<number, number>();
  const nextByLength = new Map<number, number>();
  for (let index = runs.length - 1; index >= 0; index--) {
    const run = runs[index]!;
    const closing = nextByLength.get(run.length);
    if (closing !== undefined) spans.set(run.at, closing + run.length);
    nextByLength.set(run.length, run.at);
  }
  // A run that closes one span cannot open another: drop spans that start inside an earlier one.
  let reach = -1;
  for (const run of runs) {
    if (run.at < reach) spans.delete(run.at);
    else if (spans.has(run.at)) reach = spans.get(run.at)!;
  }
  return spans;
}

/**
 * Inline nesting (links, images and emphasis) per paragraph: brackets and left-flanking
 * `*`/`_` runs open, their counterparts close, code spans and escapes are skipped. Unmatched
 * openers count too, so the result is never below the real depth.
 */
export function measureInlineNesting(text: string, limit = Infinity): NestingFound {
  const found: NestingFound = { depth: 0, line: 1 };
  for (const paragraph of paragraphs(text)) {
    const spans = text.includes("`", paragraph.start)
      ? codeSpans(text, paragraph.start, paragraph.end)
      : undefined;
    let depth = 0;
    let line = paragraph.line;
    for (let index = paragraph.start; index < paragraph.end; index++) {
      const char = text[index]!;
      if (char === "\n") line++;
      else if (char === "\\") index++;
      else if (char === "`") {
        const past = spans?.get(index);
        if (past !== undefined) {
          for (let inner = index; inner < past; inner++) if (text[inner] === "\n") line++;
          index = past - 1;
        } else while (text[index + 1] === "`") index++;
      } else if (char === "[") depth++;
      else if (char === "]") depth = Math.max(0, depth - 1);
      else if (char === "*" || char === "_") {
        let last = index;
        while (text[last + 1] === char) last++;
        const before = text[index - 1] ?? "\n";
        const after = text[last + 1] ?? "\n";
        const length = last - index + 1;
        const isLeft =
          !WHITESPACE.test(after) &&
          (!PUNCTUATION.test(after) || WHITESPACE.test(before) || PUNCTUATION.test(before));
        const isRight =
          !WHITESPACE.test(before) &&
          (!PUNCTUATION.test(before) || WHITESPACE.test(after) || PUNCTUATION.test(after));
        if (isLeft && !isRight) depth += length;
        else if (isRight && !isLeft) depth = Math.max(0, depth - length);
        index = last;
      }
      if (depth > found.depth) {
        found.depth = depth;
        found.line = line;
        if (depth > limit) return found;
      }
    }
  }
  return found;
}

/** Elements that never hold children, or whose end tag the HTML parser implies (they cannot pile up). */
const NON_NESTING = new Set(
  "area base br col embed hr img input link meta param source track wbr keygen p li dt dd tr td th option optgroup rb rt rtc rp thead tbody tfoot colgroup html head body".split(
    " ",
  ),
);

/** Raw HTML nesting: open tags minus close tags, over the whole text (HTML blocks span paragraphs). */
export function measureHtmlNesting(text: string, limit = Infinity): NestingFound {
  const found: NestingFound = { depth: 0, line: 1 };
  if (!text.includes("<")) return found;
  // A tag name ends at a space, `/` or `>`: `<https://…>` is an autolink, not an element.
  const tag = /<(\/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>]*?(\/?)>|\n/g;
  let depth = 0;
  let line = 1;
  for (const match of text.matchAll(tag)) {
    if (match[0] === "\n") {
      line++;
      continue;
    }
    for (let index = 0; index < match[0].length; index++) if (match[0][index] === "\n") line++;
    const name = match[2]!.toLowerCase();
    if (NON_NESTING.has(name) || match[3] === "/") continue;
    if (match[1] === "/") depth = Math.max(0, depth - 1);
    else if (++depth > found.depth) {
      found.depth = depth;
      found.line = line;
      if (depth > limit) break;
    }
  }
  return found;
}

/**
 * The text with the lines of fenced code blocks (``` or ~~~, up to three spaces in) emptied,
 * line breaks kept so that lines still count right. Linear: each line is looked at once.
 */
export function blankFencedCode(text: string): string {
  if (!text.includes("```") && !text.includes("~~~")) return text;
  const lines = text.split("\n");
  let fence: { char: string; length: number } | undefined;
  for (let index = 0; index < lines.length; index++) {
    const match = /^ {0,3}(`{3,}|~{3,})/.exec(lines[index] as string);
    if (fence) {
      const line = lines[index] as string;
      const isClosing =
        match?.[1] !== undefined &&
        match[1][0] === fence.char &&
        match[1].length >= fence.length &&
        /^ {0,3}[`~]+\s*$/.test(line);
      lines[index] = "";
      if (isClosing) fence = undefined;
      continue;
    }
    if (match?.[1]) {
      fence = { char: match[1][0] as string, length: match[1].length };
      lines[index] = "";
    }
  }
  return lines.join("\n");
}

/**
 * Fails a body over `maxBodyBytes` or `maxNestingDepth`. `firstLine` is the body's first line
 * in the file, so the error points at the file's line.
 */
export function checkBodyLimits(
  body: string,
  where: { file: string; firstLine: number; limits: EntryLimits },
): void {
  const { file, firstLine, limits } = where;
  // A UTF-16 unit is at least one UTF-8 byte and at most three: count only when it matters.
  if (
    body.length > limits.maxBodyBytes ||
    (body.length * 3 > limits.maxBodyBytes && utf8Length(body) > limits.maxBodyBytes)
  ) {
    throw new LimitError(
      `The body is ${utf8Length(body)} bytes, more than maxBodyBytes (${limits.maxBodyBytes}).`,
      {
        limit: "maxBodyBytes",
        location: { file, line: firstLine },
        hint: "Split the file, or raise `limits.maxBodyBytes` in wf-sync.config.ts.",
      },
    );
  }
  // Code is code: what a fenced block holds (`<div>` in an HTML sample, `> >` in a diff) nests nothing.
  const prose = blankFencedCode(body);
  const scans = [
    { what: "lists and block quotes", scan: measureBlockNesting },
    { what: "links, images and emphasis", scan: measureInlineNesting },
    { what: "HTML elements", scan: measureHtmlNesting },
  ];
  for (const { what, scan } of scans) {
    const found = scan(prose, limits.maxNestingDepth);
    if (found.depth <= limits.maxNestingDepth) continue;
    throw new LimitError(
      `The body nests ${what} more than maxNestingDepth (${limits.maxNestingDepth}) levels deep.`,
      {
        limit: "maxNestingDepth",
        location: { file, line: firstLine + found.line - 1 },
        hint: "Flatten the nesting there; unclosed `[`, `*`, `_` or HTML tags count as open levels.",
      },
    );
  }
  checkText(body, { file, firstLine, what: "The body" });
}

/** C0 controls other than tab, line feed and carriage return, DEL, C1 controls, and U+FFFD. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const BAD_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/;

/** Describes a bad character for a message. */
function describeCharacter(char: string): string {
  if (char === "\ufffd") return "invalid UTF-8 (or U+FFFD, the replacement character it becomes)";
  return `the control character U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Fails text holding invalid UTF-8 (decoded as U+FFFD) or control characters: Webflow would
 * store them silently as garbage. `firstLine` is the text's first line in the file.
 */
export function checkText(text: string, where: { file: string; firstLine: number; what: string }): void {
  const match = BAD_CHARACTER.exec(text);
  if (!match) return;
  let line = where.firstLine;
  for (
    let index = text.indexOf("\n");
    index !== -1 && index < match.index;
    index = text.indexOf("\n", index + 1)
  )
    line++;
  throw new TextEncodingError(`${where.what} contains ${describeCharacter(match[0])}.`, {
    location: { file: where.file, line },
    hint: "Save the file as UTF-8 and remove the character (a tab, line break or space is usually what was meant).",
  });
}
