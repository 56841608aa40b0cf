// Issue 14: local file-system faults are explained, not called bugs. Real faults, made the
// way a user makes them (tests run as root, so permissions would not stop the writes): the
// manifest path is a folder, or `.wf-sync` is a regular file. Exit 2, the path named, nothing
// sent to Webflow. A write fault in the middle of a run is real too: the CLI runs under a
// file-size limit (`ulimit -f`; Node ignores SIGXFSZ, so the write fails with EFBIG), and the
// run stops at it with exit 1, the items already written recorded. ENOSPC, EROFS and EACCES
// take the same path (src/pipeline/record/manifest-store.test.ts injects them at the writer).
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, sandboxEnv, spawnCli } from "../helpers/cli.ts";
import { CORE_POSTS } from "../helpers/fixtures.ts";
import { copyFixture } from "../helpers/project.ts";
import { fixtureSeed, startTestSandbox, writeRequests } from "../helpers/sandbox.ts";

describe("local file-system faults", () => {
  it.each([
    {
      name: "the manifest path is a folder",
      make: (path: (file: string) => string) => mkdir(path(".wf-sync/manifest.json"), { recursive: true }),
      message:
        /\.wf-sync\/manifest\.json: cannot read the manifest: it is a folder, where a file belongs \(EISDIR\)\./,
    },
    {
      name: ".wf-sync is a regular file",
      make: async (path: (file: string) => string) => {
        await rm(path(".wf-sync"), { recursive: true, force: true });
        await writeFile(path(".wf-sync"), "not a folder");
      },
      // sync meets it taking the lock, the dry run (no lock) reading the manifest.
      message:
        /\.wf-sync\/(lock: cannot take the lock: a file is in the way where a folder belongs \(EEXIST\)|manifest\.json: cannot read the manifest: a part of the path is a file, where a folder belongs \(ENOTDIR\))\./,
    },
  ])(
    "$name: sync and --dry-run exit 2 with the path, send nothing, and never say bug",
    async ({ make, message }) => {
      await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
      await using project = await copyFixture("core-basic");
      await make(project.path);
      for (const args of [["sync"], ["sync", "--dry-run"]]) {
        const result = await runCli(args, { cwd: project.dir, env: sandboxEnv(sandbox.baseUrl) });
        expect(result.stderr).toMatch(message);
        expect(result.stderr).not.toMatch(/bug|crashed|could not be reached/i);
        expect(result.code).toBe(2);
      }
      expect(writeRequests(sandbox)).toEqual([]);
    },
  );
});

/** Bytes per `ulimit -f` block of this machine's sh (512 for dash and POSIX shells, 1024 for some). */
async function ulimitBlockBytes(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "wf-sync-ulimit-"));
  try {
    await new Promise((done) =>
      execFile("sh", ["-c", "ulimit -f 2; head -c 4000 /dev/zero > probe"], { cwd: dir }, done),
    );
    return (await stat(join(dir, "probe"))).size / 2;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("a write fault in the middle of a run", () => {
  it("stops the run at the first failed manifest write: exit 1, no false network errors, the manifest valid", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    await using project = await copyFixture("core-basic");
    for (let i = 0; i < 300; i++)
      await project.write(`content/posts/gen-${i}.md`, `---\ntitle: Post ${i}\nsummary: s\n---\nBody ${i}\n`);
    // Room for the manifest after the first batch of 100 creates, not for the second's journal.
    const result = await spawnCli(["sync"], {
      cwd: project.dir,
      env: sandboxEnv(sandbox.baseUrl),
      fileSizeBlocks: Math.floor(90_000 / (await ulimitBlockBytes())),
      timeoutMs: 150_000,
    });
    expect(result.stderr).toMatch(
      /\.wf-sync\/manifest\.json: cannot write: the file is too large for this file system \(EFBIG\)\./,
    );
    expect(result.stderr).toMatch(
      /^100 item\(s\) were written before it; the manifest holds what was recorded\.$/m,
    );
    expect(result.stderr).not.toMatch(/bug|crashed|could not be reached|UND_ERR/i);
    expect(result.code).toBe(1);
    const posts = sandbox.items(CORE_POSTS);
    expect(posts).toHaveLength(100);
    const manifest = JSON.parse(await project.read(".wf-sync/manifest.json")) as {
      collections: Record<string, { items: Record<string, { itemId: string }> }>;
    };
    // Every item on the site is in the manifest (settled or journaled), so the next run creates none twice.
    const recorded = manifest.collections[CORE_POSTS]?.items ?? {};
    for (const item of posts) expect(Object.keys(recorded)).toContain(item.fieldData["slug"]);

    const next = await runCli(["sync"], { cwd: project.dir, env: sandboxEnv(sandbox.baseUrl) });
    expect(next.code).toBe(0);
    expect(sandbox.items(CORE_POSTS)).toHaveLength(305);
    expect(await readFile(project.path(".wf-sync/manifest.json"), "utf8")).toMatch(/^\{/);
  }, 180_000); // 300 files and two runs: slow on a loaded machine, never a timing assertion
});
