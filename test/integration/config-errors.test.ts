// Issue 15, item 5: the config is checked strictly. Unknown keys are errors with "did you
// mean …?", a config that cannot be loaded names file:line:column with a code frame, the path
// is printed once, and an include or locale glob that matches no file is a warning.
import { mkdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { copyFixture } from "../helpers/project.ts";

const HEAD = `export default {
  siteId: "65a000000000000000000001",
`;

describe("a config with mistakes", () => {
  it("an unknown key anywhere is an error with its line and a suggestion; nothing runs", async () => {
    await using project = await copyFixture("core-basic");
    await project.write(
      "wf-sync.config.ts",
      `${HEAD}  onDelte: "delete",
  collections: [
    {
      name: "posts",
      collectionId: "65a0000000000000000000c1",
      incldue: "content/posts/**/*.md",
      richText: { tabels: "list" },
    },
  ],
  sandbox: true,
  frobnicate: 1,
};
`,
    );
    for (const args of [["check"], ["sync", "--dry-run"], ["sync"], ["pull"], ["preview", "x.md"]]) {
      const result = await runCli(args, { cwd: project.dir, env: {} });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      // Other keys join the config over time, so the list of known keys is matched loosely.
      expect(result.stderr.split("\n")).toEqual([
        "wf-sync.config.ts:3:3: the config is not valid:",
        '✖ Unknown key "onDelte": did you mean "onDelete"?',
        "  → at onDelte (line 3)",
        '✖ Missing required key "include".',
        "  → at collections[0].include (line 4)",
        '✖ Unknown key "incldue": did you mean "include"?',
        "  → at collections[0].incldue (line 8)",
        '✖ Unknown key "tabels": did you mean "tables"?',
        "  → at collections[0].richText.tabels (line 9)",
        expect.stringMatching(
          /^✖ Unknown key "frobnicate" \(known keys here: siteId, collections, .*onDelete, .*\)\.$/,
        ),
        "  → at frobnicate (line 13)",
      ]);
    }
  });

  it("a syntax error names file:line:column once, with a code frame", async () => {
    await using project = await copyFixture("core-basic");
    await project.write(
      "wf-sync.config.ts",
      `${HEAD}  collections: [
    { name: "posts", collectionId: "c1" include: "content/posts/**/*.md" },
  ],
};
`,
    );
    const result = await runCli(["check"], { cwd: project.dir, env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        'wf-sync.config.ts:4:40: the config could not be loaded: syntax error: Unexpected token, expected ","',
        "  3 |   collections: [",
        '> 4 |     { name: "posts", collectionId: "c1" include: "content/posts/**/*.md" },',
        "    |                                        ^",
        "  5 |   ],",
      ].join("\n"),
    );
  });

  it("an exception while the config runs names its line too", async () => {
    await using project = await copyFixture("core-basic");
    await project.write(
      "wf-sync.config.ts",
      `const folders = undefined as unknown as { posts: string };
${HEAD}  collections: [{ name: "posts", collectionId: "c1", include: folders.posts }],
};
`,
    );
    const result = await runCli(["sync", "--dry-run"], { cwd: project.dir, env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "wf-sync.config.ts:4:71: the config could not be loaded: TypeError: Cannot read properties of undefined (reading 'posts')",
    );
    expect(result.stderr).toContain("> 4 |   collections:");
    expect(result.stderr.split(project.dir)).toHaveLength(1);
  });

  it("a config given with --config outside the working directory is named by its full path", async () => {
    await using project = await copyFixture("core-basic");
    await mkdir(project.path("conf"));
    await project.write("conf/wf-sync.config.ts", `${HEAD}  collection: [],\n};\n`);
    const result = await runCli(["check", "--config", "../conf/wf-sync.config.ts"], {
      cwd: project.path("content"),
      env: {},
    });
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n").slice(0, 3)).toEqual([
      `${project.path("conf/wf-sync.config.ts")}:3:3: the config is not valid:`,
      '✖ Unknown key "collection": did you mean "collections"?',
      "  → at collection (line 3)",
    ]);
  });
});
