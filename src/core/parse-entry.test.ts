import { describe, expect, it } from "vitest";
import { parseEntry } from "./parse-entry.ts";
import { FrontmatterError } from "../errors.ts";

describe("parseEntry", () => {
  it("reads YAML frontmatter with key lines and the body's first line", () => {
    const entry = parseEntry(
      "a.md",
      "---\ntitle: Hello\ndate: 2024-01-05\ntags:\n  - x\n---\n# Body\n\ntext\n",
    );
    expect(entry.data).toEqual({ title: "Hello", date: "2024-01-05", tags: ["x"] });
    expect(entry.keyLines).toEqual({ title: 2, date: 3, tags: 4 });
    expect(entry.bodyLine).toBe(7);
    expect(entry.body).toBe("# Body\n\ntext\n");
  });

  it("reads TOML frontmatter between +++ fences", () => {
    const entry = parseEntry("b.md", '+++\ntitle = "Hi"\ncount = 3\n+++\nBody\n');
    expect(entry.data).toEqual({ title: "Hi", count: 3 });
    expect(entry.keyLines).toEqual({ title: 2, count: 3 });
    expect(entry.body).toBe("Body\n");
  });

  it("reads a form feed or vertical tab in the body as a space (Markdown whitespace), not as a bad character", () => {
    const entry = parseEntry("ff.md", "---\ntitle: x\n---\nPart one.\n\f\nPart\vtwo.\n");
    expect(entry.body).toBe("Part one.\n \nPart two.\n");
    // Other controls still fail the file at their line.
    expect(() => parseEntry("bell.md", "---\ntitle: x\n---\nok\nbell \u0007\n")).toThrow(
      expect.objectContaining({ location: { file: "bell.md", line: 5 } }),
    );
  });

  it("accepts a file without frontmatter", () => {
    const entry = parseEntry("c.md", "Just text\n");
    expect(entry.data).toEqual({});
    expect(entry.bodyLine).toBe(1);
  });

  it.each([
    ["unclosed flow sequence", "---\ntitle: ok\ntags: [a, b\n---\nx\n", 3],
    ["value continued as a mapping", "---\ntitle: ok\n  nested: bad\n---\nx\n", 2],
    ["duplicate key", "---\ntitle: a\ntitle: b\n---\nx\n", 3],
  ])("locates broken YAML (%s)", (_name, text, line) => {
    const error = (() => {
      try {
        parseEntry("content/bad.md", text);
      } catch (caught) {
        return caught;
      }
      throw new Error("expected a FrontmatterError");
    })();
    expect(error).toBeInstanceOf(FrontmatterError);
    expect((error as FrontmatterError).location).toMatchObject({ file: "content/bad.md", line });
  });

  it("reports every broken line of the YAML at once, each located", () => {
    let caught: unknown;
    try {
      parseEntry("content/bad.md", "---\ntitle: a\ntitle: b\nx: 1\nx: 2\n---\nbody\n");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FrontmatterError);
    const error = caught as FrontmatterError;
    expect([error, ...error.related].map((one) => one.location)).toEqual([
      { file: "content/bad.md", line: 3 },
      { file: "content/bad.md", line: 5 },
    ]);
  });

  it.each(["js", "javascript"])("never runs ---%s frontmatter", (language) => {
    const marker = `__wf_sync_ran_${language}`;
    const text = `---${language}\n{ title: (globalThis.${marker} = true, "x") }\n---\nbody\n`;
    expect(() => parseEntry("evil.md", text)).toThrow(FrontmatterError);
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });

  it("refuses a frontmatter that is not a mapping", () => {
    expect(() => parseEntry("list.md", "---\n- a\n- b\n---\nx\n")).toThrow(/mapping/);
  });

  describe("line endings and byte-order mark", () => {
    const yamlLf =
      '---\ntitle: "Hello: world"\ndate: 2024-01-05\ntags:\n  - "a"\n---\n# Body\n\n```\ncode\n```\n';
    const tomlLf = '+++\ntitle = "Hello"\ncount = 3\n+++\nBody\n\ntext\n';
    const crlf = (text: string) => text.replace(/\n/g, "\r\n");
    const mixed = (text: string) => {
      let count = 0;
      return text.replace(/\n/g, () => (count++ % 2 === 0 ? "\r\n" : "\n"));
    };
    const cr = (text: string) => text.replace(/\n/g, "\r");
    const bom = (text: string) => `\ufeff${text}`;

    it.each([
      ["YAML, CRLF", yamlLf, crlf],
      ["YAML, BOM + CRLF", yamlLf, (text: string) => bom(crlf(text))],
      ["YAML, mixed CRLF and LF", yamlLf, mixed],
      ["YAML, old-Mac CR", yamlLf, cr],
      ["YAML, BOM", yamlLf, bom],
      ["TOML, CRLF", tomlLf, crlf],
      ["TOML, BOM + CRLF", tomlLf, (text: string) => bom(crlf(text))],
      ["TOML, mixed CRLF and LF", tomlLf, mixed],
    ])("%s parses exactly like LF", (_name, lf, variant) => {
      const text = variant(lf);
      expect(text).not.toBe(lf);
      const expected = parseEntry("a.md", lf);
      const entry = parseEntry("a.md", text);
      expect(entry.data).toEqual(expected.data);
      expect(entry.keyLines).toEqual(expected.keyLines);
      expect(entry.bodyLine).toBe(expected.bodyLine);
      expect(entry.body).toBe(expected.body);
    });

    it("locates a YAML error in a CRLF file on its own line", () => {
      expect(() => parseEntry("w.md", "---\r\ntitle: ok\r\ntags: [a, b\r\n---\r\nx\r\n")).toThrow(
        expect.objectContaining({ location: expect.objectContaining({ file: "w.md", line: 3 }) }),
      );
    });
  });
});
