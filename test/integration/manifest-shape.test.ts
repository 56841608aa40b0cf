/**
 * Issue 14, item 4: the manifest is a cache and is validated as one. A manifest of the wrong
 * shape (or not JSON at all) is a warning; the run rebuilds it from the site by slug, as when it
 * is missing: exit 0, nothing created, nothing duplicated, and the next run is quiet.
 */
import { describe, expect, it } from "vitest";
import { copyFixture } from "../helpers/project.ts";
import { runCli, sandboxEnv, spawnCli } from "../helpers/cli.ts";
import { CORE_POSTS as POSTS, CORE_TEAM as TEAM } from "../helpers/fixtures.ts";
import {
  describeRequests,
  fixtureSeed,
  itemsBySlug,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";

const MANIFEST = ".wf-sync/manifest.json";

type Json = Record<string, unknown>;
const collectionsOf = (manifest: Json) => manifest["collections"] as Record<string, Json>;
const postsOf = (manifest: Json) => collectionsOf(manifest)[POSTS] as Json;
const firstKey = (record: unknown) => Object.keys(record as Json)[0] as string;

/** Each corruption, applied to the manifest a good run wrote. */
const CORRUPTIONS: Array<[string, (manifest: Json) => unknown, string]> = [
  ["collections is null", (manifest) => ({ ...manifest, collections: null }), "collections"],
  [
    "an item entry is a string",
    (manifest) => {
      const items = postsOf(manifest)["items"] as Json;
      items[firstKey(items)] = "not an entry";
      return manifest;
    },
    `collections.${POSTS}.items.`,
  ],
  [
    "items is null",
    (manifest) => {
      postsOf(manifest)["items"] = null;
      return manifest;
    },
    `collections.${POSTS}.items`,
  ],
  [
    "files entries are numbers",
    // (A first run records no digest for files this young: the entry is written here.)
    (manifest) => ({ ...manifest, files: { "content/posts/hello-world.md": 42 } }),
    "files.",
  ],
  [
    "a source record is an array",
    (manifest) => {
      const sources = postsOf(manifest)["sources"] as Json;
      sources[firstKey(sources)] = [];
      return manifest;
    },
    `collections.${POSTS}.sources.`,
  ],
  [
    "an entry's field digests are numbers",
    (manifest) => {
      const items = postsOf(manifest)["items"] as Record<string, Json>;
      (items[firstKey(items)] as Json)["fields"] = { name: 1 };
      return manifest;
    },
    ".fields.name",
  ],
  ["assets is a list", (manifest) => ({ ...manifest, assets: ["x"] }), "assets"],
  ["the whole manifest is null", () => null, "(top level)"],
];

describe("a manifest of the wrong shape", () => {
  it.each(CORRUPTIONS)(
    "%s: a warning, rebuilt from the site by slug, nothing written or duplicated",
    async (_name, corrupt, where) => {
      await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
      await using project = await copyFixture("core-basic");
      const env = sandboxEnv(sandbox.baseUrl);
      expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
      const posts = sandbox
        .items(POSTS)
        .map((item) => item.id)
        .sort();
      const team = sandbox
        .items(TEAM)
        .map((item) => item.id)
        .sort();
      await project.write(
        MANIFEST,
        JSON.stringify(corrupt(JSON.parse(await project.read(MANIFEST)) as Json)),
      );
      sandbox.requests.length = 0;

      const result = await spawnCli(["sync"], { cwd: project.dir, env });
      expect(result.stderr).not.toContain("crashed");
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("has the wrong shape");
      expect(result.stderr).toContain(where);
      expect(result.stderr).toContain("rebuilt from the site by slug");
      expect(describeRequests(writeRequests(sandbox))).toEqual([]);
      expect(
        sandbox
          .items(POSTS)
          .map((item) => item.id)
          .sort(),
      ).toEqual(posts);
      expect(
        sandbox
          .items(TEAM)
          .map((item) => item.id)
          .sort(),
      ).toEqual(team);
      expect(itemsBySlug(sandbox, POSTS).size).toBe(posts.length);

      // The rebuilt manifest is whole again: the next run neither warns nor writes.
      sandbox.requests.length = 0;
      const next = await runCli(["sync"], { cwd: project.dir, env });
      expect(next.code).toBe(0);
      expect(next.stderr).not.toContain("manifest");
      expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    },
  );

  it("a manifest that is not JSON is a warning too, and costs no write", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    await using project = await copyFixture("core-basic");
    const env = sandboxEnv(sandbox.baseUrl);
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    const text = await project.read(MANIFEST);
    await project.write(MANIFEST, text.slice(0, text.length / 2));
    sandbox.requests.length = 0;

    const result = await spawnCli(["sync"], { cwd: project.dir, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("is not valid JSON");
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });
});
