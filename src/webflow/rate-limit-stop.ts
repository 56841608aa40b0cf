/**
 * The longest wait for the rate limit a run accepts. A 429 whose Retry-After asks for more
 * stops the client instead of holding every request for that long: waiting requests and new
 * ones give up at once (InterruptedError: nothing was sent), and the owner is told why.
 */
export class RateLimitStop {
  /** Aborted by the caller's signal, or by a stop. Every wait of the client listens to it. */
  readonly signal: AbortSignal;
  /** Why the client stopped; undefined while it has not. */
  reason: string | undefined;
  private readonly controller = new AbortController();
  private readonly maxWaitMs: number;
  private readonly onStop: ((reason: string) => void) | undefined;

  constructor(options: {
    maxWaitMs: number;
    onStop?: ((reason: string) => void) | undefined;
    signal?: AbortSignal | undefined;
  }) {
    this.maxWaitMs = options.maxWaitMs;
    this.onStop = options.onStop;
    this.signal = options.signal
      ? AbortSignal.any([options.signal, this.controller.signal])
      : this.controller.signal;
  }

  /** Stops the client when `waitMs` (a 429's Retry-After) is longer than the longest accepted wait. */
  check(waitMs: number, now = Date.now()): void {
    if (waitMs <= this.maxWaitMs || this.reason !== undefined) return;
    const retryAt = new Date(Math.ceil((now + waitMs) / 60_000) * 60_000);
    this.reason =
      `Webflow's rate limit asks to wait ${describeWait(waitMs)} (Retry-After: ${Math.round(waitMs / 1000)} s), ` +
      `longer than maxRateLimitWait (${describeWait(this.maxWaitMs)}). ` +
      `Try again after ${retryAt.toISOString().slice(0, 16).replace("T", " ")} UTC.`;
    this.controller.abort();
    this.onStop?.(this.reason);
  }
}

/** `45 s`, `5 min`, `3 h`: the unit a person would use. */
export function describeWait(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 180 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}
