/** The per-token rate limiter (API-NOTES §5) and the seeded fault injector. */
import type { FaultOptions, RateLimitOptions } from "./types.ts";

/**
 * Reported when no limit is configured: the headers still appear (clients pace from them),
 * but the number is so large that a pacing client never slows down and nothing is refused.
 */
export const UNLIMITED: RateLimitOptions = { limit: 1_000_000, windowMs: 60_000 };

export type RateDecision =
  | { isAllowed: true; headers: Record<string, string> }
  | { isAllowed: false; headers: Record<string, string> };

/** Fixed windows per token; the window starts with the token's first request. */
export class RateLimiter {
  private options: RateLimitOptions | undefined;
  private readonly windows = new Map<string, { startMs: number; count: number }>();

  constructor(options: RateLimitOptions | undefined) {
    this.options = options;
  }

  configure(options: RateLimitOptions | undefined): void {
    this.options = options;
    this.windows.clear();
  }

  /** Headers for a response that isn't counted (e.g. a refused token). */
  idleHeaders(): Record<string, string> {
    const { limit } = this.options ?? UNLIMITED;
    return { "X-RateLimit-Limit": String(limit), "X-RateLimit-Remaining": String(limit) };
  }

  /** Counts one request of `token` (a bulk request is one request, as Webflow counts). */
  take(token: string, nowMs: number): RateDecision {
    const { limit, windowMs } = this.options ?? UNLIMITED;
    let window = this.windows.get(token);
    if (!window || nowMs - window.startMs >= windowMs) {
      window = { startMs: nowMs, count: 0 };
      this.windows.set(token, window);
    }
    const base = { "X-RateLimit-Limit": String(limit) };
    if (this.options && window.count >= limit) {
      const retryAfter = Math.max(1, Math.ceil((window.startMs + windowMs - nowMs) / 1000));
      return {
        isAllowed: false,
        headers: { ...base, "X-RateLimit-Remaining": "0", "Retry-After": String(retryAfter) },
      };
    }
    window.count += 1;
    return {
      isAllowed: true,
      headers: { ...base, "X-RateLimit-Remaining": String(Math.max(0, limit - window.count)) },
    };
  }
}

/** mulberry32: a tiny seeded PRNG, so a fault schedule repeats run after run. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What to do to one request. */
export interface FaultPlan {
  latencyMs: number;
  kind: "none" | "serverError" | "dropBefore" | "dropAfter";
  serverStatus: number;
}

const NO_FAULT: FaultPlan = { latencyMs: 0, kind: "none", serverStatus: 0 };
const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

export class FaultInjector {
  private options: FaultOptions | undefined;
  private random: () => number = mulberry32(1);

  constructor(options: FaultOptions | undefined) {
    this.configure(options);
  }

  configure(options: FaultOptions | undefined): void {
    this.options = options;
    this.random = mulberry32(options?.seed ?? 1);
  }

  /** Draws the fate of one request; always the same number of draws, so schedules stay aligned. */
  plan(method: string): FaultPlan {
    const options = this.options;
    if (!options) return NO_FAULT;
    if ((options.onlyWrites ?? true) && !WRITE_METHODS.has(method)) return NO_FAULT;
    const [serverDraw, statusDraw, beforeDraw, afterDraw, latencyDraw] = [1, 2, 3, 4, 5].map(() =>
      this.random(),
    ) as [number, number, number, number, number];
    const latency = options.latencyMs;
    const latencyMs = Array.isArray(latency)
      ? Math.round(latency[0] + latencyDraw * (latency[1] - latency[0]))
      : (latency ?? 0);
    let kind: FaultPlan["kind"] = "none";
    if (serverDraw < (options.serverErrorRate ?? 0)) kind = "serverError";
    else if (beforeDraw < (options.dropBeforeRate ?? 0)) kind = "dropBefore";
    else if (afterDraw < (options.dropAfterRate ?? 0)) kind = "dropAfter";
    return { latencyMs, kind, serverStatus: [500, 502, 503][Math.floor(statusDraw * 3)] ?? 500 };
  }
}
