import { describe, expect, it } from "vitest";
import { copyFixture } from "../helpers/project.ts";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { describeRequests, fixtureSeed, startTestSandbox, writeRequests } from "../helpers/sandbox.ts";

describe("check", () => {
  it("after one online sync, validates offline against the cached schema and mentions its age", async () => {
    await using project = await copyFixture("core-basic");
    {
      await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
      const env = sandboxEnv(sandbox.baseUrl);
      expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
      sandbox.requests.length = 0;
      expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
      expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    }
    // The sandbox is closed now: no server, no token.
    const files = await project.files();
    const valid = await runCli(["check"], { cwd: project.dir, env: {} });
    expect(valid.stderr).toBe("");
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/Checked 7 files: all valid/);
    expect(valid.stdout).toMatch(/schema cached (just now|\d+ min ago)/);

    // A wrong type is caught offline only through the cached schema (reading-minutes is a Number).
    await project.edit("content/posts/hello-world.md", "reading-minutes: 3", 'reading-minutes: "42"');
    await project.write("content/posts/broken.md", "---\ntitle: Broken\nsummary: [oops\n---\n");
    await project.write("content/team/no-name.md", "---\nrole: Nobody\n---\n");
    const invalid = await runCli(["check"], { cwd: project.dir, env: {} });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/content\/posts\/hello-world\.md:6\b.*reading-minutes/);
    expect(invalid.stderr).toMatch(/content\/posts\/broken\.md:3\b/);
    expect(invalid.stderr).toMatch(/content\/team\/no-name\.md\b.*title: required/);
    expect(invalid.stdout).toMatch(/Checked 9 files: 3 invalid/);

    const json = await runCli(["check", "--json"], { cwd: project.dir, env: {} });
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout) as {
      failed: number;
      items: Array<{ file: string; error: string }>;
    };
    expect(document.failed).toBe(3);
    expect(document.items.map((item) => item.file).sort()).toEqual([
      "content/posts/broken.md",
      "content/posts/hello-world.md",
      "content/team/no-name.md",
    ]);

    // check writes nothing but what the test itself wrote.
    expect(await project.files()).toEqual(
      [...files, "content/posts/broken.md", "content/team/no-name.md"].sort(),
    );
  });

  it("never connects, even with a token and a reachable server", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    const env = sandboxEnv(sandbox.baseUrl);
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    sandbox.requests.length = 0;

    const result = await runCli(["check"], { cwd: project.dir, env });
    expect(result.code).toBe(0);
    expect(sandbox.requests).toEqual([]);
  });

  it("without a cached schema still checks frontmatter and slugs, and says the schema is missing", async () => {
    await using project = await copyFixture("core-basic");
    const clean = await runCli(["check"], { cwd: project.dir, env: {} });
    expect(clean.code).toBe(0);
    expect(clean.stderr).toMatch(/schema/i);
    expect(clean.stdout).toMatch(/no schema cache/);

    await project.write("content/team/grace-again.md", "---\nslug: grace-hopper\ntitle: Grace again\n---\n");
    const duplicate = await runCli(["check", "--collection", "team"], { cwd: project.dir, env: {} });
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/grace-hopper/);
    expect(duplicate.stdout).toMatch(/Checked 3 files/);
  });
});
