// Issue 4: references across two synced collections (with a cycle and an unresolved target),
// and local images and files uploaded as assets — once, again after an edit, never over 4 MB.
import { appendFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { failureFor, syncWith } from "../helpers/cli.ts";
import { FIELDS_FIXTURE, PEOPLE, POSTS, SITE } from "../helpers/fixtures.ts";
import { copyFixture } from "../helpers/project.ts";
import {
  assetNamed,
  assetTraffic,
  describeRequests,
  fixtureSeed,
  itemIdsOf,
  itemsBySlug,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";

describe("references between synced collections", () => {
  it("resolves a cycle (people ↔ posts) by slug and by path, then writes nothing on a second run", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    const first = await syncWith(sandbox, project, ["sync", "--json"]);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as {
      items: Array<{ slug: string; action: string; error: string | null }>;
    };
    expect(report.items.filter((item) => item.error !== null)).toEqual([]);

    const people = itemsBySlug(sandbox, PEOPLE);
    const posts = itemsBySlug(sandbox, POSTS);
    // Each side holds the other's id: people were created after posts, whose references came in a second pass.
    expect(people.get("ada")?.fieldData["favorite-post"]).toBe(posts.get("every-field")?.id);
    expect(posts.get("every-field")?.fieldData["author"]).toBe(people.get("ada")?.id);
    expect(people.get("grace")?.fieldData["favorite-post"]).toBe(posts.get("minimal")?.id); // written as ../posts/minimal.md
    expect(posts.get("every-field")?.fieldData["co-authors"]).toEqual([
      people.get("grace")?.id,
      people.get("ada")?.id,
    ]);
    // Exactly one item of each collection, no duplicates.
    expect(sandbox.items(PEOPLE)).toHaveLength(2);
    expect(sandbox.items(POSTS)).toHaveLength(4);

    sandbox.requests.length = 0;
    const second = await syncWith(sandbox, project, ["sync", "--json"]);
    expect(second.code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    // Files written in the second pass kept their skip records too: nothing is parsed again.
    expect(JSON.parse(second.stdout)).toMatchObject({ summary: { files: { parsed: 0 } } });

    // Pointing a reference elsewhere writes that one item.
    await project.edit(
      "content/people/ada.md",
      "favorite-post: every-field",
      "favorite-post: ../posts/minimal.md",
    );
    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(0);
    const ada = itemsBySlug(sandbox, PEOPLE).get("ada");
    expect(ada?.fieldData["favorite-post"]).toBe(posts.get("minimal")?.id);
    // Ada alone, staged then live.
    expect(writeRequests(sandbox).flatMap(itemIdsOf)).toEqual([ada?.id, ada?.id]);
  });

  it("fails an item whose reference names no item, by slug or by path, and syncs the rest", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    await project.write(
      "content/people/alan.md",
      "---\nname: Alan Turing\nfavorite-post: no-such-post\n---\nAlan.\n",
    );
    await project.write(
      "content/posts/dangling.md",
      "---\ntitle: Dangling\nsummary: Points at nobody.\nauthor: ../people/nobody.md\n---\nHi.\n",
    );

    const result = await syncWith(sandbox, project);
    expect(result.code).toBe(1);
    expect(failureFor(result.stderr, "content/people/alan.md")).toMatch(
      /^✖ content\/people\/alan\.md:3: favorite-post: .*no-such-post/,
    );
    expect(failureFor(result.stderr, "content/posts/dangling.md")).toMatch(
      /^✖ content\/posts\/dangling\.md:4: author: .*\.\.\/people\/nobody\.md/,
    );
    expect([...itemsBySlug(sandbox, PEOPLE).keys()].sort()).toEqual(["ada", "grace"]);
    expect([...itemsBySlug(sandbox, POSTS).keys()].sort()).toEqual([
      "every-field",
      "minimal",
      "old-news",
      "work-in-progress",
    ]);

    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(1);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });
});

describe("local images and files as assets", () => {
  it("uploads each file once across runs (and with a lost manifest), and again after it is edited", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    expect((await syncWith(sandbox, project)).code).toBe(0);
    // red.png is used by three items, green.png by four, blue.png in a body: one upload each.
    expect(assetTraffic(sandbox, SITE)).toEqual({
      creates: ["blue.png", "green.png", "red.png", "slides.pdf"],
      uploads: 4,
    });
    const oldRed = assetNamed(sandbox, SITE, "red.png");

    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(0);
    expect(assetTraffic(sandbox, SITE)).toEqual({ creates: [], uploads: 0 });
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);

    // A fresh CI runner has no manifest: the assets already on the site are adopted, not uploaded again.
    await project.remove(".wf-sync/manifest.json");
    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(0);
    expect(assetTraffic(sandbox, SITE)).toEqual({ creates: [], uploads: 0 });
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);

    // Edited bytes are a new asset; every item using the image then points at it.
    await appendFile(project.path("content/media/red.png"), "edited");
    await appendFile(project.path("content/media/blue.png"), "edited");
    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(0);
    expect(assetTraffic(sandbox, SITE)).toEqual({ creates: ["blue.png", "red.png"], uploads: 2 });
    const newRed = sandbox
      .assets()
      .find((asset) => asset.originalFileName === "red.png" && asset.id !== oldRed.id);
    const newBlue = sandbox
      .assets()
      .filter((asset) => asset.originalFileName === "blue.png")
      .at(-1);
    expect(newRed?.isUploaded).toBe(true);
    const people = itemsBySlug(sandbox, PEOPLE);
    const posts = itemsBySlug(sandbox, POSTS);
    expect(people.get("ada")?.fieldData["avatar"]).toEqual({
      fileId: newRed?.id,
      url: newRed?.hostedUrl,
      alt: "A red square",
    });
    expect(people.get("grace")?.fieldData["avatar"]).toMatchObject({
      fileId: newRed?.id,
      url: newRed?.hostedUrl,
    });
    expect(posts.get("every-field")?.fieldData["cover"]).toMatchObject({
      fileId: newRed?.id,
      url: newRed?.hostedUrl,
    });
    expect(String(posts.get("every-field")?.fieldData["post-body"])).toContain(
      `<img src="${newBlue?.hostedUrl}"`,
    );
    // Only the items using an edited file were written.
    const written = new Set(writeRequests(sandbox).flatMap(itemIdsOf));
    expect([...written].sort()).toEqual(
      [people.get("ada")?.id, people.get("grace")?.id, posts.get("every-field")?.id].sort(),
    );

    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it("refuses an image over 4 MB, in a field or in a body, with a clear error, and uploads nothing of it", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    await project.write("content/media/huge.png", "x".repeat(4 * 1024 * 1024 + 1));
    await project.write(
      "content/posts/huge-cover.md",
      "---\ntitle: Huge cover\nsummary: Too big.\ncover: ../media/huge.png\n---\nHi.\n",
    );
    await project.write(
      "content/posts/huge-body.md",
      "---\ntitle: Huge body\nsummary: Too big.\n---\nLook:\n\n![big](../media/huge.png)\n",
    );

    const result = await syncWith(sandbox, project);
    expect(result.code).toBe(1);
    expect(failureFor(result.stderr, "content/posts/huge-cover.md")).toMatch(
      /^✖ content\/posts\/huge-cover\.md:4: cover: content\/media\/huge\.png is 4\.1 MB; Webflow takes images up to 4 MB\./,
    );
    expect(failureFor(result.stderr, "content/posts/huge-body.md")).toMatch(
      /^✖ content\/posts\/huge-body\.md:\d+: content\/media\/huge\.png is 4\.1 MB; Webflow takes images up to 4 MB\./,
    );
    expect(assetTraffic(sandbox, SITE).creates).not.toContain("huge.png");
    expect(sandbox.assets().map((asset) => asset.originalFileName)).not.toContain("huge.png");
    expect([...itemsBySlug(sandbox, POSTS).keys()]).not.toContain("huge-cover");
    expect([...itemsBySlug(sandbox, POSTS).keys()]).not.toContain("huge-body");
    expect(itemsBySlug(sandbox, POSTS).size).toBe(4);
  });
});
