import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { AssetError, FieldValueError, ReferenceError } from "../errors.ts";
import {
  type ConvertResult,
  type FieldContext,
  type FieldDependency,
  checkAssetLimits,
  convertFieldValue,
  listFieldDependencies,
  toFrontmatterValue,
} from "./convert-field.ts";
import type { FieldSchema } from "./types.ts";

const location = { file: "content/blog/post.md", line: 7 };
const AUTHORS = "coll-authors";

function makeField(
  type: string,
  options: { validations?: Record<string, unknown> | null; isRequired?: boolean; isEditable?: boolean } = {},
): FieldSchema {
  return {
    id: `field-${type}`,
    slug: type.toLowerCase(),
    displayName: `My ${type}`,
    type,
    isRequired: options.isRequired ?? false,
    ...(options.isEditable === undefined ? {} : { isEditable: options.isEditable }),
    validations: options.validations ?? null,
  };
}

/** Items of the authors collection, by every target the resolver knows (slug, path, and id). */
const ITEM_IDS: Record<string, string> = {
  "jane-doe": "item-jane",
  "../authors/jane-doe.md": "item-jane",
  john: "item-john",
  "2024": "item-2024",
  "item-jane": "item-jane",
  "item-john": "item-john",
  "item-zed": "item-zed",
};
const SLUGS: Record<string, string> = { "item-jane": "jane-doe", "item-john": "john" };
const ASSETS: Record<string, { fileId: string; url: string }> = {
  "img/cover.png": { fileId: "asset-cover", url: "https://cdn.example/asset-cover_cover.png" },
  "../shared/logo.svg": { fileId: "asset-logo", url: "https://cdn.example/asset-logo_logo.svg" },
  "docs/guide.pdf": { fileId: "asset-guide", url: "https://cdn.example/asset-guide_guide.pdf" },
};

const context: FieldContext = {
  location,
  key: "value",
  resolveReference: (target, collectionId) => (collectionId === AUTHORS ? ITEM_IDS[target] : undefined),
  resolveAsset: (path) => ASSETS[path],
};

const slugForItemId = (itemId: string, collectionId: string): string | undefined =>
  collectionId === AUTHORS ? SLUGS[itemId] : undefined;

const OPTIONS = {
  options: [
    { id: "opt-design", name: "Design" },
    { id: "opt-code", name: "Code" },
    { id: "opt-2024", name: "2024" },
  ],
};

const plain = makeField("PlainText");
const richText = makeField("RichText");
const email = makeField("Email");
const phone = makeField("Phone");
const link = makeField("Link");
const videoLink = makeField("VideoLink");
const color = makeField("Color");
const number = makeField("Number");
const dateTime = makeField("DateTime");
const switchField = makeField("Switch");
const option = makeField("Option", { validations: OPTIONS });
const reference = makeField("Reference", { validations: { collectionId: AUTHORS } });
const multiReference = makeField("MultiReference", { validations: { collectionId: AUTHORS } });
const image = makeField("Image");
const multiImage = makeField("MultiImage");
const file = makeField("File");

function expectOk(result: ConvertResult): unknown {
  if (!result.ok) throw new Error(`expected success, got ${result.error.name}: ${result.error.message}`);
  return result.value;
}

const t = toFrontmatterValue;

