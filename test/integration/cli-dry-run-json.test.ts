import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { copyFixture } from "../helpers/project.ts";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { CORE_POSTS as POSTS } from "../helpers/fixtures.ts";
import {
  describeRequests,
  fixtureSeed,
  itemsBySlug,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";

interface JsonItem {
  collection: string;
  file: string;
  slug: string;
  action: string;
  itemId: string | null;
  error: string | null;
}

describe("sync --dry-run", () => {
  it("on a fresh project prints the creates and writes nothing, remote or local", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    await using project = await copyFixture("core-basic");
    const filesBefore = await project.files();

    const result = await runCli(["sync", "--dry-run"], {
      cwd: project.dir,
      env: sandboxEnv(sandbox.baseUrl),
    });
    expect(result.code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    expect(await project.files()).toEqual(filesBefore);
    expect(existsSync(project.path(".wf-sync"))).toBe(false);
    for (const slug of [
      "posts/hello-world",
      "posts/chosen-slug",
      "posts/getting-started",
      "team/ada-lovelace",
    ]) {
      expect(result.stdout).toMatch(new RegExp(`create ${slug}\\b`));
    }
    expect(sandbox.items(POSTS)).toEqual([]);
  });

  it("after a sync prints the update with its changed fields, and leaves manifest and schema cache alone", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    await using project = await copyFixture("core-basic");
    const env = sandboxEnv(sandbox.baseUrl);
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    const manifest = await project.read(".wf-sync/manifest.json");
    const schemaCache = await project.read(".wf-sync/schema-cache.json");
    const items = JSON.stringify(sandbox.items(POSTS));
    await project.edit(
      "content/posts/hello-world.md",
      "The first post of the fixture.",
      "Edited, but not yet synced.",
    );
    await project.edit("content/posts/hello-world.md", "reading-minutes: 3", "reading-minutes: 4");
    sandbox.requests.length = 0;

    const result = await runCli(["sync", "--dry-run"], { cwd: project.dir, env });
    expect(result.code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    expect(JSON.stringify(sandbox.items(POSTS))).toBe(items);
    expect(await project.read(".wf-sync/manifest.json")).toBe(manifest);
    expect(await project.read(".wf-sync/schema-cache.json")).toBe(schemaCache);
    const line = result.stdout.split("\n").find((text) => text.includes("posts/hello-world"));
    expect(line).toMatch(/update posts\/hello-world/);
    expect(line).toContain("post-summary");
    expect(line).toContain("reading-minutes");
    expect(line).not.toContain("published-on");
    expect(result.stdout).not.toMatch(/(create|update) posts\/(chosen-slug|getting-started)/);

    // The real run then does exactly that one update, and the one after it nothing.
    const real = await runCli(["sync"], { cwd: project.dir, env });
    expect(real.code).toBe(0);
    // One item: its staged and its live PATCH (both copies stay equal).
    expect(writeRequests(sandbox)).toHaveLength(2);
    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it("exits 1 when a file is invalid, naming it, and still writes nothing", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    await using project = await copyFixture("core-basic");
    await project.write("content/posts/broken.md", "---\ntitle: Broken\nsummary: [oops\n---\n\nBody.\n");
    const filesBefore = await project.files();

    const result = await runCli(["sync", "--dry-run"], {
      cwd: project.dir,
      env: sandboxEnv(sandbox.baseUrl),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/content\/posts\/broken\.md:3/);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    expect(await project.files()).toEqual(filesBefore);
  });
});

describe("sync --json", () => {
  it("prints exactly one JSON document on stdout, with one entry per item", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    await using project = await copyFixture("core-basic");
    const env = sandboxEnv(sandbox.baseUrl);

    const result = await runCli(["sync", "--json"], { cwd: project.dir, env });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { items: JsonItem[] };
    expect(document.items).toHaveLength(7);
    const ids = new Map([...itemsBySlug(sandbox, POSTS)].map(([slug, item]) => [slug, item.id]));
    for (const item of document.items) {
      expect(Object.keys(item)).toEqual(
        expect.arrayContaining(["collection", "file", "slug", "action", "itemId", "error"]),
      );
      expect(item).toMatchObject({
        action: "create",
        error: null,
        itemId: expect.stringMatching(/^[0-9a-f]{24}$/),
      });
    }
    expect(document.items.find((item) => item.slug === "getting-started")).toMatchObject({
      collection: "posts",
      file: "content/posts/guides/getting-started/index.md",
      itemId: ids.get("getting-started"),
    });

    await project.edit("content/team/ada-lovelace.md", "role: Engineer", "role: Countess");
    sandbox.requests.length = 0;
    const second = await runCli(["sync", "--json"], { cwd: project.dir, env });
    expect(second.code).toBe(0);
    const next = JSON.parse(second.stdout) as { items: JsonItem[] };
    expect(next.items.filter((item) => item.action !== "unchanged")).toEqual([
      expect.objectContaining({
        collection: "team",
        file: "content/team/ada-lovelace.md",
        slug: "ada-lovelace",
        action: "update",
        error: null,
      }),
    ]);
    // One item: its staged and its live PATCH (both copies stay equal).
    expect(writeRequests(sandbox)).toHaveLength(2);
    // The summary says how much of the read/parse/render stage ran: only the edited file was parsed.
    expect(JSON.parse(second.stdout)).toMatchObject({
      summary: { files: { files: 7, parsed: 1, skipped: 6 } },
    });

    sandbox.requests.length = 0;
    const third = await runCli(["sync", "--json"], { cwd: project.dir, env });
    expect(JSON.parse(third.stdout)).toMatchObject({ items: expect.any(Array) });
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it("--dry-run --json is still one document", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    await using project = await copyFixture("core-basic");
    const result = await runCli(["sync", "--dry-run", "--json"], {
      cwd: project.dir,
      env: sandboxEnv(sandbox.baseUrl),
    });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { items: JsonItem[] };
    expect(document.items.map((item) => item.action)).toEqual(Array(7).fill("create"));
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });
});
