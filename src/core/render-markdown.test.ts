import { describe, expect, it, vi } from "vitest";
import {
  createMarkdownRenderer,
  createReferenceRenderer,
  listLocalImageLines,
  listLocalImages,
  resolveRenderOptions,
} from "./render-markdown.ts";
import { fastParse } from "./render/fast-parse.ts";

const render = (markdown: string, options = {}) =>
  createMarkdownRenderer(options).render(markdown, { file: "content/post.md" });

describe("resolveRenderOptions", () => {
  it("applies the defaults a Webflow site wants", () => {
    expect(resolveRenderOptions()).toEqual({
      codeBlocks: "embed",
      tables: "embed",
      rawHtml: "sanitize",
      headingIds: false,
      h1: "demote",
      highlight: false,
      videoEmbeds: true,
      imageAlign: "center",
      footnoteLabel: "Footnotes",
      templates: "convert",
      remarkPlugins: [],
      rehypePlugins: [],
    });
  });

  it("keeps given values, ignores undefined ones, and has a fixed key order for the digest", () => {
    const resolved = resolveRenderOptions({
      imageAlign: "fullwidth",
      tables: "list",
      h1: undefined,
      highlight: true,
    });
    expect(resolved).toMatchObject({
      imageAlign: "fullwidth",
      tables: "list",
      h1: "demote",
      highlight: true,
    });
    expect(JSON.stringify(resolveRenderOptions({ tables: "list", codeBlocks: "paragraph" }))).toBe(
      JSON.stringify(resolveRenderOptions({ codeBlocks: "paragraph", tables: "list" })),
    );
  });
});

describe("createMarkdownRenderer().render", () => {
  it("renders an empty body as an empty string", () => {
    expect(render("")).toEqual({ html: "", warnings: [] });
  });

  it("emits compact HTML with no whitespace between blocks", () => {
    expect(render("# T\n\npara\n\n- a\n- b\n\n> q\n").html).toMatchInlineSnapshot(
      `"<h2>T</h2><p>para</p><ul><li>a</li><li>b</li></ul><blockquote>q</blockquote>"`,
    );
  });

  it("demotes headings only when the body has an h1, and keeps them with h1: keep", () => {
    expect(render("## A\n\n### B").html).toBe("<h2>A</h2><h3>B</h3>");
    expect(render("# A\n\n## B").html).toBe("<h2>A</h2><h3>B</h3>");
    expect(render("# A\n\n## B", { h1: "keep" }).html).toBe("<h1>A</h1><h2>B</h2>");
  });

  it("adds unique heading ids when asked", () => {
    expect(render("## Set up\n\n## Set up", { headingIds: true }).html).toBe(
      '<h2 id="set-up">Set up</h2><h2 id="set-up-1">Set up</h2>',
    );
  });

  it("puts code blocks in a custom-code embed with the text escaped", () => {
    expect(render("```js\na < b && c\n```").html).toMatchInlineSnapshot(
      `"<div class="w-embed"><pre><code class="language-js">a &lt; b &amp;&amp; c</code></pre></div>"`,
    );
  });

  it("highlights at build time only with a known language", () => {
    const html = render("```js\nconst a = 1;\n```\n\n```nope\nx\n```", { highlight: true }).html;
    expect(html).toContain('<code class="hljs language-js"><span class="hljs-keyword">const</span>');
    expect(html).toContain('<code class="language-nope">x</code>');
  });

  it("reports file lines shifted by lineOffset, with columns", () => {
    const renderer = createMarkdownRenderer();
    const { warnings } = renderer.render("text\n\n![x](./a.png)", { file: "content/post.md", lineOffset: 4 });
    expect(warnings).toEqual([
      {
        kind: "rich-text-local-image",
        message: expect.stringContaining('Image "./a.png" is a local file'),
        location: { file: "content/post.md", line: 7, column: 1 },
      },
    ]);
  });

  it("passes link and image targets to the resolvers exactly as written", () => {
    const resolveLink = vi.fn((href: string) => (href.includes("other") ? "/blog/other" : undefined));
    const resolveImage = vi.fn((src: string) => ({ url: `https://cdn.test/${encodeURIComponent(src)}` }));
    const markdown =
      '[a](../other.md#part) [b](<my file.md>) ![c](<img/ä b.png>) [d][ref]\n\n<img src="raw/pic.png" alt="r">\n\n[ref]: ./ref.md';
    const result = createMarkdownRenderer().render(markdown, {
      file: "content/post.md",
      resolveLink,
      resolveImage,
    });
    expect(resolveLink.mock.calls.map(([href]) => href).sort()).toEqual([
      "../other.md#part",
      "./ref.md",
      "my file.md",
    ]);
    expect(resolveImage.mock.calls.map(([src]) => src)).toEqual(["img/ä b.png", "raw/pic.png"]);
    expect(result.html).toContain('<a href="/blog/other">a</a>');
    expect(result.html).toContain('src="https://cdn.test/raw%2Fpic.png"');
    expect(result.warnings.map((warning) => [warning.kind, warning.location?.line])).toEqual([
      ["rich-text-relative-link", 1],
      ["rich-text-relative-link", 5],
    ]);
  });

  it("keeps site paths, fragments and safe schemes, and refuses script URLs with a warning", () => {
    const result = render("[a](/x) [b](#y) [c](mailto:a@b.c) [d](javascript:alert(1))");
    expect(result.html).toBe('<p><a href="/x">a</a> <a href="#y">b</a> <a href="mailto:a@b.c">c</a> d</p>');
    expect(result.warnings.map((warning) => warning.kind)).toEqual(["rich-text-unsafe-url"]);
  });

  it("sanitises raw HTML by default and names what it removed", () => {
    const result = render('Hi <span onclick="x()">there</span>.\n\n<script>alert(1)</script>\n');
    expect(result.html).toBe("<p>Hi there.</p>");
    expect(result.warnings.map(({ kind, location }) => [kind, location?.line])).toEqual([
      ["rich-text-raw-html", 1],
      ["rich-text-unsupported", 1],
      ["rich-text-raw-html", 3],
    ]);
    expect(result.warnings[2]?.message).toContain("removed <script>");
  });

  it("keeps trusted raw HTML with rawHtml: keep, and escapes it with rawHtml: escape", () => {
    expect(render("<script>track()</script>\n\nH<sub>2</sub>O", { rawHtml: "keep" }).html).toBe(
      '<div class="w-embed"><script>track()</script></div><p>H<sub>2</sub>O</p>',
    );
    expect(render("<b>x</b>", { rawHtml: "escape" }).html).toBe("<p>&lt;b>x&lt;/b></p>");
  });

  it("turns a lone YouTube link into a video figure unless videoEmbeds is off", () => {
    expect(render("https://youtu.be/dQw4w9WgXcQ").html).toContain(
      '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"',
    );
    expect(render("https://youtu.be/dQw4w9WgXcQ", { videoEmbeds: false }).html).toBe(
      '<p><a href="https://youtu.be/dQw4w9WgXcQ">https://youtu.be/dQw4w9WgXcQ</a></p>',
    );
  });

  it("renders tables as an embed, or as a list", () => {
    const table = "| a | b |\n|---|---|\n| 1 | 2 |";
    expect(render(table).html).toBe(
      '<div class="w-embed"><table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table></div>',
    );
    expect(render(table, { tables: "list" }).html).toBe(
      "<ul><li><strong>a:</strong> 1<br><strong>b:</strong> 2</li></ul>",
    );
  });

  it("does not carry state from one call to the next", () => {
    const renderer = createMarkdownRenderer({ headingIds: true });
    const first = renderer.render("## A\n\n![x](./a.png)", { file: "a.md" });
    const second = renderer.render("## A", { file: "b.md" });
    expect(first.warnings).toHaveLength(1);
    expect(second).toEqual({ html: '<h2 id="a">A</h2>', warnings: [] });
  });
});

