/**
 * Issue 3: under each injected fault (5xx, connection dropped before or after the write was
 * applied, latency) and under a rate limit, every item ends up on the site exactly once with
 * the file's content, nothing fails, and a run afterwards sends no write.
 */
import { describe, expect, it } from "vitest";
import type { FaultOptions } from "../../src/sandbox/index.ts";
import {
  createResilienceProject,
  findProblems,
  postsAt,
  resilienceSeed,
  writePosts,
} from "../helpers/fixtures.ts";
import { syncProject } from "../helpers/cli.ts";
import { startTestSandbox, writeRequests } from "../helpers/sandbox.ts";

const COUNT = 110; // two create batches and two update batches of at most 100

/** Creates, then updates every item, under `faults`; then checks a clean run writes nothing. */
async function syncThroughFaults(faults: FaultOptions, rateLimit?: { limit: number; windowMs: number }) {
  await using sandbox = await startTestSandbox(resilienceSeed, {
    faults,
    ...(rateLimit ? { rateLimit } : {}),
  });
  await using project = await createResilienceProject(postsAt(COUNT, 1));

  const created = await syncProject(project.dir, sandbox);
  expect(created.report.items.filter((item) => item.error)).toEqual([]);
  expect(created.report.totals).toMatchObject({ created: COUNT, failed: 0 });
  expect(findProblems(sandbox, postsAt(COUNT, 1))).toEqual([]);

  await writePosts(project, postsAt(COUNT, 2));
  const updated = await syncProject(project.dir, sandbox);
  expect(updated.report.items.filter((item) => item.error)).toEqual([]);
  expect(updated.report.totals).toMatchObject({ updated: COUNT, failed: 0 });
  expect(findProblems(sandbox, postsAt(COUNT, 2))).toEqual([]);

  // A second run may only confirm.
  sandbox.setFaults(undefined);
  sandbox.requests.length = 0;
  const confirmed = await syncProject(project.dir, sandbox);
  expect(confirmed.report.totals).toMatchObject({ unchanged: COUNT, failed: 0 });
  expect(writeRequests(sandbox).length).toBe(0);
  return { stats: sandbox.stats, clientStats: [created.stats, updated.stats] };
}

describe("faults: every item exactly once, with the right content", () => {
  it("retries 5xx answers (creates reconcile by slug first)", async () => {
    const { stats, clientStats } = await syncThroughFaults({ seed: 3, serverErrorRate: 0.4 });
    expect(stats.faults.serverErrors).toBeGreaterThan(0);
    expect(clientStats.some((client) => client.retries > 0)).toBe(true);
  });

  it("retries connections dropped before the write was applied", async () => {
    const { stats } = await syncThroughFaults({ seed: 5, dropBeforeRate: 0.4 });
    expect(stats.faults.droppedBefore).toBeGreaterThan(0);
  });

  it("adopts items whose create was applied although the answer was lost", async () => {
    const { stats } = await syncThroughFaults({ seed: 11, dropAfterRate: 0.4 });
    expect(stats.faults.droppedAfter).toBeGreaterThan(0);
  });

  it("survives every fault at once, on reads too, under a rate limit", async () => {
    const { stats } = await syncThroughFaults(
      {
        seed: 17,
        serverErrorRate: 0.15,
        dropBeforeRate: 0.1,
        dropAfterRate: 0.1,
        latencyMs: [0, 15],
        onlyWrites: false,
      },
      { limit: 10, windowMs: 300 },
    );
    expect(
      stats.faults.serverErrors + stats.faults.droppedBefore + stats.faults.droppedAfter,
    ).toBeGreaterThan(0);
  });
});
