/**
 * A small project for the hostile-input suite: one collection with a RichText body, one good
 * post beside whatever bad files a test writes, a sandbox seed for it, and a runner that puts
 * the project through the built CLI's `sync` (twice), `check` and `preview`.
 */
import type { Sandbox, SandboxSeed } from "../../src/sandbox/index.ts";
import { sandboxEnv, spawnCli, type CliRun } from "../helpers/cli.ts";
import { tempProject, type ProjectFiles, type TempProject } from "../helpers/project.ts";
import { startTestSandbox } from "../helpers/sandbox.ts";

export const HOSTILE_SITE_ID = "6a6a6a6a6a6a6a6a6a6a6a01";
export const HOSTILE_COLLECTION_ID = "6a6a6a6a6a6a6a6a6a6a6ac1";
export const GOOD_SLUG = "the-good-one";
export const GOOD_FILE = "content/good.md";

export const hostileSeed: SandboxSeed = {
  sites: [
    {
      id: HOSTILE_SITE_ID,
      displayName: "Hostile site",
      collections: [
        {
          id: HOSTILE_COLLECTION_ID,
          displayName: "Posts",
          singularName: "Post",
          slug: "posts",
          fields: [
            { slug: "body", type: "RichText" },
            { slug: "summary", type: "PlainText" },
          ],
        },
      ],
    },
  ],
};

const configText = (richText: Record<string, unknown>, limits: Record<string, number>) => `export default {
  siteId: "${HOSTILE_SITE_ID}",
  richText: ${JSON.stringify(richText)},
  limits: ${JSON.stringify(limits)},
  collections: [
    { name: "posts", collectionId: "${HOSTILE_COLLECTION_ID}", include: "content/**/*.md", body: "body" },
  ],
};
`;

const GOOD_POST = `---
title: The good one
slug: ${GOOD_SLUG}
summary: Always synced.
---

A *good* post with a [link](https://example.com).
`;

/** A temp project with its own sandbox; `await using` closes both. */
export interface HostileProject extends TempProject {
  sandbox: Sandbox;
}

/** A temp project (config, the good post, and `files`: path → text or bytes) and its own sandbox. */
export async function createHostileProject(
  files: ProjectFiles,
  options: { richText?: Record<string, unknown>; limits?: Record<string, number> } = {},
): Promise<HostileProject> {
  const config = configText(options.richText ?? {}, options.limits ?? {});
  const project = await tempProject(
    { "wf-sync.config.ts": config, [GOOD_FILE]: GOOD_POST, ...files },
    "hostile",
  );
  const sandbox = await startTestSandbox(hostileSeed);
  return {
    ...project,
    sandbox,
    async [Symbol.asyncDispose]() {
      await sandbox[Symbol.asyncDispose]();
      await project[Symbol.asyncDispose]();
    },
  };
}

/** What the CLI did with a project: each command's run, and how often the good post was created. */
export interface HostileRuns {
  syncs: CliRun[];
  check: CliRun;
  previews: CliRun[];
  /** Items in the sandbox whose slug is the good post's. */
  goodItems: number;
  /** Create requests that carried the good post, over both syncs. */
  goodCreates: number;
}

/** Runs `sync` twice, `check`, and `preview` of each of `previewFiles`, through dist/cli/bin.js. */
export async function runHostile(
  project: HostileProject,
  previewFiles: readonly string[],
): Promise<HostileRuns> {
  const env = sandboxEnv(project.sandbox.baseUrl);
  const cwd = project.dir;
  const syncs = [await spawnCli(["sync"], { cwd, env }), await spawnCli(["sync"], { cwd, env })];
  const check = await spawnCli(["check"], { cwd, env });
  const previews: CliRun[] = [];
  for (const file of previewFiles) previews.push(await spawnCli(["preview", file], { cwd, env }));
  const goodItems = project.sandbox
    .items(HOSTILE_COLLECTION_ID)
    .filter((item) => item.fieldData["slug"] === GOOD_SLUG).length;
  const goodCreates = project.sandbox.requests.filter(
    (request) => request.method === "POST" && JSON.stringify(request.body ?? null).includes(`"${GOOD_SLUG}"`),
  ).length;
  return { syncs, check, previews, goodItems, goodCreates };
}

/** Every run of the CLI: for messages. */
export function describeRuns(runs: HostileRuns): string {
  return [...runs.syncs, runs.check, ...runs.previews]
    .map((run) => `exit ${run.code}\n${run.stdout}\n${run.stderr}`)
    .join("\n---\n");
}
