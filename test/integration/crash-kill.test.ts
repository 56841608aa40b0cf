/**
 * Issue 3, crash safety: SIGKILL the CLI at several points while writes are in flight (the
 * sandbox delays each write, and still applies it after the client is gone), then sync again:
 * every item exists exactly once with the file's content, and one more run writes nothing.
 * Needs `npm run build` (npm test runs it first).
 */
import { describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.ts";
import {
  createResilienceProject,
  findProblems,
  postsAt,
  RESILIENCE_COLLECTION_ID,
  resilienceSeed,
  writePosts,
} from "../helpers/fixtures.ts";
import { sandboxEnv, startCli } from "../helpers/cli.ts";
import { startTestSandbox, writeRequests, writesReached } from "../helpers/sandbox.ts";

const COUNT = 130; // two batches, sent concurrently

/** Starts a sync, kills it with SIGKILL once `afterWrites` writes have reached the sandbox, and waits for in-flight writes to land. */
async function syncKilled(root: string, sandbox: Sandbox, afterWrites: number): Promise<void> {
  const before = writeRequests(sandbox).length;
  const run = startCli(["sync"], { cwd: root, env: sandboxEnv(sandbox.baseUrl) });
  const isReached = await writesReached(sandbox, before + afterWrites, run);
  expect(isReached, "the run ended before the kill point").toBe(true);
  run.child.kill("SIGKILL");
  const result = await run.done;
  expect(result.signal).toBe("SIGKILL");
  // The sandbox still applies what was in flight (the latency below is at most 60 ms).
  await new Promise((wake) => setTimeout(wake, 150));
}

async function syncToEnd(root: string, sandbox: Sandbox) {
  const result = await startCli(["sync"], { cwd: root, env: sandboxEnv(sandbox.baseUrl) }).done;
  expect(result.stderr).not.toMatch(/✖/);
  expect(result.code).toBe(0);
  return result;
}

describe("SIGKILL mid-run, then sync again", () => {
  it.each([1, 2])(
    "creates: killed after write request %i, every item ends up exactly once",
    async (afterWrites) => {
      await using sandbox = await startTestSandbox(resilienceSeed, {
        faults: { seed: afterWrites, latencyMs: [20, 60] },
      });
      await using project = await createResilienceProject(postsAt(COUNT, 1));

      await syncKilled(project.dir, sandbox, afterWrites);
      expect(sandbox.items(RESILIENCE_COLLECTION_ID).length).toBeLessThanOrEqual(COUNT);

      const finished = await syncToEnd(project.dir, sandbox);
      expect(findProblems(sandbox, postsAt(COUNT, 1))).toEqual([]);
      expect(finished.stdout).toMatch(/Synced: \d+ created, \d+ updated, \d+ unchanged, 0 removed, 0 failed/);
    },
  );

  it("updates: killed after the first update request, the next run finishes with the new content", async () => {
    await using sandbox = await startTestSandbox(resilienceSeed, {
      faults: { seed: 9, latencyMs: [20, 60] },
    });
    await using project = await createResilienceProject(postsAt(COUNT, 1));
    await syncToEnd(project.dir, sandbox);

    await writePosts(project, postsAt(COUNT, 2));
    await syncKilled(project.dir, sandbox, 1);
    // Killed twice in a row, this time among the creates of new files.
    await writePosts(project, [...postsAt(COUNT, 3), ...postsAt(COUNT + 60, 1).slice(COUNT)]);
    await syncKilled(project.dir, sandbox, 2);

    await syncToEnd(project.dir, sandbox);
    const expected = [...postsAt(COUNT, 3), ...postsAt(COUNT + 60, 1).slice(COUNT)];
    expect(findProblems(sandbox, expected)).toEqual([]);
    const writesBefore = writeRequests(sandbox).length;
    const confirm = await syncToEnd(project.dir, sandbox);
    expect(confirm.stdout).toContain(`0 created, 0 updated, ${COUNT + 60} unchanged`);
    expect(writeRequests(sandbox).length).toBe(writesBefore);
  });
});
