// Issue 4: `check` offline after an online sync (no server running) validates every field type
// against the cached schema; `--strict` turns unknown keys into errors, for check and sync alike.
import { describe, expect, it } from "vitest";
import { failureFor, runCli, syncWith } from "../helpers/cli.ts";
import { FIELDS_FIXTURE, PAGES } from "../helpers/fixtures.ts";
import { copyFixture, type TempProject } from "../helpers/project.ts";
import { fixtureSeed, itemsBySlug, startTestSandbox } from "../helpers/sandbox.ts";

/** 1-based line of the first line of `file` that starts with `prefix`. */
async function lineOf(project: TempProject, file: string, prefix: string): Promise<number> {
  const index = (await project.read(file)).split("\n").findIndex((line) => line.startsWith(prefix));
  if (index < 0) throw new Error(`${file} has no line starting with ${prefix}`);
  return index + 1;
}

/** Syncs the project once against a sandbox that is closed again before this returns. */
async function syncOnce(project: TempProject): Promise<void> {
  await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
  expect((await syncWith(sandbox, project)).code).toBe(0);
}

describe("check offline after an online sync", () => {
  it("passes valid files, then names a bad option name, a wrong type, a missing image and a dangling reference with file:line", async () => {
    await using project = await copyFixture(FIELDS_FIXTURE);
    await syncOnce(project);

    // No server, no token, no base URL: check must not need the network.
    const valid = await runCli(["check"], { cwd: project.dir, env: {} });
    expect(valid.stderr).toBe("");
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/Checked 9 files: all valid/); // the fr-FR translation included

    await project.edit("content/posts/every-field.md", "category: engineering", "category: Gardening");
    await project.edit("content/posts/minimal.md", "featured: false", 'featured: false\nrating: "7"');
    await project.edit("content/people/grace.md", "photo: ../media/red.png", "photo: ../media/nope.png");
    await project.edit("content/people/ada.md", "favorite-post: every-field", "favorite-post: no-such-post");
    await project.edit(
      "content/pages/fr/about.md",
      "tagline: Nous construisons des choses",
      'tagline: Nous construisons des choses\norder: "premier"',
    );
    await project.write("content/pages/fr/nowhere.md", "---\ntitle: Nulle part\n---\n");
    const invalid = await runCli(["check"], { cwd: project.dir, env: {} });
    expect(invalid.code).toBe(1);
    expect(failureFor(invalid.stderr, "content/posts/every-field.md")).toMatch(
      new RegExp(
        `^✖ content/posts/every-field\\.md:${await lineOf(project, "content/posts/every-field.md", "category:")}: category: .*Gardening.*Engineering`,
      ),
    );
    expect(failureFor(invalid.stderr, "content/posts/minimal.md")).toMatch(
      new RegExp(
        `^✖ content/posts/minimal\\.md:${await lineOf(project, "content/posts/minimal.md", "rating:")}: rating: `,
      ),
    );
    expect(failureFor(invalid.stderr, "content/people/grace.md")).toMatch(
      new RegExp(
        `^✖ content/people/grace\\.md:${await lineOf(project, "content/people/grace.md", "photo:")}: photo: .*nope\\.png`,
      ),
    );
    expect(failureFor(invalid.stderr, "content/people/ada.md")).toMatch(
      new RegExp(
        `^✖ content/people/ada\\.md:${await lineOf(project, "content/people/ada.md", "favorite-post:")}: favorite-post: .*no-such-post`,
      ),
    );
    // Translations are checked merged with their primary file, errors at their own keys.
    expect(failureFor(invalid.stderr, "content/pages/fr/about.md")).toMatch(
      new RegExp(
        `^✖ content/pages/fr/about\\.md:${await lineOf(project, "content/pages/fr/about.md", "order:")}: order: `,
      ),
    );
    expect(failureFor(invalid.stderr, "content/pages/fr/nowhere.md")).toMatch(
      /^✖ content\/pages\/fr\/nowhere\.md: translation of "nowhere"/,
    );
    // A page that references the failing person fails with it, in check as in sync.
    expect(failureFor(invalid.stderr, "content/pages/about.md")).toMatch(/owner: .*people\/ada\.md/);
    expect(invalid.stdout).toMatch(/Checked 10 files: 7 invalid/);
  });

  it("--strict makes an unknown key an error in check and in sync; without it the key is a warning", async () => {
    await using project = await copyFixture(FIELDS_FIXTURE);
    await syncOnce(project);
    await project.edit(
      "content/pages/contact.md",
      "tagline: Say hello",
      "tagline: Say hello\nmood: cheerful",
    );
    const line = await lineOf(project, "content/pages/contact.md", "mood:");

    const lenient = await runCli(["check"], { cwd: project.dir, env: {} });
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toMatch(
      new RegExp(`warning.*content/pages/contact\\.md:${line}: mood: not a field`),
    );

    const strict = await runCli(["check", "--strict"], { cwd: project.dir, env: {} });
    expect(strict.code).toBe(1);
    expect(failureFor(strict.stderr, "content/pages/contact.md")).toMatch(
      new RegExp(`^✖ content/pages/contact\\.md:${line}: mood: not a field`),
    );

    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using fresh = await copyFixture(FIELDS_FIXTURE);
    await fresh.edit("content/pages/contact.md", "tagline: Say hello", "tagline: Say hello\nmood: cheerful");
    const strictSync = await syncWith(sandbox, fresh, ["sync", "--strict"]);
    expect(strictSync.code).toBe(1);
    expect(failureFor(strictSync.stderr, "content/pages/contact.md")).toMatch(
      new RegExp(`^✖ content/pages/contact\\.md:${line}: mood: `),
    );
    expect([...itemsBySlug(sandbox, PAGES).keys()]).toEqual(["about"]);

    const lenientSync = await syncWith(sandbox, fresh);
    expect(lenientSync.code).toBe(0);
    expect(itemsBySlug(sandbox, PAGES).get("contact")?.fieldData).not.toHaveProperty("mood");
  });
});
