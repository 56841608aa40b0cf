import { describe, expect, it } from "vitest";
import { dateFromFileName, slugFromPath, slugRuleOf, staticBaseOf } from "./slugify.ts";

describe("staticBaseOf", () => {
  it.each([
    ["content/blog/**/*.md", "content/blog"],
    ["./content/*.{md,markdown}", "content"],
    ["*.md", ""],
    ["docs/{a,b}/**/*.md", "docs"],
  ])("%s → %s", (pattern, base) => {
    expect(staticBaseOf(pattern)).toBe(base);
  });
});

describe("slugFromPath", () => {
  const byPath = slugRuleOf({ include: ["content/docs/**/*.md", "extra/*.md"], slugFrom: "path" });
  const byName = slugRuleOf({ include: "content/docs/**/*.md" });

  it.each([
    ["content/docs/methods/taxonomy/_index.md", byName, "taxonomy"],
    ["content/docs/methods/taxonomy/_index.md", byPath, "methods-taxonomy"],
    ["content/docs/quick-reference/glossary/taxonomy.md", byPath, "quick-reference-glossary-taxonomy"],
    ["content/docs/quick-reference/glossary/taxonomy.md", byName, "taxonomy"],
    ["content/docs/index.md", byPath, "docs"],
    ["content/docs/Getting Started.md", byPath, "getting-started"],
    ["extra/notes.md", byPath, "notes"],
    ["_posts/2014-03-24-jekyll-1-5-0-released.markdown", byName, "jekyll-1-5-0-released"],
    ["content/docs/2020/2014-03-24-release.md", byPath, "2020-release"],
    ["_posts/2014-03-24.md", byName, "2014-03-24"],
    ["a/b/index.md", undefined, "b"],
  ])("%s (%o) → %s", (path, rule, slug) => {
    expect(slugFromPath(path, rule)).toBe(slug);
  });
});

describe("dateFromFileName", () => {
  it.each([
    ["_posts/2014-03-24-jekyll.markdown", "2014-03-24"],
    ["_posts/2014-03-24.md", undefined],
    ["posts/jekyll-2014-03-24.md", undefined],
  ])("%s → %s", (path, date) => {
    expect(dateFromFileName(path)).toBe(date);
  });
});
