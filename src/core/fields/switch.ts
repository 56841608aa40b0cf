/**
 * Switch fields take a boolean. YAML 1.2's core schema reads `yes`/`no` as text, but
 * authors coming from YAML 1.1 tools (Jekyll, older Hugo) write them meaning true/false,
 * so exactly these words are accepted; anything else (`on`, `1`, `y`) is an error, not a guess.
 */
import { type Converter, describeValue, fail, ok } from "./shared.ts";

const WORDS: ReadonlyMap<string, boolean> = new Map([
  ["true", true],
  ["yes", true],
  ["false", false],
  ["no", false],
]);

/** Switch: `true`/`false`, or the text `true`, `false`, `yes`, `no` in any letter case. */
export const convertSwitch: Converter = (_field, raw, context) => {
  if (typeof raw === "boolean") return ok(raw);
  if (typeof raw === "string") {
    const word = WORDS.get(raw.trim().toLowerCase());
    if (word !== undefined) return ok(word);
  }
  return fail(context, `expected true or false, got ${describeValue(raw)}. Write true or false.`);
};
