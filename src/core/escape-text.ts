/**
 * Characters that must not reach a terminal or a CI log as they are: C0 controls (line breaks,
 * ESC that starts ANSI sequences, BEL, backspace, …), DEL, C1 controls (a lone U+009B is a CSI),
 * the Unicode line and paragraph separators, and the bidirectional overrides and isolates that
 * reorder what a reader sees (the "Trojan Source" characters), plus the BOM and the ALM.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function visible(character: string): string {
  const named = NAMED[character];
  if (named) return named;
  const code = character.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).toUpperCase().padStart(2, "0")}`
    : `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * One field (a file name, a slug, a message) made safe to print on one line: every unsafe
 * character becomes a visible escape (`\n`, `\x1B`, `\u202E`), so a file name can neither
 * start a new line (and with it a `::warning::` workflow command) nor colour or move the cursor.
 */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, visible);
}

/**
 * A message that spans lines on purpose (a config error, a list of removals) made safe: each
 * line is escaped as one field, lines after the first are indented, and a line that would read
 * as a workflow command (`::…` or `##[…`, after leading blanks) has its first character escaped.
 */
export function escapeLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line, index) => {
      const escaped = escapeText(line);
      const indented = index === 0 || /^\s/.test(escaped) ? escaped : `  ${escaped}`;
      return indented.replace(
        /^(\s*)([:#])(?=:|#\[)/,
        (_, blanks: string, first: string) => `${blanks}${visible(first)}`,
      );
    })
    .join("\n");
}
