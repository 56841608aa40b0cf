import { describe, expect, it } from "vitest";
import { renderPreviewPage } from "./preview-page.ts";

describe("renderPreviewPage", () => {
  it("wraps the rich text unchanged in .w-richtext with Webflow's default styles", () => {
    const html = '<p>a &lt; b</p><div class="w-embed"><pre><code>x</code></pre></div>';
    const page = renderPreviewPage({ title: "My post", html });
    expect(page.startsWith("<!doctype html>")).toBe(true);
    expect(page).toContain(`<div class="w-richtext">${html}</div>`);
    expect(page).toContain(".w-richtext figure.w-richtext-align-center");
    expect(page).toContain(".w-richtext figure.w-richtext-figure-type-video iframe");
  });

  it("escapes the title", () => {
    const page = renderPreviewPage({ title: '<script>"x" & y</script>', html: "" });
    expect(page).toContain(
      "<title>&lt;script&gt;&quot;x&quot; &amp; y&lt;/script&gt; · wf-sync preview</title>",
    );
    expect(page).not.toContain("<script>");
  });
});
