// Issue 14, item 8: no silent waits. A connection failure says so at once, naming the host and
// the retry; a refused loopback connection fails within seconds (the spawn's 30 s timeout
// would catch the old 66 s of retries); a Retry-After longer than maxRateLimitWait stops the
// run with the manifest saved, exit 1 and the time to retry, instead of waiting it out.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { sandboxEnv, spawnCli } from "../helpers/cli.ts";
import { CORE_POSTS as POSTS, CORE_TEAM as TEAM } from "../helpers/fixtures.ts";
import { startHostileProxy } from "../helpers/hostile-proxy.ts";
import { copyFixture } from "../helpers/project.ts";
import { fixtureSeed, startTestSandbox, writeRequests } from "../helpers/sandbox.ts";

/** A loopback port on which nothing listens any more. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Slugs the manifest records as written (with an item id); creates journaled as pending have none yet. */
function slugsIn(manifestText: string): string[] {
  const manifest = JSON.parse(manifestText) as {
    collections: Record<string, { items: Record<string, { itemId: string }> }>;
  };
  return Object.values(manifest.collections)
    .flatMap((collection) => Object.entries(collection.items))
    .filter(([, entry]) => entry.itemId !== "")
    .map(([slug]) => slug)
    .sort();
}

describe("an API that cannot be reached", () => {
  it("a refused loopback connection: one notice per retry naming the host, then exit 2", async () => {
    await using project = await copyFixture("core-basic");
    const port = await closedPort();
    const host = `http://127.0.0.1:${port}`;

    // The default backoff (no WF_SYNC_RETRY_BASE_MS): what a user gets.
    const result = await spawnCli(["sync"], {
      cwd: project.dir,
      env: { WEBFLOW_API_TOKEN: "test-token", WEBFLOW_API_BASE_URL: `${host}/v2` },
    });

    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split("\n");
    const notices = lines.filter((line) => line.includes("retrying"));
    expect(notices[0]).toBe(`Webflow could not be reached at ${host} (ECONNREFUSED); retrying (1 of 2)`);
    // Requests that fail together are reported together: one line per retry, not per request.
    expect(notices).toEqual([
      `Webflow could not be reached at ${host} (ECONNREFUSED); retrying (1 of 2)`,
      `Webflow could not be reached at ${host} (ECONNREFUSED); retrying (2 of 2)`,
    ]);
    expect(result.stderr).toContain(`Webflow could not be reached at ${host}: GET /collections/`);
    expect(result.stderr).toMatch(/connection failed 3 times, retry budget used up \(ECONNREFUSED\)/);
    expect(result.stderr).not.toMatch(/This is a bug/);
  });
});

describe("a Retry-After longer than maxRateLimitWait", () => {
  it("stops the run at once: what was written is in the manifest, exit 1, the time to retry is named", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    let writes = 0;
    let isLimited = true;
    await using proxy = await startHostileProxy(sandbox.baseUrl, (request) => {
      if (request.method === "GET" || !isLimited) return undefined;
      // The first write goes through; from the second on the token is out of budget for an hour.
      writes++;
      if (writes === 1) return undefined;
      return { status: 429, headers: { "retry-after": "3600" }, body: '{"message":"Too many requests"}' };
    });
    const env = sandboxEnv(proxy.baseUrl);

    const stopped = await spawnCli(["sync"], { cwd: project.dir, env });

    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(
      /✖ Stopped: Webflow's rate limit asks to wait 60 min \(Retry-After: 3600 s\), longer than maxRateLimitWait \(5 min\)\. Try again after \d{4}-\d\d-\d\d \d\d:\d\d UTC\. Finished writes are recorded in the manifest\./,
    );
    expect(stopped.stdout).toMatch(/^Interrupted: /m);
    // One 429 was enough: nothing else was sent after it.
    expect(proxy.answered).toHaveLength(1);
    expect(proxy.requests.at(-1)).toBe(proxy.answered[0]);
    const written = writeRequests(sandbox).length;
    expect(written).toBe(1);
    const recorded = slugsIn(await project.read(".wf-sync/manifest.json"));
    const created = [...sandbox.items(POSTS), ...sandbox.items(TEAM)].map((item) =>
      String(item.fieldData["slug"]),
    );
    expect(recorded).toEqual(created.sort());
    expect(recorded.length).toBeGreaterThan(0);

    // Once the limit is over, the next run writes the rest, each item once.
    isLimited = false;
    const resumed = await spawnCli(["sync"], { cwd: project.dir, env });
    expect(resumed.code).toBe(0);
    expect(sandbox.items(POSTS)).toHaveLength(5);
    expect(sandbox.items(TEAM)).toHaveLength(2);
    expect(slugsIn(await project.read(".wf-sync/manifest.json"))).toHaveLength(7);
  });
});
