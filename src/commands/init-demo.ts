/**
 * The demo site `wf-sync init` uses when there is no token: the built-in sandbox seeded with
 * a small blog that already has content, so init → pull → sync can be tried with no Webflow
 * account. With a token, none of this is used.
 */
import type { WebflowClient } from "../webflow/client.ts";
import type { SandboxSeed } from "../sandbox/index.ts";

export const DEMO_SITE_ID = "5a0d5a0d5a0d5a0d5a0d5a0d";
const AUTHORS_ID = "5a0d5a0d5a0d5a0d5a0d0a01";
const POSTS_ID = "5a0d5a0d5a0d5a0d5a0d0b02";

/** The demo site's schema, written to `wf-sync.sandbox.json` so later runs describe the same site. */
export const DEMO_SEED: SandboxSeed = {
  sites: [
    {
      id: DEMO_SITE_ID,
      displayName: "Demo blog (wf-sync sandbox)",
      collections: [
        {
          id: AUTHORS_ID,
          displayName: "Authors",
          singularName: "Author",
          slug: "authors",
          fields: [
            { slug: "bio", type: "RichText", displayName: "Bio" },
            { slug: "role", type: "PlainText", displayName: "Role", validations: { maxLength: 80 } },
            { slug: "website", type: "Link", displayName: "Website" },
            { slug: "photo", type: "Image", displayName: "Photo" },
          ],
        },
        {
          id: POSTS_ID,
          displayName: "Blog Posts",
          singularName: "Blog Post",
          slug: "blog-posts",
          fields: [
            { slug: "post-body", type: "RichText", displayName: "Post Body" },
            {
              slug: "post-summary",
              type: "PlainText",
              displayName: "Summary",
              isRequired: true,
              validations: { maxLength: 256 },
            },
            { slug: "published-on", type: "DateTime", displayName: "Published On" },
            { slug: "featured", type: "Switch", displayName: "Featured" },
            {
              slug: "category",
              type: "Option",
              displayName: "Category",
              validations: {
                options: [
                  { id: "5a0d0000000000000000c001", name: "Engineering" },
                  { id: "5a0d0000000000000000c002", name: "Product" },
                ],
              },
            },
            {
              slug: "author",
              type: "Reference",
              displayName: "Author",
              validations: { collectionId: AUTHORS_ID },
            },
            {
              slug: "contributors",
              type: "MultiReference",
              displayName: "Contributors",
              validations: { collectionId: AUTHORS_ID },
            },
            { slug: "main-image", type: "Image", displayName: "Main Image" },
          ],
        },
      ],
    },
  ],
};

/** Creates the demo items once (when the demo collections are empty), as a site with existing content. */
export async function seedDemoContent(client: WebflowClient): Promise<void> {
  if ((await client.listItems(AUTHORS_ID)).length > 0 || (await client.listItems(POSTS_ID)).length > 0)
    return;
  const authors = await client.createItems(
    AUTHORS_ID,
    [
      {
        fieldData: {
          name: "Ada Park",
          slug: "ada-park",
          role: "Editor",
          website: "https://example.com/ada",
          bio: "<p>Ada edits the blog and likes <strong>short sentences</strong>.</p>",
        },
      },
      {
        fieldData: {
          name: "Ravi Menon",
          slug: "ravi-menon",
          role: "Engineer",
          bio: "<p>Ravi writes about the build pipeline.</p>",
          photo: { url: "https://images.example.com/ravi.png", alt: "Ravi at his desk" },
        },
      },
    ],
    { isLive: true },
  );
  const idOf = (slug: string) => authors.find((item) => item.slug === slug)?.itemId;
  await client.createItems(
    POSTS_ID,
    [
      {
        fieldData: {
          name: "Hello from the demo blog",
          slug: "hello-demo",
          "post-summary": "The first post of a site that already had content before wf-sync.",
          "published-on": "2026-01-15T00:00:00.000Z",
          featured: true,
          category: "5a0d0000000000000000c002",
          author: idOf("ada-park"),
          contributors: [idOf("ravi-menon")],
          "main-image": { url: "https://images.example.com/hello.png", alt: "A wave" },
          "post-body":
            '<p>This post was written in the Webflow Editor.</p><h2>What next</h2><ul><li>Pull it into Markdown.</li><li>Edit it in Git.</li></ul><p>Read <a href="https://example.com/docs">the docs</a>.</p>',
        },
      },
      {
        fieldData: {
          name: "How we ship",
          slug: "how-we-ship",
          "post-summary": "Every merge to main publishes the blog.",
          "published-on": "2026-02-03T09:30:00.000Z",
          category: "5a0d0000000000000000c001",
          author: idOf("ravi-menon"),
          "post-body":
            "<p>We keep posts as <em>Markdown</em> and sync on push.</p><blockquote>Boring deploys are good deploys.</blockquote>",
        },
      },
    ],
    { isLive: true },
  );
}
