/**
 * Pathological-input benchmark (issue 14): one file's parse + render cost must grow linearly
 * with its size, whatever its shape. Each shape is timed at 1×, 10× and 100× its base size
 * through the real path (parseEntry, then the renderer the prepare stage uses: the markdown-it
 * fast path, else remark) and printed as a table with the growth of the time per byte from
 * one step to the next, which stays near 1.0 when the cost is linear.
 *
 * Two kinds of shape: those over a bound (deep nesting, alias bombs, huge frontmatter) must be
 * refused, in time linear in their size; those within every bound (the same deep-but-allowed
 * unit repeated) must render, in time linear in their size.
 *
 * Part of `npm run bench` (`--only pathological`); alone: `npx jiti bench/pathological.ts`
 * (`--quick` stops at 10×; `--only NAME` one shape).
 */
import { parseArgs } from "node:util";
import { createEntryPreparer, type PrepareResolvers } from "../src/core/prepare-entry.ts";
import { createMarkdownRenderer } from "../src/core/render-markdown.ts";
import { TimeBudgetExceeded, withinTimeBudget } from "../src/pipeline/prepare/time-budget.ts";

interface Shape {
  name: string;
  /** The file's text at `scale` times its base size. */
  make: (scale: number) => string;
}

const FRONTMATTER = "---\ntitle: Bench\n---\n\n";

const range = (count: number) => Array.from({ length: count }, (_, index) => index);
/** A list nested `depth` levels by indentation. */
const nestedList = (depth: number) =>
  range(depth)
    .map((level) => `${"  ".repeat(level)}- item ${level}`)
    .join("\n");

const SHAPES: Shape[] = [
  // Over a bound: refused, in a scan linear in the size.
  { name: "`- ` x800k + x (one-line list nesting)", make: (k) => FRONTMATTER + "- ".repeat(800 * k) + "x" },
  { name: "`>` x10,000k", make: (k) => FRONTMATTER + ">".repeat(10_000 * k) },
  { name: "`<div>` x10,000k", make: (k) => FRONTMATTER + "<div>".repeat(10_000 * k) },
  { name: "list nested 100k levels", make: (k) => FRONTMATTER + nestedList(100 * k) },
  {
    name: "`*a ` x500k emphasis nesting",
    make: (k) => FRONTMATTER + `${"*a ".repeat(500 * k)}x${" a*".repeat(500 * k)}`,
  },
  {
    name: "`![` x500k image nesting",
    make: (k) => FRONTMATTER + `${"![".repeat(500 * k)}x${"](y)".repeat(500 * k)}`,
  },
  {
    name: "frontmatter 2,000k keys",
    make: (k) =>
      `---\n${range(2_000 * k)
        .map((index) => `key${index}: value`)
        .join("\n")}\n---\nbody\n`,
  },
  {
    name: "YAML alias bomb, 9k wide",
    make: (k) => {
      const width = 9 * k;
      const row = (name: string) =>
        `[${range(width)
          .map(() => `*${name}`)
          .join(", ")}]`;
      return `---\na: &a [x]\nb: &b ${row("a")}\nc: &c ${row("b")}\nd: &d ${row("c")}\ne: ${row("d")}\n---\nbody\n`;
    },
  },
  // Within every bound but quadratic in micromark: stopped by the time budget once they get big.
  { name: "list + HTML block, x40k", make: (k) => FRONTMATTER + "- a\n\n<!-- -->\n\n".repeat(40 * k) },
  {
    name: "footnote reference + definition, x30k",
    make: (k) =>
      FRONTMATTER +
      range(30 * k)
        .map((index) => `text[^${index}]\n\n[^${index}]: note ${index}\n`)
        .join("\n"),
  },
  // Within every bound: rendered, in time linear in the size.
  {
    name: "plain prose, 40 KB·k",
    make: (k) =>
      FRONTMATTER + "A sentence of *plain* prose with a [link](https://example.com).\n\n".repeat(620 * k),
  },
  {
    name: "list nested 30 levels, x10k",
    make: (k) =>
      FRONTMATTER +
      range(10 * k)
        .map(() => nestedList(30))
        .join("\n\n"),
  },
  {
    name: "quote nested 30 levels, x20k",
    make: (k) => FRONTMATTER + `${"> ".repeat(30)}quoted\n\n`.repeat(20 * k),
  },
  {
    name: "emphasis nested 15 levels, x50k",
    make: (k) => FRONTMATTER + `${"*a _b ".repeat(7)}x${" b_ a*".repeat(7)}\n\n`.repeat(50 * k),
  },
  {
    name: "`<div>` x30 nested, x20k",
    make: (k) => FRONTMATTER + `${"<div>".repeat(30)}x${"</div>".repeat(30)}\n\n`.repeat(20 * k),
  },
  {
    name: "flat list, 200k items",
    make: (k) =>
      FRONTMATTER +
      range(200 * k)
        .map((index) => `- item ${index}`)
        .join("\n"),
  },
  {
    name: "frontmatter 9k keys",
    make: (k) =>
      `---\n${range(9 * k)
        .map((index) => `key${index}: value ${index}`)
        .join("\n")}\n---\nbody\n`,
  },
  {
    name: "frontmatter 2 KB·k value",
    make: (k) => `---\ntitle: Bench\nsummary: "${"long text ".repeat(200 * k)}"\n---\nbody\n`,
  },
];

