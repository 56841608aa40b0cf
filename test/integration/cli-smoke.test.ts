import { readdir, readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { copyFixture, filesContaining } from "../helpers/project.ts";
import { sandboxEnv, spawnCli } from "../helpers/cli.ts";
import { CORE_POSTS as POSTS, CORE_TEAM as TEAM } from "../helpers/fixtures.ts";
import {
  describeRequests,
  fixtureSeed,
  itemsBySlug,
  liveSlugs,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";

const TOKEN = "wfs-smoke-3f9a0c1d7e2b4856";

describe("the built CLI (dist/cli/bin.js)", () => {
  it("syncs a fixture project into a sandbox, then sends no write on the second run", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"), { tokens: [TOKEN] });
    await using project = await copyFixture("core-basic");
    const env = sandboxEnv(sandbox.baseUrl, TOKEN);

    const first = await spawnCli(["sync"], { cwd: project.dir, env });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/7 created, 0 updated, 0 unchanged/);
    expect(itemsBySlug(sandbox, POSTS).size).toBe(5);
    expect(itemsBySlug(sandbox, TEAM).size).toBe(2);
    expect(liveSlugs(sandbox, POSTS)).toEqual(["chosen-slug", "getting-started", "hello-world"]);

    sandbox.requests.length = 0;
    const second = await spawnCli(["sync", "--json"], { cwd: project.dir, env });
    expect(second.code).toBe(0);
    expect(
      (JSON.parse(second.stdout) as { items: Array<{ action: string }> }).items.map((item) => item.action),
    ).toEqual(Array(7).fill("unchanged"));
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);

    const check = await spawnCli(["check"], { cwd: project.dir, env: {} });
    expect(check.code).toBe(0);

    for (const text of [first.stdout, first.stderr, second.stdout, second.stderr])
      expect(text).not.toContain(TOKEN);
    expect(await filesContaining(project.dir, TOKEN)).toEqual([]);
  });

  it("keeps the transpiled config in .wf-sync/cache/ once a sync succeeded, and never runs a stale one", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"), { tokens: [TOKEN] });
    await using project = await copyFixture("core-basic");
    const env = sandboxEnv(sandbox.baseUrl, TOKEN);
    const cached = async () => {
      try {
        return (await readdir(project.path(".wf-sync/cache"))).filter((name) => name.endsWith(".mjs"));
      } catch {
        return undefined;
      }
    };

    expect((await spawnCli(["sync", "--dry-run"], { cwd: project.dir, env })).code).toBe(0);
    expect(await cached()).toBeUndefined();
    expect((await spawnCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(await cached()).toHaveLength(1);
    expect((await spawnCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(await cached()).toHaveLength(1);

    // An edited config is transpiled again, never served from the old entry.
    const configPath = project.path("wf-sync.config.ts");
    const config = await readFile(configPath, "utf8");
    await writeFile(configPath, config.replace(/collections: \[/, 'collections: [ { name: "posts" },'));
    const edited = await spawnCli(["sync"], { cwd: project.dir, env });
    expect(edited.code).toBe(2);
    expect(edited.stderr).toMatch(/two collections are named "posts"|not valid/);
    await writeFile(configPath, config);
    expect((await spawnCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
  });
});
