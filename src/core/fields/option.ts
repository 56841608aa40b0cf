/**
 * Option fields: Webflow stores the option's id (API-NOTES §3.3), authors think in names.
 * An id is taken as-is; a name is matched without regard to letter case.
 */
import type { FieldSchema } from "../types.ts";
import { type Converter, describeValue, fail, isRecord, listQuoted, ok, quote } from "./shared.ts";

/** One choice of an Option field, from `validations.options`. */
export interface FieldOption {
  id: string;
  name: string;
}

/** The options a schema lists for the field; malformed entries are skipped. */
export function readOptions(field: FieldSchema): FieldOption[] {
  const options = field.validations?.["options"];
  if (!Array.isArray(options)) return [];
  return options.flatMap((option: unknown) =>
    isRecord(option) && typeof option["id"] === "string" && typeof option["name"] === "string"
      ? [{ id: option["id"], name: option["name"] }]
      : [],
  );
}

/**
 * Option: an option id exactly, else an option name in any letter case. Numbers are read as
 * names, so `season: 2024` finds the option named "2024" without quotes.
 */
export const convertOption: Converter = (field, raw, context) => {
  const options = readOptions(field);
  if (options.length === 0) {
    return fail(
      context,
      `the schema of the field "${field.displayName}" lists no options, so no value can be checked. Add options to the field in Webflow, then refresh the cached schema.`,
    );
  }
  const validNames = `Valid options: ${options.map((option) => JSON.stringify(option.name)).join(", ")}.`;
  const text =
    typeof raw === "string"
      ? raw.trim()
      : typeof raw === "number" && Number.isFinite(raw)
        ? String(raw)
        : undefined;
  if (text === undefined) {
    return fail(context, `expected the name of an option, got ${describeValue(raw)}. ${validNames}`);
  }
  const byId = options.find((option) => option.id === text);
  if (byId) return ok(byId.id);
  // An exact-case name wins, so two options differing only in case stay reachable.
  const byExactName = options.find((option) => option.name === text);
  if (byExactName) return ok(byExactName.id);
  const lower = text.toLowerCase();
  const byName = options.filter((option) => option.name.toLowerCase() === lower);
  if (byName.length > 1) {
    return fail(
      context,
      `${quote(text)} matches several options that differ only in letter case (${listQuoted(byName.map((option) => option.name))}). Write the name with its exact letter case, or the option's id.`,
    );
  }
  const [match] = byName;
  if (match) return ok(match.id);
  return fail(context, `${quote(text)} is not an option of the field "${field.displayName}". ${validNames}`);
};

/** A stored option id as its name, which is what authors write; an unknown id stays as-is (it still converts back). */
export function optionToFrontmatter(field: FieldSchema, value: unknown): unknown {
  if (typeof value !== "string") return value;
  return readOptions(field).find((option) => option.id === value)?.name ?? value;
}
