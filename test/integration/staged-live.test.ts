// Issue 12, items 1, 3 and 4, against the sandbox in its default, documented mode: a live PATCH
// leaves the staged copy alone, validation errors name no index, and files Webflow cannot fetch
// are dropped unless the request says skipInvalidFiles=false.
import { describe, expect, it } from "vitest";
import { failureFor, syncWith } from "../helpers/cli.ts";
import { FIELDS_FIXTURE, PAGES, PEOPLE, POSTS, SITE } from "../helpers/fixtures.ts";
import { copyFixture, type TempProject } from "../helpers/project.ts";
import { cmsLocaleIds, fixtureSeed, startTestSandbox, writeRequests } from "../helpers/sandbox.ts";
import type { Sandbox } from "../../src/sandbox/index.ts";

/**
 * Every item with a live copy holds the same fieldData staged and live, and shows as
 * "Published" (not queued): lastPublished is not older than lastUpdated. Returns the live slugs.
 */
function expectCopiesInStep(sandbox: Sandbox, collectionId: string, cmsLocaleId?: string): string[] {
  const options = cmsLocaleId ? { cmsLocaleId } : {};
  const staged = new Map(sandbox.items(collectionId, options).map((item) => [item.id, item]));
  const live = sandbox.liveItems(collectionId, options);
  for (const copy of live) {
    const stagedCopy = staged.get(copy.id);
    expect(stagedCopy?.fieldData, `${String(copy.fieldData["slug"])} in ${cmsLocaleId ?? "primary"}`).toEqual(
      copy.fieldData,
    );
    expect(stagedCopy?.isDraft).toBe(false);
    expect(Date.parse(stagedCopy?.lastPublished ?? "")).toBeGreaterThanOrEqual(
      Date.parse(stagedCopy?.lastUpdated ?? ""),
    );
  }
  return live.map((item) => String(item.fieldData["slug"])).sort();
}

async function expectAllInStep(sandbox: Sandbox): Promise<Record<string, string[]>> {
  const locales = await cmsLocaleIds(sandbox, SITE);
  return {
    people: expectCopiesInStep(sandbox, PEOPLE),
    posts: expectCopiesInStep(sandbox, POSTS),
    "pages en": expectCopiesInStep(sandbox, PAGES, locales["en-US"]),
    "pages fr": expectCopiesInStep(sandbox, PAGES, locales["fr-FR"]),
  };
}

async function withOnDelete(project: TempProject, policy: "delete" | "unpublish"): Promise<void> {
  await project.edit(
    "wf-sync.config.ts",
    'sandboxSeed: "seed.json",',
    `sandboxSeed: "seed.json",\n  onDelete: "${policy}",\n  maxDeleteShare: 1,`,
  );
}

describe("staged and live in step", () => {
  it("leaves both copies equal after a create, an update, a translation edit and the re-publish of a draft", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    const first = await syncWith(sandbox, project);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(await expectAllInStep(sandbox)).toEqual({
      people: ["ada", "grace"],
      posts: ["every-field", "minimal"],
      "pages en": ["about", "contact"],
      "pages fr": ["about", "contact"],
    });

    await project.edit("content/posts/minimal.md", "summary: Only what is required.", "summary: Now longer.");
    await project.edit("content/pages/about.md", "footer-note: Made in Lyon", "footer-note: Made in Nantes");
    await project.edit(
      "content/pages/fr/about.md",
      "tagline: Nous construisons des choses",
      "tagline: Nous fabriquons des choses",
    );
    expect((await syncWith(sandbox, project)).code).toBe(0);
    await expectAllInStep(sandbox);
    const staged = sandbox.items(POSTS).find((item) => item.fieldData["slug"] === "minimal");
    expect(staged?.fieldData["post-summary"]).toBe("Now longer.");

    // A draft comes off the live site; published again, both copies hold the file's content.
    await project.edit("content/posts/minimal.md", "title: Minimal", "title: Minimal\ndraft: true");
    expect((await syncWith(sandbox, project)).code).toBe(0);
    expect((await expectAllInStep(sandbox)).posts).toEqual(["every-field"]);
    await project.edit("content/posts/minimal.md", "title: Minimal\ndraft: true", "title: Minimal again");
    expect((await syncWith(sandbox, project)).code).toBe(0);
    expect((await expectAllInStep(sandbox)).posts).toEqual(["every-field", "minimal"]);
    expect(
      sandbox.liveItems(POSTS).find((item) => item.fieldData["slug"] === "minimal")?.fieldData["name"],
    ).toBe("Minimal again");

    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(0);
    expect(writeRequests(sandbox)).toEqual([]);
  });

  it("sends two bulk writes per 100 changed live items: 0.02 write requests per changed item", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    const count = 1000;
    const people = (version: string) =>
      Promise.all(
        Array.from({ length: count }, (_, index) =>
          project.write(`content/people/p${index}.md`, `---\ntitle: Person ${index}\n---\n${version}\n`),
        ),
      );
    await people("First.");
    expect((await syncWith(sandbox, project)).code).toBe(0);
    await people("Second.");
    sandbox.requests.length = 0;
    const second = await syncWith(sandbox, project);
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    const writes = writeRequests(sandbox).map(
      (request) => `${request.method} ${request.path.endsWith("/live") ? "live" : "staged"}`,
    );
    expect(writes.filter((write) => write === "PATCH staged")).toHaveLength(10);
    expect(writes.filter((write) => write === "PATCH live")).toHaveLength(10);
    expect(writes.length / count).toBeLessThanOrEqual(0.021);
    expectCopiesInStep(sandbox, PEOPLE);
  });
});

