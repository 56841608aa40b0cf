import { describe, expect, it } from "vitest";
import { escapeLines, escapeText } from "./escape-text.ts";

describe("escapeText", () => {
  it.each([
    ["a newline and a workflow command", "a\n::warning::b.md", "a\\n::warning::b.md"],
    ["CR", "x\r::error::y", "x\\r::error::y"],
    ["an ANSI colour", "\u001b[31mred\u001b[0m.md", "\\x1B[31mred\\x1B[0m.md"],
    ["a C1 CSI", "\u009b2J", "\\x9B2J"],
    ["tab, BEL, DEL, NUL", "a\tb\u0007c\u007fd\u0000", "a\\tb\\x07c\\x7Fd\\x00"],
    ["a bidi override", "evil\u202Egpj.md", "evil\\u202Egpj.md"],
    ["line separator", "a\u2028b", "a\\u2028b"],
    ["plain text and other scripts stay", "café/日本語 — ok.md", "café/日本語 — ok.md"],
  ])("%s", (_, text, expected) => {
    expect(escapeText(text)).toBe(expected);
  });
});

describe("escapeLines", () => {
  it.each([
    [
      "keeps its own lines, indented",
      "Refusing:\n  a (a.md)\n  b (b.md)",
      "Refusing:\n  a (a.md)\n  b (b.md)",
    ],
    [
      "indents a line that is not",
      "config invalid:\n✖ expected string",
      "config invalid:\n  ✖ expected string",
    ],
    ["a line that would be a command", "x:\n::warning::pwned", "x:\n  \\x3A:warning::pwned"],
    ["an indented command (the runner trims)", "x:\n   ::error::pwned", "x:\n   \\x3A:error::pwned"],
    ["a legacy ##[ command", "x\n##[error]pwned", "x\n  \\x23#[error]pwned"],
    ["escapes controls on each line", "a\u001b[2J\r\nb", "a\\x1B[2J\n  b"],
  ])("%s", (_, text, expected) => {
    expect(escapeLines(text)).toBe(expected);
  });
});
