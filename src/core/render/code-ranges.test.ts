// The code ranges markdown-it finds must convert template tags exactly as remark's do: a tag is
// code in both or in neither. Checked on every golden body, the real-shaped benchmark corpus
// and edge cases around code spans, fences, containers and HTML.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateRealShapedPost } from "../../../bench/generate-real.ts";
import { parseEntry } from "../parse-entry.ts";
import { parserFor } from "../render-markdown.ts";
import { findCodeRanges } from "./code-ranges.ts";
import { codeRangesOf } from "./pipeline.ts";
import { convertTemplates } from "./templates.ts";

const GOLDEN = join(import.meta.dirname, "../../../test/fixtures/render");

function convertBoth(markdown: string) {
  const fast = findCodeRanges(markdown);
  const options = { file: "content/a.md", lineOffset: 0, mode: "convert" as const };
  const byRemark = convertTemplates(markdown, {
    ...options,
    codeRanges: codeRangesOf(parserFor(markdown).parse(markdown)),
  });
  return { fast: fast && convertTemplates(markdown, { ...options, codeRanges: fast }), byRemark };
}

const EDGE_CASES: Array<[string, string]> = [
  ["tag in a code span", "Use `{{< note >}}` like this, then {{< note >}}text{{< /note >}}.\n"],
  ["code span over two lines", "A `{{% x\n%}}` span and {{% y %}}.\n"],
  ["longer runs", "``code with ` {{ inside }}`` and ``` {% raw %} ``` and {% raw %}x{% endraw %}\n"],
  ["unmatched backticks", "An unclosed ` then {{< x >}} and `` then `{{ y }}`.\n"],
  ["escaped backtick", "\\`{{< x >}}` then `{{< y >}}`\n"],
  ["fence with a tag", "```go\n{{ .Title }}\n```\n\n{{< z >}}\n"],
  ["tilde fence, unclosed", "Text {{ a }}\n\n~~~\n{{ b }}\n"],
  ["indented code", "Para.\n\n    {{ code }}\n\n{{ text }}\n"],
  ["fence in a quote", "> ```\n> {{ q }}\n> ```\n> and {{ r }}\n"],
  ["fence in a list", "- item\n\n  ```\n  {% highlight ruby %}\n  ```\n- {% post_url x %}\n"],
  ["table cell code", "| a | b |\n|---|---|\n| `{{ c }}` | {{ d }} |\n"],
  ["heading", "## The `{{< x >}}` shortcode {{< y >}}\n"],
  ["html block", "<div>\n`{{ h }}`\n</div>\n\n{{ i }}\n"],
];

describe("findCodeRanges", () => {
  it.each(EDGE_CASES)("%s: tags convert as with remark's ranges", (_name, markdown) => {
    const { fast, byRemark } = convertBoth(markdown);
    expect(fast).toBeDefined();
    expect(fast).toEqual(byRemark);
  });

  it("agrees with remark on every golden body", () => {
    const bodies = readdirSync(GOLDEN).filter((name) => name.endsWith(".md"));
    expect(bodies.length).toBeGreaterThan(30);
    for (const name of bodies) {
      const { fast, byRemark } = convertBoth(readFileSync(join(GOLDEN, name), "utf8"));
      if (fast) expect(fast, name).toEqual(byRemark);
    }
  });

  it("agrees with remark on 600 real-shaped bodies, and takes nearly all of them", () => {
    let taken = 0;
    for (let index = 0; index < 600; index++) {
      const body = parseEntry(`content/p${index}.md`, generateRealShapedPost(index, 600)).body;
      const { fast, byRemark } = convertBoth(body);
      if (!fast) continue;
      taken++;
      expect(fast, `post ${index}`).toEqual(byRemark);
    }
    expect(taken).toBeGreaterThan(500);
  });

  it("steps aside where markdown-it and remark may see other blocks", () => {
    expect(findCodeRanges("a\tb `{{ x }}`\n")).toBeUndefined();
    expect(findCodeRanges("a\r\nb\r\n")).toBeUndefined();
  });
});
