// Issue 14, item 9: a file name carrying a line break, a workflow command and ANSI escapes is
// printed escaped, on the terminal, in annotations and in the job summary: it can neither
// start a `::warning::` line of its own nor colour the log.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { githubStepEnv, spawnCli } from "../helpers/cli.ts";
import { NOTES, NOTES_CONFIG, notesSeed } from "../helpers/fixtures.ts";
import { tempProject } from "../helpers/project.ts";
import { startTestSandbox, writeRequests } from "../helpers/sandbox.ts";

const GOOD = "notes/evil\n::warning::pwned \u001b[31mred\u001b[0m.md";
const BAD = "notes/bad\r\n::error::owned\u001b[2J\u009b1m.md";

/** Lines that a GitHub runner would read as workflow commands. */
function commandLines(text: string): string[] {
  return text.split(/\r?\n|\r/).filter((line) => /^\s*(::|##\[)/.test(line));
}

describe("hostile file names", () => {
  it("are escaped on stdout, stderr, in ::error annotations and in the job summary", async () => {
    await using sandbox = await startTestSandbox(notesSeed);
    await using project = await tempProject({
      "wf-sync.config.ts": NOTES_CONFIG,
      "notes/plain.md": "---\ntitle: Plain\nsummary: Fine\n---\nText.\n",
    });
    const cwd = project.dir;
    await writeFile(join(cwd, GOOD), "---\ntitle: Evil but valid\nsummary: Fine\n---\nText.\n");
    await writeFile(join(cwd, BAD), "---\ntitle: Bad\nsummary: [unclosed\n---\nText.\n");
    const { env, summary } = await githubStepEnv(sandbox.baseUrl, { CI: "true" });

    const result = await spawnCli(["sync"], { cwd, env });

    expect(result.code).toBe(1);
    const output = `${result.stdout}\n${result.stderr}`;
    // Both names were listed and reported, in their escaped form.
    expect(result.stdout).toContain("notes/evil\\n::warning::pwned \\x1B[31mred\\x1B[0m.md");
    expect(result.stderr).toContain("✖ notes/bad\\r\\n::error::owned\\x1B[2J\\x9B1m.md:3");
    // The only workflow commands are wf-sync's own annotation, with the file name escaped.
    expect(commandLines(output)).toEqual([
      expect.stringMatching(
        /^::error file=notes\/bad\\r\\n%3A%3Aerror%3A%3Aowned\\x1B\[2J\\x9B1m\.md,line=3,col=\d+::Invalid YAML/,
      ),
    ]);
    for (const raw of ["\u001b", "\u009b", "\r"]) expect(output).not.toContain(raw);
    const written = await readFile(summary, "utf8");
    for (const raw of ["\u001b", "\u009b", "\r"]) expect(written).not.toContain(raw);
    expect(commandLines(written)).toEqual([]);
    expect(written).toContain("| notes | ❌ invalid |  | notes/bad\\r\\n::error::owned\\x1B[2J\\x9B1m.md | ");
    // The valid file with the hostile name and the plain one beside it are synced, once.
    expect(
      sandbox
        .items(NOTES)
        .map((item) => item.fieldData["name"])
        .sort(),
    ).toEqual(["Evil but valid", "Plain"]);
    sandbox.requests.length = 0;
    const again = await spawnCli(["sync"], { cwd, env });
    expect(again.code).toBe(1);
    expect(writeRequests(sandbox)).toEqual([]);
  });
});
