import { createRequire } from "node:module";
import type GrayMatter from "gray-matter";
import type * as SmolToml from "smol-toml";
import type * as Yaml from "yaml";
import type { Document } from "yaml";
import { FileProcessingError, FrontmatterError, LimitError, WfSyncError } from "../errors.ts";
import { checkBodyLimits, checkText, resolveLimits, utf8Length, type EntryLimits } from "./limits.ts";
import { baseFolderOf, dateFromFileName, slugFromPath, type SlugRule } from "./slugify.ts";
import type { Entry } from "./types.ts";

/**
 * The frontmatter parsers, loaded on the first parse: a run where every file is unchanged
 * parses nothing and so does not pay the ~0.1 s they take to load. (All three ship CommonJS.)
 */
let parsers: { matter: typeof GrayMatter; yaml: typeof Yaml; toml: typeof SmolToml } | undefined;
function load(): NonNullable<typeof parsers> {
  if (!parsers) {
    const require = createRequire(import.meta.url);
    parsers = {
      matter: require("gray-matter") as typeof GrayMatter,
      yaml: require("yaml") as typeof Yaml,
      toml: require("smol-toml") as typeof SmolToml,
    };
  }
  return parsers;
}

/** Carries the key lines found while parsing YAML out of gray-matter's engine callback. */
interface ParseState {
  keyLines: Record<string, number>;
  limits: EntryLimits;
}

function frontmatterLimit(limit: keyof EntryLimits, message: string, line = 1): LimitError {
  return new LimitError(message, {
    limit,
    location: { file: "", line },
    hint: "Move long content into the Markdown body, or split the file.",
  });
}

/** Fails frontmatter text over maxFrontmatterBytes, before any parser sees it. */
function checkFrontmatterSize(source: string, limits: EntryLimits): void {
  if (source.length * 3 <= limits.maxFrontmatterBytes) return;
  const bytes = utf8Length(source);
  if (bytes > limits.maxFrontmatterBytes)
    throw frontmatterLimit(
      "maxFrontmatterBytes",
      `The frontmatter is ${bytes} bytes, more than maxFrontmatterBytes (${limits.maxFrontmatterBytes}).`,
    );
}

function refuseCode(language: string): never {
  // gray-matter ships a `javascript` engine that calls eval(): a Markdown file must never run code.
  throw new FrontmatterError(
    `Frontmatter in "${language}" is code, and wf-sync never runs code from content files.`,
    { hint: "Write the frontmatter as YAML (---) or TOML (+++)." },
  );
}

/**
 * An unclosed quote or bracket is reported where the parser gave up, often on the next key's
 * line; point at the start of the value that was left open instead, where the fix goes.
 */
function errorOffset(document: Document, offset: number): number {
  const contents = document.contents;
  if (!load().yaml.isMap(contents)) return offset;
  for (const pair of contents.items) {
    const range = load().yaml.isNode(pair.value) ? pair.value.range : undefined;
    if (range && range[0] < offset && offset <= range[1]) return range[0];
  }
  return offset;
}

