import { describe, expect, it } from "vitest";
import type { SandboxSeed } from "../../src/sandbox/index.ts";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { copyFixture } from "../helpers/project.ts";
import { describeRequests, fixtureSeed, startTestSandbox, writeRequests } from "../helpers/sandbox.ts";

/** core-basic with a required date (mapped from `date:` in the config) and an Option field. */
async function strictSeed(): Promise<SandboxSeed> {
  const seed = await fixtureSeed("core-basic");
  const posts = seed.sites[0]?.collections?.[0];
  if (!posts) throw new Error("core-basic's seed has no posts collection");
  for (const field of posts.fields ?? []) if (field.slug === "published-on") field.isRequired = true;
  posts.fields?.push({
    slug: "category",
    type: "Option",
    displayName: "Category",
    validations: {
      options: [
        { id: "0a1", name: "News" },
        { id: "0a2", name: "Guides" },
      ],
    },
  });
  return seed;
}

// Four mistakes: no title (line 1), a bad option (line 3), a number below its minimum (line 4), no date (line 1).
const THREE_MISTAKES =
  "---\nsummary: Everything wrong at once\ncategory: Nwes\nreading-minutes: 0\n---\nBody.\n";

interface JsonItem {
  file: string;
  action: string;
  line: number | null;
  error: string | null;
  errors?: Array<{ message: string; line: number | null; hint: string | null }>;
  warnings?: Array<{ kind: string; message: string; line: number | null }>;
}

describe("every mistake of a file at once, in the author's words", () => {
  it("shows all problems of a file in one run, each with file:line, in sync, sync --dry-run and check", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await strictSeed());
    const env = sandboxEnv(sandbox.baseUrl);
    // The other posts of the fixture have no date: give them one, so only the new file fails.
    for (const file of ["old-news.md", "work-in-progress.md", "guides/getting-started/index.md"])
      await project.edit(`content/posts/${file}`, "---\n", "---\ndate: 2024-02-01\n");
    await project.write("content/posts/wrong.md", THREE_MISTAKES);

    const expected = [
      '✖ content/posts/wrong.md:1: title: required by the collection (field "Name") but missing.',
      "  hint: Add `title:` (or `name:`) to the frontmatter.",
      '✖ content/posts/wrong.md:1: date: required by the collection (field "Published on") but missing.',
      "  hint: Add `date:` to the frontmatter.",
      '✖ content/posts/wrong.md:3: category: "Nwes" is not an option of the field "Category". Valid options: "News", "Guides".',
      '✖ content/posts/wrong.md:4: reading-minutes: 0 is below the minimum of 1 for the field "Reading minutes". Use 1 or more.',
    ];
    const errorLines = (stderr: string) =>
      stderr.split("\n").filter((line) => line.startsWith("✖") || line.startsWith("  hint"));

    const plan = await runCli(["sync", "--dry-run"], { cwd: project.dir, env });
    expect(plan.code).toBe(1);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    const shown = errorLines(plan.stderr);
    const sync = await runCli(["sync"], { cwd: project.dir, env });
    expect(sync.code).toBe(1);
    // check validates against the schema the sync cached.
    const check = await runCli(["check"], { cwd: project.dir, env: {} });
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/Checked 8 files: 1 invalid/);
    for (const run of [shown, errorLines(sync.stderr), errorLines(check.stderr)])
      expect(run).toEqual(expected);

    // Under GitHub Actions each problem is its own annotation; --json lists them all.
    const annotated = await runCli(["check", "--json"], {
      cwd: project.dir,
      env: { GITHUB_ACTIONS: "true" },
    });
    expect(annotated.stderr.split("\n").filter((line) => line.startsWith("::error "))).toHaveLength(4);
    const checked = JSON.parse(annotated.stdout) as { items: JsonItem[] };
    const json = JSON.parse(
      (await runCli(["sync", "--dry-run", "--json"], { cwd: project.dir, env })).stdout,
    ) as {
      items: JsonItem[];
    };
    for (const items of [checked.items, json.items]) {
      const wrong = items.find((item) => item.file === "content/posts/wrong.md");
      expect(wrong).toMatchObject({ action: "invalid", line: 1 });
      expect(wrong?.errors?.map((error) => error.line)).toEqual([1, 1, 3, 4]);
      expect(wrong?.errors?.[1]?.hint).toBe("Add `date:` to the frontmatter.");
    }
  });

  it("shows every broken line of a frontmatter's YAML at once", async () => {
    await using project = await copyFixture("core-basic");
    await project.write(
      "content/posts/twice.md",
      "---\ntitle: One\ntitle: Two\nsummary: s\nsummary: t\n---\nBody.\n",
    );
    const check = await runCli(["check"], { cwd: project.dir, env: {} });
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(
      /^✖ content\/posts\/twice\.md:3: Invalid YAML in frontmatter: Map keys must be unique \("title" appears twice\)\.$/m,
    );
    expect(check.stderr).toMatch(
      /^✖ content\/posts\/twice\.md:5: Invalid YAML in frontmatter: Map keys must be unique \("summary" appears twice\)\.$/m,
    );
  });

  it("names the key the config maps to a required field, not the field's slug", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    // post-summary is required; the config maps `summary:` to it.
    await project.write("content/posts/no-summary.md", "---\ntitle: No summary\n---\nBody.\n");
    const plan = await runCli(["sync", "--dry-run"], { cwd: project.dir, env: sandboxEnv(sandbox.baseUrl) });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(
      '✖ content/posts/no-summary.md:1: summary: required by the collection (field "Summary") but missing.\n  hint: Add `summary:` to the frontmatter.',
    );
    expect(plan.stderr).not.toMatch(/post-summary/);
  });

  it("asks `did you mean …?` for a key close to a mapped key or a field slug, as a warning and under --strict", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    const env = sandboxEnv(sandbox.baseUrl);
    await project.edit("content/posts/hello-world.md", "summary:", "sumary: typo\nsummary:");
    await project.edit("content/posts/hello-world.md", "featured:", "featurd: true\nfeatured:");

    const plan = await runCli(["sync", "--dry-run"], { cwd: project.dir, env });
    expect(plan.code).toBe(0);
    expect(plan.stderr).toContain(
      'warning [unknown-key] (2 times; first shown) content/posts/hello-world.md:3: sumary: not a field of collection "posts" and not mapped in `fields`. Did you mean `summary`?',
    );
    const json = JSON.parse(
      (await runCli(["sync", "--dry-run", "--json"], { cwd: project.dir, env })).stdout,
    ) as {
      items: JsonItem[];
    };
    const hello = json.items.find((item) => item.file === "content/posts/hello-world.md");
    expect(hello?.warnings?.map((warning) => [warning.line, warning.message])).toEqual([
      [3, expect.stringMatching(/Did you mean `summary`\?$/)],
      [6, expect.stringMatching(/Did you mean `featured`\?$/)],
    ]);

    const strict = await runCli(["sync", "--dry-run", "--strict"], { cwd: project.dir, env });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(
      '✖ content/posts/hello-world.md:3: sumary: not a field of collection "posts" and not mapped in `fields`. Did you mean `summary`?\n  hint: Rename it to `summary`, map it in the collection\'s `fields`, or remove it.',
    );
    expect(strict.stderr).toContain(
      '✖ content/posts/hello-world.md:6: featurd: not a field of collection "posts" and not mapped in `fields`. Did you mean `featured`?',
    );
  });
});
