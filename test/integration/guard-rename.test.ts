import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.ts";
import { describeWrites, makeTempProject, runWorkflowCli, tokenEnv } from "../helpers/workflow-cli.ts";

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
async function project() {
  const files: Record<string, string> = {
    "wf-sync.config.ts": `export default { siteId: "${SITE}", onDelete: "delete", collections: [{ name: "notes", collectionId: "${NOTES}", include: "notes/*.md", body: "body" }] };\n`,
  };
  for (let index = 1; index <= 3; index++)
    files[`notes/note-${index}.md`] = `---\ntitle: Note ${index}\n---\nText ${index}.\n`;
  return makeTempProject(files);
}

describe("the deletion safety valve and moved files", () => {
  it("lets a moved file (same bytes, new name) through: its item is updated, not removed", async () => {
    await using sandbox = await startSandbox({ port: 0, seed });
    const cwd = await project();
    expect((await runWorkflowCli(["sync"], { cwd, env: tokenEnv(sandbox) })).code).toBe(0);
    const id = sandbox.items(NOTES).find((item) => item.fieldData["slug"] === "note-2")?.id;
    sandbox.requests.length = 0;
    await rename(join(cwd, "notes/note-2.md"), join(cwd, "notes/second-note.md"));
    const run = await runWorkflowCli(["sync"], { cwd, env: tokenEnv(sandbox) });
    expect(run.stderr.join("\n")).not.toContain("Refusing");
    expect(run.code).toBe(0);
    expect(describeWrites(sandbox)).toEqual([
      `PATCH /collections/${NOTES}/items`,
      `PATCH /collections/${NOTES}/items/live`,
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
    await using sandbox = await startSandbox({ port: 0, seed });
    const cwd = await project();
    expect((await runWorkflowCli(["sync"], { cwd, env: tokenEnv(sandbox) })).code).toBe(0);
    sandbox.requests.length = 0;
    const text = await readFile(join(cwd, "notes/note-2.md"), "utf8");
    await rm(join(cwd, "notes/note-2.md"));
    // A new file with other bytes is not a move.
    await writeFile(join(cwd, "notes/other.md"), text.replace("Text 2.", "Different text."));
    const run = await runWorkflowCli(["sync"], { cwd, env: tokenEnv(sandbox) });
    expect(run.code).toBe(2);
    expect(run.stderr.join("\n")).toContain("Refusing to delete 1 of 3 items");
    expect(describeWrites(sandbox)).toEqual([]);
  });
});
