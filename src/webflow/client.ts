import { setTimeout as sleep } from "node:timers/promises";
import pLimit from "p-limit";
import type { Dispatcher } from "undici";

/**
 * undici, loaded with the first request rather than at start-up: the ~0.1 s it takes to load
 * then overlaps the run's first file-system work (listing sources, reading the manifest).
 */
let undici: Promise<typeof import("undici")> | undefined;
function loadUndici(): Promise<typeof import("undici")> {
  undici ??= import("undici");
  return undici;
}
import { ApiUnavailableError, AuthError, InterruptedError, UsageError, WebflowApiError } from "../errors.ts";
import type { CollectionSchema, FieldSchema, SiteLocale } from "../core/types.ts";

/** An item as wf-sync sees it on the site (one locale variant). */
export interface RemoteItem {
  itemId: string;
  cmsLocaleId: string | undefined;
  slug: string;
  fieldData: Record<string, unknown>;
  isDraft: boolean;
  isArchived: boolean;
  /** The item has a live (published) version. */
  isLive: boolean;
}

/** What to write for one item. `itemId` is set for updates. */
export interface ItemWrite {
  itemId?: string;
  cmsLocaleId?: string;
  fieldData: Record<string, unknown>;
  isDraft?: boolean;
  isArchived?: boolean;
}

export interface SiteInfo {
  id: string;
  displayName: string;
  locales: SiteLocale[];
}

export interface CollectionSummary {
  id: string;
  displayName: string;
  slug: string;
}

export interface AssetUpload {
  assetId: string;
  uploadUrl: string;
  uploadDetails: Record<string, string>;
  hostedUrl: string;
}

export interface ClientStats {
  requests: number;
  writes: number;
  retries: number;
  /** 429 answers received. */
  rateLimited: number;
  /** Wall time during which requests were held back for the rate limit: pacing, window turns, Retry-After. */
  rateLimitWaitMs: number;
  /** Requests whose retry budget ran out (each one is reported as a failure of its items). */
  gaveUp: number;
}

/** Everything wf-sync asks of Webflow. Nothing outside this module knows about HTTP. */
export interface WebflowClient {
  readonly stats: ClientStats;
  /** Stable name of the API target (base URL), used to tell manifests of different targets apart. */
  readonly target: string;
  getCollection(collectionId: string): Promise<CollectionSchema>;
  listCollections(siteId: string): Promise<CollectionSummary[]>;
  listSites(): Promise<Array<{ id: string; displayName: string }>>;
  getSite(siteId: string): Promise<SiteInfo>;
  listItems(
    collectionId: string,
    options?: { isLive?: boolean; cmsLocaleId?: string; slug?: string },
  ): Promise<RemoteItem[]>;
  /** Creates items (live unless `isLive: false`). May throw an uncertain error: then reconcile by slug. */
  createItems(
    collectionId: string,
    items: readonly ItemWrite[],
    options: { isLive: boolean },
  ): Promise<RemoteItem[]>;
  /** Creates staged items in several locales at once; all variants share one id. The items of one call share `isDraft` and `isArchived`. */
  createItemsInLocales(
    collectionId: string,
    items: readonly ItemWrite[],
    cmsLocaleIds: readonly string[],
  ): Promise<RemoteItem[]>;
  /** Updates items; live updates of never-published items fail with status 409. */
  updateItems(
    collectionId: string,
    items: readonly ItemWrite[],
    options: { isLive: boolean },
  ): Promise<RemoteItem[]>;
  publishItems(
    collectionId: string,
    items: ReadonlyArray<{ itemId: string; cmsLocaleIds?: string[] }>,
  ): Promise<{ published: string[]; errors: string[] }>;
  unpublishItems(collectionId: string, itemIds: readonly string[]): Promise<void>;
  deleteItems(collectionId: string, itemIds: readonly string[]): Promise<void>;
  /** The site's assets (all pages): id, file name, size and hosted URL. */
  listAssets(
    siteId: string,
  ): Promise<Array<{ assetId: string; fileName: string; size: number; hostedUrl: string }>>;
  createAsset(siteId: string, options: { fileName: string; fileHash: string }): Promise<AssetUpload>;
  uploadAsset(
    upload: AssetUpload,
    options: { bytes: Uint8Array; fileName: string; contentType: string },
  ): Promise<void>;
  close(): Promise<void>;
}

