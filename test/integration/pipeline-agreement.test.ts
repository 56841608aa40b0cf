// Issue 11 item 4: `check`, `sync --dry-run` and `sync` share discovery, validation and
// planning, so on one project they name the same failing files with the same messages.
import { describe, expect, it } from "vitest";
import type { SandboxSeed } from "../../src/sandbox/index.ts";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { tempProject } from "../helpers/project.ts";
import { startTestSandbox } from "../helpers/sandbox.ts";

const SITE = "66f000000000000000000101";
const BLOG = "66f0000000000000000001b1";

const seed: SandboxSeed = {
  sites: [
    {
      id: SITE,
      displayName: "Agreement site",
      locales: {
        primary: { tag: "en-US", displayName: "English" },
        secondary: [{ tag: "fr-FR", displayName: "Français" }],
      },
      collections: [
        {
          id: BLOG,
          displayName: "Blog",
          singularName: "Post",
          slug: "blog",
          fields: [
            { slug: "post-body", type: "RichText", displayName: "Body" },
            { slug: "published-on", type: "DateTime", displayName: "Published on" },
          ],
        },
      ],
    },
  ],
} as unknown as SandboxSeed;

const config = `export default {
  siteId: "${SITE}",
  collections: [
    {
      name: "blog",
      collectionId: "${BLOG}",
      include: "content/blog/**/*.md",
      locales: { "fr-FR": "content/blog/fr/**/*.md" },
      body: "post-body",
      fields: { date: "published-on" },
    },
  ],
};
`;

const files: Record<string, string> = {
  "content/blog/one.md": "---\ntitle: One\nslug: shared\n---\nFirst.\n",
  "content/blog/two.md": "---\ntitle: Two\nslug: shared\n---\nSecond.\n",
  "content/blog/three.md": "---\ntitle: Three\nslug: shared\n---\nThird.\n",
  "content/blog/bundle/index.md": "---\ntitle: A bundle\n---\nIn its folder.\n",
  "content/blog/LICENSE.md": "---\ntitle: License\n---\nMIT.\n",
  "content/blog/bad-date.md": "---\ntitle: Bad date\ndate: the day after tomorrow\n---\nSoon.\n",
  "content/blog/no-title.md": "---\ndate: 2024-05-01\n---\nNameless.\n",
  "content/blog/good.md": "---\ntitle: Good\ndate: 2024-05-02\n---\nFine.\n",
  "content/blog/fr/good.md": "---\ntitle: Bien\n---\nTrès bien.\n",
  "content/blog/fr/orphan.md": "---\ntitle: Orphelin\n---\nSeul.\n",
};

interface JsonItem {
  file: string;
  error: string | null;
}

/** `file: error` of every failed item of a `--json` run, sorted. */
function failures(stdout: string): string[] {
  const document = JSON.parse(stdout) as { items: JsonItem[] };
  return document.items
    .filter((item) => item.error !== null)
    .map((item) => `${item.file}: ${item.error}`)
    .sort();
}

describe("check, sync --dry-run and sync agree", () => {
  it("name the same failing files with the same messages, cold and warm", async () => {
    await using sandbox = await startTestSandbox(seed);
    await using project = await tempProject({ "wf-sync.config.mjs": config, ...files }, "agreement");
    const env = sandboxEnv(sandbox.baseUrl);
    const run = (args: string[]) =>
      runCli([...args, "--json", "--config", "wf-sync.config.mjs"], { cwd: project.dir, env });

    const coldPlan = await run(["sync", "--dry-run"]);
    const sync = await run(["sync"]);
    const check = await run(["check"]);
    const warmPlan = await run(["sync", "--dry-run"]);

    const expected = failures(sync.stdout);
    expect(expected.map((line) => line.split(":")[0])).toEqual([
      "content/blog/bad-date.md",
      "content/blog/fr/orphan.md",
      "content/blog/no-title.md",
      "content/blog/one.md",
      "content/blog/three.md",
      "content/blog/two.md",
    ]);
    expect(sync.code).toBe(1);
    for (const other of [coldPlan, check, warmPlan]) {
      expect(other.code).toBe(1);
      expect(failures(other.stdout)).toEqual(expected);
    }
    // The translation folder inside the primary folder is not a duplicate of its primaries,
    // the bundle takes its folder's name, and LICENSE.md is an item like any other.
    const slugs = sandbox
      .items(BLOG)
      .map((item) => String(item.fieldData["slug"]))
      .sort();
    expect(slugs).toEqual(["bundle", "good", "license"]);
  });
});
