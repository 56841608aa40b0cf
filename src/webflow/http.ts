/**
 * Requests to Webflow's API: the token header, concurrency, retries with backoff for requests that
 * are safe to repeat, the rate gate, and the mapping of error answers to wf-sync's errors.
 */
import { setTimeout as sleep } from "node:timers/promises";
import pLimit from "p-limit";
import type { Dispatcher } from "undici";
import { ApiUnavailableError, AuthError, InterruptedError, UsageError, WebflowApiError } from "../errors.ts";
import { createRedactor } from "../core/redact-secrets.ts";
import { failureOf, type ErrorBody } from "./failure.ts";
import { RateGate, retryAfterMs } from "./rate-gate.ts";
import { RateLimitStop } from "./rate-limit-stop.ts";
import type { ClientStats } from "./types.ts";

/**
 * undici, loaded with the first request rather than at start-up: the ~0.1 s it takes to load
 * then overlaps the run's first file-system work (listing sources, reading the manifest).
 */
let undici: Promise<typeof import("undici")> | undefined;
export function loadUndici(): Promise<typeof import("undici")> {
  undici ??= import("undici");
  return undici;
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

export interface HttpOptions {
  token: string;
  baseUrl: string;
  concurrency: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxRateLimitRetries: number;
  timeoutMs: number;
  onNotice?: ((message: string) => void) | undefined;
  debug?: ((message: string) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Longest Retry-After waited out; a longer one stops the client (RateLimitStop). */
  maxRateLimitWaitMs: number;
  /** Called once when a Retry-After longer than `maxRateLimitWaitMs` stops the client, with why and until when. */
  onRateLimitStop?: ((reason: string) => void) | undefined;
}

export interface CallOptions {
  /** Safe to send again after a failure whose outcome is unknown (reads, updates, deletes, publish). */
  isIdempotent: boolean;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
}

/** The request layer the endpoint modules (items, site, assets) are built on. */
export interface Http {
  readonly stats: ClientStats;
  readonly maxRetries: number;
  /** `scheme://host:port` of the API, for messages. */
  readonly origin: string;
  /** Removes the token and any `Bearer …` value from server text (error answers are redacted before anything reads them). */
  readonly redact: (text: string) => string;
  /** Sends one API request (queued behind the concurrency limit), retrying where safe. */
  run<T>(method: Dispatcher.HttpMethod, path: string, callOptions: CallOptions): Promise<T>;
  /** Reads every page of a paginated list; `key` names the array in each page. */
  listAll<T>(path: string, key: string, query: Record<string, string | undefined>): Promise<T[]>;
  /** The connection pool (also used for uploads to the storage host, without the token). */
  dispatcher(): Promise<Dispatcher>;
  /** Backoff before retry number `attempt` (0-based): doubling steps with full jitter. */
  backoffMs(attempt: number): number;
  close(): Promise<void>;
}

/** What one attempt came to. */
type Attempt =
  | { kind: "answer"; status: number; text: string; location?: string | undefined }
  | { kind: "rate-limited"; waitMs: number | undefined }
  | { kind: "no-answer"; error: unknown };

/** The error for a request that was never sent because the run was interrupted (or stopped for the rate limit). */
function interrupted(endpoint: string, cause: unknown, stopReason?: string): InterruptedError {
  return new InterruptedError(`${endpoint} was not sent: ${stopReason ?? "the run was interrupted."}`, {
    cause,
  });
}

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i;
/** Retries of a refused connection to this machine: a local server that is down stays down. */
const LOOPBACK_REFUSED_RETRIES = 2;

/**
 * A 3xx from the API host. It is never followed: undici would send the token along to
 * wherever the Location points. Only the target's origin is named (its path is server text).
 */
function redirectError(endpoint: string, status: number, location: string | undefined): ApiUnavailableError {
  let target = "another address";
  try {
    if (location) target = new URL(location).origin;
  } catch {
    // A Location that is not an absolute URL: named generically.
  }
  return new ApiUnavailableError(
    `${endpoint}: the API host answered with a redirect (${status}) to ${target}, which wf-sync does not follow, so the token is not sent there.`,
    {
      hint: "Check WEBFLOW_API_BASE_URL: it must be the API's own address (default https://api.webflow.com/v2).",
    },
  );
}

function urlFor(baseUrl: string, path: string, values: CallOptions["query"]): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values ?? {}))
    if (value !== undefined) query.set(key, String(value));
  return `${baseUrl}${path}${query.size > 0 ? `?${query.toString()}` : ""}`;
}

/** Maps an error answer (4xx, or a 5xx given up on) to wf-sync's error. */
export function apiError(
  endpoint: string,
  status: number,
  text: string,
  extra: { isUncertain: boolean; isTransient: boolean; attempts: number },
): Error {
  let parsed: ErrorBody = {};
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
    failure: failureOf(status, parsed, { isUncertain: extra.isUncertain }),
  });
}