export interface WebflowClientOptions {
  token: string;
  /** Default https://api.webflow.com/v2. Plain http:// is refused unless the host is loopback. */
  baseUrl?: string;
  /** Most requests in flight at once. */
  concurrency?: number;
  /** Retries for 5xx and network failures of requests that are safe to repeat. */
  maxRetries?: number;
  /** First backoff step; doubles on each retry, with full jitter. */
  retryBaseMs?: number;
  /** Longest single backoff wait. */
  retryMaxMs?: number;
  /** Most 429 answers in a row for one request before giving up. */
  maxRateLimitRetries?: number;
  /** Per-request timeout for headers and body. */
  timeoutMs?: number;
  /** Called with short progress notes (never the token), e.g. rate-limit waits. */
  onNotice?: (message: string) => void;
  debug?: (message: string) => void;
  /** Once aborted, no new request starts (requests in flight finish); waiting ones reject with InterruptedError. */
  signal?: AbortSignal | undefined;
  /** Overrides `target` (default: the base URL), e.g. "sandbox" for the built-in emulator whose port changes. */
  target?: string;
}

export const DEFAULT_BASE_URL = "https://api.webflow.com/v2";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i;

/** Checks the base URL: https anywhere, http only on loopback (a token must never cross a network in clear). */
export function validateBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`WEBFLOW_API_BASE_URL is not a URL: ${baseUrl}`);
  }
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname)) {
    throw new UsageError(
      `WEBFLOW_API_BASE_URL uses plain http:// for ${url.hostname}, which would send the token unencrypted.`,
      {
        hint: "Use https://, or http:// only for a server on this machine (127.0.0.1, localhost, [::1]).",
      },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`WEBFLOW_API_BASE_URL must be http(s): ${baseUrl}`);
  return baseUrl.replace(/\/+$/, "");
}

interface RawItem {
  id: string;
  cmsLocaleId?: string;
  lastPublished?: string | null;
  isDraft?: boolean;
  isArchived?: boolean;
  fieldData?: Record<string, unknown>;
}

function toRemoteItem(raw: RawItem): RemoteItem {
  const fieldData = raw.fieldData ?? {};
  return {
    itemId: raw.id,
    cmsLocaleId: raw.cmsLocaleId,
    slug: typeof fieldData["slug"] === "string" ? fieldData["slug"] : "",
    fieldData,
    isDraft: raw.isDraft ?? false,
    isArchived: raw.isArchived ?? false,
    isLive: raw.lastPublished !== null && raw.lastPublished !== undefined,
  };
}

function toWireItem(item: ItemWrite): Record<string, unknown> {
  const wire: Record<string, unknown> = { fieldData: item.fieldData };
  if (item.itemId !== undefined) wire["id"] = item.itemId;
  if (item.cmsLocaleId !== undefined) wire["cmsLocaleId"] = item.cmsLocaleId;
  if (item.isDraft !== undefined) wire["isDraft"] = item.isDraft;
  if (item.isArchived !== undefined) wire["isArchived"] = item.isArchived;
  return wire;
}

