// Issue 15, item 7: hooks check what is committed or pushed, not the working tree.
// `check --ref <ref>` reads the files at a commit, `check --staged` reads the index; the
// pre-push recipe in docs/git-hooks.md, installed in a real repository, refuses a push whose
// commits hold a broken file even when the working tree has the (uncommitted) fix.
import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BIN, runCli, sandboxEnv } from "../helpers/cli.ts";
import { copyFixture, REPO_ROOT, type TempProject } from "../helpers/project.ts";
import { fixtureSeed, startTestSandbox } from "../helpers/sandbox.ts";

const run = promisify(execFile);
const BROKEN = ["reading-minutes: 3", 'reading-minutes: "42"'] as const;

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd, env: gitEnv() });
  return stdout;
}

function gitEnv(): Record<string, string> {
  return {
    PATH: process.env["PATH"] ?? "",
    HOME: tmpdir(),
    GIT_AUTHOR_NAME: "Test",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "Test",
    GIT_COMMITTER_EMAIL: "test@example.com",
    GIT_CONFIG_NOSYSTEM: "1",
  };
}

/** core-basic synced once (so the schema cache exists, kept out of Git), then committed. */
async function committedProject(): Promise<TempProject> {
  const project = await copyFixture("core-basic");
  {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    expect((await runCli(["sync"], { cwd: project.dir, env: sandboxEnv(sandbox.baseUrl) })).code).toBe(0);
  }
  await project.write(".gitignore", ".wf-sync/manifest.json\n.wf-sync/sandbox.json\n.wf-sync/cache/\n");
  await git(project.dir, "init", "-q", "-b", "main");
  await git(project.dir, "add", ".");
  await git(project.dir, "commit", "-q", "-m", "content");
  return project;
}

describe("check --ref / --staged", () => {
  it("checks the committed or staged files, whatever the working tree holds", async () => {
    await using project = await committedProject();
    await project.edit("content/posts/hello-world.md", ...BROKEN);
    await git(project.dir, "commit", "-q", "-am", "broken");
    // Fixed in the working tree, not committed.
    await project.edit("content/posts/hello-world.md", BROKEN[1], BROKEN[0]);
    const check = (...args: string[]) => runCli(["check", ...args], { cwd: project.dir, env: {} });

    expect((await check()).code).toBe(0);
    const atHead = await check("--ref", "HEAD");
    expect(atHead.code).toBe(1);
    expect(atHead.stderr).toMatch(/^✖ content\/posts\/hello-world\.md:6\b.*reading-minutes/m);
    expect(atHead.stdout).toMatch(/^Checked 7 files at HEAD: 1 invalid \(schema cached /);
    expect((await check("--staged")).code).toBe(1);

    await git(project.dir, "add", "content/posts/hello-world.md");
    const staged = await check("--staged");
    expect(staged.code).toBe(0);
    expect(staged.stdout).toMatch(/^Checked 7 files as staged: all valid \(schema cached /);
    expect((await check("--ref", "HEAD")).code).toBe(1);
    expect((await check("--ref", "HEAD~1")).code).toBe(0);

    // A file added to the index but not committed counts for --staged only.
    await project.write("content/team/no-name.md", "---\nrole: Nobody\n---\n");
    await git(project.dir, "add", "content/team/no-name.md");
    expect((await check("--staged")).stdout).toMatch(/^Checked 8 files as staged: 1 invalid/);
    expect((await check("--ref", "HEAD")).stdout).toMatch(/^Checked 7 files at HEAD: 1 invalid/);
  });

  it("a ref that does not exist, or no repository, exits 2", async () => {
    await using project = await committedProject();
    const unknown = await runCli(["check", "--ref", "no-such-branch"], { cwd: project.dir, env: {} });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^git rev-parse failed/);
    await rm(project.path(".git"), { recursive: true, force: true });
    const outside = await runCli(["check", "--staged"], { cwd: project.dir, env: {} });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/^git rev-parse failed: fatal: not a git repository/);
  });

  it("the pre-push recipe from docs/git-hooks.md refuses to push a broken commit that is fixed only in the working tree", async () => {
    await using project = await committedProject();
    const remote = await mkdtemp(join(tmpdir(), "wf-sync-remote-"));
    try {
      await git(remote, "init", "-q", "--bare");
      await git(project.dir, "remote", "add", "origin", remote);
      const docs = await readFile(resolve(REPO_ROOT, "docs/git-hooks.md"), "utf8");
      const recipe = /```sh\n(#!\/bin\/sh\n# \.git\/hooks\/pre-push[\s\S]*?)```/.exec(docs)?.[1];
      expect(recipe).toBeDefined();
      const hook = project.path(".git/hooks/pre-push");
      await writeFile(hook, (recipe ?? "").replaceAll("npx wf-sync", `"${process.execPath}" "${BIN}"`));
      await chmod(hook, 0o755);

      await project.edit("content/posts/hello-world.md", ...BROKEN);
      await git(project.dir, "commit", "-q", "-am", "broken");
      await project.edit("content/posts/hello-world.md", BROKEN[1], BROKEN[0]);
      const refused = await run("git", ["push", "-q", "origin", "main"], {
        cwd: project.dir,
        env: gitEnv(),
      }).then(
        () => undefined,
        (error: { stderr?: string }) => error,
      );
      expect(refused?.stderr).toMatch(/hello-world\.md:6\b.*reading-minutes/);
      await expect(git(remote, "rev-parse", "--verify", "-q", "main")).rejects.toThrow();

      await git(project.dir, "commit", "-q", "-am", "fixed");
      await git(project.dir, "push", "-q", "origin", "main");
      expect((await git(remote, "rev-parse", "main")).trim()).toBe(
        (await git(project.dir, "rev-parse", "HEAD")).trim(),
      );
    } finally {
      await rm(remote, { recursive: true, force: true });
    }
  });
});
