/* eslint-disable @typescript-eslint/no-explicit-any -- the mutations reach deep into test data */
import { describe, expect, it } from "vitest";
import { isManifestShaped, manifestShapeProblem } from "./manifest-shape.ts";

/** A manifest using every optional part. */
function goodManifest(): Record<string, any> {
  return {
    version: 1,
    target: "https://api.webflow.com/v2#site",
    collections: {
      c1: {
        settingsDigest: "abc",
        items: {
          hello: {
            itemId: "6e2f05cb59819a4c1961b305",
            digest: "d1",
            fields: { name: "n1", slug: "s1" },
            file: "content/hello.md",
            isDraft: false,
            isArchived: false,
            isLive: true,
            isPending: false,
            lastUpdated: "2026-12-05T08:00:00.000Z",
            seal: "seal",
            drift: {
              lastUpdated: "2026-12-05T09:00:00.000Z",
              slug: "hello",
              fields: { name: "New" },
              isDeleted: false,
            },
          },
        },
        locales: { "fr-FR": { hello: { digest: "d2", file: "content/fr/hello.md", lastUpdated: "x" } } },
        sources: {
          "content/hello.md": {
            digest: "d3",
            slug: "hello",
            assets: { "img/a.png": { size: 10, mtimeMs: 1.5 } },
            links: { "./other.md": "/blog/other", "./gone.md": null },
            refs: { "c2 team/ada.md": "6e2f05cb59819a4c1961b306", "c2 x": null },
            warnings: [
              { kind: "unknown-key", message: "m", location: { file: "content/hello.md", line: 2 } },
            ],
            primary: { path: "content/hello.md", digest: "d4", itemId: "i", anchor: "a" },
          },
        },
      },
    },
    assets: { md5: { fileId: "f", url: "https://cdn/x.png", fileName: "img/a.png" } },
    files: { "content/hello.md": "d3 10 1 1 7" },
  };
}

type Mutation = [string, (manifest: Record<string, any>) => unknown];
const BAD: Mutation[] = [
  ["null", () => null],
  ["a list", () => []],
  ["a string", () => "manifest"],
  ["collections null", (m) => ({ ...m, collections: null })],
  ["collections a list", (m) => ({ ...m, collections: [] })],
  ["version a string", (m) => ({ ...m, version: "1" })],
  ["assets missing", (m) => ({ ...m, assets: undefined })],
  ["an asset without url", (m) => ({ ...m, assets: { x: { fileId: "f", fileName: "n" } } })],
  ["files entries numbers", (m) => ({ ...m, files: { a: 1 } })],
  ["a collection a string", (m) => ({ ...m, collections: { c1: "x" } })],
  ["settingsDigest missing", (m) => (delete m.collections.c1.settingsDigest, m)],
  ["items null", (m) => ((m.collections.c1.items = null), m)],
  ["an entry a string", (m) => ((m.collections.c1.items.hello = "x"), m)],
  ["an entry's itemId a number", (m) => ((m.collections.c1.items.hello.itemId = 5), m)],
  ["an entry's fields null", (m) => ((m.collections.c1.items.hello.fields = null), m)],
  ["a field digest a number", (m) => ((m.collections.c1.items.hello.fields.name = 5), m)],
  ["isLive a string", (m) => ((m.collections.c1.items.hello.isLive = "yes"), m)],
  ["isPending null", (m) => ((m.collections.c1.items.hello.isPending = null), m)],
  ["lastUpdated a number", (m) => ((m.collections.c1.items.hello.lastUpdated = 5), m)],
  ["seal an object", (m) => ((m.collections.c1.items.hello.seal = {}), m)],
  ["drift a string", (m) => ((m.collections.c1.items.hello.drift = "x"), m)],
  ["drift fields null", (m) => ((m.collections.c1.items.hello.drift.fields = null), m)],
  [
    "a locale variant's lastUpdated a number",
    (m) => ((m.collections.c1.locales["fr-FR"].hello.lastUpdated = 1), m),
  ],
  ["a locale variant a string", (m) => ((m.collections.c1.locales["fr-FR"].hello = "x"), m)],
  ["sources a list", (m) => ((m.collections.c1.sources = []), m)],
  ["a source's slug missing", (m) => (delete m.collections.c1.sources["content/hello.md"].slug, m)],
  ["a link a number", (m) => ((m.collections.c1.sources["content/hello.md"].links["./x.md"] = 1), m)],
  ["an asset stamp a string", (m) => ((m.collections.c1.sources["content/hello.md"].assets["a"] = "x"), m)],
  ["warnings an object", (m) => ((m.collections.c1.sources["content/hello.md"].warnings = {}), m)],
  [
    "a warning without message",
    (m) => ((m.collections.c1.sources["content/hello.md"].warnings = [{ kind: "k" }]), m),
  ],
  ["primary a string", (m) => ((m.collections.c1.sources["content/hello.md"].primary = "p"), m)],
];

describe("manifest shape", () => {
  it("accepts a manifest using every optional part, and one using none", () => {
    const minimal = {
      version: 1,
      target: "t",
      collections: { c: { settingsDigest: "", items: {} } },
      assets: {},
    };
    for (const manifest of [goodManifest(), minimal]) {
      expect(isManifestShaped(manifest)).toBe(true);
      expect(manifestShapeProblem(manifest)).toBeUndefined();
    }
  });

  it.each(BAD)("refuses %s, by the fast walk and by zod alike", (_name, mutate) => {
    const manifest = mutate(goodManifest());
    expect(isManifestShaped(manifest)).toBe(false);
    expect(manifestShapeProblem(manifest)).toMatch(/: /);
  });
});
