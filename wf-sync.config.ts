// wf-sync's own example project: `npm run sync` syncs content/ into the built-in sandbox
// (no token needed, outside CI). Point it at a real site by setting WEBFLOW_API_TOKEN and
// replacing the ids.
import type { UserConfig } from "./src/config.ts";

export default {
  siteId: "64f0c0ffee0c0ffee0c0ffee",
  // With no WEBFLOW_API_TOKEN (and CI unset), run against the built-in local sandbox.
  sandbox: true,
  // Describes the sandbox's collections (fields, options, references, locales); ignored with a real token.
  sandboxSeed: "wf-sync.sandbox.json",
  collections: [
    {
      name: "authors",
      collectionId: "64f0a0a0a0a0a0a0a0a0a001",
      include: "content/authors/*.md",
      body: "bio",
      fields: { photo: "avatar" },
      urlPattern: "/authors/{slug}",
    },
    {
      name: "blog",
      collectionId: "64f0b0b0b0b0b0b0b0b0b002",
      include: "content/blog/*.md",
      exclude: ["**/_*.md"],
      body: "post-body",
      fields: {
        summary: "post-summary",
        date: "published-on",
        cover: "main-image",
      },
      urlPattern: "/blog/{slug}",
      locales: { "fr-FR": "content/blog/fr/*.md" },
    },
  ],
  concurrency: 4,
  onDelete: "unpublish",
} satisfies UserConfig;
