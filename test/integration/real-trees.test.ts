/**
 * Trees shaped like real sites (issue 13): a Hugo docs tree whose file names repeat across
 * folders (`slugFrom: "path"`), Jekyll posts (`.markdown`, date-prefixed names), a file saved
 * with CRLF line endings.
 */
import { describe, expect, it } from "vitest";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { copyFixture } from "../helpers/project.ts";
import {
  describeRequests,
  fixtureSeed,
  itemsBySlug,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";

const DOCS = "65b0000000000000000000d1";
const POSTS = "65b0000000000000000000d2";
const CRLF_FILE =
  '---\r\ntitle: "Saved on Windows: CRLF"\r\ndraft: false\r\n---\r\n\r\nFirst line.\r\n\r\n```\r\ncode line 1\r\ncode line 2\r\n```\r\n';

describe("real trees", () => {
  it("derives slugs from paths and Jekyll names, reads CRLF files, and stays idempotent", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("real-trees"));
    await using project = await copyFixture("real-trees");
    await project.write("content/docs/windows.md", CRLF_FILE);
    const env = sandboxEnv(sandbox.baseUrl);

    const result = await runCli(["sync"], { cwd: project.dir, env });
    // The one template tag without a conversion is named with its line; nothing else is said.
    expect(result.stderr.split("\n")).toEqual([
      expect.stringMatching(
        /^warning \[rich-text-template\] content\/docs\/quick-reference\/glossary\/taxonomy\.md:8: Hugo shortcode "note" has no built-in conversion/,
      ),
    ]);
    expect(result.code).toBe(0);

    const docs = itemsBySlug(sandbox, DOCS);
    expect([...docs.keys()].sort()).toEqual([
      "docs",
      "glossary", // its frontmatter `slug:` wins over the path
      "methods-taxonomy",
      "quick-reference-glossary-taxonomy",
      "windows",
    ]);
    // A relative link to another file, and a Hugo `ref` to it, become that item's URL (path slug).
    const glossary = String(docs.get("quick-reference-glossary-taxonomy")?.fieldData["body"]);
    expect(glossary.match(/href="\/docs\/methods-taxonomy"/g)).toHaveLength(2);
    expect(glossary).toContain("<p>A <strong>note</strong>.</p>");
    expect(glossary).toContain("{{&lt; kept-in-code >}}</code></pre>");
    expect(glossary).not.toMatch(/\{\{[<%] ?(ref|note|\/note)/);
    const windows = docs.get("windows")?.fieldData;
    expect(windows?.["name"]).toBe("Saved on Windows: CRLF");
    expect(windows?.["body"]).toContain("code line 1\ncode line 2");
    expect(String(windows?.["body"])).not.toContain("\r");

    const posts = itemsBySlug(sandbox, POSTS);
    expect([...posts.keys()].sort()).toEqual(["jekyll-1-5-0-released", "jekyll-1-5-1-released"]);
    // The date in the file name fills `date` when the frontmatter has none; a written one wins.
    expect(posts.get("jekyll-1-5-0-released")?.fieldData["published-on"]).toMatch(/^2014-03-24T/);
    expect(posts.get("jekyll-1-5-1-released")?.fieldData["published-on"]).toMatch(/^2014-03-28T/);
    expect(posts.get("jekyll-1-5-0-released")?.fieldData["body"]).toContain(
      'href="/news/jekyll-1-5-1-released"',
    );
    // Liquid: post_url becomes the post's URL, a highlight block a code block, line breaks kept.
    const patch = String(posts.get("jekyll-1-5-1-released")?.fieldData["body"]);
    expect(patch).toContain('<a href="/news/jekyll-1-5-0-released">1.5.0</a>');
    expect(patch).toContain('<pre><code class="language-ruby">puts 1\n\n  puts 2</code></pre>');
    expect(patch).not.toContain("{%");

    sandbox.requests.length = 0;
    const again = await runCli(["sync"], { cwd: project.dir, env });
    expect(again.code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it('fails a file with template syntax under templates: "error", and that file alone', async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("real-trees"));
    await using project = await copyFixture("real-trees");
    await project.edit(
      "wf-sync.config.ts",
      '      fields: { date: "published-on" },\n',
      '      fields: { date: "published-on" },\n      templates: "error",\n',
    );
    const env = sandboxEnv(sandbox.baseUrl);
    for (const command of ["check", "sync"]) {
      const result = await runCli([command], { cwd: project.dir, env });
      expect(result.code, command).toBe(1);
      expect(result.stderr, command).toContain(
        '_posts/2014-03-27-jekyll-1-5-1-released.md:6: Liquid tag "post_url" in the body: `templates: "error"` refuses template syntax.',
      );
    }
    expect([...itemsBySlug(sandbox, POSTS).keys()]).toEqual(["jekyll-1-5-0-released"]);
  });

  it("names every file of a slug collision and the setting that tells them apart", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("real-trees"));
    await using project = await copyFixture("real-trees");
    await project.edit("wf-sync.config.ts", '      slugFrom: "path",\n', "");
    const env = sandboxEnv(sandbox.baseUrl);

    for (const command of [["sync"], ["check"]]) {
      const result = await runCli(command, { cwd: project.dir, env });
      expect(result.code, command[0]).toBe(1);
      for (const [file, other] of [
        ["content/docs/methods/taxonomy/_index.md", "content/docs/quick-reference/glossary/taxonomy.md"],
        ["content/docs/quick-reference/glossary/taxonomy.md", "content/docs/methods/taxonomy/_index.md"],
      ])
        expect(result.stderr, command[0]).toContain(
          `${file}: slug "taxonomy" is also used by ${other}, so none of these 2 files is synced.`,
        );
      expect(result.stderr).toContain('set `slugFrom: "path"` on collection "docs"');
    }
    expect(itemsBySlug(sandbox, DOCS).has("taxonomy")).toBe(false);
  });
  it("leaves out what Hugo never renders or lists, with the reason, and syncs what it only lists", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("real-trees"));
    await using project = await copyFixture("real-trees");
    // Hugo's documentation keeps its include snippets in a headless branch bundle.
    const cascade = "---\ncascade:\n  build:\n    list: never\n    render: never\n---\n";
    await project.write("content/docs/_common/_index.md", cascade);
    await project.write("content/docs/_common/snippet.md", "---\n---\nA snippet without a title.\n");
    await project.write("content/docs/bundle/index.md", "---\nheadless: true\n---\nResources only.\n");
    // Listed but not rendered (a glossary's terms in Hugo's docs): content, synced.
    await project.edit(
      "content/docs/quick-reference/glossary/_index.md",
      "slug: glossary\n",
      "slug: glossary\ncascade:\n  build:\n    render: never\n    list: local\n",
    );
    const env = sandboxEnv(sandbox.baseUrl);

    const reason = "Hugo never renders or lists this file";
    const cascaded = `${reason} (content/docs/_common/_index.md cascades render: never, list: never to it)`;
    for (const run of [1, 2]) {
      const result = await runCli(["sync", "--json"], { cwd: project.dir, env });
      expect(result.code, `run ${run}\n${result.stderr}`).toBe(0);
      const report = JSON.parse(result.stdout) as {
        warnings: Array<{ kind: string; message: string; location?: { file: string } }>;
      };
      const left = report.warnings.filter((warning) => warning.kind === "not-a-page");
      expect(
        left.map((warning) => [warning.location?.file, warning.message.replace(/\), so it .*/, ")")]),
      ).toEqual([
        ["content/docs/_common/_index.md", cascaded],
        ["content/docs/_common/snippet.md", cascaded],
        ["content/docs/bundle/index.md", `${reason} (it is a headless bundle (headless: true))`],
      ]);
    }
    const check = await runCli(["check"], { cwd: project.dir, env });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain(
      `[not-a-page] (3 times; first shown) content/docs/_common/_index.md: ${cascaded}`,
    );
    const slugs = [...itemsBySlug(sandbox, DOCS).keys()];
    expect(slugs).toContain("quick-reference-glossary-taxonomy");
    expect(slugs.filter((slug) => /common|snippet|bundle/.test(slug))).toEqual([]);
  });

  it("reads a cascade only from an _index.md that is a source, and a broken one fails alone", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("real-trees"));
    await using project = await copyFixture("real-trees");
    await project.write("content/docs/broken/_index.md", "---\ntitle: [unclosed\n---\n");
    await project.write("content/docs/broken/page.md", "---\ntitle: A page below it\n---\nText.\n");
    await project.edit(
      "wf-sync.config.ts",
      'slugFrom: "path",',
      'slugFrom: "path",\n      exclude: ["**/hidden/_index.md"],',
    );
    // Not a source (excluded): its cascade is not read, so the page below it syncs.
    await project.write(
      "content/docs/hidden/_index.md",
      "---\ncascade:\n  build: { render: never, list: never }\n---\n",
    );
    await project.write("content/docs/hidden/page.md", "---\ntitle: Shown\n---\nText.\n");

    const run = await runCli(["sync"], { cwd: project.dir, env: sandboxEnv(sandbox.baseUrl) });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/✖ content\/docs\/broken\/_index\.md:2:\d+: /);
    expect(run.stderr).not.toContain("not-a-page");
    const slugs = [...itemsBySlug(sandbox, DOCS).keys()];
    expect(slugs).toEqual(expect.arrayContaining(["broken-page", "hidden-page"]));
  });

  it("points at the line of each missing image, in sync and in check", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("real-trees"));
    await using project = await copyFixture("real-trees");
    const lines = ["---", "title: Pictures", "---", "", "Intro.", ""];
    lines.push("A paragraph", "over two lines ![first](missing-one.png) here.", "");
    lines.push("Text.", "", "More text,", "then ![second](./img/missing-two.png).", "");
    await project.write("content/docs/pictures.md", lines.join("\n"));
    expect(lines[7]).toContain("missing-one.png");
    expect(lines[12]).toContain("missing-two.png");
    const env = sandboxEnv(sandbox.baseUrl);

    // Each command stops at a file's first asset error; the fix of one shows the next.
    for (const [line, name] of [
      [8, "missing-one.png"],
      [13, "missing-two.png"],
    ] as const) {
      for (const command of ["check", "sync"]) {
        const result = await runCli([command], { cwd: project.dir, env });
        expect(result.code, command).toBe(1);
        expect(result.stderr, command).toContain(`content/docs/pictures.md:${line}: `);
        expect(result.stderr, command).toMatch(
          new RegExp(`pictures\\.md:${line}: .*${name}: file not found`),
        );
      }
      await project.write(`content/docs/${name === "missing-one.png" ? "" : "img/"}${name}`, "x");
    }
  });
});
