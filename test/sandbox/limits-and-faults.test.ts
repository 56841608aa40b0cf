import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.ts";
import { POSTS, client, post, seed } from "./helpers.ts";

describe("rate limit", () => {
  it("sends headers with a large limit and never refuses when unset", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    let last;
    for (let index = 0; index < 5; index++) last = await call("GET", "/sites");
    expect(last?.headers.get("x-ratelimit-limit")).toBe("1000000");
    expect(last?.headers.get("x-ratelimit-remaining")).toBe("999995");
    expect(sandbox.stats.rateLimited).toBe(0);
  });

  it("answers 429 with Retry-After once a token's window is used up, counting bulk requests once", async () => {
    await using sandbox = await startSandbox({ seed, rateLimit: { limit: 3, windowMs: 60_000 } });
    const call = client(sandbox.baseUrl, "a");
    const first = await call("POST", `/collections/${POSTS}/items`, {
      items: [{ fieldData: post("x") }, { fieldData: post("y") }],
    });
    expect(first.headers.get("x-ratelimit-limit")).toBe("3");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("2");
    await call("GET", "/sites");
    const third = await call("GET", "/sites");
    expect(third.headers.get("x-ratelimit-remaining")).toBe("0");
    const refused = await call("GET", "/sites");
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      message: "Too Many Requests",
      code: "too_many_requests",
      externalReference: null,
      details: [],
    });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(sandbox.stats.rateLimited).toBe(1);
    // Another token has its own window.
    expect((await client(sandbox.baseUrl, "b")("GET", "/sites")).status).toBe(200);
  });

  it("opens a new window after windowMs, and lifts the limit when unset", async () => {
    let nowMs = 1_000_000;
    await using sandbox = await startSandbox({
      seed,
      rateLimit: { limit: 1, windowMs: 10_000 },
      clock: () => nowMs,
    });
    const call = client(sandbox.baseUrl);
    expect((await call("GET", "/sites")).status).toBe(200);
    nowMs += 2_500;
    const refused = await call("GET", "/sites");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("8");
    nowMs += 7_500;
    expect((await call("GET", "/sites")).status).toBe(200);
    sandbox.setRateLimit(undefined);
    for (let index = 0; index < 3; index++) expect((await call("GET", "/sites")).status).toBe(200);
  });
});

describe("faults", () => {
  it("answers 5xx without applying the write", async () => {
    await using sandbox = await startSandbox({ seed, faults: { serverErrorRate: 1 } });
    const call = client(sandbox.baseUrl);
    const response = await call("POST", `/collections/${POSTS}/items`, { fieldData: post("a") });
    expect([500, 502, 503]).toContain(response.status);
    expect(response.body).toMatchObject({ code: "internal_error" });
    expect(sandbox.items(POSTS)).toEqual([]);
    // Reads are spared by default.
    expect((await call("GET", `/collections/${POSTS}/items`)).status).toBe(200);
    expect(sandbox.stats.faults.serverErrors).toBe(1);
  });

  it("drops the connection before applying a write", async () => {
    await using sandbox = await startSandbox({ seed, faults: { dropBeforeRate: 1 } });
    await expect(
      client(sandbox.baseUrl)("POST", `/collections/${POSTS}/items`, { fieldData: post("a") }),
    ).rejects.toThrow();
    expect(sandbox.items(POSTS)).toEqual([]);
    expect(sandbox.stats.faults.droppedBefore).toBe(1);
    expect(sandbox.requests.at(-1)).toMatchObject({ method: "POST", status: 0 });
  });

  it("drops the connection after applying a write: the item exists though the client saw an error", async () => {
    await using sandbox = await startSandbox({ seed, faults: { dropAfterRate: 1 } });
    await expect(
      client(sandbox.baseUrl)("POST", `/collections/${POSTS}/items`, { fieldData: post("a") }),
    ).rejects.toThrow();
    expect(sandbox.items(POSTS).map((item) => item.fieldData["slug"])).toEqual(["a"]);
    expect(sandbox.stats.faults.droppedAfter).toBe(1);
    sandbox.setFaults(undefined);
    const listed = await client(sandbox.baseUrl)("GET", `/collections/${POSTS}/items?slug=a`);
    expect(listed.body.pagination.total).toBe(1);
  });

  it("hits reads too with onlyWrites false, and repeats the same schedule for the same seed", async () => {
    const schedule = async () => {
      await using sandbox = await startSandbox({
        seed,
        faults: { seed: 42, serverErrorRate: 0.5, onlyWrites: false },
      });
      const call = client(sandbox.baseUrl);
      const statuses = [];
      for (let index = 0; index < 20; index++) statuses.push((await call("GET", "/sites")).status);
      return statuses;
    };
    const first = await schedule();
    expect(first.some((status) => status >= 500)).toBe(true);
    expect(first.some((status) => status === 200)).toBe(true);
    expect(await schedule()).toEqual(first);
  });

  it("adds latency without changing answers", async () => {
    await using sandbox = await startSandbox({ seed, faults: { latencyMs: [1, 5], onlyWrites: false } });
    expect((await client(sandbox.baseUrl)("GET", "/sites")).status).toBe(200);
    expect(sandbox.stats.faults).toEqual({ serverErrors: 0, droppedBefore: 0, droppedAfter: 0 });
  });
});
