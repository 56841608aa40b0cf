/** The rate gate: keeps the token's request budget from X-RateLimit headers and Retry-After (API-NOTES §5). */
import { setTimeout as sleep } from "node:timers/promises";
import type { ClientStats } from "./types.ts";

/** Parses Retry-After: seconds or an HTTP date. */
export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function headerNumber(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

/** Bookkeeping for one request that passed the gate. */
export interface GateTicket {
  sentAt: number;
  /** The budget the gate believed was left when the request went out (undefined: unknown). */
  remainingAtSend: number | undefined;
  generation: number;
  isProbe: boolean;
}

/** Headers and status of an answer, as the gate needs them. */
export interface GateAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The wait Webflow asked for on a 429, already parsed. */
  retryAfterMs?: number | undefined;
}

/** Part of a window's budget spent at once; the rest is spread over what is left of the window. */
const BURST_SHARE = 0.5;

/**
 * Keeps the token's request budget (API-NOTES §5). Webflow reports `X-RateLimit-Limit` and
 * `X-RateLimit-Remaining` but not when the window resets, so the gate learns the window:
 * - a window starts with the first request that sees a fresh budget (`Remaining = Limit - 1`),
 *   noticed because the budget went up although nothing could have refilled it;
 * - every answer inside a window proves the window is longer than that (`lowMs`), every
 *   fresh window after a known start proves it is at most that long (`highMs`), and so does a
 *   429's `Retry-After`;
 * - the last request of each window's budget is sent halfway between the two bounds, and where
 *   it lands (this window or the next) halves the uncertainty, without risking a 429.
 * It spends half of a window's budget at once, spreads the rest over what is left of the
 * window, and once the budget is gone sends a single probe when the window has surely turned;
 * before anything is known that probe finds out from the 429's Retry-After.
 * After a 429 nothing is sent before Retry-After (plus jitter) has passed.
 */
