import type { SandboxSeed } from "../../src/sandbox/index.ts";

export const SITE_ID = "64f0c0ffee0c0ffee0c0ffee";
export const POSTS = "580e63fc8c9a982ac9b8b745";
export const AUTHORS = "580e63fc8c9a982ac9b8b746";
export const EN = "653ad57de882f528b32e810e";
export const FR = "653fd9af6a07fc9cfd7a5e5d";
export const OPTION_NEWS = "opt-news";
export const OPTION_FEATURE = "opt-feature";

/** A site with two locales, an authors collection and a posts collection using every field type. */
export const seed: SandboxSeed = {
  sites: [
    {
      id: SITE_ID,
      displayName: "Sandbox Site",
      locales: { primary: { tag: "en-US", cmsLocaleId: EN }, secondary: [{ tag: "fr-FR", cmsLocaleId: FR }] },
      customDomains: [{ id: "589a331aa51e760df7ccb89d", url: "example.com" }],
      collections: [
        { id: AUTHORS, displayName: "Authors", slug: "authors", fields: [] },
        {
          id: POSTS,
          displayName: "Posts",
          singularName: "Post",
          slug: "posts",
          fields: [
            { slug: "summary", type: "PlainText", validations: { maxLength: 20 } },
            { slug: "body", type: "RichText" },
            {
              slug: "price",
              type: "Number",
              validations: { format: "integer", minValue: 0, maxValue: 1000 },
            },
            { slug: "featured", type: "Switch" },
            { slug: "published-on", type: "DateTime" },
            {
              slug: "kind",
              type: "Option",
              validations: {
                options: [
                  { id: OPTION_NEWS, name: "News" },
                  { id: OPTION_FEATURE, name: "Feature" },
                ],
              },
            },
            { slug: "author", type: "Reference", validations: { collectionId: AUTHORS } },
            { slug: "co-authors", type: "MultiReference", validations: { collectionId: AUTHORS } },
            { slug: "cover", type: "Image" },
            { slug: "gallery", type: "MultiImage" },
            { slug: "attachment", type: "File" },
            { slug: "website", type: "Link" },
            { slug: "contact", type: "Email" },
            { slug: "tint", type: "Color" },
            { slug: "subtitle", type: "PlainText", isRequired: true },
          ],
        },
      ],
    },
  ],
};

/** A tiny JSON client over fetch; returns status, headers and parsed body. */
export function client(baseUrl: string, token = "test-token") {
  return async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke into arbitrary JSON
    const json: any = text ? JSON.parse(text) : undefined;
    return { status: response.status, headers: response.headers, body: json };
  };
}

/** Minimal valid fieldData for a post. */
export function post(slug: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `Post ${slug}`, slug, subtitle: "sub", ...extra };
}
