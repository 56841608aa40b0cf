/**
 * Hostile input (issue 14): whatever a Markdown file holds (deep nesting, alias bombs, huge
 * frontmatter, control bytes, odd names), `sync`, `check` and `preview` of the built CLI
 * never crash (exit 70) or hang, every failure names its file, and the good post beside the
 * bad ones is created exactly once. Random cases come from fast-check (few, small runs); each
 * shape from the issue is also a fixed regression case.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createHostileProject, describeRuns, runHostile, type HostileRuns } from "./hostile-project.ts";

/** What a run must never do, whatever the input. */
function expectNoCrash(runs: HostileRuns): void {
  const all = [...runs.syncs, runs.check, ...runs.previews];
  for (const run of all) {
    expect([0, 1], describeRuns(runs)).toContain(run.code);
    expect(run.stderr).not.toMatch(/crashed|This is a bug/);
  }
  expect(runs.goodItems, describeRuns(runs)).toBe(1);
  expect(runs.goodCreates, describeRuns(runs)).toBe(1);
}

const FRONTMATTER = "---\ntitle: Bad\nsummary: s\n---\n\n";
const range = (count: number) => Array.from({ length: count }, (_, index) => index);
const row = (width: number, name: string) =>
  `[${range(width)
    .map(() => `*${name}`)
    .join(", ")}]`;

/** Each shape the issue lists (and a few more), with the bound that must name it. */
const SHAPES: Array<{ name: string; text: string | Uint8Array; expected: RegExp }> = [
  // `expected` follows "content/shapes/<name>.md": the line, then the bound or problem.
  { name: "dash-800", text: `${FRONTMATTER}${"- ".repeat(800)}x\n`, expected: /:6: .*maxNestingDepth/ },
  { name: "dash-10000", text: `${FRONTMATTER}${"- ".repeat(10_000)}x\n`, expected: /:6: .*maxNestingDepth/ },
  { name: "quote-10000", text: `${FRONTMATTER}${">".repeat(10_000)}\n`, expected: /:6: .*maxNestingDepth/ },
  { name: "div-10000", text: `${FRONTMATTER}${"<div>".repeat(10_000)}\n`, expected: /:6: .*maxNestingDepth/ },
  {
    name: "list-1000-levels",
    text:
      FRONTMATTER +
      range(1000)
        .map((level) => `${"  ".repeat(level)}- x`)
        .join("\n"),
    expected: /:38: .*maxNestingDepth/,
  },
  {
    name: "emphasis-5000",
    text: `${FRONTMATTER}${"*a ".repeat(5000)}x${" a*".repeat(5000)}\n`,
    expected: /:\d+: .*maxNestingDepth/,
  },
  {
    name: "alias-bomb",
    text: `---\ntitle: Bomb\na: &a [x]\nb: &b ${row(9, "a")}\nc: &c ${row(9, "b")}\nd: &d ${row(9, "c")}\ne: ${row(9, "d")}\n---\nbody\n`,
    expected: /:\d+: .*maxYamlAliases/,
  },
  {
    name: "keys-1500",
    text: `---\ntitle: Keys\n${range(1500)
      .map((index) => `k${index}: v`)
      .join("\n")}\n---\nbody\n`,
    expected: /:\d+: .*maxFrontmatterKeys/,
  },
  {
    name: "keys-200000",
    text: `---\ntitle: Keys\n${range(200_000)
      .map((index) => `k${index}: v`)
      .join("\n")}\n---\nbody\n`,
    expected: /:1: .*maxFrontmatterBytes/,
  },
  {
    name: "deep-flow-yaml",
    text: `---\ntitle: Deep\na: ${"[".repeat(3000)}${"]".repeat(3000)}\n---\nbody\n`,
    expected: /:\d+: .*maxNestingDepth/,
  },
  { name: "body-6mb", text: `${FRONTMATTER}${"word ".repeat(1_200_001)}\n`, expected: /:5: .*maxBodyBytes/ },
  {
    name: "control-byte",
    text: `${FRONTMATTER}line\nbell \u0007 here\n`,
    expected: /:7: .*control character U\+0007/,
  },
  {
    name: "escaped-control",
    text: `---\ntitle: Bad\nsummary: "tab\\x1bescape"\n---\nbody\n`,
    expected: /:3: .*control character U\+001B/,
  },
  {
    name: "invalid-utf8",
    text: Buffer.concat([
      Buffer.from(`${FRONTMATTER}ok\n`),
      Buffer.from([0xff, 0xfe, 0x41]),
      Buffer.from("\n"),
    ]),
    expected: /:7: .*invalid UTF-8/,
  },
];

