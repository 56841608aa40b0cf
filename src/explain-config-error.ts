import type { z } from "zod";
import { closestMatch } from "./core/closest-match.ts";
import type { SourceLocation } from "./errors.ts";

/** What zod keeps about a schema: its kind and, per kind, the parts walked here. */
interface SchemaDef {
  type: string;
  innerType?: unknown;
  in?: unknown;
  getter?: () => unknown;
  shape?: Record<string, unknown>;
  element?: unknown;
  valueType?: unknown;
  options?: unknown[];
}

function defOf(schema: unknown): SchemaDef | undefined {
  return (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;
}

/** The schema under wrappers that do not change which keys an object takes. */
function unwrap(schema: unknown): unknown {
  for (let depth = 0; depth < 20; depth++) {
    const def = defOf(schema);
    if (!def) return schema;
    if (def.innerType !== undefined) schema = def.innerType;
    else if (def.type === "pipe") schema = def.in;
    else if (def.type === "lazy" && def.getter) schema = def.getter();
    else return schema;
  }
  return schema;
}

/** The object schemas a value at this place may be (one, or the object options of a union). */
function objectsAt(schema: unknown): Array<Record<string, unknown>> {
  const def = defOf(unwrap(schema));
  if (def?.type === "object" && def.shape) return [def.shape];
  if (def?.type === "union") return (def.options ?? []).flatMap(objectsAt);
  return [];
}

/** The schema that validates the value at `path` inside a value of `schema`, if it can be told. */
export function schemaAt(schema: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = schema;
  for (const segment of path) {
    const def = defOf(unwrap(current));
    if (!def) return undefined;
    if (def.type === "array") current = def.element;
    else if (def.type === "record") current = def.valueType;
    else if (def.type === "object" || def.type === "union") {
      const shape = objectsAt(current).find((candidate) => String(segment) in candidate);
      if (!shape) return undefined;
      current = shape[String(segment)];
    } else return undefined;
  }
  return current;
}

/** The keys an object at `path` accepts. */
export function knownKeysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  return [...new Set(objectsAt(schemaAt(schema, path)).flatMap((shape) => Object.keys(shape)))];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Line and column (1-based) of `offset` in `text`. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/**
 * Where the key at the end of `path` is written in the config's source: each key of the path
 * is looked for after the previous one (`collections` … `include`), as `key:` or `"key":`.
 * The deepest key found wins; numeric indexes are skipped.
 */
export function locateKey(
  text: string,
  path: readonly PropertyKey[],
): { line: number; column: number } | undefined {
  let from = 0;
  let found: number | undefined;
  for (const segment of path) {
    if (typeof segment !== "string") continue;
    const pattern = new RegExp(`(^|[\\s{,])(["']?)${escapeRegExp(segment)}\\2\\s*:`, "gm");
    pattern.lastIndex = from;
    const match = pattern.exec(text);
    if (!match) break;
    found = match.index + (match[1]?.length ?? 0);
    from = found + segment.length;
  }
  return found === undefined ? undefined : lineColumn(text, found);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === "number" ? `[${segment}]` : `${index === 0 ? "" : "."}${String(segment)}`,
    )
    .join("");
}

export interface ConfigProblem {
  message: string;
  /** Where in the value the problem is, e.g. `collections[0].include`. */
  path: string;
  line?: number | undefined;
  column?: number | undefined;
}

/**
 * The config's zod issues as problems an author can act on: one per unknown key, with "did you
 * mean …?" for a near miss (else the keys that place accepts), each with its line in the source
 * when the key can be found there.
 */
export function explainConfigIssues(options: {
  issues: readonly z.core.$ZodIssue[];
  schema: unknown;
  /** The value that failed, to tell a missing key from a wrong one. */
  value: unknown;
  sourceText: string | undefined;
}): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of options.issues) {
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    for (const key of keys) {
      const path = key === undefined ? issue.path : [...issue.path, key];
      let message = issue.message;
      // A required key left out: zod says "Invalid input" or "expected string, received undefined".
      const isMissing =
        key === undefined && issue.path.length > 0 && valueAt(options.value, path) === undefined;
      if (isMissing) message = `Missing required key "${String(path.at(-1))}".`;
      if (key !== undefined) {
        const known = knownKeysAt(options.schema, issue.path);
        const suggestion = closestMatch(key, known);
        message = suggestion
          ? `Unknown key "${key}": did you mean "${suggestion}"?`
          : `Unknown key "${key}" (known keys here: ${known.join(", ")}).`;
      }
      const where =
        options.sourceText === undefined
          ? undefined
          : locateKey(options.sourceText, isMissing ? path.slice(0, -1) : path);
      problems.push({ message, path: formatPath(path), line: where?.line, column: where?.column });
    }
  }
  return problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

/** The problems as lines under the error's first line, in the shape of zod's prettifyError. */
export function formatConfigProblems(problems: readonly ConfigProblem[]): string {
  return problems
    .map(
      (problem) =>
        `✖ ${problem.message}${problem.path ? `\n  → at ${problem.path}` : ""}${problem.line ? ` (line ${problem.line})` : ""}`,
    )
    .join("\n");
}

/**
 * Where a config that could not be loaded went wrong: jiti's parse errors end with
 * `<file>:<line>:<column>`, and an exception thrown while the config runs has that file in
 * its stack.
 */
export function locateLoadError(
  error: unknown,
  configFile: string,
): { line: number; column: number } | undefined {
  const text =
    error instanceof Error
      ? `${error.message}\n${error.stack ?? ""}`
      : typeof error === "string"
        ? error
        : "";
  const match = new RegExp(`${escapeRegExp(configFile)}:(\\d+):(\\d+)`).exec(text);
  if (!match) return undefined;
  return { line: Number(match[1]), column: Number(match[2]) };
}

/** The first line of a load error's message, without jiti's trailing location. */
export function loadErrorReason(error: unknown, configFile: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split("\n")[0]?.trim() ?? "";
  const reason = firstLine.replace(/^ParseError: /, "").trim();
  const named = error instanceof Error && error.name !== "Error" ? `${error.name}: ` : "";
  const cleaned = reason.replace(new RegExp(`\\s*${escapeRegExp(configFile)}:\\d+:\\d+\\s*$`), "");
  return /^ParseError: /.test(firstLine) ? `syntax error: ${cleaned}` : `${named}${cleaned}`;
}

/** A short code frame: the line before, the line, a caret under the column, the line after. */
export function codeFrame(text: string, location: Pick<SourceLocation, "line" | "column">): string {
  const lines = text.split(/\r?\n/);
  const line = location.line ?? 1;
  const first = Math.max(1, line - 1);
  const last = Math.min(lines.length, line + 1);
  const width = String(last).length;
  const frame: string[] = [];
  for (let number = first; number <= last; number++) {
    const marker = number === line ? ">" : " ";
    frame.push(`${marker} ${String(number).padStart(width)} | ${lines[number - 1] ?? ""}`.trimEnd());
    if (number === line && location.column)
      frame.push(`  ${" ".repeat(width)} | ${" ".repeat(Math.max(0, location.column - 1))}^`);
  }
  return frame.join("\n");
}