/** The error once a request got no answer and may not (or may no longer) be repeated. */
function connectionError(endpoint: string, error: unknown, failures: number, isUncertain: boolean): Error {
  const reason = describe(error);
  return new WebflowApiError({
    endpoint,
    status: 0,
    message: isUncertain
      ? `connection failed (${reason})`
      : `connection failed ${failures + 1} times, retry budget used up (${reason})`,
    cause: error,
    isTransient: true,
    ...(isUncertain ? { isUncertain: true } : {}),
  });
}

/** Creates the request layer (one connection pool, one rate gate, one concurrency limit). */
export function createHttp(options: HttpOptions): Http {
  return new WebflowHttp(options);
}

class WebflowHttp implements Http {
  readonly stats: ClientStats = {
    requests: 0,
    writes: 0,
    retries: 0,
    rateLimited: 0,
    rateLimitWaitMs: 0,
    gaveUp: 0,
  };
  readonly maxRetries: number;
  readonly origin: string;
  readonly redact: (text: string) => string;
  private readonly options: HttpOptions;
  private readonly stop: RateLimitStop;
  /** Aborted by close(): requests still waiting (backoff, rate gate) give up instead of retrying into a closed pool. */
  private readonly closing = new AbortController();
  /** What every wait listens to: the caller's signal, a rate-limit stop, close(). */
  private readonly waitSignal: AbortSignal;
  /** The highest retry of a failed connection already announced; reset by any answer. */
  private announcedRetry = 0;
  private readonly isLoopback: boolean;
  private readonly gate: RateGate;
  private readonly limit: ReturnType<typeof pLimit>;
  private agent: Dispatcher | undefined;
  // The header object is built once and never logged, printed or put into an error.
  private readonly headers: Record<string, string>;

  constructor(options: HttpOptions) {
    this.options = options;
    this.maxRetries = options.maxRetries;
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.isLoopback = LOOPBACK_HOST.test(url.hostname);
    this.redact = createRedactor([options.token]);
    this.stop = new RateLimitStop({
      maxWaitMs: options.maxRateLimitWaitMs,
      onStop: options.onRateLimitStop,
      signal: options.signal,
    });
    this.waitSignal = AbortSignal.any([this.stop.signal, this.closing.signal]);
    this.gate = new RateGate(this.stats);
    this.limit = pLimit(options.concurrency);
    this.headers = {
      authorization: `Bearer ${options.token}`,
      "content-type": "application/json",
      accept: "application/json",
    };
  }

  async dispatcher(): Promise<Dispatcher> {
    const { Agent } = await loadUndici();
    this.agent ??= new Agent({
      connections: this.options.concurrency * 2,
      keepAliveTimeout: 10_000,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    });
    return this.agent;
  }

