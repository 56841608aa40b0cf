import { readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/load-config.ts";
import { createWebflowClient } from "../../src/webflow/client.ts";
import { BENCH_COLLECTION_ID, benchSeed, generateProject, postPath } from "../../bench/generate-markdown.ts";
import {
  emptyPrepareStats,
  entryWithBody,
  prepareFiles,
  type LoadedFile,
} from "../../src/pipeline/prepare/prepare-files.ts";
import { runSync, type RunSyncOptions } from "../../src/commands/sync.ts";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { FIELDS_FIXTURE, PAGES, PEOPLE, POSTS as FIELD_POSTS, SITE } from "../helpers/fixtures.ts";
import { copyFixture, tempProject } from "../helpers/project.ts";
import {
  cmsLocaleIds,
  describeRequests,
  fixtureSeed,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";

const POSTS = BENCH_COLLECTION_ID;
/** A 1×1 PNG, and the same picture with other bytes (and another size, so the site's copy is not adopted). */
const PNG_A = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const PNG_B = Buffer.concat([PNG_A, Buffer.from("trailing bytes")]);

/** A generated project of `count` posts synced into a fresh sandbox. */
async function generatedProject(count: number) {
  const project = await tempProject({}, "incremental");
  const dir = project.dir;
  await generateProject(dir, count);
  const sandbox = await startTestSandbox(benchSeed());
  const client = createWebflowClient({ token: "test-token", baseUrl: sandbox.baseUrl, retryBaseMs: 20 });
  const sync = async (extra: Partial<RunSyncOptions> = {}) =>
    runSync({ config: await loadConfig(dir), client, ...extra });
  return {
    dir,
    sandbox,
    client,
    sync,
    path: project.path,
    idsBySlug: () =>
      Object.fromEntries(sandbox.items(POSTS).map((item) => [item.fieldData["slug"], item.id])),
    async [Symbol.asyncDispose]() {
      await client.close();
      await sandbox.close();
      await project[Symbol.asyncDispose]();
    },
  };
}

async function appendTo(path: string, text: string): Promise<void> {
  await writeFile(path, `${await readFile(path, "utf8")}${text}`);
}

describe("incremental sync: unchanged files are not parsed", () => {
  it("parses every file once, nothing on an unchanged run, and only the edited file after an edit", async () => {
    await using project = await generatedProject(24);
    const first = await project.sync();
    expect(first.totals).toMatchObject({ created: 24, failed: 0 });
    expect(first.files).toMatchObject({ files: 24, skipped: 0, parsed: 24, rendered: 24 });

    project.sandbox.requests.length = 0;
    const second = await project.sync();
    expect(second.totals).toMatchObject({ unchanged: 24, created: 0, updated: 0, failed: 0 });
    expect(second.files).toMatchObject({ files: 24, skipped: 24, parsed: 0, rendered: 0 });
    // No remote listing either: the manifest is trusted unless --verify.
    expect(
      describeRequests(project.sandbox.requests).filter(
        (line) => line.startsWith("GET") && line.endsWith("/items"),
      ),
    ).toEqual([]);
    expect(writeRequests(project.sandbox)).toEqual([]);

    await appendTo(project.path(postPath(3)), "\nOne more paragraph.\n");
    project.sandbox.requests.length = 0;
    const third = await project.sync();
    expect(third.files).toMatchObject({ skipped: 23, parsed: 1, rendered: 1 });
    expect(third.totals).toMatchObject({ updated: 1, unchanged: 23 });
    // One item, both copies: a staged PATCH, then the live PATCH (docs/webflow-model.md).
    expect(describeRequests(writeRequests(project.sandbox))).toEqual([
      `PATCH /v2/collections/${POSTS}/items`,
      `PATCH /v2/collections/${POSTS}/items/live`,
    ]);

    // --force disables skipping.
    const forced = await project.sync({ isForced: true });
    expect(forced.files).toMatchObject({ skipped: 0, parsed: 24 });
  });

  it("does not parse a failing file again while its bytes and settings are unchanged, and still reports it", async () => {
    await using project = await generatedProject(6);
    const broken = project.path("content/posts/broken.md");
    await writeFile(broken, "---\ntitle: [unclosed\n---\nBody.\n");
    const first = await project.sync();
    expect(first.totals).toMatchObject({ created: 6, failed: 1 });
    const message = first.items.find((item) => item.error)?.error;
    expect(message).toMatch(/YAML/);

    const second = await project.sync();
    expect(second.files).toMatchObject({ skipped: 7, parsed: 0 });
    expect(second.totals).toMatchObject({ unchanged: 6, failed: 1 });
    expect(second.items.find((item) => item.error)?.error).toBe(message);

    await writeFile(broken, "---\ntitle: Mended\n---\nBody.\n");
    const mended = await project.sync();
    expect(mended.files).toMatchObject({ parsed: 1 });
    expect(mended.totals).toMatchObject({ created: 1, failed: 0 });
  });

  it("reads no file on an unchanged run once files are older than the racy margin, and still finds a same-size edit", async () => {
    await using project = await generatedProject(24);
    // Whole seconds an hour back: files untouched since well before the run, with an mtime a test can put back.
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const posts = Array.from({ length: 24 }, (_, index) => project.path(postPath(index)));
    for (const path of posts) await utimes(path, hourAgo, hourAgo);
    expect((await project.sync()).files).toMatchObject({ hashed: 24, parsed: 24 });

    const unchanged = await project.sync();
    expect(unchanged.files).toMatchObject({ files: 24, hashed: 0, skipped: 24, parsed: 0 });
    expect(unchanged.totals).toMatchObject({ unchanged: 24, updated: 0 });

    // Same size, same mtime (set back), other bytes: the ctime moved, so the file is read again.
    const edited = posts[5] as string;
    const text = await readFile(edited, "utf8");
    await writeFile(edited, text.replace(/\.(?=\s*$)/, "!"));
    await utimes(edited, hourAgo, hourAgo);
    expect((await stat(edited)).size).toBe(Buffer.byteLength(text));
    const third = await project.sync();
    expect(third.files).toMatchObject({ hashed: 1, parsed: 1, skipped: 23 });
    expect(third.totals).toMatchObject({ updated: 1, unchanged: 23 });
  });

  it("hashes a file written moments before the run every time (a racy stamp is never trusted)", async () => {
    await using project = await generatedProject(6);
    await project.sync();
    await appendTo(project.path(postPath(1)), "\nFresh paragraph.\n");
    const first = await project.sync();
    expect(first.files).toMatchObject({ parsed: 1 });
    const second = await project.sync();
    // The generated files are a few seconds old at most: every one is hashed, none is parsed.
    expect(second.files).toMatchObject({ hashed: 6, parsed: 0, skipped: 6 });
  });

  it("re-renders everything once when the rendering settings change, without creating items", async () => {
    await using project = await generatedProject(12);
    await project.sync();
    const ids = project.idsBySlug();
    const configPath = project.path("wf-sync.config.ts");
    await writeFile(
      configPath,
      (await readFile(configPath, "utf8")).replace(
        '"body": "post-body",',
        '"body": "post-body",\n      "richText": { "headingIds": true },',
      ),
    );

    const changed = await project.sync();
    expect(changed.files).toMatchObject({ skipped: 0, parsed: 12, rendered: 12 });
    expect(changed.totals).toMatchObject({ created: 0, updated: 12, failed: 0 });
    expect(project.idsBySlug()).toEqual(ids);
    expect(
      project.sandbox.items(POSTS).every((item) => String(item.fieldData["post-body"]).includes(' id="')),
    ).toBe(true);

    const after = await project.sync();
    expect(after.files).toMatchObject({ skipped: 12, parsed: 0 });
    expect(after.totals).toMatchObject({ unchanged: 12, updated: 0 });
  });

  it("sends a file through again when a local image it shows changed, though the Markdown did not", async () => {
    await using project = await generatedProject(6);
    await writeFile(project.path("content/posts/pic.png"), PNG_A);
    await appendTo(project.path(postPath(2)), "\n![A picture](pic.png)\n");
    await project.sync();
    const before = project.sandbox.items(POSTS).find((item) => item.fieldData["slug"] === "post-00002");
    expect(project.sandbox.assets()).toHaveLength(1);

    expect((await project.sync()).files).toMatchObject({ skipped: 6, parsed: 0 });

    await writeFile(project.path("content/posts/pic.png"), PNG_B);
    project.sandbox.requests.length = 0;
    const report = await project.sync();
    expect(report.files).toMatchObject({ skipped: 5, parsed: 1 });
    expect(report.totals).toMatchObject({ updated: 1, unchanged: 5 });
    expect(project.sandbox.assets()).toHaveLength(2);
    const after = project.sandbox.items(POSTS).find((item) => item.fieldData["slug"] === "post-00002");
    expect(after?.id).toBe(before?.id);
    expect(after?.fieldData["post-body"]).not.toEqual(before?.fieldData["post-body"]);
  });

  it("renders a linking file again when the file it links to changes its slug", async () => {
    await using project = await generatedProject(8);
    await appendTo(project.path(postPath(0)), "\nSee [the next one](./post-00001.md).\n");
    await project.sync();
    const text = await readFile(project.path(postPath(1)), "utf8");
    await writeFile(project.path(postPath(1)), text.replace("---\n", "---\nslug: renamed-post\n"));

    // Post 1 itself, and every file that links to it; nothing else.
    const linking = await Promise.all(
      [0, 2, 3, 4, 5, 6, 7].map(async (index) =>
        (await readFile(project.path(postPath(index)), "utf8")).includes("post-00001.md"),
      ),
    );
    const report = await project.sync();
    expect(report.files).toMatchObject({
      parsed: 1 + linking.filter(Boolean).length,
      skipped: 7 - linking.filter(Boolean).length,
    });
    const post0 = project.sandbox.items(POSTS).find((item) => item.fieldData["slug"] === "post-00000");
    expect(String(post0?.fieldData["post-body"])).toContain('href="/blog/renamed-post"');
  });
});

describe("the worker pool", () => {
  it("gives a big run (bodies let go after rendering) the same items as a small one, cycles and translations included", async () => {
    // The pool lets each body go once rendered; the reference second pass and the translations
    // read it again. Whatever they miss would throw, and the items below would differ.
    const bodies = async (workers: "always" | "never") => {
      await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
      await using project = await copyFixture(FIELDS_FIXTURE);
      const client = createWebflowClient({ token: "test-token", baseUrl: sandbox.baseUrl, retryBaseMs: 20 });
      try {
        const report = await runSync({ config: await loadConfig(project.dir), client, workers });
        expect(report.totals.failed).toBe(0);
        const locales = await cmsLocaleIds(sandbox, SITE);
        const collections = [PEOPLE, FIELD_POSTS, ...Object.values(locales).map((id) => `${PAGES} ${id}`)];
        return Object.fromEntries(
          collections.map((key) => {
            const [collectionId = "", cmsLocaleId] = key.split(" ");
            const items = sandbox.items(collectionId, cmsLocaleId ? { cmsLocaleId } : undefined);
            // Every string field but references (ids differ between the two sandboxes).
            return [
              key.replace(
                / .*/,
                (match) => `@${Object.keys(locales).find((tag) => ` ${locales[tag]}` === match)}`,
              ),
              Object.fromEntries(
                items.map((item) => [
                  String(item.fieldData["slug"]),
                  Object.fromEntries(
                    Object.entries(item.fieldData)
                      .filter(([, value]) => typeof value === "string" && !/^[0-9a-f]{24}$/.test(value))
                      // Uploaded files get another host port and id in each sandbox.
                      .map(([key, value]) => [
                        key,
                        String(value).replace(
                          /http:\/\/127\.0\.0\.1:\d+\/files\/\w+\/[0-9a-f]+_/g,
                          "<asset>/",
                        ),
                      ]),
                  ),
                ]),
              ),
            ];
          }),
        );
      } finally {
        await client.close();
      }
    };
    const inPool = await bodies("always");
    expect(inPool).toEqual(await bodies("never"));
    expect(JSON.stringify(inPool)).toContain("<p>");
  });

  it("gives the same results as the main thread's light renderer, which hands harder bodies to the full one", async () => {
    await using project = await tempProject({}, "light");
    const dir = project.dir;
    await generateProject(dir, 12);
    // Bodies the markdown-it fast path declines (raw HTML, a footnote) or renders with a
    // warning (an unresolved link), next to ordinary ones it takes.
    const extras = {
      "content/posts/zz-html.md": "---\ntitle: HTML\n---\nSome <em>raw</em> HTML.\n\n<div>block</div>\n",
      "content/posts/zz-footnote.md": "---\ntitle: Note\n---\nText[^1].\n\n[^1]: The note.\n",
      "content/posts/zz-warning.md": "---\ntitle: Warn\n---\nSee [the missing page](./missing.md).\n",
    };
    for (const [path, text] of Object.entries(extras)) await writeFile(join(dir, path), text);
    const files = [...Array.from({ length: 12 }, (_, index) => postPath(index)), ...Object.keys(extras)];
    const prepare = async (pool: "always" | "never") => {
      const loaded: LoadedFile[] = files.map((path) => ({ path }));
      await prepareFiles({
        root: dir,
        collections: [
          {
            files: loaded,
            translations: [],
            settings: { hasBody: true, renderOptions: {} },
            urlPattern: "/blog/{slug}",
            skippable: undefined,
          },
        ],
        assetUrls: new Map(),
        stats: emptyPrepareStats(),
        pool,
      });
      return loaded;
    };
    const onMainThread = await prepare("never");
    const inPool = await prepare("always");
    // The pool let the bodies go; reading them back gives the same entries.
    expect(inPool.filter((file) => file.isBodyDropped).length).toBeGreaterThan(0);
    for (const file of inPool) if (file.entry) await entryWithBody(dir, file);
    for (const file of [...inPool, ...onMainThread]) delete file.isBodyDropped;
    expect(onMainThread).toEqual(inPool);
    const warned = onMainThread.find((file) => file.path.endsWith("zz-warning.md"));
    expect(warned?.rendered?.warnings[0]?.location).toMatchObject({ line: 4 });
    const html = onMainThread.find((file) => file.path.endsWith("zz-html.md"));
    expect(html?.rendered?.html).toContain("<em>raw</em>");
  });

  it("gives byte-identical results to rendering on the main thread", async () => {
    await using project = await tempProject({}, "pool");
    const dir = project.dir;
    await generateProject(dir, 40);
    // A file that fails to parse fails the same way (file and line) in a worker.
    await writeFile(join(dir, "content/posts/zz-broken.md"), "---\ntitle: Broken\ntags: [a, b\n---\nBody\n");
    const files = [
      ...Array.from({ length: 40 }, (_, index) => postPath(index)),
      "content/posts/zz-broken.md",
    ];
    const prepare = async (pool: "always" | "never") => {
      const loaded: LoadedFile[] = files.map((path) => ({ path }));
      const stats = emptyPrepareStats();
      await prepareFiles({
        root: dir,
        collections: [
          {
            files: loaded,
            translations: [],
            settings: { hasBody: true, renderOptions: { highlight: true } },
            urlPattern: "/blog/{slug}",
            skippable: undefined,
          },
        ],
        assetUrls: new Map(),
        stats,
        pool,
      });
      return { loaded, stats };
    };
    const inWorkers = await prepare("always");
    const inProcess = await prepare("never");
    expect(inWorkers.stats).toMatchObject({ parsed: 41, rendered: 40, inWorkers: 41 });
    expect(inProcess.stats).toMatchObject({ parsed: 41, rendered: 40, inWorkers: 0 });
    for (const file of inWorkers.loaded) if (file.entry) await entryWithBody(dir, file);
    for (const file of inWorkers.loaded) delete file.isBodyDropped;
    expect(inWorkers.loaded).toEqual(inProcess.loaded);
    const broken = inWorkers.loaded.find((file) => file.path.endsWith("zz-broken.md"));
    expect(broken?.error?.location).toMatchObject({ file: "content/posts/zz-broken.md", line: 3 });
    expect(inWorkers.loaded.every((file) => /^[0-9a-f]{64}$/.test(file.rawDigest ?? ""))).toBe(true);
    expect(inWorkers.loaded.filter((file) => file.rendered && file.rendered.html.length > 500)).toHaveLength(
      40,
    );
  });
});

describe("sync --verify", () => {
  it("lists the site and repairs items deleted or edited there, which a plain run trusts the manifest about", async () => {
    await using project = await generatedProject(5);
    await project.sync();
    const ids = project.idsBySlug();
    await project.client.deleteItems(POSTS, [ids["post-00001"] as string]);
    await project.client.updateItems(
      POSTS,
      [{ itemId: ids["post-00002"] as string, fieldData: { "post-summary": "Edited on the site." } }],
      { isLive: false },
    );

    const env = sandboxEnv(project.sandbox.baseUrl);
    project.sandbox.requests.length = 0;
    const plain = await runCli(["sync"], { cwd: project.dir, env });
    expect(plain.code).toBe(0);
    expect(writeRequests(project.sandbox)).toEqual([]);

    project.sandbox.requests.length = 0;
    // --verify re-creates the deleted item; the edit made on the site is drift: reported, not overwritten.
    const verified = await runCli(["sync", "--verify"], { cwd: project.dir, env });
    expect(verified.code).toBe(1);
    expect(describeRequests(project.sandbox.requests)).toContain(`GET /v2/collections/${POSTS}/items`);
    expect(verified.stdout).toMatch(/created posts\/post-00001/);
    expect(verified.stderr).toMatch(/post-00002\.md: the item was changed in Webflow/);
    const overwritten = await runCli(["sync", "--verify", "--overwrite"], { cwd: project.dir, env });
    expect(overwritten.code).toBe(0);
    expect(overwritten.stdout).toMatch(/updated posts\/post-00002/);
    const summary = project.sandbox.items(POSTS).find((item) => item.fieldData["slug"] === "post-00002")
      ?.fieldData["post-summary"];
    expect(summary).not.toBe("Edited on the site.");

    project.sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(writeRequests(project.sandbox)).toEqual([]);
  });
});
