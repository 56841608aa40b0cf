/**
 * DateTime fields. Webflow stores ISO 8601 in UTC (`2022-11-18T00:00:00.000Z`, API-NOTES
 * §3.3); authors write dates many ways. Parsing is done by hand because `Date.parse`
 * rolls invalid dates over (2024-02-30 → March 1) and reads offset-less times in the
 * machine's zone, which would make output depend on where the sync runs.
 */
import { type Converter, describeValue, fail, ok, quote } from "./shared.ts";

/**
 * `YYYY-MM-DD`, optionally followed by `T`/space and `HH:mm[:ss[.fraction]]`, then an
 * optional `Z`, `UTC`, or offset `±HH[:mm]` (with or without a space before it, as Jekyll writes).
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?: ?(?:([Zz]|UTC)|([+-])(\d{2})(?::?(\d{2}))?))?)?$/;

// prettier-ignore
const MONTH_NAMES = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

const MS_PER_DAY = 86_400_000;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Milliseconds since the epoch for a date-time string, or why it cannot be read. */
export function parseDateTimeText(text: string): { epochMs: number } | { problem: string } {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return { problem: "is not a date wf-sync can read" };
  const [
    ,
    y,
    mo,
    d,
    h = "0",
    mi = "0",
    s = "0",
    fraction = "",
    zulu,
    sign,
    offsetHours,
    offsetMinutes = "0",
  ] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const [hour, minute, second] = [Number(h), Number(mi), Number(s)];
  if (month < 1 || month > 12) return { problem: `is not a real date: there is no month ${month}` };
  const monthLength = daysInMonth(year, month);
  if (day < 1 || day > monthLength) {
    return { problem: `is not a real date: ${MONTH_NAMES[month - 1] ?? ""} ${year} has ${monthLength} days` };
  }
  if (hour > 23 || minute > 59 || second > 59) return { problem: "has a time of day that does not exist" };
  let offsetMs = 0;
  if (zulu === undefined && sign !== undefined) {
    const [oh, om] = [Number(offsetHours), Number(offsetMinutes)];
    if (oh > 23 || om > 59) return { problem: "has a time-zone offset that does not exist" };
    offsetMs = (sign === "-" ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // Webflow keeps milliseconds; finer fractions are cut, not rounded, so 23:59:59.9999 stays on its day.
  date.setUTCHours(hour, minute, second, Number(fraction.padEnd(3, "0").slice(0, 3)));
  return { epochMs: date.getTime() - offsetMs };
}

/** ISO 8601 UTC with milliseconds, or undefined outside years 0000–9999 (which ISO strings cannot carry plainly). */
function formatIso(epochMs: number): string | undefined {
  if (!Number.isFinite(epochMs)) return undefined;
  const iso = new Date(epochMs).toISOString();
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

const FORMATS =
  'Write it as YYYY-MM-DD, "YYYY-MM-DD HH:mm" or ISO 8601 such as 2024-01-31T09:30:00Z (times without an offset are UTC).';

/**
 * DateTime: a `Date` (TOML dates, with local ones taken as UTC as smol-toml does) or
 * text in the forms of DATE_TIME. Numbers are refused: `2024` is more likely a year than a
 * timestamp, and seconds cannot be told from milliseconds.
 */
export const convertDateTime: Converter = (_field, raw, context) => {
  if (raw instanceof Date) {
    // smol-toml's TomlDate can be a bare time of day, which has no date to store.
    const isTimeOnly = (raw as { isTime?: () => boolean }).isTime?.() === true;
    if (isTimeOnly) return fail(context, `a time of day without a date cannot be stored. ${FORMATS}`);
    // Through getTime(): TomlDate overrides toISOString to echo the author's form.
    const iso = formatIso(raw.getTime());
    if (iso === undefined) return fail(context, `the date is invalid or out of range. ${FORMATS}`);
    return ok(iso);
  }
  if (typeof raw === "string") {
    const parsed = parseDateTimeText(raw);
    if ("problem" in parsed) return fail(context, `${quote(raw)} ${parsed.problem}. ${FORMATS}`);
    const iso = formatIso(parsed.epochMs);
    if (iso === undefined)
      return fail(context, `${quote(raw)} is out of range after conversion to UTC. ${FORMATS}`);
    return ok(iso);
  }
  const hint =
    typeof raw === "number"
      ? "Unix timestamps are not accepted, because seconds and milliseconds cannot be told apart."
      : undefined;
  return fail(context, `expected a date, got ${describeValue(raw)}. ${FORMATS}`, hint);
};

/** A stored DateTime as an author would write it: `YYYY-MM-DD` at midnight UTC, else full ISO. */
export function dateTimeToFrontmatter(value: unknown): unknown {
  let epochMs: number | undefined;
  if (value instanceof Date) epochMs = value.getTime();
  else if (typeof value === "string") {
    const parsed = parseDateTimeText(value);
    if ("epochMs" in parsed) epochMs = parsed.epochMs;
  }
  const iso = epochMs === undefined ? undefined : formatIso(epochMs);
  if (epochMs === undefined || iso === undefined) return value;
  return epochMs % MS_PER_DAY === 0 ? iso.slice(0, 10) : iso;
}
