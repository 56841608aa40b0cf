/**
 * Helpers shared by the per-type converters: reading `validations`, describing an
 * author's value in a message, and building failed results with the key's location.
 */
import { FieldValueError } from "../../errors.ts";
import type { ConvertResult, FieldContext } from "../convert-field.ts";
import type { FieldSchema } from "../types.ts";

/** One converter per field type; it only ever sees non-empty input (emptiness is handled centrally). */
export type Converter = (field: FieldSchema, raw: unknown, context: FieldContext) => ConvertResult;

/** A successful conversion. */
export function ok(value: unknown): ConvertResult {
  return { ok: true, value };
}

/** A FieldValueError result whose message starts with the frontmatter key, located at that key. */
export function fail(context: FieldContext, message: string, hint?: string): ConvertResult {
  return {
    ok: false,
    error: new FieldValueError(`${context.key}: ${message}`, { location: context.location, hint }),
  };
}

/** A finite number from `validations[name]`, or undefined; odd values are advisory and skipped. */
export function readNumberValidation(field: FieldSchema, name: string): number | undefined {
  const value = field.validations?.[name];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** A boolean from `validations[name]`, or undefined. */
export function readBooleanValidation(field: FieldSchema, name: string): boolean | undefined {
  const value = field.validations?.[name];
  return typeof value === "boolean" ? value : undefined;
}

/** A non-empty string from `validations[name]`, or undefined. */
export function readStringValidation(field: FieldSchema, name: string): string | undefined {
  const value = field.validations?.[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Longest quoted value we echo back; frontmatter values can be whole paragraphs. */
const QUOTE_LIMIT = 60;

/** A string in double quotes for a message, shortened when long. */
export function quote(text: string): string {
  const shortened = text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT - 1)}…` : text;
  return JSON.stringify(shortened);
}

/** How an author's value reads in a message: what YAML/TOML made of it. */
export function describeValue(raw: unknown): string {
  if (raw === null || raw === undefined) return "an empty value";
  if (typeof raw === "string") return `the text ${quote(raw)}`;
  if (typeof raw === "number" || typeof raw === "bigint") return `the number ${String(raw)}`;
  if (typeof raw === "boolean") return `the boolean ${String(raw)}`;
  if (raw instanceof Date) return "a date";
  if (Array.isArray(raw)) return "a list";
  if (typeof raw === "object") return "a mapping (key: value pairs)";
  return `a value of type ${typeof raw}`;
}

/** True for a plain `{…}` object as YAML/TOML produce for a mapping or table. */
export function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw) && !(raw instanceof Date);
}

/** Length as a person counts it: code points, so an emoji is one character, not two UTF-16 units. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Joins quoted names as `"a", "b" and "c"`. */
export function listQuoted(names: readonly string[]): string {
  const quoted = names.map((name) => JSON.stringify(name));
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} and ${quoted.at(-1) ?? ""}`;
}
