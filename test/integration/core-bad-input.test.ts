import { existsSync } from "node:fs";
import matter from "gray-matter";
import { describe, expect, it } from "vitest";
import { copyFixture, type TempProject } from "../helpers/project.ts";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { CORE_POSTS as POSTS, CORE_TEAM as TEAM } from "../helpers/fixtures.ts";
import {
  describeRequests,
  fixtureSeed,
  itemsBySlug,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";

const JS_FILE = "content/posts/js-frontmatter.md";

/** Points the `---js` file's code at a marker file inside the project. */
async function armJsTrap(project: TempProject): Promise<string> {
  const marker = project.path("CODE-RAN.txt");
  await project.edit(JS_FILE, "__MARKER__", JSON.stringify(marker));
  return marker;
}

describe("bad input fails alone", () => {
  it("the JS trap is real: stock gray-matter would run it", async () => {
    await using project = await copyFixture("core-bad");
    const marker = await armJsTrap(project);
    // Proves the fixture would catch a regression to gray-matter's default engines.
    expect(matter(await project.read(JS_FILE)).data).toMatchObject({ title: "Runs code" });
    expect(existsSync(marker)).toBe(true);
  });

  it("names every bad file (and line), syncs the good ones, exits 1, and stays idempotent", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-bad"));
    await using project = await copyFixture("core-bad");
    const marker = await armJsTrap(project);
    const env = sandboxEnv(sandbox.baseUrl);

    const result = await runCli(["sync"], { cwd: project.dir, env });
    expect(result.code).toBe(1);
    expect(existsSync(marker)).toBe(false);

    const stderr = result.stderr;
    expect(stderr).toMatch(/content\/posts\/broken-yaml\.md:3\b.*YAML/);
    expect(stderr).toMatch(/content\/posts\/wrong-number\.md:4\b.*reading-minutes/);
    expect(stderr).toMatch(/content\/posts\/missing-required\.md\b.*summary: required/);
    expect(stderr).toMatch(/content\/posts\/dup-a\.md\b.*same-slug/);
    expect(stderr).toMatch(/content\/posts\/dup-b\.md\b.*same-slug/);
    expect(stderr).toMatch(/content\/posts\/js-frontmatter\.md\b.*code/);
    expect(result.stdout).toMatch(/6 failed/);

    // Every good item synced, no bad one was sent.
    expect([...itemsBySlug(sandbox, POSTS).keys()].sort()).toEqual(["good-one", "good-two"]);
    expect([...itemsBySlug(sandbox, TEAM).keys()]).toEqual(["ada-lovelace"]);
    const sent = JSON.stringify(writeRequests(sandbox).map((request) => request.body));
    for (const bad of ["Broken YAML", "Wrong number", "Missing required", "same-slug", "Runs code"])
      expect(sent).not.toContain(bad);

    // ...and recorded, so the next run leaves them alone.
    const manifest = await project.read(".wf-sync/manifest.json");
    for (const item of [...sandbox.items(POSTS), ...sandbox.items(TEAM)]) expect(manifest).toContain(item.id);

    sandbox.requests.length = 0;
    const again = await runCli(["sync"], { cwd: project.dir, env });
    expect(again.code).toBe(1);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });

  it("once fixed, a bad file is created and nothing else is written", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-bad"));
    await using project = await copyFixture("core-bad");
    await armJsTrap(project);
    const env = sandboxEnv(sandbox.baseUrl);
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(1);
    const before = sandbox
      .items(POSTS)
      .map((item) => item.id)
      .sort();

    await project.edit("content/posts/wrong-number.md", 'reading-minutes: "42"', "reading-minutes: 42");
    sandbox.requests.length = 0;
    const result = await runCli(["sync"], { cwd: project.dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain("wrong-number.md");
    const posts = itemsBySlug(sandbox, POSTS);
    expect(posts.get("wrong-number")?.fieldData).toMatchObject({
      name: "Wrong number",
      "reading-minutes": 42,
    });
    const newId = posts.get("wrong-number")?.id;
    for (const write of writeRequests(sandbox)) {
      const body = JSON.stringify(write.body);
      for (const id of before) expect(body).not.toContain(id);
    }
    expect(newId).toBeDefined();
  });

  it("--json lists the invalid files with their errors next to the synced items", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-bad"));
    await using project = await copyFixture("core-bad");
    await armJsTrap(project);

    const result = await runCli(["sync", "--json"], { cwd: project.dir, env: sandboxEnv(sandbox.baseUrl) });
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout) as { items: Array<Record<string, unknown>> };
    const byFile = new Map(document.items.map((item) => [item["file"], item]));
    for (const file of [
      "broken-yaml",
      "wrong-number",
      "missing-required",
      "dup-a",
      "dup-b",
      "js-frontmatter",
    ]) {
      const item = byFile.get(`content/posts/${file}.md`);
      expect(item?.["error"], file).toEqual(expect.any(String));
      expect(item?.["collection"]).toBe("posts");
    }
    for (const file of [
      "content/posts/good-one.md",
      "content/posts/good-two.md",
      "content/team/ada-lovelace.md",
    ]) {
      expect(byFile.get(file)).toMatchObject({
        action: "create",
        error: null,
        itemId: expect.stringMatching(/^[0-9a-f]{24}$/),
      });
    }
  });
});
