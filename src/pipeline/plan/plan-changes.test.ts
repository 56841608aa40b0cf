import { describe, expect, it } from "vitest";
import type { ItemDraft } from "../../core/map-fields.ts";
import { planChanges, type ManifestEntry } from "./plan-changes.ts";

function draft(slug: string, digest: string, file = `content/${slug}.md`): ItemDraft {
  return {
    collection: "blog",
    file,
    slug,
    fieldData: { slug },
    isDraft: false,
    isArchived: false,
    digest,
    fieldDigests: { slug: digest },
  };
}
function entry(
  itemId: string,
  digest: string,
  file: string,
  extra: Partial<ManifestEntry> = {},
): ManifestEntry {
  return {
    itemId,
    digest,
    fields: { slug: digest },
    file,
    isDraft: false,
    isArchived: false,
    isLive: true,
    ...extra,
  };
}

describe("planChanges", () => {
  it("sorts drafts into create, update and unchanged", () => {
    const known = new Map([
      ["same", entry("i1", "d1", "content/same.md")],
      ["edited", entry("i2", "old", "content/edited.md")],
    ]);
    const plan = planChanges([draft("same", "d1"), draft("edited", "new"), draft("fresh", "d3")], known, {
      presentFiles: new Set(),
    });
    expect(plan.create.map((item) => item.slug)).toEqual(["fresh"]);
    expect(plan.update.map((item) => [item.draft.slug, item.previous.itemId, item.changedFields])).toEqual([
      ["edited", "i2", ["slug"]],
    ]);
    expect(plan.unchanged.map((item) => item.slug)).toEqual(["same"]);
    expect(plan.remove).toEqual([]);
  });

  it("removes only items whose file is gone", () => {
    const known = new Map([
      ["gone", entry("i1", "d", "content/gone.md")],
      ["broken", entry("i2", "d", "content/broken.md")],
    ]);
    const plan = planChanges([], known, { presentFiles: new Set(["content/broken.md"]) });
    expect(plan.remove.map((removal) => removal.slug)).toEqual(["gone"]);
  });

  it("never removes an item whose file failed to map this run", () => {
    const known = new Map([["failed", entry("i1", "d", "content/old-name.md")]]);
    const plan = planChanges([], known, { presentFiles: new Set(), failedSlugs: new Set(["failed"]) });
    expect(plan.remove).toEqual([]);
  });

  it("treats a changed slug of the same file as an update of the same item", () => {
    const known = new Map([["old-slug", entry("i1", "d", "content/post.md")]]);
    const plan = planChanges([draft("new-slug", "d", "content/post.md")], known, {
      presentFiles: new Set(["content/post.md"]),
    });
    expect(plan.create).toEqual([]);
    expect(
      plan.update.map((update) => [update.previousSlug, update.draft.slug, update.previous.itemId]),
    ).toEqual([["old-slug", "new-slug", "i1"]]);
    expect(plan.remove).toEqual([]);
  });

  it("plans a pending entry (a create cut short) as a create, for the sync to reconcile by slug", () => {
    const known = new Map([["p", entry("", "", "content/p.md", { isPending: true })]]);
    const plan = planChanges([draft("p", "d")], known, { presentFiles: new Set(["content/p.md"]) });
    expect(plan.create.map((item) => item.slug)).toEqual(["p"]);
  });

  it("rewrites everything with isForced", () => {
    const known = new Map([["same", entry("i1", "d1", "content/same.md")]]);
    const plan = planChanges([draft("same", "d1")], known, { presentFiles: new Set(), isForced: true });
    expect(plan.update).toHaveLength(1);
  });
});
