/**
 * Seeded random Markdown documents mixing the constructs the markdown-it fast path converts,
 * with their edge cases (loose/tight and nested lists, lazy continuation, setext headings,
 * emphasis next to punctuation, escapes, entities, code spans, hard breaks, link titles).
 * Used by the differential test of src/core/render/fast-parse.ts.
 */

/** The PRNG plus the inline pieces this document draws from (a few per document, so some documents avoid every construct the fast path declines). */
type Random = ReturnType<typeof createRandom> & { pieces: readonly (() => string)[] };

/** Small seeded PRNG (mulberry32), so a failing document can be reproduced from its seed. */
function createRandom(seed: number): {
  int: (min: number, max: number) => number;
  pick: <T>(items: readonly T[]) => T;
} {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return { int, pick: (items) => items[int(0, items.length - 1)]! };
}

const WORDS = [
  "alpha",
  "beta",
  "gamma",
  "delta",
  "snake_case_word",
  "x",
  "a.b",
  "end",
  "(paren)",
  '"quoted"',
  "café",
  "«guillemets»",
  "€5",
  "non\u00a0breaking",
  "—dash",
  "$x$",
];
const INLINE_PIECES = [
  () => "*em*",
  () => "_em_",
  () => "**strong**",
  () => "__strong__",
  () => "***both***",
  () => "*nested **strong** inside*",
  () => "**strong *em* inside**",
  () => "a*b*c",
  () => "a_b_c",
  () => "*(x)*",
  () => '**"x"**',
  () => "_(x)_.",
  () => "*a.*b",
  () => "**a**b",
  () => "__a__b",
  () => "* not em *",
  () => "\\*escaped\\*",
  () => "\\_ \\\\ \\# \\` \\[x\\]",
  () => "&amp; &copy; &#35; &#x41; &bogus; &nbsp;",
  () => "`code`",
  () => "`` a`b ``",
  () => "` padded `",
  () => "`  `",
  () => "`a  b`",
  () => "[link](/path)",
  () => '[link *em*](/path "double")',
  () => "[link](/path 'single')",
  () => "[link](/path (paren))",
  () => "[link](</with space>)",
  () => "[link](/a\\_b&amp;c)",
  () => "[link](./post-00001.md)",
  () => "[](/empty)",
  () => '![alt *em* **strong** `code`](/img.png "title")',
  () => "![](/img.png)",
  () => "![a ![b](/c.png) d](/e.png)",
  () => "<https://example.com/auto>",
  () => "[not a link]",
  () => "[half](",
  () => "#not-heading",
  () => "1. not a list",
];

function inline(random: Random): string {
  const parts: string[] = [];
  for (let i = random.int(1, 8); i > 0; i--) {
    parts.push(random.int(0, 2) === 0 ? random.pick(random.pieces)() : random.pick(WORDS));
  }
  return parts.join(random.pick([" ", " ", "", "  "]));
}

function paragraph(random: Random): string {
  const lines: string[] = [];
  for (let i = random.int(1, 3); i > 0; i--) lines.push(inline(random));
  const breaks = ["\n", "\n", "  \n", "\\\n", "   \n", " \n"];
  return (
    lines.reduce((text, line) => `${text}${random.pick(breaks)}${line}`) + random.pick(["", "", " ", "  "])
  );
}

function block(random: Random, depth: number): string {
  const roll = random.int(0, depth > 2 ? 10 : 14);
  switch (roll) {
    case 0:
    case 1:
    case 2:
      return paragraph(random);
    case 3:
      return `${"#".repeat(random.int(1, 6))} ${inline(random)}${random.pick(["", " #", " ###", "#"])}`;
    case 4:
      return `${inline(random)}\n${random.pick(["===", "---", "-", "="])}`;
    case 5:
      return random.pick(["***", "---", "- - -", "___", " * * *"]);
    case 6:
      return `\`\`\`${random.pick(["", "ts", "js meta", "py  x=1  ", " bash"])}\n${random.pick(["", "code", "a\n\nb", "  indented\n<tag> & stuff"])}\n\`\`\``;
    case 7:
      return `${paragraph(random)}\n\n    indented code\n${random.pick(["", "\n    more"])}`;
    case 8:
      return `${paragraph(random)}\n    not code, continuation`;
    case 9:
      return random.pick(["", "\n", "plain"]);
    case 10:
      return table(random);
    case 11:
    case 12:
      return list(random, depth + 1);
    default:
      return blockquote(random, depth + 1);
  }
}

/** Mostly plain GFM tables; one in four has short or long rows, no outer pipes, escapes or code. */
function table(random: Random): string {
  const isPlain = random.int(0, 3) > 0;
  const columns = random.int(1, 4);
  const cell = (): string =>
    isPlain ? random.pick(["", "x", "12 ms", inline(random)]) : random.pick(["x", "`a|b`", "a \\| b"]);
  const row = (count: number): string => {
    const cells = Array.from({ length: count }, cell);
    return !isPlain && random.int(0, 1) === 0 ? cells.join(" | ") : `| ${cells.join(" | ")} |`;
  };
  const delimiter = Array.from({ length: columns }, () => random.pick(["---", ":--", "--:", ":-:", "-"]));
  const rows = [row(columns), `|${delimiter.join("|")}|`];
  for (let i = random.int(0, 3); i > 0; i--) rows.push(row(isPlain ? columns : random.int(1, 5)));
  return rows.join("\n");
}

function blocks(random: Random, depth: number, count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    parts.push(block(random, depth));
    if (i < count - 1) parts.push(random.pick(["\n\n", "\n\n", "\n", "\n\n\n"]));
  }
  return parts.join("");
}

function list(random: Random, depth: number): string {
  const isOrdered = random.int(0, 2) === 0;
  const first = random.pick([1, 1, 0, 3, 10]);
  const items: string[] = [];
  for (let i = 0; i < random.int(1, 4); i++) {
    const marker = isOrdered ? `${first + i}.` : "-";
    const content = random.int(0, 5) === 0 ? "" : blocks(random, depth, random.int(1, 3));
    const indent = " ".repeat(marker.length + 1);
    const body = content
      .split("\n")
      .map((line, index) => (index === 0 || line === "" || random.int(0, 9) === 0 ? line : indent + line))
      .join("\n");
    items.push(body === "" ? marker : `${marker} ${body}`);
  }
  return items.join(random.pick(["\n", "\n", "\n\n"]));
}

function blockquote(random: Random, depth: number): string {
  return blocks(random, depth, random.int(1, 3))
    .split("\n")
    .map((line) => (random.int(0, 6) === 0 ? line : `> ${line}`))
    .join("\n");
}

export function randomDocument(seed: number): string {
  const base = createRandom(seed);
  const pieces = Array.from({ length: base.int(1, 6) }, () => base.pick(INLINE_PIECES));
  const random: Random = { ...base, pieces };
  return `${blocks(random, 0, random.int(1, 6))}${random.pick(["", "\n", "\n\n"])}`;
}
