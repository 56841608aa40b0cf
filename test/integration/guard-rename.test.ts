import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { tempProject } from "../helpers/project.ts";
import { describeRequests, startTestSandbox, writeRequests } from "../helpers/sandbox.ts";

const SITE = "5f5f5f5f5f5f5f5f5f5f5f5f";
const NOTES = "5f5f5f5f5f5f5f5f5f5f0c01";
const seed = {
  sites: [
    {
      id: SITE,
      displayName: "Guard",
      collections: [
        { id: NOTES, displayName: "Notes", slug: "notes", fields: [{ slug: "body", type: "RichText" }] },
      ],
    },
  ],
};

/** Three notes with onDelete "delete": removing any one of them is over the 10 % share. */
async function notesProject() {
  const files: Record<string, string> = {
    "wf-sync.config.ts": `export default { siteId: "${SITE}", onDelete: "delete", collections: [{ name: "notes", collectionId: "${NOTES}", include: "notes/*.md", body: "body" }] };\n`,
  };
  for (let index = 1; index <= 3; index++)
    files[`notes/note-${index}.md`] = `---\ntitle: Note ${index}\n---\nText ${index}.\n`;
  return tempProject(files);
}

describe("the deletion safety valve and moved files", () => {
  it("lets a moved file (same bytes, new name) through: its item is updated, not removed", async () => {
    await using sandbox = await startTestSandbox(seed);
    await using project = await notesProject();
    const cwd = project.dir;
    expect((await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) })).code).toBe(0);
    const id = sandbox.items(NOTES).find((item) => item.fieldData["slug"] === "note-2")?.id;
    sandbox.requests.length = 0;
    await rename(join(cwd, "notes/note-2.md"), join(cwd, "notes/second-note.md"));
    const run = await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(run.stderr).not.toContain("Refusing");
    expect(run.code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([
      `PATCH /v2/collections/${NOTES}/items`,
      `PATCH /v2/collections/${NOTES}/items/live`,
    ]);
    expect(
      sandbox
        .items(NOTES)
        .map((item) => [item.id === id, item.fieldData["slug"]])
        .filter(([same]) => same),
    ).toEqual([[true, "second-note"]]);
    expect(sandbox.items(NOTES)).toHaveLength(3);
  });

  it("still refuses a real removal over the share, writing nothing", async () => {
    await using sandbox = await startTestSandbox(seed);
    await using project = await notesProject();
    const cwd = project.dir;
    expect((await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) })).code).toBe(0);
    sandbox.requests.length = 0;
    const text = await readFile(join(cwd, "notes/note-2.md"), "utf8");
    await rm(join(cwd, "notes/note-2.md"));
    // A new file with other bytes is not a move.
    await writeFile(join(cwd, "notes/other.md"), text.replace("Text 2.", "Different text."));
    const run = await runCli(["sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Refusing to delete 1 of 3 items");
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });
});
