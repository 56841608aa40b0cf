import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { githubStepEnv, runCli, sandboxEnv } from "../helpers/cli.ts";
import { FIELDS_FIXTURE } from "../helpers/fixtures.ts";
import { copyFixture } from "../helpers/project.ts";
import { describeRequests, fixtureSeed, startTestSandbox, writeRequests } from "../helpers/sandbox.ts";

interface JsonDocument {
  summary: { kept: number };
  items: Array<{
    file: string;
    action: string;
    changes?: Array<{ field: string; from: string | null; to: string | null }>;
    url?: { from: string; to: string };
  }>;
  assets: Array<{ action: string; path: string; file: string }>;
}

describe("plans worth reading", () => {
  it("shows changed fields with their old and new values, and a new slug as the URL change", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    const env = sandboxEnv(sandbox.baseUrl);
    await project.edit(
      "wf-sync.config.ts",
      'body: "post-body",',
      'body: "post-body",\n      urlPattern: "/blog/{slug}",',
    );
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);

    await project.edit(
      "content/posts/hello-world.md",
      "summary: The first post of the fixture.",
      "summary: Rewritten.",
    );
    await project.edit(
      "content/posts/hello-world.md",
      "reading-minutes: 3",
      "reading-minutes: 4\nslug: hello-again",
    );
    sandbox.requests.length = 0;
    const plan = await runCli(["sync", "--dry-run"], { cwd: project.dir, env });
    expect(plan.code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    const lines = plan.stdout.split("\n");
    const at = lines.findIndex((line) => line.startsWith("  update posts/hello-again "));
    expect(lines.slice(at, at + 4)).toEqual([
      "  update posts/hello-again content/posts/hello-world.md fields: post-summary, reading-minutes, slug",
      "      url: /blog/hello-world → /blog/hello-again",
      '      post-summary: "The first post of the fixture." → "Rewritten."',
      "      reading-minutes: 3 → 4",
    ]);

    const json = JSON.parse(
      (await runCli(["sync", "--dry-run", "--json"], { cwd: project.dir, env })).stdout,
    ) as JsonDocument;
    expect(json.items.find((item) => item.file === "content/posts/hello-world.md")).toMatchObject({
      action: "update",
      url: { from: "/blog/hello-world", to: "/blog/hello-again" },
      changes: [
        { field: "post-summary", from: '"The first post of the fixture."', to: '"Rewritten."' },
        { field: "reading-minutes", from: "3", to: "4" },
        { field: "slug", from: '"hello-world"', to: '"hello-again"' },
      ],
    });

    // The real run says the same, and what it wrote is the "old" side of the next plan.
    const sync = await runCli(["sync"], { cwd: project.dir, env });
    expect(sync.stdout).toContain("    url: /blog/hello-world → /blog/hello-again");
    await project.edit("content/posts/hello-world.md", "summary: Rewritten.", "summary: Again.");
    const next = await runCli(["sync", "--dry-run"], { cwd: project.dir, env });
    expect(next.stdout).toContain('      post-summary: "Rewritten." → "Again."');
  });

  it("lists the asset uploads, as `upload` in the plan and `uploaded` in the sync", async () => {
    await using project = await copyFixture(FIELDS_FIXTURE);
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    const env = sandboxEnv(sandbox.baseUrl);
    const plan = await runCli(["sync", "--dry-run"], { cwd: project.dir, env });
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    expect(plan.stdout).toMatch(
      /^ {2}upload content\/media\/red\.png for content\/posts\/every-field\.md \(\d+ B\)$/m,
    );
    expect(plan.stdout).toMatch(
      /^ {2}upload content\/media\/slides\.pdf for content\/posts\/every-field\.md /m,
    );
    const json = JSON.parse(
      (await runCli(["sync", "--dry-run", "--json"], { cwd: project.dir, env })).stdout,
    ) as JsonDocument;
    const planned = json.assets.map((asset) => asset.path).sort();
    expect(planned).toContain("content/media/red.png");

    const sync = await runCli(["sync"], { cwd: project.dir, env });
    const uploaded = sync.stdout
      .split("\n")
      .filter((line) => line.startsWith("uploaded "))
      .map((line) => line.split(" ")[1])
      .sort();
    expect(uploaded).toEqual(planned);
    // Uploaded once: the next plan has nothing to upload.
    const again = await runCli(["sync", "--dry-run"], { cwd: project.dir, env });
    expect(again.stdout).not.toMatch(/upload/);
  });

  it("counts items kept after their file was deleted (onDelete keep) in the summary and the job summary", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    const { env, summary: stepSummary } = await githubStepEnv(sandbox.baseUrl);
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    await project.remove("content/team/grace-hopper.md");

    const plan = await runCli(["sync", "--dry-run"], { cwd: project.dir, env });
    expect(plan.stdout).toContain("  keep (file removed) team/grace-hopper content/team/grace-hopper.md");
    expect(plan.stdout).toContain("collection  created  updated  unchanged  removed  kept  failed");
    expect(plan.stdout).toContain("\nteam              0        0          1        0     1       0\n");
    expect(plan.stdout).toMatch(
      /^Planned: 0 created, 0 updated, 6 unchanged, 0 removed, 1 kept \(file removed, item left on the site\), 0 failed in /m,
    );
    const summary = await readFile(stepSummary, "utf8");
    expect(summary).toContain(
      "| collection | to create | to update | unchanged | to remove | kept | failed |",
    );
    expect(summary).toContain("| team | 0 | 0 | 1 | 0 | 1 | 0 |");
    const json = JSON.parse(
      (await runCli(["sync", "--dry-run", "--json"], { cwd: project.dir, env })).stdout,
    ) as JsonDocument;
    expect(json.summary.kept).toBe(1);
  });

  it("puts the warnings in the GitHub job summary, each with its file and line", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    const { env, summary: stepSummary } = await githubStepEnv(sandbox.baseUrl);
    await project.edit("content/posts/hello-world.md", "featured: true", "featured: true\ncolour: red");
    await project.edit("content/team/ada-lovelace.md", "---\n", "---\nmood: curious\n");

    const plan = await runCli(["sync", "--dry-run"], { cwd: project.dir, env });
    expect(plan.code).toBe(0);
    const summary = await readFile(stepSummary, "utf8");
    expect(summary).toContain("#### Warnings (2)");
    expect(summary).toContain(
      '- `content/posts/hello-world.md:6` [unknown-key] colour: not a field of collection "posts" and not mapped in `fields`.',
    );
    expect(summary).toMatch(/^- `content\/team\/ada-lovelace\.md:2` \[unknown-key\] mood: /m);
  });
});
