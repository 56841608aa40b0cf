/**
 * Whether GFM autolink literals could apply to a body. Shared by the parser choice (which
 * needs the costly autolink-literal extension only then) and the markdown-it fast path
 * (which does not implement them, so it must not run then).
 */

/** Destinations of inline links and images, `<…>` autolinks and definitions: never bare URLs. */
const NON_LITERAL_URLS =
  /\]\(\s*<?[^\s()<>]*>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)|<[a-z][a-z0-9+.-]*:[^\s<>]*>|^ {0,3}\[[^\]\n]+\]:[^\n]*/gim;
/** Where GFM could start an autolink literal: www., a scheme it links, or an e-mail's @. */
const LITERAL_START = /www\.|https?:\/\/|mailto:|xmpp:|@/i;

/**
 * True when an autolink literal could occur in `markdown`. Conservative: a backslash-escaped
 * bracket (which can turn a link back into text) or any URL candidate left after removing
 * link destinations counts.
 */
export function mayHoldLiteral(markdown: string): boolean {
  return (
    LITERAL_START.test(markdown) &&
    (/\\[[\]]/.test(markdown) || LITERAL_START.test(markdown.replace(NON_LITERAL_URLS, "")))
  );
}
