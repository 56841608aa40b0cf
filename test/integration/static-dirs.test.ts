// Issue 13 item 5: `staticDirs` maps root-absolute image and file paths (`/img/x.png`) to local
// files, uploaded as assets like relative ones; root-absolute links stay as written; a
// root-absolute image found in no static folder is a warning at its line, not a failure.
import { appendFile, copyFile, mkdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { DEMO_SEED } from "../../src/commands/init-demo.ts";
import { loadConfig } from "../../src/load-config.ts";
import { runCli, sandboxEnv, syncWith } from "../helpers/cli.ts";
import { FIELDS_FIXTURE, POSTS, SITE } from "../helpers/fixtures.ts";
import { copyFixture, tempProject } from "../helpers/project.ts";
import {
  assetNamed,
  assetTraffic,
  describeRequests,
  fixtureSeed,
  itemsBySlug,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";

const POST = [
  "---",
  "title: Static",
  "summary: Uses the static folder.",
  "cover: /img/logo.png",
  "---",
  "A logo:",
  "",
  "![logo](/img/logo.png)",
  "",
  "A [site link](/docs/history/) and a picture the site serves itself:",
  "",
  "![gone](/img/nowhere.png)",
  "",
].join("\n");

describe("staticDirs", () => {
  it("uploads root-absolute images and files found there, warns about the others, and re-syncs when one changes", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    await project.edit(
      "wf-sync.config.ts",
      'sandboxSeed: "seed.json",',
      'sandboxSeed: "seed.json",\n  staticDirs: ["static"],',
    );
    await mkdir(project.path("static/img"), { recursive: true });
    await copyFile(project.path("content/media/blue.png"), project.path("static/img/logo.png"));
    await appendFile(project.path("static/img/logo.png"), "static copy");
    await project.write("content/posts/static.md", POST);

    const first = await syncWith(sandbox, project);
    expect(first.stderr).toMatch(
      /content\/posts\/static\.md:12: Image "\/img\/nowhere\.png" is a root-absolute path that was not found in `staticDirs`/,
    );
    expect(first.stderr).not.toContain("/img/logo.png");
    expect(first.code).toBe(0);
    expect(assetTraffic(sandbox, SITE).creates).toContain("logo.png");
    const logo = assetNamed(sandbox, SITE, "logo.png");
    const item = itemsBySlug(sandbox, POSTS).get("static");
    expect(item?.fieldData["cover"]).toMatchObject({ fileId: logo.id, url: logo.hostedUrl });
    const body = String(item?.fieldData["post-body"]);
    expect(body).toContain(`<img src="${logo.hostedUrl}"`);
    expect(body).toContain('<a href="/docs/history/">site link</a>');
    expect(body).toContain('<img src="/img/nowhere.png"');

    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);

    // A new version of the static file is a new asset, and the item using it is rewritten.
    await appendFile(project.path("static/img/logo.png"), "edited");
    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(0);
    expect(assetTraffic(sandbox, SITE).creates).toEqual(["logo.png"]);
    expect(writeRequests(sandbox).some((request) => JSON.stringify(request.body).includes("static"))).toBe(
      true,
    );
  });

  it("fails a File or Image field with a root-absolute path found in no static folder, naming where it looked", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    await project.write("content/posts/static.md", POST);
    const result = await syncWith(sandbox, project);
    expect(result.stderr).toMatch(
      /^✖ content\/posts\/static\.md:4: cover: \/img\/logo\.png: file not found \(looked for \/img\/logo\.png \(no staticDirs are configured\)\)\./m,
    );
    expect(result.code).toBe(1);
  });

  it("refuses a staticDirs folder that does not exist (exit 2)", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    await project.edit(
      "wf-sync.config.ts",
      'sandboxSeed: "seed.json",',
      'sandboxSeed: "seed.json",\n  staticDirs: ["statik"],',
    );
    const result = await syncWith(sandbox, project);
    expect(result.stderr).toMatch(/staticDirs: the folder statik does not exist\./);
    expect(result.code).toBe(2);
  });
});

describe("init and staticDirs", () => {
  it.each<{ kind: string; files: Record<string, string>; expected: string }>([
    {
      kind: "a Hugo site",
      files: { "hugo.toml": 'title = "x"\n', "static/img/.keep": "" },
      expected: '  staticDirs: ["static"],',
    },
    { kind: "a Jekyll site", files: { "_config.yml": "title: x\n" }, expected: '  staticDirs: ["."],' },
  ])("suggests the static folder of $kind, and the config it writes loads", async ({ files, expected }) => {
    await using sandbox = await startTestSandbox(DEMO_SEED);
    await using project = await tempProject(files);
    const init = await runCli(["init"], { cwd: project.dir, env: sandboxEnv(sandbox.baseUrl) });
    expect(init.code).toBe(0);
    expect((await project.read("wf-sync.config.ts")).split("\n")).toContain(expected);
    expect((await loadConfig(project.dir)).staticDirs).toEqual([expected.includes('"."') ? "." : "static"]);
  });

  it("suggests none for a plain folder", async () => {
    await using sandbox = await startTestSandbox(DEMO_SEED);
    await using project = await tempProject({ "static/a.png": "x" });
    expect((await runCli(["init"], { cwd: project.dir, env: sandboxEnv(sandbox.baseUrl) })).code).toBe(0);
    expect(await project.read("wf-sync.config.ts")).not.toContain("staticDirs");
  });
});
