/**
 * The generated project of the network benchmark (network.ts): one collection of N small
 * posts, the sandbox seed describing it, an in-process sync with fast retries, and a checker
 * comparing the sandbox's items with the files (every slug exactly once, staged and live, with
 * the right content). The bench's own: it imports nothing from test/.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSync, type SyncReport } from "../src/commands/sync.ts";
import { loadConfig } from "../src/load-config.ts";
import type { Sandbox, SandboxItem, SandboxSeed } from "../src/sandbox/index.ts";
import { createWebflowClient } from "../src/webflow/client.ts";

const SITE_ID = "6b0000000000000000000002";
export const NETWORK_COLLECTION_ID = "6b00000000000000000000c2";

export const networkSeed: SandboxSeed = {
  sites: [
    {
      id: SITE_ID,
      displayName: "Network benchmark",
      collections: [
        {
          id: NETWORK_COLLECTION_ID,
          displayName: "Posts",
          singularName: "Post",
          slug: "posts",
          fields: [
            { slug: "body", type: "RichText" },
            { slug: "summary", type: "PlainText" },
            { slug: "rank", type: "Number" },
          ],
        },
      ],
    },
  ],
};

/** One generated post at one version. */
export interface PostSpec {
  index: number;
  version: number;
}

/** The slug of post number `index`. */
export function slugOf(index: number): string {
  return `post-${String(index).padStart(5, "0")}`;
}

/** The fieldData (minus the body) the sandbox should hold for a post. */
export function expectedFields(spec: PostSpec): Record<string, unknown> {
  return {
    name: `Post ${spec.index} v${spec.version}`,
    slug: slugOf(spec.index),
    summary: `Summary ${spec.index}, version ${spec.version}`,
    rank: spec.index * 10 + spec.version,
  };
}

/** Text the rendered body contains, so it can be checked without rendering it here. */
export function bodyMarker(spec: PostSpec): string {
  return `Body of post ${spec.index}, version ${spec.version}.`;
}

function markdownOf(spec: PostSpec): string {
  const fields = expectedFields(spec);
  return [
    "---",
    `title: "${String(fields["name"])}"`,
    `summary: "${String(fields["summary"])}"`,
    `rank: ${String(fields["rank"])}`,
    "---",
    "",
    bodyMarker(spec),
    "",
    "A second paragraph with **bold** text and a [link](https://example.com/).",
    "",
  ].join("\n");
}

/** Posts 1..count at one version. */
export function postsAt(count: number, version: number): PostSpec[] {
  return Array.from({ length: count }, (_, position) => ({ index: position + 1, version }));
}

export interface NetworkProject {
  root: string;
  write(specs: readonly PostSpec[]): Promise<void>;
  remove(): Promise<void>;
}

/** A temp project whose config imports nothing, holding the given posts. */
export async function createNetworkProject(specs: readonly PostSpec[]): Promise<NetworkProject> {
  const root = await mkdtemp(join(tmpdir(), "wf-sync-bench-network-"));
  await mkdir(join(root, "content"), { recursive: true });
  const config = {
    siteId: SITE_ID,
    collections: [
      { name: "posts", collectionId: NETWORK_COLLECTION_ID, include: "content/*.md", body: "body" },
    ],
  };
  await writeFile(join(root, "wf-sync.config.ts"), `export default ${JSON.stringify(config, null, 2)};\n`);
  const project: NetworkProject = {
    root,
    async write(list) {
      for (const spec of list)
        await writeFile(join(root, "content", `${slugOf(spec.index)}.md`), markdownOf(spec));
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
  await project.write(specs);
  return project;
}

/** One sync of the project in this process (as the library is used), with fast retries. */
export async function syncProject(
  root: string,
  sandbox: Sandbox,
  options: { retryBaseMs?: number } = {},
): Promise<SyncReport> {
  const config = await loadConfig(root);
  const retryBaseMs = options.retryBaseMs ?? 20;
  const client = createWebflowClient({
    token: "bench-token",
    baseUrl: sandbox.baseUrl,
    concurrency: config.concurrency,
    retryBaseMs,
  });
  try {
    return await runSync({ config, client, retryBaseMs });
  } finally {
    await client.close();
  }
}

/**
 * What is wrong with the sandbox's items compared with the posts; empty when all is well. Drafts
 * must stay off the live site, every other post must be live; both copies must hold the post.
 * The resilience tests use it too, with their own collection.
 */
export function findProblems(
  sandbox: Sandbox,
  specs: ReadonlyArray<PostSpec & { isDraft?: boolean }>,
  collectionId = NETWORK_COLLECTION_ID,
): string[] {
  const problems: string[] = [];
  const live = new Map(sandbox.liveItems(collectionId).map((item) => [item.id, item]));
  const bySlug = new Map<string, SandboxItem[]>();
  for (const item of sandbox.items(collectionId)) {
    const slug = String(item.fieldData["slug"]);
    bySlug.set(slug, [...(bySlug.get(slug) ?? []), item]);
  }
  const wanted = new Set(specs.map((spec) => slugOf(spec.index)));
  for (const [slug, items] of bySlug) {
    if (items.length > 1) problems.push(`${slug}: ${items.length} items`);
    if (!wanted.has(slug)) problems.push(`${slug}: not in the files`);
  }
  for (const spec of specs) {
    const slug = slugOf(spec.index);
    const item = bySlug.get(slug)?.[0];
    if (!item) {
      problems.push(`${slug}: missing`);
      continue;
    }
    const liveCopy = live.get(item.id);
    if (spec.isDraft && liveCopy) problems.push(`${slug}: a draft is live`);
    if (!spec.isDraft && !liveCopy) problems.push(`${slug}: not live`);
    const copies = [
      ["staged", item],
      ...(liveCopy && !spec.isDraft ? [["live", liveCopy] as const] : []),
    ] as const;
    for (const [where, copy] of copies) {
      for (const [key, value] of Object.entries(expectedFields(spec))) {
        if (copy.fieldData[key] !== value)
          problems.push(
            `${slug} (${where}): ${key} is ${JSON.stringify(copy.fieldData[key])}, expected ${JSON.stringify(value)}`,
          );
      }
      if (!String(copy.fieldData["body"] ?? "").includes(bodyMarker(spec)))
        problems.push(`${slug} (${where}): body lacks "${bodyMarker(spec)}"`);
    }
  }
  return problems;
}