describe("convertFieldValue: valid values", () => {
  it.each<[string, FieldSchema, unknown, unknown]>([
    ["PlainText as written", plain, "Hello, world", "Hello, world"],
    ["PlainText keeps surrounding spaces", plain, "  spaced  ", "  spaced  "],
    ["PlainText from a YAML integer", plain, 2024, "2024"],
    ["PlainText from a YAML decimal", plain, 3.5, "3.5"],
    [
      "PlainText at maxLength, counting an emoji as one character",
      makeField("PlainText", { validations: { maxLength: 3 } }),
      "ab👍",
      "ab👍",
    ],
    ["PlainText at minLength", makeField("PlainText", { validations: { minLength: 2 } }), "ab", "ab"],
    [
      "PlainText matching a pattern",
      makeField("PlainText", { validations: { pattern: "^[a-z-]+$" } }),
      "a-b",
      "a-b",
    ],
    [
      "PlainText matching a /pattern/flags literal",
      makeField("PlainText", { validations: { pattern: "/^abc$/i" } }),
      "ABC",
      "ABC",
    ],
    [
      "PlainText with an uncompilable pattern (advisory, ignored)",
      makeField("PlainText", { validations: { pattern: "([" } }),
      "x",
      "x",
    ],
    ["RichText HTML as-is", richText, "<p>Hi <em>there</em></p>", "<p>Hi <em>there</em></p>"],
    [
      "RichText maxLength counts text without tags",
      makeField("RichText", { validations: { maxLength: 2 } }),
      "<p>Hi</p>",
      "<p>Hi</p>",
    ],
    ["Email, trimmed", email, "  jane@example.com ", "jane@example.com"],
    ["Email with plus and subdomain", email, "jane+news@mail.example.co.uk", "jane+news@mail.example.co.uk"],
    ["Phone with + ( ) - and spaces", phone, "+1 (555) 010-9999", "+1 (555) 010-9999"],
    ["Phone with dots", phone, "030.1234.5678", "030.1234.5678"],
    ["Link https", link, "https://example.com/a?b=1#c", "https://example.com/a?b=1#c"],
    ["Link http, trimmed", link, " http://example.org ", "http://example.org"],
    [
      "VideoLink YouTube watch",
      videoLink,
      "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
      "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    ],
    [
      "VideoLink youtu.be",
      videoLink,
      "https://youtu.be/dQw4w9WgXcQ?t=42",
      "https://youtu.be/dQw4w9WgXcQ?t=42",
    ],
    [
      "VideoLink YouTube shorts",
      videoLink,
      "https://youtube.com/shorts/dQw4w9WgXcQ",
      "https://youtube.com/shorts/dQw4w9WgXcQ",
    ],
    [
      "VideoLink YouTube embed",
      videoLink,
      "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
      "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    ],
    ["VideoLink Vimeo", videoLink, "https://vimeo.com/76979871", "https://vimeo.com/76979871"],
    [
      "VideoLink Vimeo player",
      videoLink,
      "https://player.vimeo.com/video/76979871",
      "https://player.vimeo.com/video/76979871",
    ],
    [
      "VideoLink other provider",
      videoLink,
      "https://www.loom.com/share/abc123",
      "https://www.loom.com/share/abc123",
    ],
    ["Color #RGB", color, "#fff", "#fff"],
    ["Color #RGBA", color, "#FFFA", "#FFFA"],
    ["Color #RRGGBB", color, "#1a2b3c", "#1a2b3c"],
    ["Color #RRGGBBAA", color, "#1a2b3c80", "#1a2b3c80"],
    ["Color rgb() with commas", color, "rgb(26, 43, 60)", "rgb(26, 43, 60)"],
    ["Color rgba()", color, "rgba(26,43,60,0.5)", "rgba(26,43,60,0.5)"],
    ["Color rgb() space syntax with alpha", color, "rgb(26 43 60 / 50%)", "rgb(26 43 60 / 50%)"],
    ["Color hsl()", color, "hsl(120, 50%, 40%)", "hsl(120, 50%, 40%)"],
    ["Color hsla() with deg and alpha", color, "hsla(120deg 50% 40% / .5)", "hsla(120deg 50% 40% / .5)"],
    ["Color named, any case", color, "RebeccaPurple", "RebeccaPurple"],
    ["Color transparent", color, "transparent", "transparent"],
    ["Number integer", number, 42, 42],
    ["Number decimal, negative", number, -3.5, -3.5],
    ["Number zero", number, 0, 0],
    ["Number -0 becomes 0", makeField("Number", { validations: { allowNegative: false } }), -0, 0],
    ["Number bigint within range", number, 42n, 42],
    ["Number integer format", makeField("Number", { validations: { format: "integer" } }), 7, 7],
    ["Number decimal format", makeField("Number", { validations: { format: "decimal" } }), 7.25, 7.25],
    [
      "Number at minValue and maxValue",
      makeField("Number", { validations: { minValue: 1, maxValue: 1 } }),
      1,
      1,
    ],
    ["DateTime YYYY-MM-DD is midnight UTC", dateTime, "2024-03-05", "2024-03-05T00:00:00.000Z"],
    ["DateTime leap day", dateTime, "2024-02-29", "2024-02-29T00:00:00.000Z"],
    ["DateTime YYYY-MM-DD HH:mm is UTC", dateTime, "2024-03-05 14:30", "2024-03-05T14:30:00.000Z"],
    ["DateTime YYYY-MM-DD HH:mm:ss", dateTime, "2024-03-05 14:30:15", "2024-03-05T14:30:15.000Z"],
    ["DateTime ISO with T and no offset is UTC", dateTime, "2024-03-05T14:30", "2024-03-05T14:30:00.000Z"],
    ["DateTime ISO with Z", dateTime, "2024-03-05T14:30:15Z", "2024-03-05T14:30:15.000Z"],
    [
      "DateTime fractional seconds cut to ms",
      dateTime,
      "2024-03-05T14:30:15.123999Z",
      "2024-03-05T14:30:15.123Z",
    ],
    ["DateTime one fractional digit", dateTime, "2024-03-05T14:30:15.5Z", "2024-03-05T14:30:15.500Z"],
    ["DateTime positive offset", dateTime, "2024-03-05T14:30:15+02:00", "2024-03-05T12:30:15.000Z"],
    ["DateTime negative half-hour offset", dateTime, "2024-03-05T01:00:00-05:30", "2024-03-05T06:30:00.000Z"],
    ["DateTime Jekyll style offset", dateTime, "2024-03-05 14:30:00 +0200", "2024-03-05T12:30:00.000Z"],
    ["DateTime hour-only offset", dateTime, "2024-03-05T14:30:00+02", "2024-03-05T12:30:00.000Z"],
    ["DateTime UTC suffix", dateTime, "2024-03-05 14:30:00 UTC", "2024-03-05T14:30:00.000Z"],
    [
      "DateTime offset crossing into the previous year",
      dateTime,
      "2024-01-01T00:30:00+01:00",
      "2023-12-31T23:30:00.000Z",
    ],
    ["DateTime lower-case t and z", dateTime, "2024-03-05t14:30:00z", "2024-03-05T14:30:00.000Z"],
    ["DateTime year below 100 stays itself", dateTime, "0099-01-01", "0099-01-01T00:00:00.000Z"],
    ["DateTime JS Date", dateTime, new Date(Date.UTC(2024, 2, 5, 10)), "2024-03-05T10:00:00.000Z"],
    ["Switch true", switchField, true, true],
    ["Switch false", switchField, false, false],
    ["Switch yes", switchField, "yes", true],
    ["Switch No", switchField, "No", false],
    ["Switch quoted TRUE", switchField, "TRUE", true],
    ["Switch quoted false", switchField, "false", false],
    ["Option by name", option, "Design", "opt-design"],
    ["Option by name, any case and spacing", option, "  cODE ", "opt-code"],
    ["Option by id", option, "opt-code", "opt-code"],
    ["Option by a YAML number naming an option", option, 2024, "opt-2024"],
    [
      "Option exact case wins over a case-only twin",
      makeField("Option", {
        validations: {
          options: [
            { id: "o1", name: "Ab" },
            { id: "o2", name: "aB" },
          ],
        },
      }),
      "aB",
      "o2",
    ],
    ["Reference by slug", reference, "jane-doe", "item-jane"],
    ["Reference by relative path", reference, "../authors/jane-doe.md", "item-jane"],
    ["Reference by a YAML number slug", reference, 2024, "item-2024"],
    ["Reference trimmed", reference, " john ", "item-john"],
    ["MultiReference list", multiReference, ["jane-doe", "john"], ["item-jane", "item-john"]],
    ["MultiReference single string", multiReference, "john", ["item-john"]],
    [
      "MultiReference deduped by target and by item",
      multiReference,
      ["jane-doe", "../authors/jane-doe.md", "john", "jane-doe"],
      ["item-jane", "item-john"],
    ],
    ["Image URL", image, "https://images.example.com/a.jpg", { url: "https://images.example.com/a.jpg" }],
    [
      "Image {src, alt} URL",
      image,
      { src: "https://images.example.com/a.jpg", alt: "A cat" },
      { url: "https://images.example.com/a.jpg", alt: "A cat" },
    ],
    [
      "Image {url} with empty alt",
      image,
      { url: "https://images.example.com/a.jpg", alt: "" },
      { url: "https://images.example.com/a.jpg" },
    ],
    [
      "Image local path",
      image,
      "img/cover.png",
      { fileId: "asset-cover", url: "https://cdn.example/asset-cover_cover.png" },
    ],
    [
      "Image local path going up",
      image,
      "../shared/logo.svg",
      { fileId: "asset-logo", url: "https://cdn.example/asset-logo_logo.svg" },
    ],
    [
      "Image {src: local path, alt}",
      image,
      { src: "img/cover.png", alt: "Cover" },
      { fileId: "asset-cover", url: "https://cdn.example/asset-cover_cover.png", alt: "Cover" },
    ],
    [
      "Image {path}",
      image,
      { path: "img/cover.png" },
      { fileId: "asset-cover", url: "https://cdn.example/asset-cover_cover.png" },
    ],
    [
      "Image existing asset by fileId",
      image,
      { fileId: "asset-9", url: "https://cdn.example/x.png", alt: "X" },
      { fileId: "asset-9", url: "https://cdn.example/x.png", alt: "X" },
    ],
    [
      "MultiImage list of URL and local path",
      multiImage,
      ["https://images.example.com/a.jpg", { src: "img/cover.png", alt: "Cover" }],
      [
        { url: "https://images.example.com/a.jpg" },
        { fileId: "asset-cover", url: "https://cdn.example/asset-cover_cover.png", alt: "Cover" },
      ],
    ],
    [
      "MultiImage single value",
      multiImage,
      "https://images.example.com/a.jpg",
      [{ url: "https://images.example.com/a.jpg" }],
    ],
    [
      "File local document",
      file,
      "docs/guide.pdf",
      { fileId: "asset-guide", url: "https://cdn.example/asset-guide_guide.pdf" },
    ],
    ["File URL", file, "https://example.com/terms.pdf", { url: "https://example.com/terms.pdf" }],
    [
      "File holding an image",
      file,
      { src: "img/cover.png", alt: "Cover" },
      { fileId: "asset-cover", url: "https://cdn.example/asset-cover_cover.png", alt: "Cover" },
    ],
  ])("%s", (_label, field, raw, expected) => {
    expect(expectOk(convertFieldValue(field, raw, context))).toEqual(expected);
  });
});

describe("convertFieldValue: empty values clear optional fields", () => {
  it.each<[string, FieldSchema, unknown, unknown]>([
    ["null", plain, null, null],
    ["undefined (key missing)", plain, undefined, null],
    ['""', plain, "", null],
    ["blank text for a non-text type", email, "   ", null],
    ["[] for a single-value type", reference, [], null],
    ["null for a Number", number, null, null],
    ["[] for MultiReference", multiReference, [], []],
    ["null for MultiReference is the empty list", multiReference, null, []],
    ["null for MultiImage is the empty list", multiImage, null, []],
  ])("%s", (_label, field, raw, expected) => {
    expect(expectOk(convertFieldValue(field, raw, context))).toEqual(expected);
  });

  it("keeps whitespace-only text for PlainText, where spaces are content", () => {
    expect(expectOk(convertFieldValue(plain, " ", context))).toBe(" ");
  });
});

const DATE_FORMATS =
  'Write it as YYYY-MM-DD, "YYYY-MM-DD HH:mm" or ISO 8601 such as 2024-01-31T09:30:00Z (times without an offset are UTC).';
const IMAGE_FORMS = 'Write a URL, a path relative to the Markdown file, or { src: <url or path>, alt: "…" }.';
const IMAGE_TYPES = "Use one of: .png, .jpg, .jpeg, .gif, .svg, .webp, .avif.";
type ErrorClass = typeof FieldValueError | typeof ReferenceError | typeof AssetError;

describe("convertFieldValue: invalid values", () => {
  it.each<[string, FieldSchema, unknown, ErrorClass, string, string?]>([
    // Every type: required
    [
      "required PlainText empty",
      makeField("PlainText", { isRequired: true }),
      "",
      FieldValueError,
      'value: the field "My PlainText" is required, but the value is empty. Give it a value.',
    ],
    [
      "required Number missing",
      makeField("Number", { isRequired: true }),
      undefined,
      FieldValueError,
      'value: the field "My Number" is required, but the value is empty. Give it a value.',
    ],
    [
      "required MultiReference []",
      makeField("MultiReference", { isRequired: true, validations: { collectionId: AUTHORS } }),
      [],
      FieldValueError,
      'value: the field "My MultiReference" is required, but the value is empty. Give it a value.',
    ],
    [
      "required Color read as a YAML comment",
      makeField("Color", { isRequired: true }),
      null,
      FieldValueError,
      'value: the field "My Color" is required, but the value is empty. Give it a value.',
      'YAML reads an unquoted # as the start of a comment; write the colour in quotes: "#1a2b3c".',
    ],
    // Read-only and unsupported
    [
      "User",
      makeField("User"),
      "Person_1",
      FieldValueError,
      'value: the field "My User" has type User, which wf-sync cannot write (it is read-only or not supported). Remove the key, or map it to another field in wf-sync.config.ts.',
    ],
    [
      "ExtFileRef",
      makeField("ExtFileRef"),
      "x",
      FieldValueError,
      'value: the field "My ExtFileRef" has type ExtFileRef, which wf-sync cannot write (it is read-only or not supported). Remove the key, or map it to another field in wf-sync.config.ts.',
    ],
    [
      "unknown future type",
      makeField("Hologram"),
      "x",
      FieldValueError,
      'value: the field "My Hologram" has type Hologram, which wf-sync cannot write (it is read-only or not supported). Remove the key, or map it to another field in wf-sync.config.ts.',
    ],
    [
      "type named like an Object.prototype key",
      makeField("constructor"),
      "x",
      FieldValueError,
      'value: the field "My constructor" has type constructor, which wf-sync cannot write (it is read-only or not supported). Remove the key, or map it to another field in wf-sync.config.ts.',
    ],
    [
      "isEditable: false",
      makeField("PlainText", { isEditable: false }),
      "x",
      FieldValueError,
      'value: the field "My PlainText" is managed by Webflow and cannot be written. Remove the key, or map it to another field in wf-sync.config.ts.',
    ],
    // PlainText
    [
      "PlainText boolean",
      plain,
      true,
      FieldValueError,
      'value: expected text, got the boolean true. Put the value in quotes to keep it as text (write "true").',
    ],
    [
      "PlainText list",
      plain,
      ["a"],
      FieldValueError,
      "value: expected text, got a list. Put the value in quotes to keep it as text.",
    ],
    [
      "PlainText Infinity",
      plain,
      Number.POSITIVE_INFINITY,
      FieldValueError,
      'value: expected text, got the number Infinity. Put the value in quotes to keep it as text (write "Infinity").',
    ],
    [
      "PlainText over maxLength",
      makeField("PlainText", { validations: { maxLength: 3 } }),
      "abcd",
      FieldValueError,
      'value: the value is 4 characters long, but the field "My PlainText" takes at most 3. Shorten it by 1.',
    ],
    [
      "PlainText under minLength",
      makeField("PlainText", { validations: { minLength: 3 } }),
      "ab",
      FieldValueError,
      'value: the value is 2 characters long, but the field "My PlainText" needs at least 3. Lengthen it.',
    ],
    [
      "PlainText not matching pattern",
      makeField("PlainText", { validations: { pattern: "^[a-z]+$" } }),
      "AB",
      FieldValueError,
      'value: "AB" does not match the pattern the field "My PlainText" requires (^[a-z]+$). Change the value so it matches.',
    ],
    // RichText
    [
      "RichText number",
      richText,
      5,
      FieldValueError,
      "value: expected HTML text, got the number 5. Write the HTML in quotes, or as a block after `key: |`.",
    ],
    [
      "RichText over maxLength",
      makeField("RichText", { validations: { maxLength: 3 } }),
      "<p>abcd</p>",
      FieldValueError,
      'value: the value is 4 characters long (counting text, not tags), but the field "My RichText" takes at most 3. Shorten it by 1.',
    ],
    // Email
    [
      "Email without @",
      email,
      "jane.example.com",
      FieldValueError,
      'value: "jane.example.com" is not an email address. Write it as name@example.com.',
    ],
    [
      "Email without dot in domain",
      email,
      "jane@localhost",
      FieldValueError,
      'value: "jane@localhost" is not an email address. Write it as name@example.com.',
    ],
    [
      "Email with mailto:",
      email,
      "mailto:jane@example.com",
      FieldValueError,
      'value: "mailto:jane@example.com" is not an email address. Write it as name@example.com.',
      'Leave out "mailto:".',
    ],
    [
      "Email number",
      email,
      5,
      FieldValueError,
      "value: expected an email address, got the number 5. Write it as name@example.com.",
    ],
    // Phone
    [
      "Phone as YAML number",
      phone,
      5550109999,
      FieldValueError,
      'value: expected a phone number as text, got the number 5550109999. Put it in quotes (write "5550109999"), so a leading + or 0 is kept.',
    ],
    [
      "Phone with letters",
      phone,
      "call me",
      FieldValueError,
      'value: "call me" is not a phone number. Use digits, spaces and + - ( ) . only, e.g. "+1 (555) 010-9999".',
    ],
    [
      "Phone without digits",
      phone,
      "+()",
      FieldValueError,
      'value: "+()" is not a phone number. Use digits, spaces and + - ( ) . only, e.g. "+1 (555) 010-9999".',
    ],
    // Link
    [
      "Link without scheme",
      link,
      "example.com/page",
      FieldValueError,
      'value: "example.com/page" has no https://. Write an absolute URL such as https://example.com/page.',
      "Write it as https://example.com/page.",
    ],
    [
      "Link relative",
      link,
      "/about",
      FieldValueError,
      'value: "/about" is not an absolute URL. Write an absolute URL such as https://example.com/page.',
      "Relative links are not stored by Webflow; write the full address.",
    ],
    [
      "Link ftp",
      link,
      "ftp://example.org/file",
      FieldValueError,
      'value: "ftp://example.org/file" is not an http(s) address. Write an absolute URL such as https://example.com/page.',
    ],
    [
      "Link mailto",
      link,
      "mailto:jane@example.com",
      FieldValueError,
      'value: "mailto:jane@example.com" is not an http(s) address. Write an absolute URL such as https://example.com/page.',
    ],
    [
      "Link with spaces",
      link,
      "https://example.com/a page",
      FieldValueError,
      'value: "https://example.com/a page" contains spaces. Write an absolute URL such as https://example.com/page.',
      "Encode spaces in a URL as %20.",
    ],
    [
      "Link protocol-relative",
      link,
      "//example.com/a",
      FieldValueError,
      'value: "//example.com/a" has no scheme. Write an absolute URL such as https://example.com/page.',
      "Write it as https://example.com/a.",
    ],
    [
      "Link without host",
      link,
      "https://",
      FieldValueError,
      'value: "https://" is not a valid URL. Write an absolute URL such as https://example.com/page.',
    ],
    [
      "Link number",
      link,
      42,
      FieldValueError,
      "value: expected a URL, got the number 42. Write an absolute URL such as https://example.com/page.",
    ],
    // VideoLink
    [
      "VideoLink YouTube channel",
      videoLink,
      "https://www.youtube.com/@channel",
      FieldValueError,
      'value: "https://www.youtube.com/@channel" is a YouTube address but not of a single video. Use the video\'s own link, such as https://www.youtube.com/watch?v=<id> or https://youtu.be/<id>.',
    ],
    [
      "VideoLink YouTube watch without id",
      videoLink,
      "https://www.youtube.com/watch?list=PL1",
      FieldValueError,
      'value: "https://www.youtube.com/watch?list=PL1" is a YouTube address but not of a single video. Use the video\'s own link, such as https://www.youtube.com/watch?v=<id> or https://youtu.be/<id>.',
    ],
    [
      "VideoLink Vimeo channel",
      videoLink,
      "https://vimeo.com/channels/staffpicks",
      FieldValueError,
      'value: "https://vimeo.com/channels/staffpicks" is a Vimeo address but not of a single video. Use the video\'s own link, such as https://vimeo.com/76979871.',
    ],
    [
      "VideoLink without scheme",
      videoLink,
      "youtu.be/dQw4w9WgXcQ",
      FieldValueError,
      'value: "youtu.be/dQw4w9WgXcQ" has no https://. Write the video\'s full address, such as https://www.youtube.com/watch?v=dQw4w9WgXcQ.',
      "Write it as https://youtu.be/dQw4w9WgXcQ.",
    ],
    // Color
    [
      "Color hex without #",
      color,
      "1a2b3c",
      FieldValueError,
      'value: "1a2b3c" is not a colour Webflow takes. Use #RGB, #RRGGBB (with optional alpha), rgb(), rgba(), hsl(), hsla(), a CSS colour name, or transparent.',
      'Add the "#": "#1a2b3c".',
    ],
    [
      "Color hex of 5 digits",
      color,
      "#12345",
      FieldValueError,
      'value: "#12345" is not a colour Webflow takes. Use #RGB, #RRGGBB (with optional alpha), rgb(), rgba(), hsl(), hsla(), a CSS colour name, or transparent.',
    ],
    [
      "Color unknown name",
      color,
      "blurple",
      FieldValueError,
      'value: "blurple" is not a colour Webflow takes. Use #RGB, #RRGGBB (with optional alpha), rgb(), rgba(), hsl(), hsla(), a CSS colour name, or transparent.',
    ],
    [
      "Color rgb() with two values",
      color,
      "rgb(1, 2)",
      FieldValueError,
      'value: "rgb(1, 2)" is not a colour Webflow takes. Use #RGB, #RRGGBB (with optional alpha), rgb(), rgba(), hsl(), hsla(), a CSS colour name, or transparent.',
    ],
    [
      "Color number",
      color,
      123,
      FieldValueError,
      'value: expected a colour, got the number 123. Write it in quotes, such as "#1a2b3c".',
    ],
    // Number
    [
      "Number in quotes",
      number,
      "42",
      FieldValueError,
      'value: "42" is text, not a number. Write a number such as 42 or 3.5, without quotes.',
      "Remove the quotes (write 42) so YAML/TOML reads it as a number.",
    ],
    [
      "Number decimal in quotes",
      number,
      " 3.5 ",
      FieldValueError,
      'value: " 3.5 " is text, not a number. Write a number such as 42 or 3.5, without quotes.',
      "Remove the quotes (write 3.5) so YAML/TOML reads it as a number.",
    ],
    [
      "Number with thousands separators",
      number,
      "1,000",
      FieldValueError,
      'value: "1,000" is text, not a number. Write a number such as 42 or 3.5, without quotes.',
      "Write it without separators: 1000.",
    ],
    [
      "Number words",
      number,
      "forty-two",
      FieldValueError,
      'value: expected a number, got the text "forty-two". Write a number such as 42 or 3.5, without quotes.',
    ],
    [
      "Number boolean",
      number,
      true,
      FieldValueError,
      "value: expected a number, got the boolean true. Write a number such as 42 or 3.5, without quotes.",
    ],
    [
      "Number NaN",
      number,
      Number.NaN,
      FieldValueError,
      "value: NaN is not a number Webflow can store. Write a number such as 42 or 3.5, without quotes.",
      "Write a finite number.",
    ],
    [
      "Number Infinity",
      number,
      Number.NEGATIVE_INFINITY,
      FieldValueError,
      "value: -Infinity is not a number Webflow can store. Write a number such as 42 or 3.5, without quotes.",
      "Write a finite number.",
    ],
    [
      "Number unsafe bigint",
      number,
      2n ** 60n,
      FieldValueError,
      "value: 1152921504606846976 is too large to store exactly (the limit is ±9007199254740991). Write a number such as 42 or 3.5, without quotes.",
    ],
    [
      "Number decimal for integer format",
      makeField("Number", { validations: { format: "integer" } }),
      1.5,
      FieldValueError,
      'value: 1.5 has decimals, but the field "My Number" takes whole numbers only. Round it to 2 or another whole number.',
    ],
    [
      "Number negative not allowed",
      makeField("Number", { validations: { allowNegative: false } }),
      -1,
      FieldValueError,
      'value: -1 is negative, but the field "My Number" does not allow negative numbers. Use 0 or more.',
    ],
    [
      "Number zero not allowed",
      makeField("Number", { validations: { allowZero: false } }),
      0,
      FieldValueError,
      'value: the field "My Number" does not allow 0. Use another number, or leave the key empty to clear it.',
    ],
    [
      "Number below minValue",
      makeField("Number", { validations: { minValue: 1 } }),
      0.5,
      FieldValueError,
      'value: 0.5 is below the minimum of 1 for the field "My Number". Use 1 or more.',
    ],
    [
      "Number above maxValue",
      makeField("Number", { validations: { maxValue: 10 } }),
      11,
      FieldValueError,
      'value: 11 is above the maximum of 10 for the field "My Number". Use 10 or less.',
    ],
    // DateTime
    [
      "DateTime February 30",
      dateTime,
      "2024-02-30",
      FieldValueError,
      `value: "2024-02-30" is not a real date: February 2024 has 29 days. ${DATE_FORMATS}`,
    ],
    [
      "DateTime February 29 of a common year",
      dateTime,
      "2023-02-29",
      FieldValueError,
      `value: "2023-02-29" is not a real date: February 2023 has 28 days. ${DATE_FORMATS}`,
    ],
    [
      "DateTime April 31",
      dateTime,
      "2024-04-31T10:00:00Z",
      FieldValueError,
      `value: "2024-04-31T10:00:00Z" is not a real date: April 2024 has 30 days. ${DATE_FORMATS}`,
    ],
    [
      "DateTime month 13",
      dateTime,
      "2024-13-01",
      FieldValueError,
      `value: "2024-13-01" is not a real date: there is no month 13. ${DATE_FORMATS}`,
    ],
    [
      "DateTime day 0",
      dateTime,
      "2024-01-00",
      FieldValueError,
      `value: "2024-01-00" is not a real date: January 2024 has 31 days. ${DATE_FORMATS}`,
    ],
    [
      "DateTime hour 25",
      dateTime,
      "2024-01-01 25:00",
      FieldValueError,
      `value: "2024-01-01 25:00" has a time of day that does not exist. ${DATE_FORMATS}`,
    ],
    [
      "DateTime second 60",
      dateTime,
      "2024-01-01T10:00:60Z",
      FieldValueError,
      `value: "2024-01-01T10:00:60Z" has a time of day that does not exist. ${DATE_FORMATS}`,
    ],
    [
      "DateTime offset +24:00",
      dateTime,
      "2024-01-01T10:00:00+24:00",
      FieldValueError,
      `value: "2024-01-01T10:00:00+24:00" has a time-zone offset that does not exist. ${DATE_FORMATS}`,
    ],
    [
      "DateTime words",
      dateTime,
      "Jan 5, 2024",
      FieldValueError,
      `value: "Jan 5, 2024" is not a date wf-sync can read. ${DATE_FORMATS}`,
    ],
    [
      "DateTime day-first slashes",
      dateTime,
      "05/01/2024",
      FieldValueError,
      `value: "05/01/2024" is not a date wf-sync can read. ${DATE_FORMATS}`,
    ],
    [
      "DateTime offset without time",
      dateTime,
      "2024-01-05Z",
      FieldValueError,
      `value: "2024-01-05Z" is not a date wf-sync can read. ${DATE_FORMATS}`,
    ],
    [
      "DateTime unix timestamp",
      dateTime,
      1704067200,
      FieldValueError,
      `value: expected a date, got the number 1704067200. ${DATE_FORMATS}`,
      "Unix timestamps are not accepted, because seconds and milliseconds cannot be told apart.",
    ],
    [
      "DateTime bare year",
      dateTime,
      2024,
      FieldValueError,
      `value: expected a date, got the number 2024. ${DATE_FORMATS}`,
      "Unix timestamps are not accepted, because seconds and milliseconds cannot be told apart.",
    ],
    [
      "DateTime invalid Date object",
      dateTime,
      new Date(Number.NaN),
      FieldValueError,
      `value: the date is invalid or out of range. ${DATE_FORMATS}`,
    ],
    [
      "DateTime before year 0 after the offset",
      dateTime,
      "0000-01-01T00:30:00+01:00",
      FieldValueError,
      `value: "0000-01-01T00:30:00+01:00" is out of range after conversion to UTC. ${DATE_FORMATS}`,
    ],
    // Switch
    [
      "Switch on",
      switchField,
      "on",
      FieldValueError,
      'value: expected true or false, got the text "on". Write true or false.',
    ],
    [
      "Switch 1",
      switchField,
      1,
      FieldValueError,
      "value: expected true or false, got the number 1. Write true or false.",
    ],
    [
      "Switch y",
      switchField,
      "y",
      FieldValueError,
      'value: expected true or false, got the text "y". Write true or false.',
    ],
    // Option
    [
      "Option unknown name",
      option,
      "Art",
      FieldValueError,
      'value: "Art" is not an option of the field "My Option". Valid options: "Design", "Code", "2024".',
    ],
    [
      "Option boolean",
      option,
      true,
      FieldValueError,
      'value: expected the name of an option, got the boolean true. Valid options: "Design", "Code", "2024".',
    ],
    [
      "Option without options in the schema",
      makeField("Option"),
      "Design",
      FieldValueError,
      'value: the schema of the field "My Option" lists no options, so no value can be checked. Add options to the field in Webflow, then refresh the cached schema.',
    ],
    [
      "Option ambiguous by case",
      makeField("Option", {
        validations: {
          options: [
            { id: "o1", name: "Ab" },
            { id: "o2", name: "aB" },
          ],
        },
      }),
      "ab",
      FieldValueError,
      'value: "ab" matches several options that differ only in letter case ("Ab" and "aB"). Write the name with its exact letter case, or the option\'s id.',
    ],
    // Reference
    [
      "Reference unknown slug",
      reference,
      "nobody",
      ReferenceError,
      `value: the field "My Reference" references collection ${AUTHORS}, which has no item with the slug "nobody". Check the spelling, or add the missing item first.`,
    ],
    [
      "Reference unknown path",
      reference,
      "../authors/nobody.md",
      ReferenceError,
      `value: the field "My Reference" references collection ${AUTHORS}, which has no Markdown file at "../authors/nobody.md" (paths are relative to this file). Check the spelling, or add the missing item first.`,
    ],
    [
      "Reference list",
      reference,
      ["jane-doe"],
      FieldValueError,
      "value: expected the slug of an item or a relative path to its Markdown file, got a list. Write the slug, e.g. jane-doe.",
      'The field "My Reference" holds a single item; only MultiReference fields take a list.',
    ],
    [
      "Reference mapping",
      reference,
      { slug: "jane-doe" },
      FieldValueError,
      "value: expected the slug of an item or a relative path to its Markdown file, got a mapping (key: value pairs). Write the slug, e.g. jane-doe.",
    ],
    [
      "Reference without collectionId",
      makeField("Reference"),
      "jane-doe",
      FieldValueError,
      'value: the schema of the field "My Reference" does not say which collection it references (validations.collectionId is missing). Refresh the cached schema and try again.',
    ],
    [
      "Reference with no resolver",
      reference,
      "jane-doe",
      ReferenceError,
      `value: the field "My Reference" references collection ${AUTHORS}, which has no item with the slug "jane-doe". Check the spelling, or add the missing item first.`,
    ],
    // MultiReference
    [
      "MultiReference several missing",
      multiReference,
      ["john", "amy", "bo", "../authors/cy.md"],
      ReferenceError,
      `value: the field "My MultiReference" references collection ${AUTHORS}, which has no item with the slugs "amy" and "bo", and no Markdown file at "../authors/cy.md" (paths are relative to this file). Check the spelling, or add the missing item first.`,
    ],
    [
      "MultiReference mapping in list",
      multiReference,
      ["john", { slug: "x" }],
      FieldValueError,
      "value: item 2 of the list is a mapping (key: value pairs); expected the slug of an item or a relative path to its Markdown file. Write one slug per list item.",
    ],
    [
      "MultiReference empty item",
      multiReference,
      ["john", null],
      FieldValueError,
      "value: item 2 of the list is an empty value; expected the slug of an item or a relative path to its Markdown file. Write one slug per list item.",
    ],
    // Image / MultiImage / File
    [
      "Image local file not uploaded",
      image,
      "img/missing.png",
      AssetError,
      'value: the local file "img/missing.png" has not been uploaded to Webflow, so the item cannot point at it. Check that the path is right (it is relative to the Markdown file); the upload step reports why a file could not be uploaded.',
    ],
    [
      "Image of an unsupported type",
      image,
      "img/photo.bmp",
      AssetError,
      `value: Webflow does not take .bmp files in an image field. ${IMAGE_TYPES}`,
    ],
    [
      "Image document in an image field",
      image,
      "docs/guide.pdf",
      AssetError,
      `value: Webflow does not take .pdf files in an image field. ${IMAGE_TYPES}`,
    ],
    [
      "Image without extension",
      image,
      "img/photo",
      AssetError,
      `value: "photo" has no file extension, so its type is unknown. ${IMAGE_TYPES}`,
    ],
    [
      "Image unknown key",
      image,
      { src: "img/cover.png", caption: "x" },
      FieldValueError,
      `value: unknown key "caption" (an image or file takes src, alt, and optionally fileId). ${IMAGE_FORMS}`,
    ],
    [
      "Image mapping without src",
      image,
      { alt: "x" },
      FieldValueError,
      `value: the mapping has no src (a URL or a path). ${IMAGE_FORMS}`,
    ],
    [
      "Image src and url both",
      image,
      { src: "a.png", url: "https://x.org/a.png" },
      FieldValueError,
      `value: give only one of src, url and path (found src and url). ${IMAGE_FORMS}`,
    ],
    [
      "Image alt not text",
      image,
      { src: "img/cover.png", alt: 3 },
      FieldValueError,
      `value: alt must be text, got the number 3. ${IMAGE_FORMS}`,
      'Put it in quotes: alt: "…".',
    ],
    [
      "Image src not text",
      image,
      { src: 3 },
      FieldValueError,
      `value: src must be a URL or a path, got the number 3. ${IMAGE_FORMS}`,
    ],
    [
      "Image data: URI",
      image,
      "data:image/png;base64,AAAA",
      FieldValueError,
      `value: data: URIs are not accepted. ${IMAGE_FORMS}`,
      "Save the content as a file next to the Markdown file and give its path.",
    ],
    [
      "Image other scheme",
      image,
      "ftp://example.org/a.png",
      FieldValueError,
      `value: "ftp://example.org/a.png" is neither an http(s) URL nor a local path. ${IMAGE_FORMS}`,
    ],
    [
      "Image protocol-relative URL",
      image,
      "//cdn.example/a.png",
      FieldValueError,
      `value: "//cdn.example/a.png" has no scheme. ${IMAGE_FORMS}`,
      "Write it as https://cdn.example/a.png.",
    ],
    [
      "Image number",
      image,
      5,
      FieldValueError,
      `value: expected a URL, a path or { src, alt }, got the number 5. ${IMAGE_FORMS}`,
    ],
    [
      "Image list in a single-image field",
      image,
      ["img/cover.png"],
      FieldValueError,
      `value: expected a URL, a path or { src, alt }, got a list. ${IMAGE_FORMS}`,
    ],
    [
      "Image fileId not text",
      image,
      { fileId: 5 },
      FieldValueError,
      `value: fileId must be the id of a Webflow asset, as text. ${IMAGE_FORMS}`,
    ],
    [
      "MultiImage second not uploaded",
      multiImage,
      ["img/cover.png", "img/missing.png"],
      AssetError,
      'value: item 2 of the list: the local file "img/missing.png" has not been uploaded to Webflow, so the item cannot point at it. Check that the path is right (it is relative to the Markdown file); the upload step reports why a file could not be uploaded.',
    ],
    [
      "MultiImage empty item",
      multiImage,
      ["img/cover.png", ""],
      FieldValueError,
      `value: item 2 of the list: the value is empty. ${IMAGE_FORMS}`,
    ],
    [
      "File of an unsupported type",
      file,
      "dist/setup.exe",
      AssetError,
      "value: Webflow does not take .exe files in a file field. Use one of: .pdf, .doc, .docx, .xls, .xlsx, .ppt, .pptx, .txt, .csv, .odt, .ods, .odp, .json, .lottie, .png, .jpg, .jpeg, .gif, .svg, .webp, .avif.",
    ],
    [
      "File not uploaded",
      file,
      "docs/missing.pdf",
      AssetError,
      'value: the local file "docs/missing.pdf" has not been uploaded to Webflow, so the item cannot point at it. Check that the path is right (it is relative to the Markdown file); the upload step reports why a file could not be uploaded.',
    ],
  ])("%s", (label, field, raw, errorClass, message, hint) => {
    const useContext = label === "Reference with no resolver" ? { location, key: "value" } : context;
    const result = convertFieldValue(field, raw, useContext);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(errorClass);
    expect(result.error.message).toBe(message);
    expect(result.error.location).toEqual(location);
    expect(result.error.hint).toBe(hint);
  });

  it("names the frontmatter key as the author wrote it", () => {
    const result = convertFieldValue(number, "42", {
      ...context,
      key: "price",
      location: { file: "content/shop/a.md", line: 3 },
    });
    expect(result.ok ? undefined : [result.error.code, result.error.message, result.error.location]).toEqual([
      "WF_FIELD_VALUE",
      'price: "42" is text, not a number. Write a number such as 42 or 3.5, without quotes.',
      { file: "content/shop/a.md", line: 3 },
    ]);
  });

  it("does not echo very long values in full", () => {
    const result = convertFieldValue(email, "x".repeat(200), context);
    expect(result.ok ? "" : result.error.message).toBe(
      `value: "${"x".repeat(59)}…" is not an email address. Write it as name@example.com.`,
    );
  });
});

describe("convertFieldValue: values as YAML (core schema) and TOML produce them", () => {
  const fromYaml = (text: string): Record<string, unknown> =>
    parseYaml(text, { schema: "core" }) as Record<string, unknown>;

  it.each<[string, FieldSchema, string, unknown]>([
    ["YAML date stays text and converts", dateTime, "value: 2024-03-05", "2024-03-05T00:00:00.000Z"],
    [
      "YAML date-time with space and offset",
      dateTime,
      "value: 2024-03-05 14:30:00 +02:00",
      "2024-03-05T12:30:00.000Z",
    ],
    ["YAML yes is text and means true", switchField, "value: yes", true],
    ["YAML number for PlainText", plain, "value: 2024", "2024"],
    [
      "YAML list for MultiReference",
      multiReference,
      "value:\n  - jane-doe\n  - john",
      ["item-jane", "item-john"],
    ],
    [
      "YAML image mapping",
      image,
      "value:\n  src: img/cover.png\n  alt: Cover",
      { fileId: "asset-cover", url: "https://cdn.example/asset-cover_cover.png", alt: "Cover" },
    ],
    ["YAML quoted colour", color, 'value: "#ff0000"', "#ff0000"],
    ["YAML unquoted colour is a comment, so the optional field clears", color, "value: #ff0000", null],
  ])("%s", (_label, field, yaml, expected) => {
    expect(expectOk(convertFieldValue(field, fromYaml(yaml)["value"], context))).toEqual(expected);
  });

  it.each<[string, string, string]>([
    ["TOML local date is midnight UTC", "value = 2024-03-05", "2024-03-05T00:00:00.000Z"],
    ["TOML local date-time is UTC", "value = 2024-03-05T14:30:00", "2024-03-05T14:30:00.000Z"],
    ["TOML offset date-time", "value = 2024-03-05T14:30:00+02:00", "2024-03-05T12:30:00.000Z"],
    ["TOML date-time with fraction", "value = 2024-03-05T14:30:00.25Z", "2024-03-05T14:30:00.250Z"],
  ])("%s", (_label, toml, expected) => {
    expect(expectOk(convertFieldValue(dateTime, parseToml(toml)["value"], context))).toBe(expected);
  });

  it("refuses a TOML time of day without a date", () => {
    const result = convertFieldValue(dateTime, parseToml("value = 07:30:00")["value"], context);
    expect(result.ok ? "" : result.error.message).toBe(
      `value: a time of day without a date cannot be stored. ${DATE_FORMATS}`,
    );
  });
});

describe("listFieldDependencies", () => {
  it.each<[string, FieldSchema, unknown, FieldDependency[]]>([
    [
      "Reference slug",
      reference,
      "jane-doe",
      [{ kind: "reference", collectionId: AUTHORS, target: "jane-doe" }],
    ],
    [
      "Reference path",
      reference,
      "../authors/jane-doe.md",
      [{ kind: "reference", collectionId: AUTHORS, target: "../authors/jane-doe.md" }],
    ],
    [
      "Reference number slug",
      reference,
      2024,
      [{ kind: "reference", collectionId: AUTHORS, target: "2024" }],
    ],
    [
      "MultiReference, each target once",
      multiReference,
      ["jane-doe", " john", "jane-doe"],
      [
        { kind: "reference", collectionId: AUTHORS, target: "jane-doe" },
        { kind: "reference", collectionId: AUTHORS, target: "john" },
      ],
    ],
    [
      "MultiReference single string",
      multiReference,
      "john",
      [{ kind: "reference", collectionId: AUTHORS, target: "john" }],
    ],
    ["MultiReference with a malformed item", multiReference, ["john", {}], []],
    ["Reference without collectionId", makeField("Reference"), "jane-doe", []],
    ["Reference empty", reference, null, []],
    [
      "Image local path",
      image,
      "img/cover.png",
      [{ kind: "asset", path: "img/cover.png", assetKind: "image" }],
    ],
    [
      "Image {src, alt}",
      image,
      { src: "img/cover.png", alt: "Cover" },
      [{ kind: "asset", path: "img/cover.png", assetKind: "image" }],
    ],
    ["Image URL needs nothing", image, "https://images.example.com/a.jpg", []],
    ["Image existing fileId needs nothing", image, { fileId: "asset-9" }, []],
    [
      "MultiImage, each local path once, URLs skipped",
      multiImage,
      ["img/a.png", "https://images.example.com/b.jpg", { src: "img/a.png", alt: "A" }, "../shared/logo.svg"],
      [
        { kind: "asset", path: "img/a.png", assetKind: "image" },
        { kind: "asset", path: "../shared/logo.svg", assetKind: "image" },
      ],
    ],
    [
      "File local path",
      file,
      "docs/guide.pdf",
      [{ kind: "asset", path: "docs/guide.pdf", assetKind: "file" }],
    ],
    ["Image list in a single-image field is malformed", image, ["img/a.png"], []],
    ["PlainText needs nothing", plain, "img/a.png", []],
    ["Number needs nothing", number, 3, []],
  ])("%s", (_label, field, raw, expected) => {
    expect(listFieldDependencies(field, raw)).toEqual(expected);
  });
});

describe("checkAssetLimits", () => {
  const MiB = 1024 * 1024;

  it.each<[string, string, number, "image" | "file"]>([
    ["image at exactly 4 MB", "img/a.png", 4 * MiB, "image"],
    ["small JPEG, upper-case extension", "img/A.JPG", 1000, "image"],
    ["AVIF", "img/a.avif", 1000, "image"],
    ["document at exactly 10 MB", "docs/a.pdf", 10 * MiB, "file"],
    ["Lottie JSON in a file field", "anim/intro.json", 1000, "file"],
    ["image in a file field", "img/a.webp", 1000, "file"],
    ["file name of 99 characters", `docs/${"a".repeat(95)}.pdf`, 1000, "file"],
  ])("accepts %s", (_label, path, sizeBytes, assetKind) => {
    expect(checkAssetLimits({ path, sizeBytes, assetKind, location })).toBeUndefined();
  });

  it.each<[string, string, number, "image" | "file", string]>([
    [
      "image over 4 MB",
      "img/a.png",
      4 * MiB + 1,
      "image",
      "img/a.png is 4.1 MB; Webflow takes images up to 4 MB. Compress or resize it, then sync again.",
    ],
    [
      "image in a file field over 4 MB",
      "img/a.png",
      5 * MiB,
      "file",
      "img/a.png is 5.0 MB; Webflow takes images up to 4 MB. Compress or resize it, then sync again.",
    ],
    [
      "document over 10 MB",
      "docs/a.pdf",
      12.34 * MiB,
      "file",
      "docs/a.pdf is 12.4 MB; Webflow takes documents up to 10 MB. Make it smaller, then sync again.",
    ],
    [
      "unsupported image type",
      "img/a.tiff",
      1000,
      "image",
      `img/a.tiff: Webflow does not take .tiff files in an image field. ${IMAGE_TYPES}`,
    ],
    [
      "document in an image field",
      "docs/a.pdf",
      1000,
      "image",
      `docs/a.pdf: Webflow does not take .pdf files in an image field. ${IMAGE_TYPES}`,
    ],
    [
      "unsupported document type",
      "dist/a.zip",
      1000,
      "file",
      "dist/a.zip: Webflow does not take .zip files in a file field. Use one of: .pdf, .doc, .docx, .xls, .xlsx, .ppt, .pptx, .txt, .csv, .odt, .ods, .odp, .json, .lottie, .png, .jpg, .jpeg, .gif, .svg, .webp, .avif.",
    ],
    [
      "no extension",
      "img/.hidden",
      1000,
      "image",
      `img/.hidden: ".hidden" has no file extension, so its type is unknown. ${IMAGE_TYPES}`,
    ],
    [
      "empty file",
      "img/a.png",
      0,
      "image",
      "img/a.png is empty (0 bytes), so there is nothing to upload. Replace it with the real file.",
    ],
    [
      "file name of 100 characters",
      `docs/${"a".repeat(96)}.pdf`,
      1000,
      "file",
      `docs/${"a".repeat(96)}.pdf: the file name is 100 characters long; Webflow takes names shorter than 100. Rename the file.`,
    ],
  ])("refuses %s", (_label, path, sizeBytes, assetKind, message) => {
    const error = checkAssetLimits({ path, sizeBytes, assetKind, location });
    expect(error).toBeInstanceOf(AssetError);
    expect(error?.message).toBe(message);
    expect(error?.location).toEqual(location);
  });
});

describe("toFrontmatterValue", () => {
  it.each<[string, FieldSchema, unknown, unknown]>([
    ["DateTime at midnight UTC becomes a date", dateTime, "2024-03-05T00:00:00.000Z", "2024-03-05"],
    ["DateTime with a time stays ISO", dateTime, "2024-03-05T14:30:15.250Z", "2024-03-05T14:30:15.250Z"],
    [
      "DateTime without milliseconds is normalised",
      dateTime,
      "2024-03-05T14:30:15Z",
      "2024-03-05T14:30:15.000Z",
    ],
    ["DateTime unreadable stays as-is", dateTime, "someday", "someday"],
    ["Option id becomes its name", option, "opt-design", "Design"],
    ["Option unknown id stays an id", option, "opt-gone", "opt-gone"],
    ["Reference id becomes its slug", reference, "item-jane", "jane-doe"],
    ["Reference without a known slug stays an id", reference, "item-zed", "item-zed"],
    ["MultiReference ids become slugs", multiReference, ["item-jane", "item-john"], ["jane-doe", "john"]],
    [
      "Image without alt becomes its URL",
      image,
      { fileId: "a1", url: "https://cdn.example/a1.png", alt: null },
      "https://cdn.example/a1.png",
    ],
    [
      "Image with alt becomes {src, alt}",
      image,
      { fileId: "a1", url: "https://cdn.example/a1.png", alt: "Cat" },
      { src: "https://cdn.example/a1.png", alt: "Cat" },
    ],
    [
      "File becomes its URL",
      file,
      { fileId: "f1", url: "https://cdn.example/f1.pdf" },
      "https://cdn.example/f1.pdf",
    ],
    [
      "User passes through",
      makeField("User"),
      "Person_0123456789abcdef01234567",
      "Person_0123456789abcdef01234567",
    ],
    ["null stays null", plain, null, null],
    ["undefined becomes null", number, undefined, null],
  ])("%s", (_label, field, value, expected) => {
    expect(t(field, value, { slugForItemId })).toEqual(expected);
  });

  it("leaves reference ids alone without a callback", () => {
    expect(t(reference, "item-jane", {})).toBe("item-jane");
  });
});

describe("round trip: toFrontmatterValue then convertFieldValue gives the stored value back", () => {
  it.each<[string, FieldSchema, unknown]>([
    ["PlainText", plain, "Hello, world"],
    ["RichText", richText, '<h2>Title</h2><p>Body with <a href="https://example.com">a link</a></p>'],
    ["Email", email, "jane@example.com"],
    ["Phone", phone, "+44 20 7946 0958"],
    ["Link", link, "https://example.com/about"],
    ["VideoLink", videoLink, "https://vimeo.com/76979871"],
    ["Color", color, "#1a2b3c"],
    ["Number", number, 42.5],
    ["DateTime at midnight", dateTime, "2024-03-05T00:00:00.000Z"],
    ["DateTime with time", dateTime, "2024-03-05T14:30:15.250Z"],
    ["Switch", switchField, false],
    ["Option", option, "opt-design"],
    ["Option named like a number", option, "opt-2024"],
    ["Reference", reference, "item-jane"],
    ["Reference without a known slug", reference, "item-zed"],
    ["MultiReference", multiReference, ["item-jane", "item-john"]],
    ["empty PlainText", plain, null],
    ["empty MultiReference", multiReference, []],
  ])("%s", (_label, field, stored) => {
    const frontmatter = t(field, stored, { slugForItemId });
    expect(expectOk(convertFieldValue(field, frontmatter, context))).toEqual(stored);
  });

  // Webflow assigns fileId; what goes back is the write form of the same image (API-NOTES §3.3).
  it.each<[string, FieldSchema, unknown, unknown]>([
    [
      "Image with alt",
      image,
      { fileId: "a1", url: "https://cdn.example/a1.png", alt: "Cat" },
      { url: "https://cdn.example/a1.png", alt: "Cat" },
    ],
    [
      "Image without alt",
      image,
      { fileId: "a1", url: "https://cdn.example/a1.png", alt: null },
      { url: "https://cdn.example/a1.png" },
    ],
    [
      "MultiImage",
      multiImage,
      [
        { fileId: "a1", url: "https://cdn.example/a1.png", alt: "Cat" },
        { fileId: "a2", url: "https://cdn.example/a2.png" },
      ],
      [{ url: "https://cdn.example/a1.png", alt: "Cat" }, { url: "https://cdn.example/a2.png" }],
    ],
    [
      "File",
      file,
      { fileId: "f1", url: "https://cdn.example/f1.pdf", alt: null },
      { url: "https://cdn.example/f1.pdf" },
    ],
  ])("%s", (_label, field, stored, written) => {
    const frontmatter = t(field, stored, { slugForItemId });
    expect(expectOk(convertFieldValue(field, frontmatter, context))).toEqual(written);
  });
});