function yamlEngine(state: ParseState) {
  return (source: string): Record<string, unknown> => {
    const { LineCounter, parseDocument, isMap, isScalar } = load().yaml;
    const lineCounter = new LineCounter();
    checkFrontmatterSize(source, state.limits);
    // Core schema (YAML 1.2): `yes`/`no` stay strings and dates stay text, so the field
    // conversion stage sees what the author wrote. Duplicate keys are found by checkYamlTree:
    // yaml's own check compares every key with every other (40,000 keys took a minute).
    let document: Document;
    try {
      document = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: false });
    } catch (error) {
      if (error instanceof RangeError) throw tooDeep(state.limits);
      throw error;
    }
    const [first] = document.errors;
    // yaml reports its own stack overflow as a parse error.
    if (first?.message.includes("call stack"))
      throw tooDeep(state.limits, lineCounter.linePos(first.pos[0]).line);
    if (document.errors.length > 0) {
      // Every problem at once, one per line: the author fixes them in one round.
      const seen = new Set<number>();
      const problems: FrontmatterError[] = [];
      for (const problem of document.errors) {
        const position = lineCounter.linePos(errorOffset(document, problem.pos[0]));
        if (seen.has(position.line)) continue;
        seen.add(position.line);
        const reason =
          problem.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? "parse error";
        problems.push(
          new FrontmatterError(`Invalid YAML in frontmatter: ${reason}.`, {
            cause: problem,
            location: { file: "", line: position.line, column: position.col },
            hint: "Fix the YAML between the --- lines; quote values that contain ': ' or start with a special character.",
          }),
        );
      }
      const [head, ...rest] = problems as [FrontmatterError, ...FrontmatterError[]];
      throw new FrontmatterError(head.message, {
        cause: head.cause,
        location: head.location,
        hint: head.hint,
        related: rest,
      });
    }
    const contents = document.contents;
    if (contents === null) return {};
    if (!isMap(contents)) {
      const line = contents.range ? lineCounter.linePos(contents.range[0]).line : 2;
      throw new FrontmatterError("Frontmatter must be a mapping of keys to values.", {
        location: { file: "", line },
      });
    }
    checkYamlTree(contents, { lineCounter, limits: state.limits });
    for (const pair of contents.items) {
      if (isScalar(pair.key) && pair.key.range) {
        // gray-matter hands over the text after the opening `---`, starting with the rest of
        // line 1, so a 1-based line in `source` is already the line in the file.
        state.keyLines[String(pair.key.value)] = lineCounter.linePos(pair.key.range[0]).line;
      }
    }
    let data: unknown;
    try {
      data = document.toJS({ maxAliasCount: state.limits.maxYamlAliases });
    } catch (error) {
      if (error instanceof RangeError) throw tooDeep(state.limits);
      if (error instanceof ReferenceError && /alias/i.test(error.message))
        throw frontmatterLimit(
          "maxYamlAliases",
          `The frontmatter's YAML aliases (*name) expand too much, more than maxYamlAliases (${state.limits.maxYamlAliases}).`,
        );
      throw error;
    }
    return (data ?? {}) as Record<string, unknown>;
  };
}

function tooDeep(limits: EntryLimits, line = 1): LimitError {
  return frontmatterLimit(
    "maxNestingDepth",
    `The frontmatter nests values more than maxNestingDepth (${limits.maxNestingDepth}) levels deep.`,
    line,
  );
}

/**
 * One pass over the parsed YAML: counts keys (maxFrontmatterKeys), nesting (maxNestingDepth)
 * and duplicate keys in each mapping, in time linear in the tree.
 */
function checkYamlTree(root: unknown, where: { lineCounter: Yaml.LineCounter; limits: EntryLimits }): void {
  const { isMap, isSeq, isPair, isScalar } = load().yaml;
  const { lineCounter, limits } = where;
  const lineOf = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  let keys = 0;
  // Every duplicate at once, in the order of the file.
  const duplicates: FrontmatterError[] = [];
  const pending: Array<{ node: unknown; depth: number }> = [{ node: root, depth: 1 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > limits.maxNestingDepth) throw tooDeep(limits, lineOf(node));
    const seen = new Set<string>();
    for (const item of node.items) {
      if (isPair(item)) {
        keys++;
        if (keys > limits.maxFrontmatterKeys)
          throw frontmatterLimit(
            "maxFrontmatterKeys",
            `The frontmatter has more than maxFrontmatterKeys (${limits.maxFrontmatterKeys}) keys.`,
            lineOf(item.key),
          );
        const name = isScalar(item.key) ? String(item.key.value) : undefined;
        if (name !== undefined && seen.has(name))
          duplicates.push(
            new FrontmatterError(
              `Invalid YAML in frontmatter: Map keys must be unique ("${name}" appears twice).`,
              {
                location: { file: "", line: lineOf(item.key) },
                hint: "Remove or rename one of the two keys.",
              },
            ),
          );
        if (name !== undefined) seen.add(name);
        pending.push({ node: item.value, depth: depth + 1 });
      } else pending.push({ node: item, depth: depth + 1 });
    }
  }
  if (duplicates.length === 0) return;
  const [head, ...rest] = duplicates.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0)) as [
    FrontmatterError,
    ...FrontmatterError[],
  ];
  throw new FrontmatterError(head.message, { location: head.location, hint: head.hint, related: rest });
}

