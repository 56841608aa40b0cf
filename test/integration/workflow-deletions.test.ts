import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.ts";
import { lines, runCli, sandboxEnv } from "../helpers/cli.ts";
import { tempProject, type TempProject } from "../helpers/project.ts";
import { describeRequests, startTestSandbox, writeRequests } from "../helpers/sandbox.ts";

const SITE = "5d5d5d5d5d5d5d5d5d5d5d5d";
const NOTES = "5d5d5d5d5d5d5d5d5d5d0c01";
const seed = {
  sites: [
    {
      id: SITE,
      displayName: "Deletions",
      collections: [
        { id: NOTES, displayName: "Notes", slug: "notes", fields: [{ slug: "body", type: "RichText" }] },
      ],
    },
  ],
};

type Policy = "keep" | "unpublish" | "archive" | "delete";

/** A project of 20 notes (so the default 10 % share allows removing 2 in one run), synced once. */
async function syncedProject(sandbox: Sandbox, onDelete: Policy): Promise<TempProject> {
  const files: Record<string, string> = {
    "wf-sync.config.ts": `export default { siteId: "${SITE}", onDelete: "${onDelete}", collections: [{ name: "notes", collectionId: "${NOTES}", include: "notes/*.md", body: "body" }] };\n`,
  };
  for (let index = 1; index <= 20; index++)
    files[`notes/note-${index}.md`] = `---\ntitle: Note ${index}\n---\nText ${index}.\n`;
  const project = await tempProject(files);
  const run = await runCli(["sync"], { cwd: project.dir, env: sandboxEnv(sandbox.baseUrl) });
  expect(run.code).toBe(0);
  sandbox.requests.length = 0;
  return project;
}

function idOf(sandbox: Sandbox, slug: string): string {
  const item = sandbox.items(NOTES).find((candidate) => candidate.fieldData["slug"] === slug);
  if (!item) throw new Error(`no item ${slug}`);
  return item.id;
}

function isLive(sandbox: Sandbox, slug: string): boolean {
  return sandbox.liveItems(NOTES).some((item) => item.fieldData["slug"] === slug);
}

