import { describe, expect, it } from "vitest";
import { copyFixture } from "../helpers/project.ts";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { CORE_POSTS as POSTS, CORE_TEAM as TEAM } from "../helpers/fixtures.ts";
import {
  describeRequests,
  fixtureSeed,
  itemsBySlug,
  liveSlugs,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";

describe("sync creates every item of a fresh project", () => {
  it("maps names, slugs, fields, bodies and flags, then sends no write on a second run", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    await using project = await copyFixture("core-basic");
    const env = sandboxEnv(sandbox.baseUrl);

    const first = await runCli(["sync"], { cwd: project.dir, env });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);

    const posts = itemsBySlug(sandbox, POSTS);
    expect([...posts.keys()].sort()).toEqual([
      "chosen-slug",
      "getting-started",
      "hello-world",
      "old-news",
      "work-in-progress",
    ]);

    const hello = posts.get("hello-world");
    expect(hello?.fieldData).toMatchObject({
      name: "Hello, World",
      slug: "hello-world",
      "post-summary": "The first post of the fixture.",
      featured: true,
      "reading-minutes": 3,
    });
    expect(Date.parse(String(hello?.fieldData["published-on"]))).toBe(Date.parse("2024-01-05T00:00:00Z"));
    // Frontmatter keys arrive under their field slugs only: no stray `title`, `summary` or `date`.
    expect(Object.keys(hello?.fieldData ?? {}).sort()).toEqual([
      "featured",
      "name",
      "post-body",
      "post-summary",
      "published-on",
      "reading-minutes",
      "slug",
    ]);
    const body = String(hello?.fieldData["post-body"]);
    expect(body).toContain("<h2>Why we write</h2>");
    expect(body).toContain("<strong>source</strong>");
    expect(body).toMatch(/<ul>\s*<li>one<\/li>\s*<li>two<\/li>\s*<\/ul>/);
    expect(body).toContain('href="https://example.com/docs"');
    expect(body).not.toContain("title:");

    expect(posts.get("chosen-slug")?.fieldData).toMatchObject({
      name: "A slug from frontmatter",
      subtitle: "Picked by hand",
    });
    expect(posts.get("getting-started")?.fieldData).toMatchObject({
      name: "Getting started",
      "post-summary": "An index file takes its folder's name.",
    });

    expect(posts.get("work-in-progress")).toMatchObject({ isDraft: true, isArchived: false });
    expect(posts.get("old-news")).toMatchObject({ isArchived: true });
    expect(posts.get("hello-world")).toMatchObject({ isDraft: false, isArchived: false });
    // Drafts and archived items are staged only; everything else is published.
    expect(liveSlugs(sandbox, POSTS)).toEqual(["chosen-slug", "getting-started", "hello-world"]);

    const team = itemsBySlug(sandbox, TEAM);
    expect(team.get("ada-lovelace")?.fieldData).toMatchObject({ name: "Ada Lovelace", role: "Engineer" });
    expect(String(team.get("ada-lovelace")?.fieldData["bio"])).toContain("<em>first</em>");
    expect(team.get("grace-hopper")?.fieldData).toMatchObject({ name: "Grace Hopper", role: "Admiral" });
    expect(liveSlugs(sandbox, TEAM)).toEqual(["ada-lovelace", "grace-hopper"]);

    // Creates go through the bulk forms, not one request per item.
    const creates = writeRequests(sandbox).filter(
      (request) => request.method === "POST" && /\/items(\/live|\/bulk)?$/.test(request.path),
    );
    expect(creates.length).toBeGreaterThan(0);
    expect(creates.length).toBeLessThan(posts.size + team.size);

    sandbox.requests.length = 0;
    const second = await runCli(["sync"], { cwd: project.dir, env });
    expect(second.code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    expect(itemsBySlug(sandbox, POSTS).size).toBe(5);
    expect(itemsBySlug(sandbox, TEAM).size).toBe(2);
  });
});