export class RateGate {
  limit: number | undefined;
  remaining: number | undefined;
  windowStart: number | undefined;
  /** The window start is the send time of the request that opened it (not a guess). */
  isStartExact = false;
  generation = 0;
  lowMs = 0;
  highMs = Number.POSITIVE_INFINITY;
  /**
   * A 429's Retry-After bounded the window. Until then the only upper bounds come from idle
   * gaps, which can be far too long, so running out of budget is settled by asking: one 429.
   */
  hasRetryAfterBound = false;
  blockedUntil = 0;
  inFlight = 0;
  isProbing = false;
  lastSentAt = 0;
  private waiters = new Set<() => void>();
  private holding = 0;
  private holdingSince = 0;
  private readonly stats: ClientStats;
  private readonly now: () => number;
  constructor(stats: ClientStats, now: () => number = Date.now) {
    this.stats = stats;
    this.now = now;
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  private waitForRelease(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        this.waiters.delete(done);
        reject(signal?.reason);
      };
      const done = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      this.waiters.add(done);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Holds a request back; the stats count wall time during which any request was held, not the sum. */
  private async pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.holding++ === 0) this.holdingSince = this.now();
    try {
      await sleep(ms, undefined, signal ? { signal } : undefined);
    } finally {
      if (--this.holding === 0) this.stats.rateLimitWaitMs += this.now() - this.holdingSince;
    }
  }

  /** True once the window length is known closely enough to plan the next turn by it. */
  private get isWindowKnown(): boolean {
    return this.windowStart !== undefined && this.hasRetryAfterBound && Number.isFinite(this.highMs);
  }

  /** True once the window end is known well enough to spread the budget up to it. */
  private get isPaceable(): boolean {
    // Spreading a budget of a few requests gains nothing and only delays the last one.
    return (
      this.isWindowKnown &&
      (this.limit ?? 0) >= 10 &&
      this.highMs - this.lowMs <= Math.max(50, this.highMs * 0.1)
    );
  }

  /** True while the window length is still worth narrowing down. */
  private get isNarrowing(): boolean {
    return this.highMs - this.lowMs > Math.max(25, this.highMs * 0.01);
  }

  /**
   * When to send the probe for the next window, counted from the window start: when it has
   * surely turned. (Probing earlier would risk a 429, and with it a wait of a whole Retry-After.)
   */
  private probeOffsetMs(): number {
    return this.highMs + 5;
  }

  async acquire(signal?: AbortSignal): Promise<GateTicket> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const now = this.now();
      if (now < this.blockedUntil) {
        await this.pause(this.blockedUntil - now, signal);
        continue;
      }
      if (this.isProbing) {
        await this.waitForRelease(signal);
        continue;
      }
      // Nothing known yet, or the window has surely turned: one request alone finds out where the new window starts.
      const hasTurned = this.windowStart !== undefined && now > this.windowStart + this.highMs + 5;
      if (this.remaining === undefined || this.limit === undefined || hasTurned) {
        if (this.inFlight > 0) {
          await this.waitForRelease(signal);
          continue;
        }
        return this.grant(true);
      }
      const available = this.remaining - this.inFlight;
      if (available > 0) {
        if (
          available === 1 &&
          this.isWindowKnown &&
          this.isStartExact &&
          this.isNarrowing &&
          this.windowStart !== undefined
        ) {
          // The window's last request tests where the window ends: sent halfway through the
          // uncertainty, it lands either in this window (the window is longer) or opens the
          // next one (it is shorter). Either way no 429, and the work gets done.
          const testAt = this.windowStart + this.lowMs + (this.highMs - this.lowMs) / 2;
          if (now < testAt) {
            await this.pause(testAt - now, signal);
            continue;
          }
          return this.grant(false);
        }
        if (
          this.isPaceable &&
          this.windowStart !== undefined &&
          available <= this.limit * (1 - BURST_SHARE)
        ) {
          // Spread what is left so that the last request still goes out before the earliest possible turn.
          const spacingMs = Math.max(0, this.windowStart + this.lowMs - 20 - now) / available;
          const nextAt = this.lastSentAt + spacingMs;
          if (now < nextAt) {
            await this.pause(nextAt - now, signal);
            continue;
          }
        }
        return this.grant(false);
      }
      if (this.inFlight > 0) {
        await this.waitForRelease(signal);
        continue;
      }
      // Window unknown: this probe gets a 429 whose Retry-After tells where the window ends.
      if (this.isWindowKnown && this.windowStart !== undefined) {
        // From a guessed start (later than the real one) the known length is safe; from an exact one, narrow it down.
        const probeAt = this.windowStart + (this.isStartExact ? this.probeOffsetMs() : this.highMs + 5);
        if (now < probeAt) {
          await this.pause(probeAt - now, signal);
          continue;
        }
      }
      return this.grant(true);
    }
  }

  private grant(isProbe: boolean): GateTicket {
    const sentAt = this.now();
    this.inFlight++;
    this.lastSentAt = sentAt;
    if (isProbe) this.isProbing = true;
    return { sentAt, remainingAtSend: this.remaining, generation: this.generation, isProbe };
  }

  /** Records what an answer says about the budget; `answer` is undefined when none came. */
  release(ticket: GateTicket, answer: GateAnswer | undefined): void {
    this.inFlight--;
    if (ticket.isProbe) this.isProbing = false;
    if (answer) this.learn(ticket, answer);
    this.wake();
  }

  private learn(ticket: GateTicket, answer: GateAnswer): void {
    const limit = headerNumber(answer.headers["x-ratelimit-limit"]);
    if (limit !== undefined && limit > 0) this.limit = limit;
    const isSameWindow = ticket.generation === this.generation && this.windowStart !== undefined;
    const sinceStart =
      isSameWindow && this.windowStart !== undefined ? ticket.sentAt - this.windowStart : undefined;
    if (answer.status === 429) {
      const retryAfterMs = answer.retryAfterMs ?? 60_000;
      if (sinceStart !== undefined && this.isStartExact) {
        // The window was still running when this arrived, and has turned once Retry-After has
        // passed. (Retry-After may be a fixed 60 rather than the time left, so it gives no lower bound.)
        this.lowMs = Math.max(this.lowMs, sinceStart);
        this.highMs = Math.min(this.highMs, sinceStart + retryAfterMs + 50);
        if (this.lowMs >= this.highMs) this.lowMs = 0;
        this.hasRetryAfterBound = true;
      }
      this.remaining = 0;
      this.blockedUntil = Math.max(this.blockedUntil, this.now() + retryAfterMs + jitterMs(retryAfterMs));
      return;
    }
    const reported = headerNumber(answer.headers["x-ratelimit-remaining"]);
    if (reported === undefined) return;
    // Requests are counted in the order they arrive, which is the order they were sent: an
    // answer to a request sent before the current window began belongs to an older window.
    if (this.windowStart !== undefined && ticket.sentAt < this.windowStart) return;
    const isSameGeneration = ticket.generation === this.generation;
    const isFresh =
      this.windowStart === undefined ||
      ticket.remainingAtSend === undefined ||
      (isSameGeneration && reported >= ticket.remainingAtSend);
    if (!isFresh) {
      if (sinceStart !== undefined && this.isStartExact && sinceStart < this.highMs)
        this.lowMs = Math.max(this.lowMs, sinceStart);
      this.remaining = Math.min(this.remaining ?? reported, reported);
      return;
    }
    // More budget than before although nothing could refill it: a new window. The request that
    // saw the whole budget but one is the one that opened it.
    const isOpener = this.limit !== undefined && reported === this.limit - 1;
    if (isOpener && this.isStartExact && this.windowStart !== undefined && isSameGeneration) {
      const spanMs = ticket.sentAt - this.windowStart;
      if (spanMs > 0) this.highMs = Math.min(this.highMs, spanMs);
      if (this.lowMs >= this.highMs) this.lowMs = 0;
    }
    this.generation++;
    this.windowStart = ticket.sentAt;
    this.isStartExact = isOpener;
    this.remaining = reported;
  }
}

/** Random extra wait after a 429, so clients sharing a token do not come back at the same instant. */
function jitterMs(retryAfterMs: number): number {
  return Math.round(Math.random() * Math.min(1000, 20 + retryAfterMs * 0.1));
}
