import { describe, expect, it } from "vitest";
import { closestKey, mapFields, slugForEntry, type MapFieldsOptions } from "./map-fields.ts";
import { parseEntry } from "./parse-entry.ts";
import type { CollectionSchema } from "./types.ts";

const schema: CollectionSchema = {
  id: "c1",
  displayName: "Posts",
  slug: "posts",
  fields: [
    { id: "f1", slug: "name", displayName: "Name", type: "PlainText", isRequired: true },
    { id: "f2", slug: "slug", displayName: "Slug", type: "PlainText", isRequired: true },
    { id: "f3", slug: "post-body", displayName: "Body", type: "RichText", isRequired: false },
    { id: "f4", slug: "post-summary", displayName: "Summary", type: "PlainText", isRequired: true },
    { id: "f5", slug: "featured", displayName: "Featured", type: "Switch", isRequired: false },
    { id: "f6", slug: "minutes", displayName: "Minutes", type: "Number", isRequired: false },
  ],
};

const options: MapFieldsOptions = {
  mapping: { name: "blog", body: "post-body", fields: { summary: "post-summary" } },
  schema,
  html: "<p>Hi</p>",
  sanitizeHtml: undefined,
};

function map(file: string, text: string, extra: Partial<MapFieldsOptions> = {}) {
  return mapFields(parseEntry(file, text), { ...options, ...extra });
}

describe("slugForEntry", () => {
  it.each([
    ["content/blog/My Post.md", "---\ntitle: x\n---\n", "my-post"],
    ["content/blog/a.md", "---\nslug: Ünïcödé Títles!\n---\n", "unicode-titles"],
    ["content/blog/getting-started/index.md", "---\ntitle: x\n---\n", "getting-started"],
    ["content/docs/api/_index.md", "---\ntitle: x\n---\n", "api"],
    ["content/blog/a.md", "---\nslug: 2024\n---\n", "2024"],
  ])("%s with %j → %s", (file, text, slug) => {
    expect(slugForEntry(parseEntry(file, text))).toBe(slug);
  });
});

describe("mapFields", () => {
  it("maps title to name, renames through `fields`, passes field slugs through and adds the body", () => {
    const result = map(
      "content/blog/hello.md",
      "---\ntitle: Hello\nsummary: Short\nfeatured: true\nminutes: 4\n---\nBody\n",
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.draft.fieldData).toEqual({
      slug: "hello",
      name: "Hello",
      "post-summary": "Short",
      featured: true,
      minutes: 4,
      "post-body": "<p>Hi</p>",
    });
    expect(result.draft).toMatchObject({ isDraft: false, isArchived: false, file: "content/blog/hello.md" });
    expect(result.warnings).toEqual([]);
  });

  it("prefers `name` over `title` and reads draft and archived", () => {
    const result = map(
      "a.md",
      "---\nname: Real\ntitle: Other\nsummary: s\ndraft: true\narchived: true\n---\n",
    );
    expect(result.ok && result.draft.fieldData["name"]).toBe("Real");
    expect(result.ok && [result.draft.isDraft, result.draft.isArchived]).toEqual([true, true]);
  });

  it("warns about an unknown key, once per key, with its line", () => {
    const result = map("a.md", "---\ntitle: T\nsummary: s\ncolour: red\n---\n");
    expect(result.warnings).toEqual([
      {
        kind: "unknown-key",
        message: expect.stringContaining("colour") as string,
        location: { file: "a.md", line: 4 },
      },
    ]);
  });

  it("fails an unknown key under --strict", () => {
    const result = map("a.md", "---\ntitle: T\nsummary: s\ncolour: red\n---\n", { isStrict: true });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]?.location).toEqual({ file: "a.md", line: 4 });
  });

  it.each([
    ["a missing required field, by its mapped key", "---\ntitle: T\n---\n", /^summary: required/],
    ["a quoted number", '---\ntitle: T\nsummary: s\nminutes: "4"\n---\n', /minutes/],
    [
      "a draft flag that is not a boolean",
      "---\ntitle: T\nsummary: s\ndraft: maybe\n---\n",
      /draft: expected true or false/,
    ],
    ["no title or name", "---\nsummary: s\n---\n", /^title: required/],
  ])("fails %s", (_name, text, message) => {
    const result = map("a.md", text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((error) => error.message).join("\n")).toMatch(message);
  });

  it("gives equal digests for equal content and different ones for a changed field", () => {
    const first = map("a.md", "---\ntitle: T\nsummary: s\n---\n");
    const same = map("a.md", "---\nsummary: s\ntitle: T\n---\n");
    const changed = map("a.md", "---\ntitle: T2\nsummary: s\n---\n");
    expect(first.ok && same.ok && first.draft.digest === same.draft.digest).toBe(true);
    expect(first.ok && changed.ok && first.draft.digest !== changed.draft.digest).toBe(true);
    expect(
      first.ok && changed.ok && first.draft.fieldDigests["name"] !== changed.draft.fieldDigests["name"],
    ).toBe(true);
  });

  it("leaves out fields deferred to a second pass", () => {
    const result = map("a.md", "---\ntitle: T\nsummary: s\nminutes: 3\n---\n", {
      omitFields: new Set(["minutes"]),
    });
    expect(result.ok && "minutes" in result.draft.fieldData).toBe(false);
  });
});

describe("closestKey", () => {
  it.each([
    ["sumary", ["summary", "title", "date"], "summary"],
    ["titel", ["summary", "title", "date"], "title"],
    ["Date", ["summary", "title", "date"], "date"],
    ["post-sumary", ["post-summary"], "post-summary"],
    ["tags", ["summary", "title", "date"], undefined],
    ["colour", ["summary", "title", "date"], undefined],
  ])("%s among %j → %s", (key, candidates, expected) => {
    expect(closestKey(key, candidates)).toBe(expected);
  });
});