describe("hostile input through the built CLI", () => {
  // Each CLI run has spawnCli's 30 s timeout, so a hang fails the test instead of stalling it;
  // the test timeouts leave room for a busy machine (about 15 s each on two idle cores).
  it(
    "fails each shape from issue 14 alone, naming its file, line and bound",
    { timeout: 180_000 },
    async () => {
      const files = Object.fromEntries(
        SHAPES.map((shape) => [`content/shapes/${shape.name}.md`, shape.text]),
      );
      await using project = await createHostileProject(files);
      const runs = await runHostile(project, ["content/shapes/dash-800.md", "content/shapes/div-10000.md"]);
      expectNoCrash(runs);
      for (const run of [runs.syncs[0]!, runs.check]) {
        expect(run.code).toBe(1);
        for (const shape of SHAPES)
          expect(run.stderr, `${shape.name}\n${describeRuns(runs)}`).toMatch(
            new RegExp(`content/shapes/${shape.name}\\.md${shape.expected.source}`),
          );
      }
      for (const preview of runs.previews) {
        expect(preview.code).toBe(1);
        expect(preview.stderr).toMatch(/content\/shapes\/(dash-800|div-10000)\.md:6: .*maxNestingDepth/);
      }
    },
  );

  it(
    "stops a file that takes longer than maxFileMs, and syncs the others",
    { timeout: 180_000 },
    async () => {
      // Shapes within every bound on which micromark is quadratic: about 16 s each unbounded.
      const slow = {
        "content/slow/lists-and-html.md": `${FRONTMATTER}${"- a\n\n<!-- -->\n\n".repeat(4000)}`,
        "content/slow/footnotes.md": `${FRONTMATTER}${range(3000)
          .map((index) => `text[^${index}]\n\n[^${index}]: note ${index}\n`)
          .join("\n")}`,
      };
      await using project = await createHostileProject(slow, { limits: { maxFileMs: 1000 } });
      const runs = await runHostile(project, ["content/slow/footnotes.md"]);
      expectNoCrash(runs);
      for (const run of [runs.syncs[0]!, runs.check, runs.previews[0]!]) {
        expect(run.code, describeRuns(runs)).toBe(1);
        expect(run.stderr).toMatch(/content\/slow\/footnotes\.md:1: .*longer than maxFileMs \(1000 ms\)/);
      }
      for (const run of [runs.syncs[0]!, runs.check])
        expect(run.stderr).toMatch(/content\/slow\/lists-and-html\.md:1: .*maxFileMs/);
    },
  );

  it(
    "never crashes or hangs on random Markdown, frontmatter and file names",
    { timeout: 180_000 },
    async () => {
      const markdownToken = fc.constantFrom(
        "- ",
        "* ",
        "1. ",
        "> ",
        "  ",
        "\t",
        "\n",
        "\n\n",
        "#",
        "*",
        "_",
        "**",
        "[",
        "]",
        "(",
        ")",
        "![",
        "<div>",
        "</div>",
        "<b>",
        "<script>",
        "`",
        "```",
        "|",
        "~",
        "\\",
        "&amp;",
        "a",
        "word ",
        "é",
        "😀",
        "\r\n",
      );
      const markdown = fc.oneof(
        fc.array(markdownToken, { maxLength: 80 }).map((tokens) => tokens.join("")),
        fc
          .record({
            unit: markdownToken,
            count: fc.integer({ min: 1, max: 3000 }),
            tail: fc.constantFrom("", "x", "\n"),
          })
          .map(({ unit, count, tail }) => unit.repeat(count) + tail),
      );
      const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/).filter((name) => name !== "slug");
      const frontmatter = fc.oneof(
        fc
          .dictionary(key, fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()), { maxKeys: 6 })
          .map(
            (data) =>
              `---\n${Object.entries(data)
                .map(([name, value]) => `${name}: ${JSON.stringify(value)}`)
                .join("\n")}\n---\n`,
          ),
        fc
          .array(fc.constantFrom("a: ", "[", "]", "{", "}", "&x ", "*x", "\n", "- ", "'", '"', ":", " "), {
            maxLength: 40,
          })
          .map((tokens) => `---\n${tokens.join("")}\n---\n`),
        fc.constant(""),
        fc
          .integer({ min: 1, max: 2000 })
          .map((depth) => `---\na: ${"[".repeat(depth)}${"]".repeat(depth)}\n---\n`),
      );
      const fileName = fc
        .array(
          fc.constantFrom(
            "a",
            "b",
            "Z",
            "0",
            "-",
            "_",
            " ",
            "é",
            "日本",
            "#",
            "%",
            "(",
            ")",
            "'",
            "&",
            "+",
            "=",
            "@",
            ",",
          ),
          {
            minLength: 1,
            maxLength: 12,
          },
        )
        .map((parts) => `content/odd/x ${parts.join("")}.md`);

      await fc.assert(
        fc.asyncProperty(fileName, frontmatter, markdown, async (path, head, body) => {
          await using project = await createHostileProject({ [path]: head + body });
          const runs = await runHostile(project, [path]);
          expectNoCrash(runs);
          // Every failure names its file: the bad file is the only one that can fail.
          for (const run of [...runs.syncs, runs.check, ...runs.previews])
            if (run.code === 1) expect(run.stderr, describeRuns(runs)).toContain(path);
        }),
        { numRuns: 3 },
      );
    },
  );
});
