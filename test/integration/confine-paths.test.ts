// Issue 14 (confinement): no file outside the project root is read for a run. Asset paths
// that climb out (`../`, `%2E%2E/`), absolute paths and symlinks pointing outside fail their
// item with file:line, the same way in sync, --dry-run and check; the canary never reaches
// the site. Symlinked sources outside the root and symlink loops are not listed.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { failureFor, syncWith } from "../helpers/cli.ts";
import { FIELDS_FIXTURE, POSTS, SITE } from "../helpers/fixtures.ts";
import { copyFixture } from "../helpers/project.ts";
import { assetTraffic, fixtureSeed, itemsBySlug, startTestSandbox } from "../helpers/sandbox.ts";
import { listSources } from "../../src/pipeline/discover/read-sources.ts";

const CANARY = "CANARY-f3b1c0de-outside-the-project";

/** A folder outside any project, holding canary files; `await using` removes it. */
async function outsideFolder() {
  const dir = await mkdtemp(join(tmpdir(), "wf-sync-outside-"));
  await writeFile(join(dir, "secret.txt"), CANARY);
  await writeFile(join(dir, "secret.png"), CANARY);
  await writeFile(join(dir, "evil.md"), `---\ntitle: ${CANARY}\nsummary: leaked\n---\n${CANARY}\n`);
  return {
    dir,
    async [Symbol.asyncDispose]() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const post = (title: string, front: string, body = "Hi.") =>
  `---\ntitle: ${title}\nsummary: A post.\n${front}---\n${body}\n`;

describe("confinement of the files a run reads", () => {
  it("fails each item whose asset leads outside the project, in sync, --dry-run and check alike", async () => {
    await using outside = await outsideFolder();
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    const climb = relative(project.path("content/posts"), outside.dir);
    await symlink(join(outside.dir, "secret.txt"), project.path("content/posts/passwd.txt"));
    await project.write("content/posts/leak-symlink.md", post("Symlink", "slides: ./passwd.txt\n"));
    await project.write("content/posts/leak-climb.md", post("Climb", `slides: ${climb}/secret.txt\n`));
    const encoded = climb.replaceAll("..", "%2E%2E");
    await project.write(
      "content/posts/leak-encoded.md",
      post("Encoded", "", `Text first.\n\n![x](${encoded}/secret.png)`),
    );
    await project.write(
      "content/posts/leak-absolute.md",
      post("Absolute", `cover: ${join(outside.dir, "secret.png")}\n`),
    );

    const dryRunBefore = await syncWith(sandbox, project, ["sync", "--dry-run"]);
    const result = await syncWith(sandbox, project);
    const dryRun = await syncWith(sandbox, project, ["sync", "--dry-run"]);
    const check = await syncWith(sandbox, project, ["check"]);
    const lines = (stderr: string) =>
      ["leak-symlink", "leak-climb", "leak-encoded", "leak-absolute"].map((name) =>
        failureFor(stderr, `content/posts/${name}.md`),
      );
    const failures = lines(result.stderr);
    expect(result.code).toBe(1);
    expect(failures[0]).toMatch(
      /^✖ content\/posts\/leak-symlink\.md:4: slides: \.\/passwd\.txt resolves to .*secret\.txt, outside the project/,
    );
    expect(failures[1]).toMatch(
      /^✖ content\/posts\/leak-climb\.md:4: slides: .*secret\.txt resolves to .*outside the project/,
    );
    expect(failures[2]).toMatch(
      /^✖ content\/posts\/leak-encoded\.md:\d+: %2E%2E.*secret\.png resolves to .*outside the project/,
    );
    // An absolute path is root-absolute: looked up in staticDirs (none here), never on the disk at large.
    expect(failures[3]).toMatch(
      /^✖ content\/posts\/leak-absolute\.md:4: cover: .*secret\.png: file not found \(looked for .*secret\.png \(no staticDirs are configured\)\)/,
    );
    // The dry runs (before and after) and check report exactly the same failures.
    expect(lines(dryRunBefore.stderr)).toEqual(failures);
    expect(lines(dryRun.stderr)).toEqual(failures);
    expect(lines(check.stderr)).toEqual(failures);
    expect([dryRunBefore.code, dryRun.code, check.code]).toEqual([1, 1, 1]);

    // Nothing outside was sent; the good items were synced.
    expect(JSON.stringify(sandbox.requests)).not.toContain(CANARY);
    expect(assetTraffic(sandbox, SITE).creates).toEqual(["blue.png", "green.png", "red.png", "slides.pdf"]);
    const slugs = [...itemsBySlug(sandbox, POSTS).keys()].sort();
    expect(slugs).toEqual(["every-field", "minimal", "old-news", "work-in-progress"]);
  });

  it("does not list a symlinked Markdown file or folder that points outside, nor walk a symlink loop", async () => {
    await using outside = await outsideFolder();
    await using project = await copyFixture(FIELDS_FIXTURE);
    await mkdir(project.path("content/blog/inner"), { recursive: true });
    await project.write("content/blog/a.md", post("A", ""));
    await project.write("content/blog/inner/b.md", post("B", ""));
    await symlink(join(outside.dir, "evil.md"), project.path("content/blog/evil.md"));
    await symlink(outside.dir, project.path("content/blog/elsewhere"));
    await symlink("..", project.path("content/blog/loop"));
    // A link inside the project to another place inside it is followed, each file listed once.
    await symlink("inner/b.md", project.path("content/blog/b-again.md"));
    await symlink("../posts", project.path("content/blog/posts-link"));
    const listed = await listSources({ root: project.dir, include: "content/blog/**/*.md" });
    expect(listed).toEqual([
      "content/blog/a.md",
      "content/blog/inner/b.md",
      "content/blog/posts-link/every-field.md",
      "content/blog/posts-link/minimal.md",
      "content/blog/posts-link/old-news.md",
      "content/blog/posts-link/work-in-progress.md",
    ]);
    // A file reached both directly and through a link is listed under its direct path only.
    const both = await listSources({ root: project.dir, include: "content/**/*.md" });
    expect(both.filter((path) => path.includes("every-field"))).toEqual(["content/posts/every-field.md"]);
    expect(both.filter((path) => path.includes("evil") || path.includes("loop"))).toEqual([]);
  });

  it("syncs a collection with a symlink loop without a duplicate-slug failure", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    await project.edit("wf-sync.config.ts", '"content/posts/*.md"', '"content/posts/**/*.md"');
    await symlink("..", project.path("content/posts/loop"));
    const result = await syncWith(sandbox, project);
    expect(result.stderr).not.toContain("slug");
    expect(result.code).toBe(0);
    expect(itemsBySlug(sandbox, POSTS).size).toBe(4);
  });
});
