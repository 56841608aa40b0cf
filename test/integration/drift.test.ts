// Issue 12 item 5: edits made in Webflow are never overwritten silently. An item changed in
// Webflow since wf-sync last wrote it fails with the fields that differ (exit 1, every other
// item written); `--overwrite` writes it anyway; a manifest whose ids were swapped by hand
// never sends one file's content into another file's item.
import { describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.ts";
import { failureFor, syncWith } from "../helpers/cli.ts";
import { FIELDS_FIXTURE, POSTS } from "../helpers/fixtures.ts";
import { copyFixture } from "../helpers/project.ts";
import { fixtureSeed, itemsBySlug, liveSlugs, startTestSandbox } from "../helpers/sandbox.ts";

/** An editor's change in Webflow: a staged PATCH through the API, as the Designer makes it. */
async function editInWebflow(sandbox: Sandbox, itemId: string, fieldData: Record<string, unknown>) {
  const response = await fetch(`${sandbox.baseUrl}/collections/${POSTS}/items`, {
    method: "PATCH",
    headers: { authorization: "Bearer editor-token", "content-type": "application/json" },
    body: JSON.stringify({ items: [{ id: itemId, fieldData }] }),
  });
  expect(response.status).toBe(200);
}

describe("edits made in Webflow", () => {
  it("survive a later edit in Git: the item fails with the field named, until --overwrite", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    expect((await syncWith(sandbox, project)).code).toBe(0);
    const minimal = itemsBySlug(sandbox, POSTS).get("minimal");
    await editInWebflow(sandbox, minimal?.id as string, { "post-summary": "Fixed in Webflow." });

    await project.edit("content/posts/minimal.md", "Short.", "Short, and edited in Git.");
    await project.edit("content/posts/every-field.md", "featured: yes", "featured: no");
    const held = await syncWith(sandbox, project);
    expect(held.code).toBe(1);
    expect(failureFor(held.stderr, "content/posts/minimal.md")).toMatch(
      /changed in Webflow since wf-sync last wrote it \(post-summary: now "Fixed in Webflow\."\); it was not overwritten/,
    );
    expect(held.stderr).toMatch(/--overwrite/);
    const posts = itemsBySlug(sandbox, POSTS);
    expect(posts.get("minimal")?.fieldData["post-summary"]).toBe("Fixed in Webflow.");
    expect(posts.get("every-field")?.fieldData["featured"]).toBe(false);

    const plan = await syncWith(sandbox, project, ["sync", "--dry-run"]);
    expect(plan.code).toBe(1);
    expect(failureFor(plan.stderr, "content/posts/minimal.md")).toMatch(/changed in Webflow/);

    const overwritten = await syncWith(sandbox, project, ["sync", "--overwrite"]);
    expect(overwritten.code).toBe(0);
    expect(itemsBySlug(sandbox, POSTS).get("minimal")?.fieldData["post-summary"]).toBe(
      "Only what is required.",
    );
    expect((await syncWith(sandbox, project)).code).toBe(0);
  });

  it("never follow ids swapped in the manifest into the wrong item", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    expect((await syncWith(sandbox, project)).code).toBe(0);
    const manifest = JSON.parse(await project.read(".wf-sync/manifest.json")) as {
      collections: Record<string, { items: Record<string, { itemId: string }> }>;
    };
    const items = manifest.collections[POSTS]?.items ?? {};
    const a = items["minimal"] as { itemId: string };
    const b = items["old-news"] as { itemId: string };
    [a.itemId, b.itemId] = [b.itemId, a.itemId];
    await project.write(".wf-sync/manifest.json", JSON.stringify(manifest));

    await project.edit("content/posts/minimal.md", "Short.", "Short, and edited in Git.");
    const run = await syncWith(sandbox, project);
    expect(run.code).toBe(0);
    const posts = itemsBySlug(sandbox, POSTS);
    expect(String(posts.get("minimal")?.fieldData["post-body"])).toContain("edited in Git");
    expect(String(posts.get("old-news")?.fieldData["post-body"])).not.toContain("edited in Git");
    expect(posts.get("old-news")?.fieldData["name"]).not.toBe("Minimal");
  });

  it("never re-create an item deleted in Webflow without --overwrite", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    expect((await syncWith(sandbox, project)).code).toBe(0);
    const posts = itemsBySlug(sandbox, POSTS);
    const headers = { authorization: "Bearer editor-token", "content-type": "application/json" };
    const remove = await fetch(`${sandbox.baseUrl}/collections/${POSTS}/items`, {
      method: "DELETE",
      headers,
      body: JSON.stringify({ items: [{ id: posts.get("old-news")?.id }] }),
    });
    expect(remove.status).toBeLessThan(300);

    await project.edit("content/posts/old-news.md", "---\n", "---\nsubtitle: Edited\n");
    const held = await syncWith(sandbox, project);
    expect(held.code).toBe(1);
    expect(failureFor(held.stderr, "content/posts/old-news.md")).toMatch(/was deleted in Webflow/);
    expect(itemsBySlug(sandbox, POSTS).has("old-news")).toBe(false);

    const restored = await syncWith(sandbox, project, ["sync", "--overwrite"]);
    expect(restored.code).toBe(0);
    expect(itemsBySlug(sandbox, POSTS).has("old-news")).toBe(true);
  });

  it("never republish an item unpublished in Webflow without --overwrite", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    expect((await syncWith(sandbox, project)).code).toBe(0);
    const minimal = itemsBySlug(sandbox, POSTS).get("minimal")?.id as string;
    // The editor takes the item off the live site (the staged copy stays).
    const unpublish = await fetch(`${sandbox.baseUrl}/collections/${POSTS}/items/${minimal}/live`, {
      method: "DELETE",
      headers: { authorization: "Bearer editor-token" },
    });
    expect(unpublish.status).toBe(204);
    expect(liveSlugs(sandbox, POSTS)).not.toContain("minimal");

    await project.edit("content/posts/minimal.md", "Short.", "Short, and edited in Git.");
    await project.edit("content/posts/every-field.md", "featured: yes", "featured: no");
    for (const run of [1, 2]) {
      const held = await syncWith(sandbox, project);
      expect(held.code, `run ${run}`).toBe(1);
      expect(failureFor(held.stderr, "content/posts/minimal.md")).toMatch(
        /unpublished in Webflow since wf-sync last published it; its staged copy now holds the file's version, but it was not published again/,
      );
      expect(held.stderr).toMatch(/--overwrite/);
      expect(liveSlugs(sandbox, POSTS)).not.toContain("minimal");
      // Every other item is written and stays live.
      expect(liveSlugs(sandbox, POSTS)).toContain("every-field");
    }
    expect(String(itemsBySlug(sandbox, POSTS).get("minimal")?.fieldData["post-body"])).toContain(
      "edited in Git",
    );

    const republished = await syncWith(sandbox, project, ["sync", "--overwrite"]);
    expect(republished.code, republished.stderr).toBe(0);
    expect(liveSlugs(sandbox, POSTS)).toContain("minimal");
    expect((await syncWith(sandbox, project)).code).toBe(0);
  });
});