  backoffMs(attempt: number): number {
    const ceiling = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** attempt);
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  /** Waits `ms`, but gives up at once when the run is interrupted. */
  private async backoff(ms: number, endpoint: string): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.waitSignal });
    } catch (error) {
      throw interrupted(endpoint, error, this.stopReason());
    }
  }

  /** Sends the request once, through the rate gate. */
  private async attempt(
    method: Dispatcher.HttpMethod,
    url: string,
    body: string | null,
    endpoint: string,
  ): Promise<Attempt> {
    let ticket;
    try {
      // Once the run is interrupted no new request starts; requests already sent finish.
      ticket = await this.gate.acquire(this.waitSignal);
    } catch (error) {
      throw interrupted(endpoint, error, this.stopReason());
    }
    let response: Dispatcher.ResponseData;
    this.stats.requests++;
    if (method !== "GET") this.stats.writes++;
    try {
      const { request } = await loadUndici();
      const dispatcher = await this.dispatcher();
      response = await request(url, { method, dispatcher, headers: this.headers, body });
    } catch (error) {
      this.gate.release(ticket, undefined);
      return { kind: "no-answer", error };
    }
    const status = response.statusCode;
    this.announcedRetry = 0;
    const waitMs = status === 429 ? retryAfterMs(response.headers["retry-after"]) : undefined;
    // Before the gate learns of a long Retry-After: a stop must not leave requests parked behind it.
    if (status === 429) this.stop.check(waitMs ?? 60_000);
    this.gate.release(ticket, { status, headers: response.headers, retryAfterMs: waitMs });
    if (status === 429) {
      await response.body.dump();
      return { kind: "rate-limited", waitMs };
    }
    const text = await response.body.text();
    // An error answer is server text that may echo the Authorization header: redacted before
    // anything parses, wraps, prints or stores it. Successful answers are data, kept as sent.
    if (status < 300) return { kind: "answer", status, text };
    const location = response.headers["location"];
    return {
      kind: "answer",
      status,
      text: this.redact(text),
      location: typeof location === "string" ? this.redact(location) : undefined,
    };
  }

  /** Counts a 429; throws once too many came in a row. (A 429 is refused before anything happens: safe to resend.) */
  private onRateLimited(endpoint: string, waitMs: number | undefined, rateLimits: number): void {
    this.stats.rateLimited++;
    if (this.stop.reason !== undefined) throw interrupted(endpoint, undefined, this.stop.reason);
    if (rateLimits > this.options.maxRateLimitRetries) {
      this.stats.gaveUp++;
      throw new WebflowApiError({
        endpoint,
        status: 429,
        apiCode: "too_many_requests",
        message: `still rate limited after ${rateLimits} waits; giving up`,
        isTransient: true,
        failure: { kind: "rate-limited" },
      });
    }
    if ((waitMs ?? 60_000) >= 2000)
      this.options.onNotice?.(
        `rate limit reached; waiting ${((waitMs ?? 60_000) / 1000).toFixed(0)} s as Webflow asks (Retry-After)`,
      );
  }

  private async call<T>(method: Dispatcher.HttpMethod, path: string, callOptions: CallOptions): Promise<T> {
    const endpoint = `${method} ${path}`;
    const url = urlFor(this.options.baseUrl, path, callOptions.query);
    const body = callOptions.body === undefined ? null : JSON.stringify(callOptions.body);
    let failures = 0;
    let rateLimits = 0;
    for (;;) {
      const result = await this.attempt(method, url, body, endpoint);
      if (result.kind === "rate-limited") {
        // The gate holds every request until Retry-After has passed.
        this.onRateLimited(endpoint, result.waitMs, ++rateLimits);
        continue;
      }
      if (result.kind === "no-answer") {
        // The request may have reached Webflow (a dropped connection, a timeout): only the
        // caller can find out, by slug, and decide. Re-sending blindly could create it twice.
        if (!callOptions.isIdempotent) throw connectionError(endpoint, result.error, failures, true);
        if (this.closing.signal.aborted) throw interrupted(endpoint, result.error, this.stopReason());
        const maxRetries = this.retriesAfter(result.error);
        if (failures >= maxRetries) {
          this.stats.gaveUp++;
          throw connectionError(endpoint, result.error, failures, false);
        }
        this.announceRetry(result.error, failures + 1, maxRetries);
      } else if (result.status >= 300 && result.status < 400) {
        throw redirectError(endpoint, result.status, result.location);
      } else if (result.status >= 500 || result.status === 408) {
        // A 5xx on a create may still have been applied (a gateway timing out): the caller reconciles.
        const isUncertain = !callOptions.isIdempotent;
        if (isUncertain || failures >= this.maxRetries) {
          if (!isUncertain) this.stats.gaveUp++;
          throw apiError(endpoint, result.status, result.text, {
            isUncertain,
            isTransient: true,
            attempts: failures + 1,
          });
        }
      } else if (result.status >= 400) {
        throw apiError(endpoint, result.status, result.text, {
          isUncertain: false,
          isTransient: false,
          attempts: failures + 1,
        });
      } else {
        return parseAnswer<T>(endpoint, result.status, result.text);
      }
      this.stats.retries++;
      const reason = result.kind === "answer" ? String(result.status) : describe(result.error);
      this.options.debug?.(`${endpoint}: ${reason}; retry ${failures + 1}`);
      await this.backoff(this.backoffMs(failures++), endpoint);
    }
  }

  /** Retries for a connection that failed: fewer when a server on this machine refused it. */
  private retriesAfter(error: unknown): number {
    const isRefused = (error as NodeJS.ErrnoException | undefined)?.code === "ECONNREFUSED";
    return isRefused && this.isLoopback
      ? Math.min(this.maxRetries, LOOPBACK_REFUSED_RETRIES)
      : this.maxRetries;
  }

  /**
   * Says at once that the API cannot be reached, instead of retrying in silence: one line per
   * retry round, however many requests failed together.
   */
  private announceRetry(error: unknown, retry: number, maxRetries: number): void {
    if (retry <= this.announcedRetry) return;
    this.announcedRetry = retry;
    this.options.onNotice?.(
      `Webflow could not be reached at ${this.origin} (${describe(error)}); retrying (${retry} of ${maxRetries})`,
    );
  }

  /** An arrow property, so that endpoint modules may take it off the object. */
  readonly run = <T>(method: Dispatcher.HttpMethod, path: string, callOptions: CallOptions): Promise<T> =>
    this.limit(() => this.call<T>(method, path, callOptions));

  async listAll<T>(path: string, key: string, query: Record<string, string | undefined>): Promise<T[]> {
    type Page = { pagination?: { total?: number; limit?: number } } & Record<string, unknown>;
    const first = await this.run<Page>("GET", path, {
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
        this.run<Page>("GET", path, { isIdempotent: true, query: { ...query, offset, limit: pageSize } }),
      ),
    );
    for (const page of pages) items.push(...((page[key] as T[] | undefined) ?? []));
    return items;
  }

  /** Why waiting requests give up: a rate-limit stop, close(), else the caller's interruption. */
  private stopReason(): string | undefined {
    return this.stop.reason ?? (this.closing.signal.aborted ? "the client was closed." : undefined);
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.agent?.close();
  }
}

function parseAnswer<T>(endpoint: string, status: number, text: string): T {
  if (text === "") return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new WebflowApiError({ endpoint, status, message: "the answer is not JSON", cause: error });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
}
