/**
 * Number fields. The value must already be a YAML/TOML number: `"42"` in quotes is an
 * error, not a guess, so a typo like `"4 2"` can never turn into a silently wrong price.
 */
import {
  type Converter,
  describeValue,
  fail,
  ok,
  quote,
  readBooleanValidation,
  readNumberValidation,
} from "./shared.ts";

/** What YAML 1.2 / TOML would read as a number if the quotes were removed. */
const NUMERIC_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
/** Digit groups (`1,000`, `1_000`, `1 000`) that YAML reads as text. */
const GROUPED_DIGITS = /^[+-]?\d{1,3}(?:[,_ ]\d{3})+(?:\.\d+)?$/;

/** Reads a number out of the author's value, or explains why it is not one. */
function readNumber(raw: unknown): { value: number } | { problem: string; hint?: string } {
  if (typeof raw === "number") {
    if (!Number.isFinite(raw))
      return { problem: `${String(raw)} is not a number Webflow can store`, hint: "Write a finite number." };
    return { value: raw };
  }
  // smol-toml can hand out bigint for integers beyond 2^53; those would lose digits in JSON.
  if (typeof raw === "bigint") {
    const value = Number(raw);
    if (Number.isSafeInteger(value)) return { value };
    return {
      problem: `${String(raw)} is too large to store exactly (the limit is ±${Number.MAX_SAFE_INTEGER})`,
    };
  }
  if (typeof raw === "string") {
    const text = raw.trim();
    if (NUMERIC_TEXT.test(text)) {
      return {
        problem: `${quote(raw)} is text, not a number`,
        hint: `Remove the quotes (write ${text}) so YAML/TOML reads it as a number.`,
      };
    }
    if (GROUPED_DIGITS.test(text)) {
      return {
        problem: `${quote(raw)} is text, not a number`,
        hint: `Write it without separators: ${text.replace(/[,_ ]/g, "")}.`,
      };
    }
  }
  return { problem: `expected a number, got ${describeValue(raw)}` };
}

/** Number: a finite number checked against `format`, `allowNegative`, `allowZero`, `minValue`, `maxValue`. */
export const convertNumber: Converter = (field, raw, context) => {
  const read = readNumber(raw);
  if ("problem" in read) {
    return fail(context, `${read.problem}. Write a number such as 42 or 3.5, without quotes.`, read.hint);
  }
  // -0 would be sent as 0 by JSON anyway; normalising keeps allowNegative from tripping on it.
  const value = read.value === 0 ? 0 : read.value;
  const name = field.displayName;
  if (field.validations?.["format"] === "integer" && !Number.isInteger(value)) {
    return fail(
      context,
      `${value} has decimals, but the field "${name}" takes whole numbers only. Round it to ${Math.round(value)} or another whole number.`,
    );
  }
  if (readBooleanValidation(field, "allowNegative") === false && value < 0) {
    return fail(
      context,
      `${value} is negative, but the field "${name}" does not allow negative numbers. Use 0 or more.`,
    );
  }
  if (readBooleanValidation(field, "allowZero") === false && value === 0) {
    return fail(
      context,
      `the field "${name}" does not allow 0. Use another number, or leave the key empty to clear it.`,
    );
  }
  const minValue = readNumberValidation(field, "minValue");
  if (minValue !== undefined && value < minValue) {
    return fail(
      context,
      `${value} is below the minimum of ${minValue} for the field "${name}". Use ${minValue} or more.`,
    );
  }
  const maxValue = readNumberValidation(field, "maxValue");
  if (maxValue !== undefined && value > maxValue) {
    return fail(
      context,
      `${value} is above the maximum of ${maxValue} for the field "${name}". Use ${maxValue} or less.`,
    );
  }
  return ok(value);
};
