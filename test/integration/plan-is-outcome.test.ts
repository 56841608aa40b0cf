// Issue 15 item 1: `sync --dry-run` does everything a real sync does except writing, so its
// per-item actions and failures are those of the sync that follows, cold or warm, with
// references and cycles, assets, translations, drafts, deletions and invalid files.
import { describe, expect, it } from "vitest";
import { syncWith } from "../helpers/cli.ts";
import { FIELDS_FIXTURE } from "../helpers/fixtures.ts";
import { copyFixture, type TempProject } from "../helpers/project.ts";
import { fixtureSeed, startTestSandbox, writeRequests } from "../helpers/sandbox.ts";
import type { Sandbox } from "../../src/sandbox/index.ts";

interface JsonItem {
  collection: string;
  file: string;
  slug: string;
  action: string;
  error: string | null;
}

function outcome(stdout: string): string[] {
  const document = JSON.parse(stdout) as { items: JsonItem[] };
  return document.items
    .map((item) => `${item.collection} ${item.file} ${item.slug} ${item.action} ${item.error ?? ""}`)
    .sort();
}

/** Runs the dry run, checks it wrote nothing, runs the sync, and gives both outcomes. */
async function planThenSync(sandbox: Sandbox, project: TempProject, extra: string[] = []) {
  const manifestBefore = await project.read(".wf-sync/manifest.json").catch(() => null);
  const writesBefore = writeRequests(sandbox).length;
  const plan = await syncWith(sandbox, project, ["sync", "--dry-run", "--json", ...extra]);
  expect(writeRequests(sandbox).length).toBe(writesBefore);
  expect(await project.read(".wf-sync/manifest.json").catch(() => null)).toBe(manifestBefore);
  const sync = await syncWith(sandbox, project, ["sync", "--json", ...extra]);
  expect(plan.code).toBe(sync.code);
  return { plan: outcome(plan.stdout), sync: outcome(sync.stdout) };
}

describe("the dry run is the outcome", () => {
  it("on a fresh runner, after edits, deletions and failures, and with a lost manifest", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);

    // Cold: references in a cycle, assets to upload, a translation, a draft.
    const cold = await planThenSync(sandbox, project);
    expect(cold.plan).toEqual(cold.sync);
    expect(cold.sync.some((line) => line.includes(" create "))).toBe(true);

    // Warm: an edit, a new file that references an existing item, an invalid file, a deletion.
    await project.edit("content/posts/minimal.md", "featured: false", "featured: true");
    await project.write(
      "content/posts/new-one.md",
      "---\ntitle: New one\nsummary: Fresh\nauthor: ada\n---\nHello.\n",
    );
    await project.write("content/posts/broken.md", "---\ntitle: Broken\nrating: many\n---\n");
    await project.remove("content/posts/old-news.md");
    const warm = await planThenSync(sandbox, project, ["--yes"]);
    expect(warm.plan).toEqual(warm.sync);
    expect(warm.sync.some((line) => line.includes("broken.md broken invalid"))).toBe(true);

    // A lost manifest (a CI runner without the cache): matched on the site by slug, as the sync does.
    await project.remove(".wf-sync/manifest.json");
    const lost = await planThenSync(sandbox, project);
    expect(lost.plan).toEqual(lost.sync);
    expect(lost.sync.some((line) => line.includes(" create "))).toBe(false);
  });
});
