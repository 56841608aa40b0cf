import { describe, expect, it } from "vitest";
import { lines, runCli, sandboxEnv } from "../helpers/cli.ts";
import { tempProject } from "../helpers/project.ts";
import { startTestSandbox } from "../helpers/sandbox.ts";

const SITE = "5b5b5b5b5b5b5b5b5b5b5b01";
const POSTS = "5b5b5b5b5b5b5b5b5b5b0c01";
const seed = {
  sites: [
    {
      id: SITE,
      displayName: "Links",
      collections: [
        { id: POSTS, displayName: "Posts", slug: "posts", fields: [{ slug: "body", type: "RichText" }] },
      ],
    },
  ],
};

describe("links between Markdown files", () => {
  it("resolve to the item's URL in sync and in the offline check; a link to no synced file warns in both", async () => {
    await using sandbox = await startTestSandbox(seed);
    await using project = await tempProject({
      "wf-sync.config.ts": `export default { siteId: "${SITE}", collections: [{ name: "posts", collectionId: "${POSTS}", include: "content/*.md", body: "body", urlPattern: "/articles/{slug}" }] };\n`,
      "content/first.md": "---\ntitle: First\n---\nSee [the second](./second.md#part).\n",
      "content/second.md":
        "---\ntitle: Second\n---\nBack to [the first](first.md) or [a draft](./missing.md).\n",
    });
    const cwd = project.dir;
    const sync = await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(sync.code).toBe(0);
    const bodyOf = (slug: string) =>
      sandbox.items(POSTS).find((item) => item.fieldData["slug"] === slug)?.fieldData["body"];
    expect(bodyOf("first")).toContain('href="/articles/second#part"');
    expect(bodyOf("second")).toContain('href="/articles/first"');
    const check = await runCli(["check"], { cwd, env: {} });
    expect(check.code).toBe(0);
    const warnings = lines(check.stderr).filter((line) => line.includes("rich-text-relative-link"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("content/second.md:4");
    expect(warnings[0]).toContain("./missing.md");
  });
});
