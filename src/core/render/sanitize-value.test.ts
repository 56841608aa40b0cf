import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sanitizeHtmlValue } from "./sanitize-value.ts";

const GOLDEN = join(import.meta.dirname, "../../../test/fixtures/render");
/** Outputs rendered under rawHtml "keep" hold what the sanitiser removes, on purpose. */
const isTrusted = (name: string) => name.includes("-keep");
const goldenOutputs = readdirSync(GOLDEN).filter((name) => name.endsWith(".html") && !isTrusted(name));

describe("sanitizeHtmlValue", () => {
  it("finds the golden outputs to check", () => {
    expect(goldenOutputs.length).toBeGreaterThan(30);
  });

  // A value wf-sync rendered (or `pull` wrote from Webflow) must come back byte for byte.
  it.each(goldenOutputs)("leaves the rendered %s as written", (name) => {
    const html = readFileSync(join(GOLDEN, name), "utf8");
    expect(sanitizeHtmlValue(html)).toEqual({ html });
  });

  it.each([
    [
      "an image figure as Webflow stores it",
      '<figure class="w-richtext-figure-type-image w-richtext-align-fullwidth" style="max-width:1200px" data-rt-type="image" data-rt-align="fullwidth" data-rt-max-width="1200px"><div><img src="https://cdn.prod.website-files.com/a/b.png" loading="lazy" alt=""></div><figcaption>Caption</figcaption></figure>',
    ],
    [
      "a video figure",
      '<figure class="w-richtext-figure-type-video w-richtext-align-fullwidth" style="padding-bottom:56.25%" data-rt-type="video" data-rt-align="fullwidth" data-page-url="https://youtu.be/x"><div><iframe src="https://www.youtube.com/embed/x" title="v" frameborder="0" allowfullscreen></iframe></div></figure>',
    ],
    ["an id kept as written", '<h2 id="install">Install</h2><p>Text &amp; more</p>'],
    ["odd but harmless serialisation", "<p>One<br/>two<BR>three</p><p>'quoted'</p>"],
  ])("keeps %s unchanged", (_name, html) => {
    expect(sanitizeHtmlValue(html)).toEqual({ html });
  });

  it.each([
    ["<p>Hi</p><script>alert(1)</script>", "<p>Hi</p>", ["<script>"]],
    ['<p>Hi<img src="x" onerror="alert(1)"></p>', '<p>Hi<img src="x"></p>', ["attributes"]],
    ['<p><a href="javascript:alert(1)">x</a></p>', "<p><a>x</a></p>", ["attributes"]],
    ['<iframe src="javascript:alert(1)"></iframe><p>ok</p>', "<iframe></iframe><p>ok</p>", ["attributes"]],
    ["<style>p{}</style><p>a</p>", "<p>a</p>", ["<style>"]],
  ])("sanitises %j", (html, expected, removed) => {
    const result = sanitizeHtmlValue(html);
    expect(result.html).toBe(expected);
    expect(result.removed).toContain(removed[0]);
  });
});
