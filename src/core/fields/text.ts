/**
 * String-valued fields: PlainText, RichText, Email, Phone, Link, VideoLink, Color.
 * Each is sent as a string (API-NOTES §3.3); the checks here catch what Webflow would
 * reject, or store uselessly, before a request is made.
 */
import type { ConvertResult, FieldContext } from "../convert-field.ts";
import type { FieldSchema } from "../types.ts";
import { CSS_NAMED_COLORS } from "./css-colors.ts";
import {
  type Converter,
  characterCount,
  describeValue,
  fail,
  ok,
  quote,
  readNumberValidation,
  readStringValidation,
} from "./shared.ts";

/**
 * Applies `minLength`, `maxLength` and `pattern` where the schema has them. `counted` is
 * the text whose length is checked (RichText passes its text without tags).
 */
function checkTextValidations(options: {
  field: FieldSchema;
  value: string;
  counted: string;
  context: FieldContext;
}): ConvertResult {
  const { field, value, counted, context } = options;
  const length = characterCount(counted);
  const counting = field.type === "RichText" ? " (counting text, not tags)" : "";
  const maxLength = readNumberValidation(field, "maxLength");
  if (maxLength !== undefined && length > maxLength) {
    return fail(
      context,
      `the value is ${length} characters long${counting}, but the field "${field.displayName}" takes at most ${maxLength}. Shorten it by ${length - maxLength}.`,
    );
  }
  const minLength = readNumberValidation(field, "minLength");
  if (minLength !== undefined && length < minLength) {
    return fail(
      context,
      `the value is ${length} characters long${counting}, but the field "${field.displayName}" needs at least ${minLength}. Lengthen it.`,
    );
  }
  const pattern = compilePattern(readStringValidation(field, "pattern"));
  if (pattern && !pattern.test(value)) {
    return fail(
      context,
      `${quote(value)} does not match the pattern the field "${field.displayName}" requires (${pattern.source}). Change the value so it matches.`,
    );
  }
  return ok(value);
}

/**
 * `pattern` is not confirmed for v2 (API-NOTES §3.4), so it is advisory: a pattern that is
 * not a valid JS RegExp is ignored rather than blocking every item. Accepts `/body/flags` too.
 */
function compilePattern(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  const literal = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  try {
    return literal ? new RegExp(literal[1] ?? "", literal[2]) : new RegExp(pattern);
  } catch {
    return undefined;
  }
}

/**
 * A string, or the reason there is none. Numbers become text only when `isNumberAllowed`:
 * for PlainText `title: 2024` is plausibly meant as text, for a URL or address it is a mistake.
 */
function expectString(options: {
  raw: unknown;
  context: FieldContext;
  expected: string;
  instruction: string;
  isNumberAllowed?: boolean;
}): { text: string } | { result: ConvertResult } {
  const { raw, context, expected, instruction, isNumberAllowed = false } = options;
  if (typeof raw === "string") return { text: raw };
  if (isNumberAllowed && typeof raw === "number" && Number.isFinite(raw)) return { text: String(raw) };
  return { result: fail(context, `expected ${expected}, got ${describeValue(raw)}. ${instruction}`) };
}

/** For a YAML/TOML scalar that was meant as text, the quoted form to suggest. */
function quotedSuggestion(raw: unknown): string {
  return typeof raw === "number" || typeof raw === "boolean" ? ` (write "${String(raw)}")` : "";
}

/** PlainText: text as written (never trimmed: spacing may be intended); numbers become text. */
export const convertPlainText: Converter = (field, raw, context) => {
  const input = expectString({
    raw,
    context,
    expected: "text",
    instruction: `Put the value in quotes to keep it as text${quotedSuggestion(raw)}.`,
    isNumberAllowed: true,
  });
  if ("result" in input) return input.result;
  return checkTextValidations({ field, value: input.text, counted: input.text, context });
};

/**
 * RichText from frontmatter: the string is HTML (the Markdown body is rendered elsewhere). It
 * passes the sanitiser the caller hands in, as raw HTML in bodies does; what that removes is
 * a warning at the key's line. Lengths are counted without tags, because Webflow's limit is
 * about what readers see (**unconfirmed**); Webflow stays the final judge.
 */
