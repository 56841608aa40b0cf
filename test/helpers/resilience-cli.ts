/** Spawns the built CLI (dist/cli/bin.js) against a sandbox, so a test can kill it mid-run. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Sandbox } from "../../src/sandbox/index.ts";

export const BUILT_BIN = resolve(import.meta.dirname, "../../dist/cli/bin.js");

export interface SpawnedSync {
  child: ChildProcess;
  /** Resolves when the process has exited, with its code (null when killed by a signal). */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `wf-sync sync` in `root` against the sandbox, with fast retries and nothing inherited but PATH. */
export function spawnSync(root: string, sandbox: Sandbox, args: readonly string[] = []): SpawnedSync {
  if (!existsSync(BUILT_BIN)) throw new Error(`${BUILT_BIN} is missing: run \`npm run build\` first.`);
  const child = spawn(process.execPath, [BUILT_BIN, "sync", ...args], {
    cwd: root,
    env: {
      PATH: process.env["PATH"] ?? "",
      WEBFLOW_API_TOKEN: "test-token",
      WEBFLOW_API_BASE_URL: sandbox.baseUrl,
      WF_SYNC_RETRY_BASE_MS: "20",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolveDone, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolveDone({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Write requests (anything but GET) that have reached the sandbox so far. */
export function countWrites(sandbox: Sandbox): number {
  return sandbox.requests.filter((request) => request.method !== "GET").length;
}

/** Resolves once `count` write requests have reached the sandbox (or the process is gone). */
export async function writesReached(sandbox: Sandbox, count: number, spawned: SpawnedSync): Promise<boolean> {
  let hasExited = false;
  void spawned.done.then(() => (hasExited = true));
  while (!hasExited) {
    if (countWrites(sandbox) >= count) return true;
    await new Promise((wake) => setTimeout(wake, 1));
  }
  return false;
}