function tomlEngine(state: ParseState) {
  return (source: string): Record<string, unknown> => {
    checkFrontmatterSize(source, state.limits);
    let data: Record<string, unknown>;
    try {
      data = load().toml.parse(source, { maxDepth: state.limits.maxNestingDepth }) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof RangeError) throw tooDeep(state.limits);
      if (error instanceof Error && /nested/.test(error.message))
        throw tooDeep(state.limits, 1 + ((error as { line?: number }).line ?? 0));
      throw error;
    }
    const lines = source.split("\n");
    lines.forEach((text, index) => {
      const match = /^\s*("?)([A-Za-z0-9_-]+)\1\s*=/.exec(text);
      if (match?.[2] && !(match[2] in state.keyLines)) state.keyLines[match[2]] = index + 1;
    });
    return data;
  };
}

function countLines(text: string): number {
  let lines = 0;
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) lines++;
  return lines;
}

/** Options of parseEntry. */
export interface ParseEntryOptions {
  /** Bounds on the file (see limits.ts); the defaults where not given. */
  limits?: Partial<EntryLimits> | undefined;
  /** The collection's `slugFrom`: how a file without `slug:` gets its slug. */
  slugRule?: SlugRule | undefined;
}

/**
 * CRLF and lone CR become LF, so a file saved on Windows (or with mixed endings) parses exactly
 * like its LF twin: YAML would otherwise see a `\r` after a quoted scalar, and values would end
 * in one. Each ending stays one line, so line numbers are unchanged.
 */
function normaliseLineEndings(text: string): string {
  return text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
}

/**
 * Splits a Markdown file into frontmatter data and body. YAML (`---`) and TOML (`+++`)
 * frontmatter are read; any other language is refused. Errors carry the file and line; a
 * file over a bound (limits.ts) fails with LimitError, and any unexpected exception with
 * FileProcessingError, so that one file never stops a run. `slugRule` is the collection's
 * `slugFrom` (the file's slug when the frontmatter has none).
 */
export function parseEntry(file: string, text: string, options: ParseEntryOptions = {}): Entry {
  try {
    return parseWithinLimits(file, text, resolveLimits(options.limits), options.slugRule);
  } catch (error) {
    if (error instanceof WfSyncError) throw error;
    throw new FileProcessingError(`wf-sync could not parse this file: ${describeError(error)}`, {
      cause: error,
      location: { file, line: 1 },
      hint: "This is probably a bug in wf-sync; please report it with the file. The other files are not affected.",
    });
  }
}

