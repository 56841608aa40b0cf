/**
 * Issue 3: bulk writes. Batches of up to 100; a 400 costs only its bad items, each reported at
 * its file with Webflow's details; a live PATCH refused with 409 (never published) still gets
 * the file's content live; drafts are created staged; a live item whose file turns to draft is
 * unpublished in batches.
 */
import { describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.ts";
import {
  createResilienceProject,
  fileOf,
  findProblems,
  postsAt,
  RESILIENCE_COLLECTION_ID,
  resilienceSeed,
  slugOf,
  UNKNOWN_ITEM_ID,
  writePosts,
} from "../helpers/fixtures.ts";
import { syncProject } from "../helpers/cli.ts";
import { startTestSandbox } from "../helpers/sandbox.ts";

function requestsTo(sandbox: Sandbox, method: string, suffix: string) {
  const path = `/v2/collections/${RESILIENCE_COLLECTION_ID}${suffix}`;
  return sandbox.requests.filter((request) => request.method === method && request.path === path);
}

/**
 * Syncs 150 posts of which 3 reference an item that does not exist: the other 147 are synced
 * and right, and each of the 3 is reported with Webflow's reason and its own file.
 */
async function syncThreeBadOf150(sandbox: Sandbox): Promise<void> {
  const bad = new Set([5, 60, 140]);
  const specs = postsAt(150, 1).map((spec) => ({ ...spec, isInvalid: bad.has(spec.index) }));
  await using project = await createResilienceProject(specs);
  const root = project.dir;

  const { report } = await syncProject(root, sandbox);
  expect(
    findProblems(
      sandbox,
      specs.filter((spec) => !spec.isInvalid),
    ),
  ).toEqual([]);
  expect(sandbox.items(RESILIENCE_COLLECTION_ID)).toHaveLength(147);
  const failed = report.items.filter((item) => item.error);
  expect(failed.map((item) => item.file).sort()).toEqual([...bad].map((index) => fileOf(index)).sort());
  for (const item of failed) {
    expect(item.error).toContain(`fieldData.related: Referenced item not found: '${UNKNOWN_ITEM_ID}'`);
    expect(item.cause?.location?.file).toBe(item.file);
  }
}

describe("bulk writes", () => {
  it("creates in batches of 100 and, when Webflow names the refused items, syncs all the others and reports each bad item", async () => {
    // An answer that names the element by index (Webflow documents none; the sandbox can add it).
    await using sandbox = await startTestSandbox(resilienceSeed, { detailIndex: true });
    await syncThreeBadOf150(sandbox);
    // Two batches refused, each re-sent once without the items Webflow named: no item alone.
    const creates = requestsTo(sandbox, "POST", "/items/live");
    expect(creates).toHaveLength(4);
    expect(creates.map((request) => (request.body as { items: unknown[] }).items.length)).toEqual(
      expect.arrayContaining([100, 98, 50, 49]),
    );
  });

  it("finds the refused items by bisecting when Webflow's answer does not name them, as documented", async () => {
    await using sandbox = await startTestSandbox(resilienceSeed);
    await syncThreeBadOf150(sandbox);
    // Each bad item ends up alone in a refused request; the halving costs about two per level.
    const creates = requestsTo(sandbox, "POST", "/items/live");
    const refusedAlone = creates.filter(
      (request) => request.status === 400 && (request.body as { items: unknown[] }).items.length === 1,
    );
    expect(refusedAlone).toHaveLength(3);
    expect(creates.length).toBeLessThanOrEqual(2 + 3 * 2 * 7);
  });

  it("sends 100 changed items in one live PATCH; two unpublished on the site (409) are found by halving and stay off it", async () => {
    await using sandbox = await startTestSandbox(resilienceSeed);
    await using project = await createResilienceProject(postsAt(110, 1));
    const root = project.dir;
    await syncProject(root, sandbox);

    // Someone unpublishes two items on the site; the manifest still thinks they are live.
    const bySlug = new Map(
      sandbox.items(RESILIENCE_COLLECTION_ID).map((item) => [item.fieldData["slug"], item.id]),
    );
    const unpublished = [bySlug.get(slugOf(3)), bySlug.get(slugOf(104))];
    const response = await fetch(`${sandbox.baseUrl}/collections/${RESILIENCE_COLLECTION_ID}/items/live`, {
      method: "DELETE",
      headers: { authorization: "Bearer test-token", "content-type": "application/json" },
      body: JSON.stringify({ items: unpublished.map((id) => ({ id })) }),
    });
    expect(response.status).toBe(204);

    await writePosts(project, postsAt(110, 2));
    sandbox.requests.length = 0;
    const { report } = await syncProject(root, sandbox);
    // Unpublished in Webflow since wf-sync published them: drift, never silently republished.
    expect(report.totals).toMatchObject({ updated: 108, failed: 2 });
    const failed = report.items.filter((item) => item.error !== null);
    expect(failed.map((item) => item.slug).sort()).toEqual([slugOf(104), slugOf(3)].sort());
    for (const item of failed) expect(item.error).toMatch(/unpublished in Webflow/);
    expect(findProblems(sandbox, postsAt(110, 2))).toEqual([
      `${slugOf(3)}: not live`,
      `${slugOf(104)}: not live`,
    ]);
    // One staged PATCH per batch; the refused live PATCHes are halved until each unpublished item is alone.
    expect(
      requestsTo(sandbox, "PATCH", "/items")
        .map((request) => (request.body as { items: unknown[] }).items.length)
        .sort(),
    ).toEqual([10, 100]);
    const livePatches = requestsTo(sandbox, "PATCH", "/items/live");
    const refusedAlone = livePatches.filter(
      (request) => request.status === 409 && (request.body as { items: unknown[] }).items.length === 1,
    );
    expect(refusedAlone).toHaveLength(2);
    expect(livePatches.length).toBeLessThanOrEqual(2 + 2 * 2 * 7);
    expect(requestsTo(sandbox, "POST", "/items/publish")).toHaveLength(0);
  });

  it("creates drafts staged, unpublishes items whose file turns to draft in batches, and publishes them again", async () => {
    await using sandbox = await startTestSandbox(resilienceSeed);
    const drafts = postsAt(120, 1).map((spec) => ({ ...spec, isDraft: spec.index <= 10 }));
    await using project = await createResilienceProject(drafts);
    const root = project.dir;
    await syncProject(root, sandbox);
    expect(findProblems(sandbox, drafts)).toEqual([]);
    expect(
      requestsTo(sandbox, "POST", "/items").map(
        (request) => (request.body as { items: unknown[] }).items.length,
      ),
    ).toEqual([10]);
    expect(sandbox.liveItems(RESILIENCE_COLLECTION_ID)).toHaveLength(110);

    // Every published file turns to draft: 110 items come off the live site in two unpublish calls.
    const allDrafts = postsAt(120, 2, { isDraft: true });
    await writePosts(project, allDrafts);
    sandbox.requests.length = 0;
    const hidden = await syncProject(root, sandbox);
    expect(hidden.report.totals).toMatchObject({ updated: 120, failed: 0 });
    expect(findProblems(sandbox, allDrafts)).toEqual([]);
    expect(sandbox.liveItems(RESILIENCE_COLLECTION_ID)).toHaveLength(0);
    const unpublishes = requestsTo(sandbox, "DELETE", "/items/live");
    expect(unpublishes).toHaveLength(2);
    expect(
      unpublishes.reduce((sum, request) => sum + (request.body as { items: unknown[] }).items.length, 0),
    ).toBe(110);

    // And back: staged update, then one publish call per batch.
    await writePosts(project, postsAt(120, 3));
    sandbox.requests.length = 0;
    const shown = await syncProject(root, sandbox);
    expect(shown.report.totals).toMatchObject({ updated: 120, failed: 0 });
    expect(findProblems(sandbox, postsAt(120, 3))).toEqual([]);
    expect(requestsTo(sandbox, "POST", "/items/publish")).toHaveLength(2);
  });
});
