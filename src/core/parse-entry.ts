import { createRequire } from "node:module";
import type GrayMatter from "gray-matter";
import type * as SmolToml from "smol-toml";
import type * as Yaml from "yaml";
import type { Document } from "yaml";
import { FrontmatterError } from "../errors.ts";
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
    // Core schema (YAML 1.2): `yes`/`no` stay strings and dates stay text, so the field
    // conversion stage sees what the author wrote.
    const document = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
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
      const [first, ...rest] = problems as [FrontmatterError, ...FrontmatterError[]];
      throw new FrontmatterError(first.message, {
        cause: first.cause,
        location: first.location,
        hint: first.hint,
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
    for (const pair of contents.items) {
      if (isScalar(pair.key) && pair.key.range) {
        // gray-matter hands over the text after the opening `---`, starting with the rest of
        // line 1, so a 1-based line in `source` is already the line in the file.
        state.keyLines[String(pair.key.value)] = lineCounter.linePos(pair.key.range[0]).line;
      }
    }
    const data: unknown = document.toJS({ maxAliasCount: 100 });
    return (data ?? {}) as Record<string, unknown>;
  };
}

function tomlEngine(state: ParseState) {
  return (source: string): Record<string, unknown> => {
    const data = load().toml.parse(source) as Record<string, unknown>;
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

/**
 * Splits a Markdown file into frontmatter data and body. YAML (`---`) and TOML (`+++`)
 * frontmatter are read; any other language is refused. Errors carry the file and line.
 */
export function parseEntry(file: string, text: string): Entry {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const state: ParseState = { keyLines: {} };
  const isToml = source.startsWith("+++");
  const engines = {
    yaml: yamlEngine(state),
    toml: tomlEngine(state),
    javascript: () => refuseCode("javascript"),
    js: () => refuseCode("js"),
    json: (input: string) => JSON.parse(input) as Record<string, unknown>,
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
  return {
    file,
    data: { ...data },
    keyLines: state.keyLines,
    body: parsed.content,
    bodyLine: countLines(source.slice(0, bodyStart)) + 1,
  };
}

function toFrontmatterError(file: string, error: unknown): FrontmatterError {
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