export const convertRichText: Converter = (field, raw, context) => {
  const input = expectString({
    raw,
    context,
    expected: "HTML text",
    instruction: "Write the HTML in quotes, or as a block after `key: |`.",
  });
  if ("result" in input) return input.result;
  const sanitized =
    context.sanitizeHtml && input.text.includes("<") ? context.sanitizeHtml(input.text) : undefined;
  const html = sanitized?.html ?? input.text;
  const textOnly = html.replace(/<[^>]*>/g, "");
  const result = checkTextValidations({ field, value: html, counted: textOnly, context });
  if (!result.ok || sanitized?.removed === undefined) return result;
  const message = `${context.key}: the sanitiser ${sanitized.removed} from this rich-text value before sending it. Remove them from the file, or set rawHtml: "keep" for a trusted repository.`;
  return { ...result, warnings: [{ kind: "rich-text-raw-html", message, location: context.location }] };
};

/** Loose on purpose: one `@`, no spaces, a dot in the domain. Full RFC 5322 rejects nothing useful here. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

/** Email: an address shaped like `name@example.com`, sent trimmed. */
export const convertEmail: Converter = (field, raw, context) => {
  const input = expectString({
    raw,
    context,
    expected: "an email address",
    instruction: "Write it as name@example.com.",
  });
  if ("result" in input) return input.result;
  const text = input.text.trim();
  if (!EMAIL_SHAPE.test(text) || /^mailto:/i.test(text)) {
    const hint = /^mailto:/i.test(text) ? 'Leave out "mailto:".' : undefined;
    return fail(context, `${quote(text)} is not an email address. Write it as name@example.com.`, hint);
  }
  return checkTextValidations({ field, value: text, counted: text, context });
};

/** Phone numbers vary by country, so only the characters are checked, plus at least one digit. */
const PHONE_SHAPE = /^[0-9+\-().\s]+$/;

/** Phone: digits with spaces, `+`, `-`, `(`, `)`, `.`; sent trimmed. A YAML number is refused: it would lose `+` and leading zeros. */
export const convertPhone: Converter = (field, raw, context) => {
  const input = expectString({
    raw,
    context,
    expected: "a phone number as text",
    instruction: `Put it in quotes${quotedSuggestion(raw)}, so a leading + or 0 is kept.`,
  });
  if ("result" in input) return input.result;
  const text = input.text.trim();
  if (!PHONE_SHAPE.test(text) || !/\d/.test(text)) {
    return fail(
      context,
      `${quote(text)} is not a phone number. Use digits, spaces and + - ( ) . only, e.g. "+1 (555) 010-9999".`,
    );
  }
  return checkTextValidations({ field, value: text, counted: text, context });
};

