/**
 * Issue 3: under a sustained rate limit every item is synced, nothing fails, 429s are rare (the
 * client paces itself from X-RateLimit-Remaining and learns the window), and after a 429 the
 * client sends nothing before Retry-After has passed.
 */
import { describe, expect, it } from "vitest";
import {
  createResilienceProject,
  findProblems,
  postsAt,
  resilienceSeed,
  writePosts,
} from "../helpers/fixtures.ts";
import { syncProject } from "../helpers/cli.ts";
import { startTestSandbox } from "../helpers/sandbox.ts";

describe("rate limit", () => {
  it("syncs every item under a sustained limit, never sending before Retry-After", async () => {
    const limit = { limit: 2, windowMs: 400 };
    await using sandbox = await startTestSandbox(resilienceSeed, { rateLimit: limit });
    await using project = await createResilienceProject(postsAt(250, 1));

    const created = await syncProject(project.dir, sandbox);
    expect(created.report.totals).toMatchObject({ created: 250, failed: 0 });
    expect(findProblems(sandbox, postsAt(250, 1))).toEqual([]);
    await writePosts(project, postsAt(250, 2));
    const updated = await syncProject(project.dir, sandbox);
    expect(updated.report.totals).toMatchObject({ updated: 250, failed: 0 });
    expect(findProblems(sandbox, postsAt(250, 2))).toEqual([]);

    // Three batches each way plus reads need several windows: the client waited for them...
    const requests = sandbox.requests;
    expect(requests.length).toBeGreaterThan(3 * limit.limit);
    expect(created.stats.rateLimitWaitMs + updated.stats.rateLimitWaitMs).toBeGreaterThan(0);
    // ...mostly by pacing, not by running into 429s: at most a few while it learns the window.
    const refused = requests.filter((request) => request.status === 429).length;
    expect(refused).toBe(created.stats.rateLimited + updated.stats.rateLimited);
    expect(refused).toBeLessThanOrEqual(6);
    // The emulator's Retry-After is at least one second: nothing may arrive sooner after a 429.
    requests.forEach((request, index) => {
      const next = requests[index + 1];
      if (request.status === 429 && next) expect(next.at - request.at).toBeGreaterThanOrEqual(995);
    });
    // The 429s were not lost writes: 3 creates, and 3 staged plus 3 live updates, no more.
    expect(requests.filter((request) => request.method !== "GET" && request.status !== 429)).toHaveLength(9);
  });
});
