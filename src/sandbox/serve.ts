/**
 * `wf-sync sandbox`: the emulator in the foreground, logging one line per request, until
 * SIGINT/SIGTERM. The CLI wires the flags; this module owns the process-level details.
 */
import { startSandbox } from "./server.ts";
import type { Sandbox, SandboxSeed } from "./types.ts";

/** Options of {@link serveSandbox}. */
export interface ServeSandboxOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default none (in-memory only). */
  statePath?: string;
  seed?: SandboxSeed;
  /** Bearer tokens to accept; default any. */
  tokens?: string[];
  /** Called once listening, e.g. to print the base URL. */
  onListening?: (sandbox: Sandbox) => void;
  /** One line per request; default stderr. */
  log?: (line: string) => void;
  /** Resolves the returned promise when aborted (default: SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /**
   * Requests per minute per token; default 60, Webflow's limit on Starter and Basic plans
   * (API-NOTES §5), answered past it with 429 and Retry-After. 0 turns the limit off.
   */
  requestsPerMinute?: number;
  /** See SandboxOptions: both default to Webflow's documented behaviour (false). */
  liveUpdateAlsoStaged?: boolean;
  detailIndex?: boolean;
}

/** Webflow's rate limit on Starter and Basic plans (API-NOTES §5). */
export const DEFAULT_REQUESTS_PER_MINUTE = 60;

/** Serves the sandbox until stopped; resolves after it has closed and flushed its state. */
export async function serveSandbox(options: ServeSandboxOptions = {}): Promise<void> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const perMinute = options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
  const sandbox = await startSandbox({
    port: options.port ?? 0,
    ...(options.statePath === undefined ? {} : { statePath: options.statePath }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.tokens === undefined ? {} : { tokens: options.tokens }),
    quiet: false,
    log,
    ...(perMinute > 0 ? { rateLimit: { limit: perMinute, windowMs: 60_000 } } : {}),
    liveUpdateAlsoStaged: options.liveUpdateAlsoStaged ?? false,
    detailIndex: options.detailIndex ?? false,
  });
  options.onListening?.(sandbox);
  await new Promise<void>((resolve) => {
    if (options.signal) {
      if (options.signal.aborted) resolve();
      else options.signal.addEventListener("abort", () => resolve(), { once: true });
      return;
    }
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await sandbox.close();
}