/** Parses an absolute http(s) URL, or says what is wrong with the text. */
function parseWebUrl(text: string): { url: URL } | { problem: string; hint?: string } {
  if (/\s/.test(text)) return { problem: "contains spaces", hint: "Encode spaces in a URL as %20." };
  if (!/^https?:\/\//i.test(text)) {
    if (/^\/\//.test(text)) return { problem: "has no scheme", hint: `Write it as https:${text}.` };
    if (/^[a-z][a-z0-9+.-]*:/i.test(text)) {
      return { problem: "is not an http(s) address" };
    }
    if (/^[^/]+\.[a-z]{2,}(?:[/?#]|$)/i.test(text)) {
      return { problem: "has no https://", hint: `Write it as https://${text}.` };
    }
    return {
      problem: "is not an absolute URL",
      hint: "Relative links are not stored by Webflow; write the full address.",
    };
  }
  try {
    const url = new URL(text);
    if (url.hostname === "") return { problem: "has no host name" };
    return { url };
  } catch {
    return { problem: "is not a valid URL" };
  }
}

/** Link: an absolute http(s) URL, sent as written (trimmed), so the value round-trips unchanged. */
export const convertLink: Converter = (field, raw, context) => {
  const input = expectString({
    raw,
    context,
    expected: "a URL",
    instruction: "Write an absolute URL such as https://example.com/page.",
  });
  if ("result" in input) return input.result;
  const text = input.text.trim();
  const parsed = parseWebUrl(text);
  if ("problem" in parsed) {
    return fail(
      context,
      `${quote(text)} ${parsed.problem}. Write an absolute URL such as https://example.com/page.`,
      parsed.hint,
    );
  }
  return checkTextValidations({ field, value: text, counted: text, context });
};

const YOUTUBE_HOSTS = new Set(["youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com"]);
const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;

/** The video id in a YouTube URL, or undefined when the URL points at a channel, playlist or home page. */
function youtubeVideoId(url: URL, host: string): string | undefined {
  const segments = url.pathname.split("/").filter(Boolean);
  if (host === "youtu.be") return segments[0] && YOUTUBE_ID.test(segments[0]) ? segments[0] : undefined;
  const fromQuery = url.searchParams.get("v");
  if (segments[0] === "watch") return fromQuery && YOUTUBE_ID.test(fromQuery) ? fromQuery : undefined;
  if (segments[0] && ["embed", "shorts", "live", "v"].includes(segments[0])) {
    return segments[1] && YOUTUBE_ID.test(segments[1]) ? segments[1] : undefined;
  }
  return undefined;
}

/**
 * VideoLink: an absolute http(s) URL. Webflow embeds it through oEmbed, so any provider
 * may work; YouTube and Vimeo addresses are recognised and must point at one video,
 * because a channel or playlist URL is stored but never plays.
 */
export const convertVideoLink: Converter = (field, raw, context) => {
  const input = expectString({
    raw,
    context,
    expected: "a video URL",
    instruction: "Write the video's full address, such as https://www.youtube.com/watch?v=dQw4w9WgXcQ.",
  });
  if ("result" in input) return input.result;
  const text = input.text.trim();
  const parsed = parseWebUrl(text);
  if ("problem" in parsed) {
    return fail(
      context,
      `${quote(text)} ${parsed.problem}. Write the video's full address, such as https://www.youtube.com/watch?v=dQw4w9WgXcQ.`,
      parsed.hint,
    );
  }
  const host = parsed.url.hostname.toLowerCase().replace(/^www\./, "");
  if ((YOUTUBE_HOSTS.has(host) || host === "youtu.be") && !youtubeVideoId(parsed.url, host)) {
    return fail(
      context,
      `${quote(text)} is a YouTube address but not of a single video. Use the video's own link, such as https://www.youtube.com/watch?v=<id> or https://youtu.be/<id>.`,
    );
  }
  if (
    (host === "vimeo.com" || host === "player.vimeo.com") &&
    !parsed.url.pathname.split("/").some((part) => /^\d+$/.test(part))
  ) {
    return fail(
      context,
      `${quote(text)} is a Vimeo address but not of a single video. Use the video's own link, such as https://vimeo.com/76979871.`,
    );
  }
  return checkTextValidations({ field, value: text, counted: text, context });
};

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?`;
const PERCENT_OR_NUMBER = String.raw`${NUMBER}%?`;
const HUE = String.raw`${NUMBER}(?:deg|rad|grad|turn)?`;
/** Legacy comma syntax `rgb(1, 2, 3)` / `rgba(1, 2, 3, .5)` and modern `rgb(1 2 3 / 50%)`. */
function colorFunction(name: string, first: string): RegExp {
  const comma = String.raw`${first}\s*,\s*${PERCENT_OR_NUMBER}\s*,\s*${PERCENT_OR_NUMBER}(?:\s*,\s*${PERCENT_OR_NUMBER})?`;
  const space = String.raw`${first}\s+${PERCENT_OR_NUMBER}\s+${PERCENT_OR_NUMBER}(?:\s*\/\s*${PERCENT_OR_NUMBER})?`;
  return new RegExp(String.raw`^${name}a?\(\s*(?:${comma}|${space})\s*\)$`, "i");
}
const COLOR_SHAPES: readonly RegExp[] = [
  /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i,
  colorFunction("rgb", PERCENT_OR_NUMBER),
  colorFunction("hsl", HUE),
];

/** Color: the notations of API-NOTES §3.3 (hex, rgb[a](), hsl[a](), named, transparent), sent as written. */
export const convertColor: Converter = (field, raw, context) => {
  const input = expectString({
    raw,
    context,
    expected: "a colour",
    instruction: 'Write it in quotes, such as "#1a2b3c".',
  });
  if ("result" in input) return input.result;
  const text = input.text.trim();
  const lower = text.toLowerCase();
  const isColor =
    lower === "transparent" || CSS_NAMED_COLORS.has(lower) || COLOR_SHAPES.some((shape) => shape.test(text));
  if (!isColor) {
    const hint = /^[0-9a-f]{3,8}$/i.test(text) ? `Add the "#": "#${text}".` : undefined;
    return fail(
      context,
      `${quote(text)} is not a colour Webflow takes. Use #RGB, #RRGGBB (with optional alpha), rgb(), rgba(), hsl(), hsla(), a CSS colour name, or transparent.`,
      hint,
    );
  }
  return checkTextValidations({ field, value: text, counted: text, context });
};