describe("plugins", () => {
  function remarkTag(this: unknown, tag: string) {
    return (tree: { children: unknown[] }) => {
      tree.children.push({ type: "paragraph", children: [{ type: "text", value: tag }] });
    };
  }

  it("name, code and options of each plugin identify it in the resolved options (the settings digest)", () => {
    const resolved = resolveRenderOptions({ remarkPlugins: [remarkTag, [remarkTag, "v2"]] });
    expect(resolved.remarkPlugins).toEqual([
      expect.stringMatching(/^remarkTag@[0-9a-f]{16}$/),
      expect.stringMatching(/^remarkTag@[0-9a-f]{16} \["v2"\]$/),
    ]);
    const other = resolveRenderOptions({ remarkPlugins: [[remarkTag, "v3"]] }).remarkPlugins;
    expect(other).not.toEqual([resolved.remarkPlugins[1]]);
  });

  it("takes a body off the fast path and renders what the plugin added", () => {
    const renderer = createMarkdownRenderer({ remarkPlugins: [[remarkTag, "from the plugin"]] });
    expect(renderer.render("plain text", { file: "a.md" }).html).toBe(
      "<p>plain text</p><p>from the plugin</p>",
    );
  });
});

describe("listLocalImages", () => {
  it("lists relative image sources as written, once each, in order", () => {
    const markdown = [
      "![a](./images/a.png) ![b](https://cdn.test/b.png) ![c](/site/c.png) ![d](data:image/png;base64,AA)",
      "![e][logo] ![a again](./images/a.png)",
      '<p><img src="raw/f.jpg" alt=""></p>',
      "Inline <img src='g.gif'> too.",
      "",
      "[logo]: ../logo.svg",
    ].join("\n\n");
    expect(listLocalImages(markdown)).toEqual(["./images/a.png", "../logo.svg", "raw/f.jpg", "g.gif"]);
  });

  it("gives each source the body line it first appears on", () => {
    const markdown = "Intro\n\nA paragraph\nover lines ![a](a.png)\n\n![b][b]\n\n[b]: b.png\n";
    expect(listLocalImageLines(markdown)).toEqual([
      { src: "a.png", line: 4 },
      { src: "b.png", line: 6 },
    ]);
  });

  it("reports an image that is not uploaded at its own line, on either parser", () => {
    const markdown = "Intro\n\nA paragraph\nover *two* lines\\\nand ![a](a.png) three.\n";
    expect(fastParse(markdown)).toBeDefined();
    const lines: Array<number | undefined> = [];
    for (const renderer of [createMarkdownRenderer(), createReferenceRenderer()]) {
      const result = renderer.render(markdown, {
        file: "a.md",
        lineOffset: 10,
        resolveImage: (_src, line) => {
          lines.push(line);
          return { url: "https://cdn.test/a.png" };
        },
      });
      expect(result.warnings).toEqual([]);
    }
    expect(lines).toEqual([15, 15]);
  });

  it("ignores links and code", () => {
    expect(listLocalImages("[not an image](./a.png)\n\n```\n![x](./b.png)\n```\n`![y](c.png)`")).toEqual([]);
  });
});
