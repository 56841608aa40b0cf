// Issue 11 item 5: the settings digest that lets an unchanged file be skipped includes the
// version of the output rules, so after an upgrade that changes output every unchanged file is
// rendered again once, and only the items whose output changed are written.
import { describe, expect, it } from "vitest";
import { syncWith } from "../helpers/cli.ts";
import { FIELDS_FIXTURE, POSTS } from "../helpers/fixtures.ts";
import { copyFixture } from "../helpers/project.ts";
import { fixtureSeed, startTestSandbox, writeRequests } from "../helpers/sandbox.ts";

interface StoredManifest {
  collections: Record<string, { settingsDigest: string; items: Record<string, { digest: string }> }>;
}

describe("an upgrade that changes output", () => {
  it("re-renders unchanged files once and writes only the items whose output changed", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    expect((await syncWith(sandbox, project)).code).toBe(0);

    // What an older release left: other settings digests, and one item rendered differently.
    const manifest = JSON.parse(await project.read(".wf-sync/manifest.json")) as StoredManifest;
    for (const state of Object.values(manifest.collections))
      state.settingsDigest = "written-by-an-older-release";
    const posts = manifest.collections[POSTS]?.items ?? {};
    (posts["minimal"] as { digest: string }).digest = "html-of-an-older-release";
    await project.write(".wf-sync/manifest.json", JSON.stringify(manifest));

    const writesBefore = writeRequests(sandbox).length;
    const upgraded = await syncWith(sandbox, project, ["sync", "--json"]);
    expect(upgraded.code).toBe(0);
    const report = JSON.parse(upgraded.stdout) as {
      summary: { files: { parsed: number; skipped: number } };
      items: Array<{ slug: string; action: string }>;
    };
    expect(report.summary.files.skipped).toBe(0);
    expect(report.summary.files.parsed).toBeGreaterThan(0);
    expect(report.items.filter((item) => item.action !== "unchanged" && item.action !== "keep")).toEqual([
      expect.objectContaining({ slug: "minimal", action: "update" }),
    ]);
    expect(writeRequests(sandbox).length).toBeGreaterThan(writesBefore);

    // The run after it skips every file again.
    const next = JSON.parse((await syncWith(sandbox, project, ["sync", "--json"])).stdout) as {
      summary: { files: { parsed: number } };
    };
    expect(next.summary.files.parsed).toBe(0);
  });
});
