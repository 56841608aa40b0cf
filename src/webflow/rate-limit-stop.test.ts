import { describe, expect, it } from "vitest";
import { describeWait, RateLimitStop } from "./rate-limit-stop.ts";

describe("describeWait", () => {
  it.each([
    [45_000, "45 s"],
    [119_000, "119 s"],
    [300_000, "5 min"],
    [3_600_000, "60 min"],
    [10_800_000, "3 h"],
  ])("%i ms is %s", (ms, text) => {
    expect(describeWait(ms)).toBe(text);
  });
});

describe("RateLimitStop", () => {
  const now = Date.parse("2026-12-05T08:00:20Z");

  it("lets a wait up to the limit pass, and stops once on a longer one, naming when to try again", () => {
    const reasons: string[] = [];
    const stop = new RateLimitStop({ maxWaitMs: 300_000, onStop: (reason) => reasons.push(reason) });
    stop.check(300_000, now);
    expect(stop.signal.aborted).toBe(false);
    stop.check(3_600_000, now);
    stop.check(7_200_000, now);
    expect(stop.signal.aborted).toBe(true);
    expect(reasons).toEqual([
      "Webflow's rate limit asks to wait 60 min (Retry-After: 3600 s), longer than maxRateLimitWait (5 min). Try again after 2026-12-05 09:01 UTC.",
    ]);
    expect(stop.reason).toBe(reasons[0]);
  });

  it("follows the caller's signal too", () => {
    const controller = new AbortController();
    const stop = new RateLimitStop({ maxWaitMs: 1000, signal: controller.signal });
    controller.abort();
    expect(stop.signal.aborted).toBe(true);
    expect(stop.reason).toBeUndefined();
  });
});