/** Parses Retry-After: seconds or an HTTP date. */
function retryAfterMs(value: string | string[] | undefined): number | undefined {
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
interface GateTicket {
  sentAt: number;
  /** The budget the gate believed was left when the request went out (undefined: unknown). */
  remainingAtSend: number | undefined;
  generation: number;
  isProbe: boolean;
}

/** Headers and status of an answer, as the gate needs them. */
interface GateAnswer {
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
class RateGate {
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

/** The error for a request that was never sent because the run was interrupted. */
function interrupted(endpoint: string, cause: unknown): InterruptedError {
  return new InterruptedError(`${endpoint} was not sent: the run was interrupted.`, { cause });
}

/** Random extra wait after a 429, so clients sharing a token do not come back at the same instant. */
function jitterMs(retryAfterMs: number): number {
  return Math.round(Math.random() * Math.min(1000, 20 + retryAfterMs * 0.1));
}

/** Creates the undici-backed Webflow client. */
export function createWebflowClient(options: WebflowClientOptions): WebflowClient {
  const baseUrl = validateBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const concurrency = options.concurrency ?? 4;
  const maxRetries = options.maxRetries ?? 8;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const retryMaxMs = options.retryMaxMs ?? 30_000;
  const maxRateLimitRetries = options.maxRateLimitRetries ?? 30;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const stats: ClientStats = {
    requests: 0,
    writes: 0,
    retries: 0,
    rateLimited: 0,
    rateLimitWaitMs: 0,
    gaveUp: 0,
  };
  const gate = new RateGate(stats);
  const limit = pLimit(concurrency);
  let agent: Dispatcher | undefined;
  const dispatcher = async (): Promise<Dispatcher> => {
    const { Agent } = await loadUndici();
    agent ??= new Agent({
      connections: concurrency * 2,
      keepAliveTimeout: 10_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return agent;
  };
  // The header object is built once and never logged, printed or put into an error.
  const headers = {
    authorization: `Bearer ${options.token}`,
    "content-type": "application/json",
    accept: "application/json",
  };

  function backoffMs(attempt: number): number {
    const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** attempt);
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  interface CallOptions {
    /** Safe to send again after a failure whose outcome is unknown (reads, updates, deletes, publish). */
    isIdempotent: boolean;
    body?: unknown;
    query?: Record<string, string | number | undefined>;
  }

  /** Waits `ms`, but gives up at once when the run is interrupted. */
  async function backoff(ms: number, endpoint: string): Promise<void> {
    try {
      await sleep(ms, undefined, options.signal ? { signal: options.signal } : undefined);
    } catch (error) {
      throw interrupted(endpoint, error);
    }
  }

  async function call<T>(method: Dispatcher.HttpMethod, path: string, callOptions: CallOptions): Promise<T> {
    const endpoint = `${method} ${path}`;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(callOptions.query ?? {}))
      if (value !== undefined) query.set(key, String(value));
    const url = `${baseUrl}${path}${query.size > 0 ? `?${query.toString()}` : ""}`;
    const body = callOptions.body === undefined ? null : JSON.stringify(callOptions.body);
    let failures = 0;
    let rateLimits = 0;
    for (;;) {
      let ticket: GateTicket;
      try {
        // Once the run is interrupted no new request starts; requests already sent finish.
        ticket = await gate.acquire(options.signal);
      } catch (error) {
        throw interrupted(endpoint, error);
      }
      let response: Dispatcher.ResponseData;
      stats.requests++;
      if (method !== "GET") stats.writes++;
      try {
        const { request } = await loadUndici();
        response = await request(url, { method, dispatcher: await dispatcher(), headers, body });
      } catch (error) {
        gate.release(ticket, undefined);
        const reason =
          error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
        if (!callOptions.isIdempotent) {
          // The request may have reached Webflow (a dropped connection, a timeout): only the
          // caller can find out, by slug, and decide. Re-sending blindly could create it twice.
          throw new WebflowApiError({
            endpoint,
            status: 0,
            message: `connection failed (${reason})`,
            cause: error,
            isUncertain: true,
            isTransient: true,
          });
        }
        if (failures >= maxRetries) {
          stats.gaveUp++;
          throw new WebflowApiError({
            endpoint,
            status: 0,
            message: `connection failed ${failures + 1} times, retry budget used up (${reason})`,
            cause: error,
            isTransient: true,
          });
        }
        stats.retries++;
        options.debug?.(`${endpoint}: ${reason}; retry ${failures + 1}`);
        await backoff(backoffMs(failures++), endpoint);
        continue;
      }
      const status = response.statusCode;
      const waitMs = status === 429 ? retryAfterMs(response.headers["retry-after"]) : undefined;
      gate.release(ticket, { status, headers: response.headers, retryAfterMs: waitMs });
      if (status === 429) {
        // Not applied (a 429 is refused before anything happens), so even a create is safe to
        // send again; the gate holds every request until Retry-After has passed.
        await response.body.dump();
        rateLimits++;
        stats.rateLimited++;
        if (rateLimits > maxRateLimitRetries) {
          stats.gaveUp++;
          throw new WebflowApiError({
            endpoint,
            status,
            apiCode: "too_many_requests",
            message: `still rate limited after ${rateLimits} waits; giving up`,
            isTransient: true,
          });
        }
        if ((waitMs ?? 60_000) >= 2000)
          options.onNotice?.(
            `rate limit reached; waiting ${((waitMs ?? 60_000) / 1000).toFixed(0)} s as Webflow asks (Retry-After)`,
          );
        continue;
      }
      const text = await response.body.text();
      if (status >= 500 || status === 408) {
        // A 5xx on a create may still have been applied (a gateway timing out): the caller reconciles.
        const isUncertain = !callOptions.isIdempotent;
        if (isUncertain || failures >= maxRetries) {
          if (!isUncertain) stats.gaveUp++;
          throw apiError(endpoint, status, text, { isUncertain, isTransient: true, attempts: failures + 1 });
        }
        stats.retries++;
        options.debug?.(`${endpoint}: ${status}; retry ${failures + 1}`);
        await backoff(backoffMs(failures++), endpoint);
        continue;
      }
      if (status >= 400)
        throw apiError(endpoint, status, text, {
          isUncertain: false,
          isTransient: false,
          attempts: failures + 1,
        });
      if (text === "") return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new WebflowApiError({ endpoint, status, message: "the answer is not JSON", cause: error });
      }
    }
  }

  function apiError(
    endpoint: string,
    status: number,
    text: string,
    extra: { isUncertain: boolean; isTransient: boolean; attempts: number },
  ): Error {
    let parsed: { code?: string; message?: string; details?: unknown[] } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    const message = parsed.message ?? `HTTP ${status}`;
    if (status === 401) {
      return new AuthError(`Webflow refused the token (401 ${parsed.code ?? "not_authorized"}).`, {
        hint: "Check WEBFLOW_API_TOKEN: it must be a site API token of this site, not revoked or expired.",
      });
    }
    if (status === 403) {
      return new AuthError(`Webflow refused the request ${endpoint} (403): ${message}`, {
        hint: "The token needs the CMS read and write scopes (and Sites read, Assets write for locales and images).",
      });
    }
    const suffix = extra.attempts > 1 ? ` (after ${extra.attempts} attempts)` : "";
    return new WebflowApiError({
      endpoint,
      status,
      apiCode: parsed.code,
      message: `${message}${suffix}`,
      details: Array.isArray(parsed.details) ? parsed.details : [],
      isUncertain: extra.isUncertain,
      isTransient: extra.isTransient,
    });
  }

  const run = <T>(method: Dispatcher.HttpMethod, path: string, callOptions: CallOptions) =>
    limit(() => call<T>(method, path, callOptions));
  const collectionPath = (collectionId: string) => `/collections/${encodeURIComponent(collectionId)}`;

  async function listAll<T>(
    path: string,
    key: string,
    query: Record<string, string | undefined>,
  ): Promise<T[]> {
    type Page = { pagination?: { total?: number; limit?: number } } & Record<string, unknown>;
    const first = await run<Page>("GET", path, {
      isIdempotent: true,
      query: { ...query, offset: 0, limit: 100 },
    });
    const items = [...((first[key] as T[] | undefined) ?? [])];
    const total = first.pagination?.total ?? items.length;
    const pageSize = first.pagination?.limit ?? 100;
    if (items.length === 0 || total <= items.length) return items;
    const offsets: number[] = [];
    for (let offset = pageSize; offset < total; offset += pageSize) offsets.push(offset);
    const pages = await Promise.all(
      offsets.map((offset) =>
        run<Page>("GET", path, { isIdempotent: true, query: { ...query, offset, limit: pageSize } }),
      ),
    );
    for (const page of pages) items.push(...((page[key] as T[] | undefined) ?? []));
    return items;
  }

  return {
    stats,
    target: options.target ?? baseUrl,
    async getCollection(collectionId) {
      try {
        const raw = await run<CollectionSchema & { fields?: FieldSchema[] }>(
          "GET",
          collectionPath(collectionId),
          { isIdempotent: true },
        );
        return {
          id: raw.id,
          displayName: raw.displayName,
          singularName: raw.singularName,
          slug: raw.slug,
          fields: raw.fields ?? [],
        };
      } catch (error) {
        if (error instanceof WebflowApiError && error.status === 404) {
          throw new UsageError(`Collection ${collectionId} was not found on the site (404).`, {
            hint: "Check `collectionId` in wf-sync.config.ts (wf-sync init lists the site's collections).",
          });
        }
        if (error instanceof WebflowApiError && (error.status === 0 || error.status >= 500)) {
          throw new ApiUnavailableError(`Webflow could not be reached: ${error.message}`, { cause: error });
        }
        throw error;
      }
    },
    async listCollections(siteId) {
      const raw = await run<{ collections?: CollectionSummary[] }>(
        "GET",
        `/sites/${encodeURIComponent(siteId)}/collections`,
        { isIdempotent: true },
      );
      return (raw.collections ?? []).map((collection) => ({
        id: collection.id,
        displayName: collection.displayName,
        slug: collection.slug,
      }));
    },
    async listSites() {
      const raw = await run<{ sites?: Array<{ id: string; displayName: string }> }>("GET", "/sites", {
        isIdempotent: true,
      });
      return (raw.sites ?? []).map((site) => ({ id: site.id, displayName: site.displayName }));
    },
    async getSite(siteId) {
      type RawLocale = { cmsLocaleId?: string; tag?: string };
      const raw = await run<{
        id: string;
        displayName: string;
        locales?: { primary?: RawLocale; secondary?: RawLocale[] };
      }>("GET", `/sites/${encodeURIComponent(siteId)}`, { isIdempotent: true });
      const locales: SiteLocale[] = [];
      const primary = raw.locales?.primary;
      if (primary?.cmsLocaleId)
        locales.push({ tag: primary.tag ?? "", cmsLocaleId: primary.cmsLocaleId, isPrimary: true });
      for (const locale of raw.locales?.secondary ?? []) {
        if (locale.cmsLocaleId)
          locales.push({ tag: locale.tag ?? "", cmsLocaleId: locale.cmsLocaleId, isPrimary: false });
      }
      return { id: raw.id, displayName: raw.displayName, locales };
    },
    async listItems(collectionId, listOptions = {}) {
      const path = `${collectionPath(collectionId)}/items${listOptions.isLive ? "/live" : ""}`;
      const raw = await listAll<RawItem>(path, "items", {
        cmsLocaleId: listOptions.cmsLocaleId,
        slug: listOptions.slug,
      });
      return raw.map(toRemoteItem);
    },
    async createItems(collectionId, items, createOptions) {
      const path = `${collectionPath(collectionId)}/items${createOptions.isLive ? "/live" : ""}`;
      const raw = await run<{ items?: RawItem[] } & Partial<RawItem>>("POST", path, {
        isIdempotent: false,
        body: { items: items.map(toWireItem) },
      });
      // The list form's answer is not documented (API-NOTES §2.3): take ids where given; the
      // caller re-lists by slug for any item that comes back without one.
      const created = raw?.items ?? (raw?.id ? [raw as RawItem] : []);
      return created.filter((item) => typeof item.id === "string").map(toRemoteItem);
    },
    async createItemsInLocales(collectionId, items, cmsLocaleIds) {
      const raw = await run<{ items?: RawItem[] }>("POST", `${collectionPath(collectionId)}/items/bulk`, {
        isIdempotent: false,
        // The bulk endpoint takes the flags once per request: callers send items that share them.
        body: {
          cmsLocaleIds,
          isDraft: items[0]?.isDraft ?? false,
          isArchived: items[0]?.isArchived ?? false,
          fieldData: items.map((item) => item.fieldData),
        },
      });
      return (raw?.items ?? []).filter((item) => typeof item.id === "string").map(toRemoteItem);
    },
    async updateItems(collectionId, items, updateOptions) {
      const path = `${collectionPath(collectionId)}/items${updateOptions.isLive ? "/live" : ""}`;
      // An update sets fields to given values: sending it twice leaves the same item, so it is
      // safe to retry after a lost answer.
      const raw = await run<{ items?: RawItem[] }>("PATCH", path, {
        isIdempotent: true,
        body: { items: items.map(toWireItem) },
      });
      return (raw?.items ?? []).map(toRemoteItem);
    },
    async publishItems(collectionId, items) {
      const raw = await run<{ publishedItemIds?: string[]; errors?: string[] }>(
        "POST",
        `${collectionPath(collectionId)}/items/publish`,
        {
          isIdempotent: true,
          body: {
            items: items.map((item) =>
              item.cmsLocaleIds ? { id: item.itemId, cmsLocaleIds: item.cmsLocaleIds } : { id: item.itemId },
            ),
          },
        },
      );
      return { published: raw?.publishedItemIds ?? [], errors: raw?.errors ?? [] };
    },
    async unpublishItems(collectionId, itemIds) {
      await run("DELETE", `${collectionPath(collectionId)}/items/live`, {
        isIdempotent: true,
        body: { items: itemIds.map((id) => ({ id })) },
      });
    },
    async deleteItems(collectionId, itemIds) {
      await run("DELETE", `${collectionPath(collectionId)}/items`, {
        isIdempotent: true,
        body: { items: itemIds.map((id) => ({ id })) },
      });
    },
    async listAssets(siteId) {
      type RawAsset = {
        id: string;
        originalFileName?: string;
        displayName?: string;
        size?: number;
        hostedUrl?: string;
      };
      const raw = await listAll<RawAsset>(`/sites/${encodeURIComponent(siteId)}/assets`, "assets", {});
      return raw.map((asset) => ({
        assetId: asset.id,
        fileName: asset.originalFileName ?? asset.displayName ?? "",
        size: asset.size ?? -1,
        hostedUrl: asset.hostedUrl ?? "",
      }));
    },
    async createAsset(siteId, assetOptions) {
      const raw = await run<{
        id: string;
        uploadUrl: string;
        uploadDetails?: Record<string, string>;
        hostedUrl?: string;
        assetUrl?: string;
      }>(
        "POST",
        `/sites/${encodeURIComponent(siteId)}/assets`,
        // Creating the asset record twice only leaves an unused record; the upload is what matters.
        { isIdempotent: true, body: { fileName: assetOptions.fileName, fileHash: assetOptions.fileHash } },
      );
      return {
        assetId: raw.id,
        uploadUrl: raw.uploadUrl,
        uploadDetails: raw.uploadDetails ?? {},
        hostedUrl: raw.hostedUrl ?? raw.assetUrl ?? "",
      };
    },
    async uploadAsset(upload, uploadOptions) {
      const { FormData, request } = await loadUndici();
      const form = new FormData();
      for (const [key, value] of Object.entries(upload.uploadDetails)) form.append(key, value);
      // S3 POST Object rules: the file goes last.
      form.append(
        "file",
        new Blob([new Uint8Array(uploadOptions.bytes)], { type: uploadOptions.contentType }),
        uploadOptions.fileName,
      );
      for (let attempt = 0; ; attempt++) {
        try {
          // The storage host is not the API: no token goes there.
          const response = await request(upload.uploadUrl, {
            method: "POST",
            body: form,
            dispatcher: await dispatcher(),
          });
          const text = await response.body.text();
          if (response.statusCode < 300) return;
          if (response.statusCode < 500 || attempt >= maxRetries) {
            throw new WebflowApiError({
              endpoint: "POST <asset upload>",
              status: response.statusCode,
              message: text.slice(0, 200),
            });
          }
        } catch (error) {
          if (error instanceof WebflowApiError || attempt >= maxRetries) throw error;
        }
        stats.retries++;
        await sleep(backoffMs(attempt));
      }
    },
    async close() {
      await agent?.close();
    },
  };
}