describe("files Webflow cannot fetch", () => {
  it("fail their item by name, field and reason, and are not recorded as synced", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    await project.write(
      "content/posts/broken.md",
      "---\ntitle: Broken\nsummary: Its cover cannot be fetched.\ncover: https://images.invalid/cover.png\ncategory: Design\n---\nBody.\n",
    );
    const first = await syncWith(sandbox, project);
    expect(first.code).toBe(1);
    const failure = failureFor(first.stderr, "content/posts/broken.md");
    expect(failure).toMatch(/^✖ content\/posts\/broken\.md:4: /);
    expect(failure).toContain("fieldData.cover");
    expect(failure).toContain("Could not fetch the file at 'https://images.invalid/cover.png'");
    // Never stored without its cover: not on the site at all; the other posts are.
    const slugs = sandbox.items(POSTS).map((item) => item.fieldData["slug"]);
    expect(slugs).not.toContain("broken");
    expect(slugs).toContain("minimal");

    // Not recorded: the next run tries it again (and fails again), and writes nothing else.
    sandbox.requests.length = 0;
    const second = await syncWith(sandbox, project);
    expect(second.code).toBe(1);
    expect(failureFor(second.stderr, "content/posts/broken.md")).toContain("fieldData.cover");
    expect(writeRequests(sandbox).length).toBeGreaterThan(0);

    // An update whose new image cannot be fetched fails too and leaves the item as it was.
    await project.remove("content/posts/broken.md");
    await project.edit(
      "content/posts/minimal.md",
      "title: Minimal",
      "title: Minimal\ncover: https://cdn.invalid/x.png",
    );
    const third = await syncWith(sandbox, project);
    expect(third.code).toBe(1);
    expect(failureFor(third.stderr, "content/posts/minimal.md")).toMatch(
      /^✖ content\/posts\/minimal\.md:3: .*fieldData\.cover/,
    );
    const minimal = sandbox.liveItems(POSTS).find((item) => item.fieldData["slug"] === "minimal");
    expect(minimal?.fieldData["cover"]).toBeUndefined();
    expect(minimal?.fieldData["name"]).toBe("Minimal");
    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(1);
    expect(writeRequests(sandbox).length).toBeGreaterThan(0);
  });
});

describe("removals in every locale", () => {
  it("deletes a removed page from both locales, staged and live", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    await withOnDelete(project, "delete");
    expect((await syncWith(sandbox, project)).code).toBe(0);
    const { "en-US": en, "fr-FR": fr } = await cmsLocaleIds(sandbox, SITE);

    await project.remove("content/pages/about.md");
    await project.remove("content/pages/fr/about.md");
    const result = await syncWith(sandbox, project);
    // The fr-FR folder is empty now, which the run mentions; nothing else.
    expect(result.stderr).toBe(
      'warning [empty-glob] wf-sync.config.ts: collection "pages": locale fr-FR pattern "content/pages/fr/*.md" matches no file.',
    );
    expect(result.code).toBe(0);
    for (const cmsLocaleId of [en, fr]) {
      expect(sandbox.items(PAGES, { cmsLocaleId }).map((item) => item.fieldData["slug"])).toEqual([
        "contact",
      ]);
      expect(sandbox.liveItems(PAGES, { cmsLocaleId }).map((item) => item.fieldData["slug"])).toEqual([
        "contact",
      ]);
    }
  });

  it("unpublishes a removed page in both locales, and a translation turned draft in its locale only", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    await withOnDelete(project, "unpublish");
    expect((await syncWith(sandbox, project)).code).toBe(0);
    const { "en-US": en, "fr-FR": fr } = await cmsLocaleIds(sandbox, SITE);

    await project.remove("content/pages/contact.md");
    expect((await syncWith(sandbox, project)).code).toBe(0);
    for (const cmsLocaleId of [en, fr])
      expect(sandbox.liveItems(PAGES, { cmsLocaleId }).map((item) => item.fieldData["slug"])).toEqual([
        "about",
      ]);

    await project.edit("content/pages/fr/about.md", "title: À propos", "title: À propos\ndraft: true");
    const result = await syncWith(sandbox, project);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(sandbox.liveItems(PAGES, { cmsLocaleId: fr })).toEqual([]);
    expect(sandbox.liveItems(PAGES, { cmsLocaleId: en }).map((item) => item.fieldData["slug"])).toEqual([
      "about",
    ]);
  });
});
