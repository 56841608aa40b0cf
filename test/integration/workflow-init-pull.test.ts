import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createWebflowClient } from "../../src/webflow/client.ts";
import { DEMO_SEED, seedDemoContent } from "../../src/commands/init-demo.ts";
import { lines, runCli, sandboxEnv } from "../helpers/cli.ts";
import { tempProject } from "../helpers/project.ts";
import { describeRequests, startTestSandbox, writeRequests } from "../helpers/sandbox.ts";

const POSTS = "5a0d5a0d5a0d5a0d5a0d0b02";
const AUTHORS = "5a0d5a0d5a0d5a0d5a0d0a01";

/** A sandbox holding the demo site with its existing items, as a site before wf-sync. */
async function demoSite() {
  const sandbox = await startTestSandbox(DEMO_SEED);
  const client = createWebflowClient({ token: "test-token", baseUrl: sandbox.baseUrl });
  await seedDemoContent(client);
  await client.close();
  return sandbox;
}

describe("wf-sync init", () => {
  it("writes a commented config and sample files from the site's schema, which then sync", async () => {
    await using sandbox = await demoSite();
    await using project = await tempProject();
    const cwd = project.dir;
    const env = sandboxEnv(sandbox.baseUrl);

    const init = await runCli(["init"], { cwd, env });
    expect(lines(init.stderr)).toEqual([]);
    expect(init.code).toBe(0);
    const config = await readFile(join(cwd, "wf-sync.config.ts"), "utf8");
    expect(config).toContain('import { defineConfig } from "wf-sync";');
    expect(config).toContain(`collectionId: "${POSTS}"`);
    expect(config).toContain('body: "post-body"');
    expect(config).toContain('"summary": "post-summary", // PlainText, required');
    expect(config).toContain('include: "content/blog-posts/*.{md,markdown}"');
    expect(config).not.toMatch(/^\s*sandbox/m);
    const sample = await readFile(join(cwd, "content/blog-posts/example-blog-post.md"), "utf8");
    for (const key of [
      "summary:",
      "published-on:",
      "featured:",
      "category: Engineering",
      "author: example-author",
      "contributors:",
      "main-image:",
    ])
      expect(sample).toContain(key);

    // No id was typed by hand: the written config syncs both samples.
    sandbox.requests.length = 0;
    const sync = await runCli(["sync"], { cwd, env });
    expect(sync.stderr).toBe("");
    expect(sync.code).toBe(0);
    expect(lines(sync.stdout).at(-1)).toMatch(/^Synced: 2 created, 0 updated, 0 unchanged/);
    const post = sandbox.items(POSTS).find((item) => item.fieldData["slug"] === "example-blog-post");
    const author = sandbox.items(AUTHORS).find((item) => item.fieldData["slug"] === "example-author");
    expect(post?.fieldData).toMatchObject({
      name: "Example Blog Post",
      "post-summary": "Example summary",
      category: "5a0d0000000000000000c001",
      author: author?.id,
    });
    expect(post?.isDraft).toBe(true);

    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);

    // `.markdown` counts as Markdown: a Jekyll-style file in the folder syncs with no config change.
    await writeFile(join(cwd, "content/blog-posts/from-jekyll.markdown"), sample);
    const withMarkdown = await runCli(["sync"], { cwd, env });
    expect(withMarkdown.code).toBe(0);
    expect(lines(withMarkdown.stdout).at(-1)).toMatch(/^Synced: 1 created, 0 updated, 2 unchanged/);
    expect(sandbox.items(POSTS).map((item) => item.fieldData["slug"])).toContain("from-jekyll");

    // An existing config is never replaced without --force.
    const again = await runCli(["init"], { cwd, env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
    expect(await readFile(join(cwd, "wf-sync.config.ts"), "utf8")).toBe(config);
    expect((await runCli(["init", "--force", "--collections", "authors"], { cwd, env })).code).toBe(0);
    expect(await readFile(join(cwd, "wf-sync.config.ts"), "utf8")).not.toContain(POSTS);
  });

  it("asks for --site when the token sees several sites, and names them", async () => {
    await using sandbox = await startTestSandbox({
      sites: [
        ...DEMO_SEED.sites,
        { id: "5b0d5b0d5b0d5b0d5b0d5b0d", displayName: "Other site", collections: [] },
      ],
    });
    await using project = await tempProject();
    const cwd = project.dir;
    const run = await runCli(["init"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("choose one with --site <id>");
    expect(run.stderr).toContain("5b0d5b0d5b0d5b0d5b0d5b0d  Other site");
    expect(existsSync(join(cwd, "wf-sync.config.ts"))).toBe(false);
    expect(
      (
        await runCli(["init", "--site", "5b0d5b0d5b0d5b0d5b0d5b0d"], {
          cwd,
          env: sandboxEnv(sandbox.baseUrl),
        })
      ).stderr,
    ).toContain("no CMS collections");
  });

  it("works with no token against the built-in sandbox: init, pull, sync sends nothing", async () => {
    await using project = await tempProject();
    const cwd = project.dir;
    const init = await runCli(["init"], { cwd, env: {} });
    expect(init.code).toBe(0);
    expect(init.stderr).toContain("built-in sandbox with a demo site");
    const config = await readFile(join(cwd, "wf-sync.config.ts"), "utf8");
    expect(config).toContain('sandboxSeed: "wf-sync.sandbox.json"');
    expect(config).toContain("  sandbox: true,");
    // The samples are not wanted here; pull brings the site's own items.
    await rm(join(cwd, "content/authors/example-author.md"));
    await rm(join(cwd, "content/blog-posts/example-blog-post.md"));
    const pull = await runCli(["pull"], { cwd, env: {} });
    expect(pull.code).toBe(0);
    expect(pull.stdout).toContain("written blog-posts/hello-demo content/blog-posts/hello-demo.md");
    const settingsDigests = async () => {
      const manifest = JSON.parse(await readFile(join(cwd, ".wf-sync/manifest.json"), "utf8")) as {
        collections: Record<string, { settingsDigest: string }>;
      };
      return Object.values(manifest.collections).map((collection) => collection.settingsDigest);
    };
    const pulled = await settingsDigests();
    const sync = await runCli(["sync"], { cwd, env: {} });
    expect(sync.code).toBe(0);
    expect(lines(sync.stdout).at(-1)).toMatch(
      /^Synced: 0 created, 0 updated, 4 unchanged, 0 removed, 0 failed/,
    );
    // pull records the settings digest exactly as the sync computes it.
    expect(await settingsDigests()).toEqual(pulled);
  });

  it("refuses under CI without a token, unless --sandbox asks for the demo site", async () => {
    await using project = await tempProject();
    const cwd = project.dir;
    const run = await runCli(["init"], { cwd, env: { CI: "true" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^WEBFLOW_API_TOKEN is not set \(under CI\)\.\n {2}hint: .*--sandbox/);
    expect(existsSync(join(cwd, "wf-sync.config.ts"))).toBe(false);
    const chosen = await runCli(["init", "--sandbox", "--quiet"], { cwd, env: { CI: "true" } });
    expect(chosen.code).toBe(0);
    expect(chosen.stderr).toContain("built-in sandbox with a demo site");
    // The config it wrote opts in, but under CI the config alone does not select the sandbox.
    expect((await runCli(["sync"], { cwd, env: { CI: "true" } })).code).toBe(2);
    expect((await runCli(["sync", "--sandbox"], { cwd, env: { CI: "true" } })).code).toBe(0);
  });
});

describe("wf-sync pull", () => {
  it("writes items with option names, reference slugs, image URLs and Markdown bodies; a sync after it sends no write", async () => {
    await using sandbox = await demoSite();
    await using project = await tempProject();
    const cwd = project.dir;
    const env = sandboxEnv(sandbox.baseUrl);
    expect((await runCli(["init"], { cwd, env })).code).toBe(0);
    await rm(join(cwd, "content/authors/example-author.md"));
    await rm(join(cwd, "content/blog-posts/example-blog-post.md"));

    sandbox.requests.length = 0;
    const pull = await runCli(["pull"], { cwd, env });
    expect(pull.code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    expect(await readFile(join(cwd, "content/blog-posts/hello-demo.md"), "utf8")).toBe(
      [
        "---",
        "title: Hello from the demo blog",
        "summary: The first post of a site that already had content before wf-sync.",
        "published-on: 2026-01-15",
        "featured: true",
        "category: Product",
        "author: ada-park",
        "contributors:",
        "  - ravi-menon",
        "main-image:",
        "  src: https://images.example.com/hello.png",
        "  alt: A wave",
        "---",
        "This post was written in the Webflow Editor.",
        "",
        "## What next",
        "",
        "- Pull it into Markdown.",
        "- Edit it in Git.",
        "",
        "Read [the docs](https://example.com/docs).",
        "",
      ].join("\n"),
    );
    expect(await readFile(join(cwd, "content/blog-posts/how-we-ship.md"), "utf8")).toContain(
      "published-on: 2026-02-03T09:30:00.000Z",
    );

    sandbox.requests.length = 0;
    const sync = await runCli(["sync"], { cwd, env });
    expect(sync.code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    expect(lines(sync.stdout).at(-1)).toMatch(/^Synced: 0 created, 0 updated, 4 unchanged/);

    // Editing one pulled file sends that item alone, with the changed field.
    const file = join(cwd, "content/blog-posts/how-we-ship.md");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace("category: Engineering", "category: Product"),
    );
    sandbox.requests.length = 0;
    const edit = await runCli(["sync"], { cwd, env });
    expect(edit.stdout).toContain("updated blog-posts/how-we-ship");
    // Staged first, then live: both copies hold the edit.
    expect(describeRequests(writeRequests(sandbox))).toEqual([
      `PATCH /v2/collections/${POSTS}/items`,
      `PATCH /v2/collections/${POSTS}/items/live`,
    ]);
    for (const items of [sandbox.items(POSTS), sandbox.liveItems(POSTS)])
      expect(items.find((item) => item.fieldData["slug"] === "how-we-ship")?.fieldData["category"]).toBe(
        "5a0d0000000000000000c002",
      );

    // A cold runner (no manifest) finds the items by slug: nothing is created twice.
    await rm(join(cwd, ".wf-sync/manifest.json"));
    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox)).filter((write) => write.startsWith("POST"))).toEqual([]);
    expect(sandbox.items(POSTS)).toHaveLength(2);
  });

  it("never overwrites an existing file without --overwrite", async () => {
    await using sandbox = await demoSite();
    await using project = await tempProject();
    const cwd = project.dir;
    const env = sandboxEnv(sandbox.baseUrl);
    expect((await runCli(["init", "--collections", "authors"], { cwd, env })).code).toBe(0);
    expect((await runCli(["pull"], { cwd, env })).code).toBe(0);
    const file = join(cwd, "content/authors/ada-park.md");
    const local = (await readFile(file, "utf8")).replace("role: Editor", "role: Chief editor");
    await writeFile(file, local);

    const kept = await runCli(["pull"], { cwd, env });
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain("2 kept because the file exists");
    expect(await readFile(file, "utf8")).toBe(local);
    // The team's file wins on the next sync.
    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd, env })).code).toBe(0);
    expect(
      sandbox.items(AUTHORS).find((item) => item.fieldData["slug"] === "ada-park")?.fieldData["role"],
    ).toBe("Chief editor");

    await writeFile(file, local.replace("Chief editor", "Intern"));
    const overwritten = await runCli(["pull", "--overwrite"], { cwd, env });
    expect(overwritten.stdout).toContain("overwritten authors/ada-park");
    expect(await readFile(file, "utf8")).toContain("role: Chief editor");
    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });
});
