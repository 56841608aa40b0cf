// Issue 14: `pull` writes only inside its target folder. A slug such as `../PULLED-OUTSIDE`
// (a misbehaving server or proxy sends one; Webflow itself does not) becomes a safe file name
// and keeps its slug in the frontmatter; a symlink planted where a file goes is not written through.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPull } from "../../src/commands/pull.ts";
import { DEMO_SEED, seedDemoContent } from "../../src/commands/init-demo.ts";
import { loadConfig } from "../../src/load-config.ts";
import { createWebflowClient, type WebflowClient } from "../../src/webflow/client.ts";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { tempProject } from "../helpers/project.ts";
import { startTestSandbox } from "../helpers/sandbox.ts";

const HOSTILE_SLUGS: Record<string, string> = {
  "hello-demo": "../PULLED-OUTSIDE",
  "how-we-ship": "../../../../../../tmp/PULLED-ABSOLUTE",
  "ada-park": "a/b",
  "ravi-menon": ".hidden",
};

/** The real client against the sandbox, with the slugs of listed items replaced as a hostile server would. */
function hostileClient(baseUrl: string): WebflowClient {
  const client = createWebflowClient({ token: "test-token", baseUrl });
  return {
    ...client,
    stats: client.stats,
    async listItems(collectionId, options) {
      const items = await client.listItems(collectionId, options);
      return items.map((item) => ({ ...item, slug: HOSTILE_SLUGS[item.slug] ?? item.slug }));
    },
  } as WebflowClient;
}

describe("pull stays in its folder", () => {
  it("names files after safe forms of hostile slugs, and refuses to write through a planted symlink", async () => {
    await using sandbox = await startTestSandbox(DEMO_SEED);
    const seeding = createWebflowClient({ token: "test-token", baseUrl: sandbox.baseUrl });
    await seedDemoContent(seeding);
    await seeding.close();
    await using project = await tempProject();
    const cwd = project.dir;
    const outside = await mkdtemp(join(tmpdir(), "wf-sync-outside-"));
    try {
      expect((await runCli(["init"], { cwd, env: sandboxEnv(sandbox.baseUrl) })).code).toBe(0);
      await rm(join(cwd, "content"), { recursive: true });
      const config = await loadConfig(cwd);
      const client = hostileClient(sandbox.baseUrl);
      const report = await runPull({ config, client });
      const written = (await readdir(join(cwd, "content"), { recursive: true })).sort();
      expect(written).toEqual([
        "authors",
        "authors/a-b.md",
        "authors/hidden.md",
        "blog-posts",
        "blog-posts/PULLED-OUTSIDE.md",
        "blog-posts/tmp-PULLED-ABSOLUTE.md",
      ]);
      expect(existsSync(join(cwd, "content/PULLED-OUTSIDE.md"))).toBe(false);
      expect(existsSync("/tmp/PULLED-ABSOLUTE.md")).toBe(false);
      // The file keeps the slug it came with (the next sync reports it as Webflow would).
      expect(await readFile(join(cwd, "content/blog-posts/PULLED-OUTSIDE.md"), "utf8")).toContain(
        "slug: ../PULLED-OUTSIDE",
      );
      expect(report.failed).toBe(0);

      // A link planted where a pulled file goes is refused under --overwrite; its target is untouched.
      await writeFile(join(outside, "target.md"), "untouched");
      await rm(join(cwd, "content/authors/a-b.md"));
      await symlink(join(outside, "target.md"), join(cwd, "content/authors/a-b.md"));
      const again = await runPull({ config, client, isOverwriteAllowed: true });
      expect(await readFile(join(outside, "target.md"), "utf8")).toBe("untouched");
      const refused = again.items.find((item) => item.file === "content/authors/a-b.md");
      expect(refused).toMatchObject({ action: "kept" });
      expect(refused?.error).toMatch(/is a symlink; pull does not write through it/);
      await client.close();
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
