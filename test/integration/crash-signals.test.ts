/**
 * Issue 3: SIGINT / SIGTERM stop new requests, let the ones in flight finish, write the
 * manifest and exit 130 / 143 with one summary line; the next run finishes the job without
 * duplicating anything. Needs `npm run build` (npm test runs it first).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createResilienceProject,
  findProblems,
  postsAt,
  RESILIENCE_COLLECTION_ID,
  resilienceSeed,
} from "../helpers/fixtures.ts";
import { sandboxEnv, startCli } from "../helpers/cli.ts";
import { startTestSandbox, writesReached } from "../helpers/sandbox.ts";

const COUNT = 250; // three create batches; with two requests a window, the run takes several windows

describe("SIGINT and SIGTERM", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "%s: in-flight writes finish, the manifest is written, exit %i, and the next run completes",
    async (signal, exitCode) => {
      await using sandbox = await startTestSandbox(resilienceSeed, {
        rateLimit: { limit: 2, windowMs: 400 },
        faults: { latencyMs: 100 },
      });
      await using project = await createResilienceProject(postsAt(COUNT, 1));

      const run = startCli(["sync"], { cwd: project.dir, env: sandboxEnv(sandbox.baseUrl) });
      expect(await writesReached(sandbox, 1, run)).toBe(true);
      run.child.kill(signal);
      const result = await run.done;
      expect(result.code).toBe(exitCode);
      const summaries = result.stdout.split("\n").filter((line) => /^(Interrupted|Synced):/.test(line));
      expect(summaries).toHaveLength(1);
      expect(summaries[0]).toMatch(/^Interrupted: \d+ created, 0 updated, 0 unchanged, 0 removed, 0 failed/);
      expect(result.stderr).toContain(`Stopped by ${signal}`);

      // Whatever reached Webflow is in the manifest: the in-flight create finished and was recorded.
      const created = sandbox.items(RESILIENCE_COLLECTION_ID);
      expect(created.length).toBeGreaterThan(0);
      expect(created.length).toBeLessThan(COUNT);
      const manifestPath = join(project.dir, ".wf-sync/manifest.json");
      expect(existsSync(manifestPath)).toBe(true);
      const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as {
        collections: Record<string, { items: Record<string, { itemId: string }> }>;
      };
      const recorded = Object.values(manifest.collections[RESILIENCE_COLLECTION_ID]?.items ?? {}).filter(
        (entry) => entry.itemId !== "",
      );
      expect(recorded.map((entry) => entry.itemId).sort()).toEqual(created.map((item) => item.id).sort());

      sandbox.setRateLimit(undefined);
      sandbox.setFaults(undefined);
      const finished = await startCli(["sync"], { cwd: project.dir, env: sandboxEnv(sandbox.baseUrl) }).done;
      expect(finished.code).toBe(0);
      expect(findProblems(sandbox, postsAt(COUNT, 1))).toEqual([]);
    },
  );
});
