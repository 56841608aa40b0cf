import { describe, expect, it } from "vitest";
import { FrontmatterError, LimitError, TextEncodingError, type WfSyncError } from "../errors.ts";
import {
  checkBodyLimits,
  measureBlockNesting,
  measureHtmlNesting,
  measureInlineNesting,
  resolveLimits,
} from "./limits.ts";
import { parseEntry, type ParseEntryOptions } from "./parse-entry.ts";

const nestedList = (depth: number) =>
  Array.from({ length: depth }, (_, level) => `${"  ".repeat(level)}- item`).join("\n");

describe("nesting scans", () => {
  it.each([
    ["plain text", "Just text.\n\nMore.", 0],
    ["a list nested by indentation", nestedList(5), 5],
    // Three-column items over-count by one: the scans err on the high side, never the low.
    ["an ordered list nested by indentation", "1. a\n   1. b\n      1. c", 4],
    ["markers on one line", "- - - x", 3],
    ["quotes", "> > > x\n> > y", 3],
    ["a quote in a list", "- a\n  > b\n  > > c", 3],
  ])("block depth of %s", (_name, text, depth) => {
    expect(measureBlockNesting(text).depth).toBe(depth);
  });

  it.each([
    ["emphasis", "*a _b **c** b_ a*", 4],
    ["a code span hides its content", "`[[[[` and [x]", 1],
    ["an unclosed backtick hides nothing", "` [[[", 3],
    ["escapes", "\\[\\[ [x]", 1],
    ["snake_case words", "a_b_c d_e", 0],
  ])("inline depth of %s", (_name, text, depth) => {
    expect(measureInlineNesting(text).depth).toBe(depth);
  });

  it("a code span cannot hide nesting in the next paragraph", () => {
    expect(measureInlineNesting(`\`\n\n${"[".repeat(40)}\n\n\``).depth).toBe(40);
  });

  it("counts HTML elements that can pile up, not void or self-closing ones", () => {
    expect(measureHtmlNesting("<div><div><br><img src=x><p>a<p>b</div><span/></div>").depth).toBe(2);
    expect(measureHtmlNesting("<div>\n<div>\n<div>").line).toBe(3);
  });
});

function failure(text: string, options?: ParseEntryOptions): WfSyncError {
  try {
    parseEntry("post.md", text, options);
  } catch (error) {
    return error as WfSyncError;
  }
  throw new Error("parseEntry accepted the file");
}

const HEAD = "---\ntitle: T\n---\n";

describe("parseEntry's bounds", () => {
  it.each([
    ["a one-line list 800 deep", `${HEAD}${"- ".repeat(800)}x`, "maxNestingDepth", 4],
    ["`>` x10,000", `${HEAD}${">".repeat(10_000)}`, "maxNestingDepth", 4],
    ["`<div>` x10,000", `${HEAD}${"<div>".repeat(10_000)}`, "maxNestingDepth", 4],
    ["a list nested by indentation 40 deep", `${HEAD}\n${nestedList(40)}`, "maxNestingDepth", 37],
    ["nested emphasis", `${HEAD}${"*a ".repeat(100)}x${" a*".repeat(100)}`, "maxNestingDepth", 4],
    [
      "frontmatter nested 3,000 deep",
      `---\na: ${"[".repeat(3000)}${"]".repeat(3000)}\n---\n`,
      "maxNestingDepth",
      2,
    ],
    [
      "a YAML alias bomb",
      `---\na: &a [x]\n${["a", "b", "c", "d"].map((name, index) => `${"bcde"[index]}: &${"bcde"[index]} [${Array(9).fill(`*${name}`).join(", ")}]`).join("\n")}\n---\n`,
      "maxYamlAliases",
      1,
    ],
    [
      "1,001 keys",
      `---\n${Array.from({ length: 1001 }, (_, index) => `k${index}: v`).join("\n")}\n---\n`,
      "maxFrontmatterKeys",
      1002,
    ],
    ["70 KB of frontmatter", `---\nsummary: "${"x".repeat(70_000)}"\n---\n`, "maxFrontmatterBytes", 1],
  ])("refuses %s", (_name, text, limit, line) => {
    const error = failure(text);
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: "WF_LIMIT", limit, location: { file: "post.md", line } });
    expect(error.message).toContain(limit);
  });

  it("takes maxBodyBytes from the options, in UTF-8 bytes", () => {
    const text = `${HEAD}${"é".repeat(600)}`;
    expect(parseEntry("post.md", text).body).toHaveLength(600);
    expect(failure(text, { limits: { maxBodyBytes: 1000 } })).toMatchObject({
      code: "WF_LIMIT",
      limit: "maxBodyBytes",
      message: "The body is 1200 bytes, more than maxBodyBytes (1000).",
      location: { line: 4 },
    });
  });

  it("finds a duplicate key in one pass, at its second line", () => {
    const error = failure("---\ntitle: a\nother: b\ntitle: c\n---\n");
    expect(error).toBeInstanceOf(FrontmatterError);
    expect(error.location).toMatchObject({ line: 4 });
  });

  it.each([
    ["a control character in the body", `${HEAD}ok\nbad \u0001`, 5, "U+0001"],
    ["invalid UTF-8 in the body", `${HEAD}\n\nbad \ufffd`, 6, "invalid UTF-8"],
    ["an escaped control character in a value", '---\ntitle: T\nsummary: "a\\x1bb"\n---\n', 3, "U+001B"],
    ["a raw control character in the frontmatter", "---\ntitle: T\u0007\n---\n", 2, "U+0007"],
  ])("refuses %s with its line", (_name, text, line, what) => {
    const error = failure(text);
    expect(error).toBeInstanceOf(TextEncodingError);
    expect(error.location).toMatchObject({ file: "post.md", line });
    expect(error.message).toContain(what);
  });

  it("keeps tabs, CRLF line ends and emoji", () => {
    expect(parseEntry("post.md", `${HEAD}\tcode 😀\r\nnext\r\n`).body).toMatch(/^\tcode 😀\r?\nnext\r?\n$/);
  });
});

describe("code is not nesting", () => {
  it("ignores what fenced code blocks hold, and autolinks", () => {
    const code = [
      "```ts",
      ...Array.from({ length: 40 }, (_, index) => `run(${index}); // <tag${index}>`),
      "```",
    ].join("\n");
    expect(() =>
      checkBodyLimits(code, { file: "a.md", firstLine: 1, limits: resolveLimits(undefined) }),
    ).not.toThrow();
    const links = Array.from({ length: 40 }, (_, index) => `<https://example.com/${index}>`).join("\n");
    expect(() =>
      checkBodyLimits(links, { file: "a.md", firstLine: 1, limits: resolveLimits(undefined) }),
    ).not.toThrow();
    const tags = Array.from({ length: 40 }, () => "<div>").join("\n");
    expect(() =>
      checkBodyLimits(tags, { file: "a.md", firstLine: 1, limits: resolveLimits(undefined) }),
    ).toThrow(/maxNestingDepth/);
  });
});
