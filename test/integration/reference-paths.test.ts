import { describe, expect, it } from "vitest";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { tempProject } from "../helpers/project.ts";
import { startTestSandbox } from "../helpers/sandbox.ts";

const SITE = "5a5a5a5a5a5a5a5a5a5a5a01";
const PEOPLE = "5a5a5a5a5a5a5a5a5a5a0c01";
const POSTS = "5a5a5a5a5a5a5a5a5a5a0c02";
const seed = {
  sites: [
    {
      id: SITE,
      displayName: "Paths",
      collections: [
        { id: PEOPLE, displayName: "People", slug: "people", fields: [] },
        {
          id: POSTS,
          displayName: "Posts",
          slug: "posts",
          fields: [{ slug: "author", type: "Reference", validations: { collectionId: PEOPLE } }],
        },
      ],
    },
  ],
};

describe("reference paths", () => {
  it("resolve from the referring file's folder, not by the end of the path", async () => {
    await using sandbox = await startTestSandbox(seed);
    await using project = await tempProject({
      "wf-sync.config.ts": `export default { siteId: "${SITE}", collections: [
        { name: "people", collectionId: "${PEOPLE}", include: "content/*/jane.md" },
        { name: "posts", collectionId: "${POSTS}", include: "content/*/post.md" },
      ] };\n`,
      "content/a/jane.md": "---\ntitle: Jane A\nslug: jane-a\n---\n",
      "content/b/jane.md": "---\ntitle: Jane B\nslug: jane-b\n---\n",
      "content/b/post.md": "---\ntitle: Post in b\nslug: post-b\nauthor: ./jane.md\n---\n",
      "content/a/post.md": "---\ntitle: Post in a\nslug: post-a\nauthor: ../a/jane\n---\n",
    });
    const cwd = project.dir;
    const run = await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(run.code).toBe(0);
    const idOf = (slug: string) => sandbox.items(PEOPLE).find((item) => item.fieldData["slug"] === slug)?.id;
    const authorOf = (slug: string) =>
      sandbox.items(POSTS).find((item) => item.fieldData["slug"] === slug)?.fieldData["author"];
    expect(authorOf("post-b")).toBe(idOf("jane-b"));
    expect(authorOf("post-a")).toBe(idOf("jane-a"));
    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) })).code).toBe(0);
    expect(sandbox.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });
});