/** The message of an unexpected exception, for a FileProcessingError. */
export function describeError(error: unknown): string {
  if (error instanceof RangeError) return `${error.message} (the file is probably nested too deeply).`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function parseWithinLimits(
  file: string,
  text: string,
  limits: EntryLimits,
  slugRule: SlugRule | undefined,
): Entry {
  const source = normaliseLineEndings(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const state: ParseState = { keyLines: {}, limits };
  const isToml = source.startsWith("+++");
  const engines = {
    yaml: yamlEngine(state),
    toml: tomlEngine(state),
    javascript: () => refuseCode("javascript"),
    js: () => refuseCode("js"),
    json: (input: string) => {
      checkFrontmatterSize(input, limits);
      return JSON.parse(input) as Record<string, unknown>;
    },
  };
  let parsed: { data: Record<string, unknown>; content: string };
  try {
    parsed = isToml
      ? load().matter(source, { delimiters: "+++", language: "toml", engines })
      : load().matter(source, { engines });
  } catch (error) {
    throw toFrontmatterError(file, error);
  }
  const data = parsed.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new FrontmatterError("Frontmatter must be a mapping of keys to values.", {
      location: { file, line: 1 },
    });
  }
  const bodyStart = source.length - parsed.content.length;
  const bodyLine = countLines(source.slice(0, bodyStart)) + 1;
  checkData(data, { file, keyLines: state.keyLines, limits });
  checkText(source.slice(0, bodyStart), { file, firstLine: 1, what: "The frontmatter" });
  // Form feed and vertical tab are whitespace to Markdown (old page breaks): read as spaces, so
  // a line holding only one is blank, rather than failing the file as other controls do.
  const body = parsed.content.replace(/[\f\v]/g, " ");
  checkBodyLimits(body, { file, firstLine: bodyLine, limits });
  const fileDate = dateFromFileName(file);
  return {
    file,
    data: { ...data },
    keyLines: state.keyLines,
    body,
    bodyLine,
    fileSlug: slugFromPath(file, slugRule),
    ...(fileDate === undefined ? {} : { fileDate }),
    ...(slugRule ? { contentRoot: baseFolderOf(file, slugRule) } : {}),
  };
}

/**
 * Bounds the parsed values whatever the language (TOML and JSON have no tree of their own to
 * check): nesting and key count, and text values holding control characters (a YAML or TOML
 * escape such as "\x07" puts one there without it being in the file's bytes).
 */
function checkData(
  data: Record<string, unknown>,
  where: { file: string; keyLines: Record<string, number>; limits: EntryLimits },
): void {
  const { file, keyLines, limits } = where;
  let keys = 0;
  const pending: Array<{ value: unknown; depth: number; line: number }> = Object.entries(data).map(
    ([key, value]) => ({ value, depth: 1, line: keyLines[key] ?? 1 }),
  );
  keys += pending.length;
  while (pending.length > 0) {
    const { value, depth, line } = pending.pop()!;
    if (typeof value === "string") {
      try {
        checkText(value, { file, firstLine: line, what: "A frontmatter value" });
      } catch (error) {
        // The line of the key, not of a line inside the value: escapes hide where it is.
        if (error instanceof WfSyncError && error.location) error.location.line = line;
        throw error;
      }
      continue;
    }
    if (typeof value !== "object" || value === null || value instanceof Date) continue;
    if (depth >= limits.maxNestingDepth)
      throw new LimitError(
        `The frontmatter nests values more than maxNestingDepth (${limits.maxNestingDepth}) levels deep.`,
        { limit: "maxNestingDepth", location: { file, line } },
      );
    const children = Array.isArray(value) ? value : Object.values(value);
    if (!Array.isArray(value)) keys += children.length;
    if (keys > limits.maxFrontmatterKeys) break;
    for (const child of children) pending.push({ value: child, depth: depth + 1, line });
  }
  if (keys > limits.maxFrontmatterKeys)
    throw new LimitError(
      `The frontmatter has more than maxFrontmatterKeys (${limits.maxFrontmatterKeys}) keys.`,
      {
        limit: "maxFrontmatterKeys",
        location: { file, line: 1 },
      },
    );
}

function toFrontmatterError(file: string, error: unknown): WfSyncError {
  if (error instanceof LimitError) {
    if (error.location) error.location.file = file;
    return error;
  }
  if (error instanceof FrontmatterError) {
    return new FrontmatterError(error.message, {
      cause: error.cause,
      hint: error.hint,
      location: { file, line: error.location?.line ?? 1, column: error.location?.column },
      related: error.related.map((related) => toFrontmatterError(file, related)),
    });
  }
  if (error instanceof load().yaml.YAMLParseError) {
    const position = error.linePos?.[0];
    const reason = error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? "parse error";
    return new FrontmatterError(`Invalid YAML in frontmatter: ${reason}.`, {
      cause: error,
      location: { file, line: position?.line ?? 1, column: position?.col },
      hint: "Fix the YAML between the --- lines; quote values that contain ': ' or start with a special character.",
    });
  }
  if (error instanceof load().toml.TomlError) {
    return new FrontmatterError(`Invalid TOML in frontmatter: ${error.message.split("\n")[0] ?? ""}.`, {
      cause: error,
      location: { file, line: error.line + 1, column: error.column },
    });
  }
  if (error instanceof Error && /engine ".*" is not registered/.test(error.message)) {
    const language = /engine "(.*)"/.exec(error.message)?.[1] ?? "?";
    return new FrontmatterError(`Frontmatter language "${language}" is not supported.`, {
      cause: error,
      location: { file, line: 1 },
      hint: "Write the frontmatter as YAML (---) or TOML (+++).",
    });
  }
  if (error instanceof SyntaxError) {
    return new FrontmatterError(`Invalid JSON in frontmatter: ${error.message}.`, {
      cause: error,
      location: { file, line: 1 },
    });
  }
  throw error;
}
