import { describe, expect, it } from "vitest";
import { copyFixture } from "../helpers/project.ts";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { CORE_POSTS as POSTS, CORE_TEAM as TEAM } from "../helpers/fixtures.ts";
import {
  describeRequests,
  fixtureSeed,
  itemIdsOf,
  itemsBySlug,
  liveSlugs,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";

async function syncedProject() {
  const sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
  const project = await copyFixture("core-basic");
  const env = sandboxEnv(sandbox.baseUrl);
  const first = await runCli(["sync"], { cwd: project.dir, env });
  expect(first.code).toBe(0);
  sandbox.requests.length = 0;
  return {
    sandbox,
    project,
    env,
    async [Symbol.asyncDispose]() {
      await sandbox.close();
      await project[Symbol.asyncDispose]();
    },
  };
}

function idsBySlug(items: ReturnType<typeof itemsBySlug>): Record<string, string> {
  return Object.fromEntries([...items].map(([slug, item]) => [slug, item.id]));
}

describe("incremental sync", () => {
  it("editing one file writes that one item only", async () => {
    await using run = await syncedProject();
    const { sandbox, project, env } = run;
    const before = idsBySlug(itemsBySlug(sandbox, POSTS));
    await project.edit(
      "content/posts/hello-world.md",
      "The first post of the fixture.",
      "An edited summary.",
    );

    const result = await runCli(["sync"], { cwd: project.dir, env });
    expect(result.code).toBe(0);
    const writes = writeRequests(sandbox);
    // That one item, staged then live.
    expect(describeRequests(writes)).toHaveLength(2);
    for (const write of writes) {
      expect(write.method).toBe("PATCH");
      expect(itemIdsOf(write)).toEqual([before["hello-world"]]);
    }
    expect(result.stdout).toMatch(/updated posts\/hello-world .*post-summary/);

    const live = sandbox.liveItems(POSTS).find((item) => item.id === before["hello-world"]);
    expect(live?.fieldData["post-summary"]).toBe("An edited summary.");
    expect(idsBySlug(itemsBySlug(sandbox, POSTS))).toEqual(before);

    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it("editing a draft's body writes that item alone and keeps it off the live site", async () => {
    await using run = await syncedProject();
    const { sandbox, project, env } = run;
    const id = itemsBySlug(sandbox, POSTS).get("work-in-progress")?.id;
    await project.edit(
      "content/posts/work-in-progress.md",
      "Still writing this one.",
      "Still writing this one, slowly.",
    );

    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    const writes = writeRequests(sandbox);
    expect(writes.length).toBeGreaterThan(0);
    for (const write of writes) expect(itemIdsOf(write)).toEqual([id]);
    expect(String(itemsBySlug(sandbox, POSTS).get("work-in-progress")?.fieldData["post-body"])).toContain(
      "slowly",
    );
    expect(liveSlugs(sandbox, POSTS)).not.toContain("work-in-progress");

    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it("draft: true takes a live item off the site, and removing it publishes the item again", async () => {
    await using run = await syncedProject();
    const { sandbox, project, env } = run;
    const id = itemsBySlug(sandbox, POSTS).get("hello-world")?.id;
    await project.edit("content/posts/hello-world.md", "featured: true", "featured: true\ndraft: true");

    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    for (const write of writeRequests(sandbox)) expect(itemIdsOf(write)).toEqual([id]);
    expect(liveSlugs(sandbox, POSTS)).toEqual(["chosen-slug", "getting-started"]);
    expect(itemsBySlug(sandbox, POSTS).get("hello-world")?.id).toBe(id);
    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);

    await project.edit("content/posts/hello-world.md", "draft: true\n", "");
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    for (const write of writeRequests(sandbox)) expect(itemIdsOf(write)).toEqual([id]);
    expect(liveSlugs(sandbox, POSTS)).toEqual(["chosen-slug", "getting-started", "hello-world"]);
    expect(itemsBySlug(sandbox, POSTS).get("hello-world")).toMatchObject({ id, isDraft: false });
    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it("a changed slug updates the item in place instead of creating another", async () => {
    await using run = await syncedProject();
    const { sandbox, project, env } = run;
    const id = itemsBySlug(sandbox, POSTS).get("chosen-slug")?.id;
    await project.edit("content/posts/file-name-ignored.md", "slug: Chosen Slug", "slug: renamed-slug");

    const result = await runCli(["sync"], { cwd: project.dir, env });
    expect(result.code).toBe(0);
    const writes = writeRequests(sandbox);
    expect(writes.map((write) => write.method)).not.toContain("POST");
    expect(writes.map((write) => write.method)).not.toContain("DELETE");
    for (const write of writes) expect(itemIdsOf(write)).toEqual([id]);

    const posts = itemsBySlug(sandbox, POSTS);
    expect(posts.size).toBe(5);
    expect(posts.get("renamed-slug")?.id).toBe(id);
    expect(posts.has("chosen-slug")).toBe(false);
    expect(liveSlugs(sandbox, POSTS)).toContain("renamed-slug");
    expect(liveSlugs(sandbox, POSTS)).not.toContain("chosen-slug");

    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it("a renamed file (slug from the file name) updates the item in place", async () => {
    await using run = await syncedProject();
    const { sandbox, project, env } = run;
    const id = itemsBySlug(sandbox, TEAM).get("grace-hopper")?.id;
    await project.write(
      "content/team/rear-admiral-hopper.md",
      await project.read("content/team/grace-hopper.md"),
    );
    await project.remove("content/team/grace-hopper.md");

    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(writeRequests(sandbox).map((write) => write.method)).not.toContain("POST");
    const team = itemsBySlug(sandbox, TEAM);
    expect(team.size).toBe(2);
    expect(team.get("rear-admiral-hopper")?.id).toBe(id);

    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it("a new file creates one item and touches no other", async () => {
    await using run = await syncedProject();
    const { sandbox, project, env } = run;
    await project.write(
      "content/team/alan-turing.md",
      "---\ntitle: Alan Turing\nrole: Mathematician\n---\n\nBroke codes.\n",
    );

    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    const writes = writeRequests(sandbox);
    expect(writes.every((write) => write.method === "POST" || write.method === "PATCH")).toBe(true);
    const team = itemsBySlug(sandbox, TEAM);
    expect(team.get("alan-turing")?.fieldData).toMatchObject({ name: "Alan Turing", role: "Mathematician" });
    for (const write of writes)
      for (const itemId of itemIdsOf(write)) expect(itemId).toBe(team.get("alan-turing")?.id);
    expect(itemsBySlug(sandbox, POSTS).size).toBe(5);

    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });
});

describe("cold manifest", () => {
  it("rebuilds a deleted manifest from the site by slug: nothing created, nothing written", async () => {
    await using run = await syncedProject();
    const { sandbox, project, env } = run;
    const posts = idsBySlug(itemsBySlug(sandbox, POSTS));
    const team = idsBySlug(itemsBySlug(sandbox, TEAM));
    await project.remove(".wf-sync/manifest.json");

    const result = await runCli(["sync"], { cwd: project.dir, env });
    expect(result.code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    expect(idsBySlug(itemsBySlug(sandbox, POSTS))).toEqual(posts);
    expect(idsBySlug(itemsBySlug(sandbox, TEAM))).toEqual(team);
    const manifest = await project.read(".wf-sync/manifest.json");
    for (const id of [...Object.values(posts), ...Object.values(team)]) expect(manifest).toContain(id);

    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it("with a cold manifest, an edited file is the only item written", async () => {
    await using run = await syncedProject();
    const { sandbox, project, env } = run;
    const id = itemsBySlug(sandbox, TEAM).get("ada-lovelace")?.id;
    await project.remove(".wf-sync/manifest.json");
    await project.edit("content/team/ada-lovelace.md", "role: Engineer", "role: Analyst");

    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    const writes = writeRequests(sandbox);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.map((write) => write.method)).not.toContain("POST");
    for (const write of writes) expect(itemIdsOf(write)).toEqual([id]);
    expect(itemsBySlug(sandbox, TEAM).get("ada-lovelace")?.fieldData["role"]).toBe("Analyst");
    expect(itemsBySlug(sandbox, POSTS).size).toBe(5);

    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });
});

describe("--force and --collection", () => {
  it("--force rewrites every item, and the next plain run writes nothing", async () => {
    await using run = await syncedProject();
    const { sandbox, project, env } = run;
    const all = [...itemsBySlug(sandbox, POSTS).values(), ...itemsBySlug(sandbox, TEAM).values()]
      .map((item) => item.id)
      .sort();

    const result = await runCli(["sync", "--force"], { cwd: project.dir, env });
    expect(result.code).toBe(0);
    const writes = writeRequests(sandbox);
    expect(writes.map((write) => write.method)).not.toContain("POST");
    expect(writes.map((write) => write.method)).not.toContain("DELETE");
    const patched = new Set(writes.filter((write) => write.method === "PATCH").flatMap(itemIdsOf));
    expect([...patched].sort()).toEqual(all);
    expect(itemsBySlug(sandbox, POSTS).size).toBe(5);
    expect(liveSlugs(sandbox, POSTS)).toEqual(["chosen-slug", "getting-started", "hello-world"]);

    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it("--collection limits the run to that collection", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    await using project = await copyFixture("core-basic");
    const env = sandboxEnv(sandbox.baseUrl);

    const result = await runCli(["sync", "--collection", "team"], { cwd: project.dir, env });
    expect(result.code).toBe(0);
    expect([...itemsBySlug(sandbox, TEAM).keys()].sort()).toEqual(["ada-lovelace", "grace-hopper"]);
    expect(sandbox.items(POSTS)).toEqual([]);
    expect(sandbox.requests.filter((request) => request.path.includes(POSTS))).toEqual([]);

    sandbox.requests.length = 0;
    expect((await runCli(["sync", "--collection", "team"], { cwd: project.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);

    // The rest follows on a full run, and the team items are left alone.
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(itemsBySlug(sandbox, POSTS).size).toBe(5);
    expect(writeRequests(sandbox).filter((request) => request.path.includes(TEAM))).toEqual([]);
  });

  it("an unknown --collection is a usage error (exit 2) before any request", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    await using project = await copyFixture("core-basic");

    const result = await runCli(["sync", "--collection", "nope"], {
      cwd: project.dir,
      env: sandboxEnv(sandbox.baseUrl),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown collection "nope"');
    expect(result.stderr).toContain("posts, team");
    expect(sandbox.requests).toEqual([]);

    // Without a token too: the built-in sandbox is not even started.
    const files = await project.files();
    const local = await runCli(["sync", "--collection", "nope"], {
      cwd: project.dir,
      env: { WF_SYNC_SANDBOX: "1" },
    });
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('Unknown collection "nope"');
    expect(await project.files()).toEqual(files);
  });
});