describe("deleted files, per onDelete", () => {
  it("keep (the default): lists the item in the plan, sends nothing", async () => {
    await using sandbox = await startTestSandbox(seed);
    await using project = await syncedProject(sandbox, "keep");
    const cwd = project.dir;
    await rm(join(cwd, "notes/note-3.md"));
    const plan = await runCli(["sync", "--dry-run"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(lines(plan.stdout)).toContain("  keep (file removed) notes/note-3 notes/note-3.md");
    const run = await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(run.code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    expect(isLive(sandbox, "note-3")).toBe(true);
  });

  it("unpublish: takes the item off the live site and keeps it staged", async () => {
    await using sandbox = await startTestSandbox(seed);
    await using project = await syncedProject(sandbox, "unpublish");
    const cwd = project.dir;
    const id = idOf(sandbox, "note-3");
    await rm(join(cwd, "notes/note-3.md"));
    const plan = await runCli(["sync", "--dry-run"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(lines(plan.stdout)).toContain("  unpublish notes/note-3 notes/note-3.md");
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    const run = await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(run.code).toBe(0);
    expect(lines(run.stdout).at(-1)).toMatch(/1 removed/);
    expect(
      sandbox.requests
        .filter((request) => request.method !== "GET")
        .map((request) => [request.method, request.path, request.body]),
    ).toEqual([["DELETE", `/v2/collections/${NOTES}/items/live`, { items: [{ id }] }]]);
    expect(isLive(sandbox, "note-3")).toBe(false);
    expect(sandbox.items(NOTES).some((item) => item.id === id)).toBe(true);
    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it("archive: archives the item and takes it off the live site", async () => {
    await using sandbox = await startTestSandbox(seed);
    await using project = await syncedProject(sandbox, "archive");
    const cwd = project.dir;
    const id = idOf(sandbox, "note-3");
    await rm(join(cwd, "notes/note-3.md"));
    expect((await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([
      `PATCH /v2/collections/${NOTES}/items`,
      `DELETE /v2/collections/${NOTES}/items/live`,
    ]);
    expect(sandbox.items(NOTES).find((item) => item.id === id)?.isArchived).toBe(true);
    expect(isLive(sandbox, "note-3")).toBe(false);
  });

  it("delete: unpublishes, then deletes the item", async () => {
    await using sandbox = await startTestSandbox(seed);
    await using project = await syncedProject(sandbox, "delete");
    const cwd = project.dir;
    const id = idOf(sandbox, "note-3");
    await rm(join(cwd, "notes/note-3.md"));
    const run = await runCli(["sync", "--json"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as {
      items: Array<{ slug: string; action: string; itemId: string }>;
    };
    expect(document.items.filter((item) => item.action !== "unchanged")).toEqual([
      expect.objectContaining({ slug: "note-3", action: "delete", itemId: id }),
    ]);
    expect(describeRequests(writeRequests(sandbox))).toEqual([
      `DELETE /v2/collections/${NOTES}/items/live`,
      `DELETE /v2/collections/${NOTES}/items`,
    ]);
    expect(sandbox.items(NOTES).some((item) => item.id === id)).toBe(false);
    expect(sandbox.items(NOTES)).toHaveLength(19);
  });
});

describe("the deletion safety valve", () => {
  it("refuses to remove more than 10 % without --yes, writes nothing, and names the items; --yes goes ahead", async () => {
    await using sandbox = await startTestSandbox(seed);
    await using project = await syncedProject(sandbox, "delete");
    const cwd = project.dir;
    for (const index of [4, 5, 6]) await rm(join(cwd, `notes/note-${index}.md`));
    // A new file in the same run is not written either: the refusal comes before any write.
    await writeFile(join(cwd, "notes/note-21.md"), "---\ntitle: Note 21\n---\nNew.\n");

    const refused = await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(refused.code).toBe(2);
    const stderr = refused.stderr;
    expect(stderr).toContain(
      'Refusing to delete 3 of 20 items of "notes" (more than 10 %); nothing was written',
    );
    for (const index of [4, 5, 6]) expect(stderr).toContain(`note-${index} (notes/note-${index}.md)`);
    expect(stderr).toContain("--yes");
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    expect(sandbox.items(NOTES)).toHaveLength(20);

    // The pull-request dry run refuses exactly as the real run would: same message, same exit
    // code, and both say so in the GitHub job summary.
    const summary = join(cwd, "step-summary.md");
    const github = { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary };
    const plan = await runCli(["sync", "--dry-run"], {
      cwd,
      env: sandboxEnv(sandbox.baseUrl, "test-token", github),
    });
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain(
      'Refusing to delete 3 of 20 items of "notes" (more than 10 %); nothing was written',
    );
    expect(await readFile(summary, "utf8")).toMatch(
      /dry run\): the real run would refuse[\s\S]*Refusing to delete 3 of 20/,
    );
    await rm(summary);
    expect(
      (await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl, "test-token", github) })).code,
    ).toBe(2);
    expect(await readFile(summary, "utf8")).toMatch(/sync refused[\s\S]*Refusing to delete 3 of 20/);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    const allowedPlan = await runCli(["sync", "--dry-run", "--yes"], {
      cwd,
      env: sandboxEnv(sandbox.baseUrl),
    });
    expect(allowedPlan.code).toBe(0);
    for (const index of [4, 5, 6])
      expect(lines(allowedPlan.stdout)).toContain(`  delete notes/note-${index} notes/note-${index}.md`);

    const allowed = await runCli(["sync", "--yes"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(allowed.code).toBe(0);
    expect(lines(allowed.stdout).at(-1)).toMatch(
      /^Synced: 1 created, 0 updated, 17 unchanged, 3 removed, 0 failed/,
    );
    expect(
      sandbox
        .items(NOTES)
        .map((item) => item.fieldData["slug"])
        .sort(),
    ).not.toContain("note-4");
  });

  it("takes maxDeleteShare from the config", async () => {
    await using sandbox = await startTestSandbox(seed);
    await using project = await syncedProject(sandbox, "unpublish");
    const cwd = project.dir;
    await writeFile(
      join(cwd, "wf-sync.config.ts"),
      `export default { siteId: "${SITE}", onDelete: "unpublish", maxDeleteShare: 0.2, collections: [{ name: "notes", collectionId: "${NOTES}", include: "notes/*.md", body: "body" }] };\n`,
    );
    for (const index of [4, 5, 6]) await rm(join(cwd, `notes/note-${index}.md`));
    expect((await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) })).code).toBe(0);
    expect(sandbox.liveItems(NOTES)).toHaveLength(17);
  });

  it("never touches items wf-sync did not create (not in the manifest, not matched by a file)", async () => {
    await using sandbox = await startTestSandbox(seed);
    await using project = await syncedProject(sandbox, "delete");
    const cwd = project.dir;
    // An item made in the Webflow Editor, unknown to the files and the manifest.
    const response = await fetch(`${sandbox.baseUrl}/collections/${NOTES}/items/live`, {
      method: "POST",
      headers: { authorization: "Bearer test-token", "content-type": "application/json" },
      body: JSON.stringify({ fieldData: { name: "Hand made", slug: "hand-made" } }),
    });
    expect(response.status).toBe(202);
    await rm(join(cwd, "notes/note-1.md"));
    sandbox.requests.length = 0;
    expect((await runCli(["sync", "--yes"], { cwd, env: sandboxEnv(sandbox.baseUrl) })).code).toBe(0);
    const removed = sandbox.requests
      .filter((request) => request.method === "DELETE")
      .flatMap((request) => (request.body as { items: Array<{ id: string }> }).items.map((item) => item.id));
    const handMade = sandbox.items(NOTES).find((item) => item.fieldData["slug"] === "hand-made");
    expect(handMade).toBeDefined();
    expect(removed).not.toContain(handMade?.id);
    expect(isLive(sandbox, "hand-made")).toBe(true);

    // A cold runner (manifest gone) removes nothing at all: it cannot know what was deleted.
    await rm(join(cwd, ".wf-sync/manifest.json"));
    await rm(join(cwd, "notes/note-2.md"));
    sandbox.requests.length = 0;
    expect((await runCli(["sync", "--yes"], { cwd, env: sandboxEnv(sandbox.baseUrl) })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox)).filter((write) => write.startsWith("DELETE"))).toEqual(
      [],
    );
    expect(isLive(sandbox, "hand-made")).toBe(true);
  });
});
