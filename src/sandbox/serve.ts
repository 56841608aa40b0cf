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
}

/** Serves the sandbox until stopped; resolves after it has closed and flushed its state. */
export async function serveSandbox(options: ServeSandboxOptions = {}): Promise<void> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const sandbox = await startSandbox({
    port: options.port ?? 0,
    ...(options.statePath === undefined ? {} : { statePath: options.statePath }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.tokens === undefined ? {} : { tokens: options.tokens }),
    quiet: false,
    log,
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
