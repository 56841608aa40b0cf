/**
 * The fixtures' ids, and the generated project of the resilience, crash and lock tests: one
 * collection of N small posts, a sandbox seed describing it, and a checker that compares the
 * sandbox's items with what the files say (every slug exactly once, the right content).
 */
import type { Sandbox, SandboxSeed } from "../../src/sandbox/index.ts";
import {
  bodyMarker,
  expectedFields,
  findProblems as findPostProblems,
  slugOf,
} from "../../bench/network-project.ts";
import { tempProject, type TempProject } from "./project.ts";

/** test/fixtures/core-basic (and core-bad): its posts and team collections. */
export const CORE_POSTS = "65a0000000000000000000c1";
export const CORE_TEAM = "65a0000000000000000000c2";

/** test/fixtures/fields-all: every field type, three collections, locales. */
export const FIELDS_FIXTURE = "fields-all";
export const SITE = "66f000000000000000000001";
export const PEOPLE = "66f0000000000000000000a1";
export const POSTS = "66f0000000000000000000a2";
export const PAGES = "66f0000000000000000000a3";
export const OPTION_IDS = {
  engineering: "66f00000000000000000e001",
  product: "66f00000000000000000e002",
  design: "66f00000000000000000e003",
} as const;

/** A site with one "notes" collection (RichText body, PlainText summary). */
export const NOTES_SITE = "5e1e5e1e5e1e5e1e5e1e5e1e";
export const NOTES = "5e1e5e1e5e1e5e1e5e1e0c01";
export const notesSeed: SandboxSeed = {
  sites: [
    {
      id: NOTES_SITE,
      displayName: "Notes site",
      collections: [
        {
          id: NOTES,
          displayName: "Notes",
          slug: "notes",
          fields: [
            { slug: "body", type: "RichText" },
            { slug: "summary", type: "PlainText" },
          ],
        },
      ],
    },
  ],
};
/** A config that syncs notes/*.md into the notes collection, the body into `body`. */
export const NOTES_CONFIG = `export default { siteId: "${NOTES_SITE}", collections: [{ name: "notes", collectionId: "${NOTES}", include: "notes/*.md", body: "body" }] };\n`;

// The generated posts: their shape, fields and body marker are the network benchmark's (bench/network-project.ts).
export { bodyMarker, expectedFields, slugOf };

export const RESILIENCE_SITE_ID = "5e5e5e5e5e5e5e5e5e5e5e5e";
export const RESILIENCE_COLLECTION_ID = "c0c0c0c0c0c0c0c0c0c0c001";
/** A collection the posts may reference; the project does not sync it. */
export const RESILIENCE_TAGS_ID = "c0c0c0c0c0c0c0c0c0c0c002";
/** Looks like an item id, so wf-sync sends it as is; Webflow refuses it: no such item. */
export const UNKNOWN_ITEM_ID = "0123456789abcdef01234567";

/** Posts (name, slug, rich-text body, summary, number, reference) and an empty tags collection. */
export const resilienceSeed: SandboxSeed = {
  sites: [
    {
      id: RESILIENCE_SITE_ID,
      displayName: "Resilience site",
      collections: [
        { id: RESILIENCE_TAGS_ID, displayName: "Tags", singularName: "Tag", slug: "tags", fields: [] },
        {
          id: RESILIENCE_COLLECTION_ID,
          displayName: "Posts",
          singularName: "Post",
          slug: "posts",
          fields: [
            { slug: "body", type: "RichText" },
            { slug: "summary", type: "PlainText" },
            { slug: "rank", type: "Number" },
            { slug: "related", type: "Reference", validations: { collectionId: RESILIENCE_TAGS_ID } },
          ],
        },
      ],
    },
  ],
};

/** What one generated post looks like at a given version. */
export interface PostSpec {
  index: number;
  version: number;
  isDraft?: boolean;
  /** References an item that does not exist: valid locally, refused by Webflow with a 400. */
  isInvalid?: boolean;
}

export function fileOf(index: number): string {
  return `content/${slugOf(index)}.md`;
}

function markdownOf(spec: PostSpec): string {
  const fields = expectedFields(spec);
  const lines = [
    "---",
    `title: "${String(fields["name"])}"`,
    `summary: "${String(fields["summary"])}"`,
    `rank: ${String(fields["rank"])}`,
    ...(spec.isInvalid ? [`related: "${UNKNOWN_ITEM_ID}"`] : []),
    ...(spec.isDraft ? ["draft: true"] : []),
    "---",
    "",
    bodyMarker(spec),
    "",
    "A second paragraph with **bold** text and a [link](https://example.com/).",
    "",
  ];
  return lines.join("\n");
}

/** A temp project with a config that imports nothing but the posts, and the given posts written. */
export async function createResilienceProject(
  specs: readonly PostSpec[],
  options: { concurrency?: number } = {},
): Promise<TempProject> {
  const config = {
    siteId: RESILIENCE_SITE_ID,
    concurrency: options.concurrency ?? 4,
    collections: [
      { name: "posts", collectionId: RESILIENCE_COLLECTION_ID, include: "content/*.md", body: "body" },
    ],
  };
  const project = await tempProject(
    { "wf-sync.config.ts": `export default ${JSON.stringify(config, null, 2)};\n` },
    "resilience",
  );
  await writePosts(project, specs);
  return project;
}

/** Writes (or rewrites) the Markdown files of these posts. */
export async function writePosts(project: TempProject, specs: readonly PostSpec[]): Promise<void> {
  for (const spec of specs) await project.write(fileOf(spec.index), markdownOf(spec));
}

/** Posts 1..count at one version. */
export function postsAt(count: number, version: number, extra: Partial<PostSpec> = {}): PostSpec[] {
  return Array.from({ length: count }, (_, position) => ({ index: position + 1, version, ...extra }));
}

/** What is wrong with the sandbox's items compared with the posts (bench/network-project.ts); empty when all is well. */
export function findProblems(sandbox: Sandbox, specs: readonly PostSpec[]): string[] {
  return findPostProblems(sandbox, specs, RESILIENCE_COLLECTION_ID);
}