const resolvers: PrepareResolvers = { urlOfFile: () => undefined, urlOfAsset: () => undefined };
const preparer = createEntryPreparer([{ hasBody: true, renderOptions: {} }], createMarkdownRenderer);

/** The budget the prepare stage gives one file (limits.maxFileMs), lowered so the bench stays short. */
const BUDGET_MS = 5_000;

/** Milliseconds for one parse + render, and how it ended (ok, or the error's code and bound). */
function timeOnce(text: string): { ms: number; outcome: string } {
  const start = performance.now();
  let prepared;
  try {
    prepared = withinTimeBudget(BUDGET_MS, text.length, () =>
      preparer.prepare({ path: "bench.md", text, settings: 0 }, resolvers),
    );
  } catch (error) {
    if (!(error instanceof TimeBudgetExceeded)) throw error;
    return { ms: performance.now() - start, outcome: `stopped at ${BUDGET_MS} ms (maxFileMs)` };
  }
  const ms = performance.now() - start;
  const error = prepared.error;
  const outcome = error ? `${error.code ?? "?"}${error.limit ? ` ${error.limit}` : ""}` : "ok";
  return { ms, outcome };
}

/** Best of a few runs (fewer for big inputs), so a GC pause or a busy core does not decide. */
function measure(text: string): { ms: number; outcome: string } {
  const runs = text.length > 1_000_000 ? 1 : text.length > 100_000 ? 2 : 3;
  let best = timeOnce(text);
  // A stopped run is not repeated: it would only be stopped again.
  for (let run = 1; run < runs && !best.outcome.startsWith("stopped"); run++) {
    const next = timeOnce(text);
    if (next.ms < best.ms) best = next;
  }
  return best;
}

const format = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
const ratio = (a: number, b: number) => (b <= 0 ? "–" : (a / b).toFixed(1));
const size = (bytes: number) =>
  bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${(bytes / 1000).toFixed(1)} KB`;

export function runPathologicalBench(
  options: { scales?: number[]; only?: string; log?: (line: string) => void } = {},
): void {
  const log = options.log ?? ((line: string) => console.log(line));
  const scales = options.scales ?? [1, 10, 100];
  // Warm up both parsers and the YAML engine, so the first shape does not pay for loading them.
  for (let index = 0; index < 3; index++)
    timeOnce(`${FRONTMATTER}# Warm\n\nSome *text* and <b>html</b>.\n\n> quote\n`);
  log(
    `${"shape".padEnd(42)}${scales.map((scale) => `${scale}× size`.padStart(10) + `${scale}× ms`.padStart(10)).join("")}  growth   outcome`,
  );
  log("(growth: time per byte at each step over the step before; 1.0 is linear)");
  for (const shape of SHAPES) {
    if (options.only && !shape.name.includes(options.only)) continue;
    const results = scales.map((scale) => {
      const text = shape.make(scale);
      return { bytes: text.length, ...measure(text) };
    });
    // Time growth over size growth: 1.0 is linear, 10 would be quadratic at a 10× step.
    const ratios = results
      .slice(1)
      .map((result, index) => ratio(result.ms / result.bytes, results[index]!.ms / results[index]!.bytes));
    const outcomes = [...new Set(results.map((result) => result.outcome))].join(", ");
    log(
      `${shape.name.padEnd(42)}${results.map((result) => size(result.bytes).padStart(10) + format(result.ms).padStart(10)).join("")}  ${ratios.join(" ").padEnd(8)} ${outcomes}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("pathological.ts")) {
  const { values } = parseArgs({
    options: { quick: { type: "boolean", default: false }, only: { type: "string" } },
  });
  runPathologicalBench({ scales: values.quick ? [1, 10] : [1, 10, 100], only: values.only });
}
