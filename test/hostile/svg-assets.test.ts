/**
 * An SVG can carry code that runs on the site (issue 14): one with a script, an event handler
 * or a javascript: link is refused with its file and line, unless the repository is trusted
 * (`richText.rawHtml: "keep"`); a clean SVG beside it is uploaded as before.
 */
import { describe, expect, it } from "vitest";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { createHostileProject, GOOD_SLUG, HOSTILE_COLLECTION_ID } from "./hostile-project.ts";

const CLEAN_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>\n';
const EVIL_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg">\n<circle r="4"\n onload="alert(document.cookie)"/>\n</svg>\n';

const files = {
  "content/clean.md": "---\ntitle: Clean\n---\n\n![a dot](./clean.svg)\n",
  "content/clean.svg": CLEAN_SVG,
  "content/evil.md": "---\ntitle: Evil\n---\n\nIntro.\n\n![a dot](./evil.svg)\n",
  "content/evil.svg": EVIL_SVG,
};

describe("SVG assets", () => {
  it("refuses an SVG with an event handler, naming the file, line and handler; the rest sync", async () => {
    await using project = await createHostileProject(files);
    const env = sandboxEnv(project.sandbox.baseUrl);
    // check and --dry-run (before any sync) read the SVG the same way and refuse it in the same words.
    for (const args of [["sync", "--dry-run"], ["check"]]) {
      const planned = await runCli(args, { cwd: project.dir, env });
      expect(planned.code, args.join(" ")).toBe(1);
      expect(planned.stderr).toMatch(
        /content\/evil\.md:7: \.\/evil\.svg: the SVG holds an on… event handler \(its line 3\)/,
      );
    }
    const result = await runCli(["sync"], { cwd: project.dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /content\/evil\.md:7: \.\/evil\.svg: the SVG holds an on… event handler \(its line 3\)/,
    );
    const slugs = project.sandbox.items(HOSTILE_COLLECTION_ID).map((item) => item.fieldData["slug"]);
    expect(slugs.sort()).toEqual(["clean", GOOD_SLUG]);
    expect(project.sandbox.assets().map((asset) => asset.originalFileName)).toEqual(["clean.svg"]);
  });

  it('uploads it when the repository is trusted with rawHtml: "keep"', async () => {
    await using project = await createHostileProject(files, { richText: { rawHtml: "keep" } });
    const result = await runCli(["sync"], { cwd: project.dir, env: sandboxEnv(project.sandbox.baseUrl) });
    expect(result.stderr).not.toMatch(/evil/);
    expect(result.code).toBe(0);
    expect(
      project.sandbox
        .assets()
        .map((asset) => asset.originalFileName)
        .sort(),
    ).toEqual(["clean.svg", "evil.svg"]);
  });
});
