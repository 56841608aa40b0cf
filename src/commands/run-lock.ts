/**
 * One writing run per project at a time (issue 14): `sync` and `pull` hold `lock` in the
 * manifest's folder (`.wf-sync/lock`), a small JSON file naming the holder's pid, host and
 * start time. A second run stops with exit 2 naming the holder, or waits with `--wait`. A lock
 * whose process is gone (killed with SIGKILL, a crash) is taken over with a warning. Dry runs
 * and `check` write nothing and take no lock.
 */
import { existsSync, readFileSync, unlinkSync } from "node:fs";
import { link, mkdir, open, readFile, rename, rm, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, relative, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ResolvedConfig } from "../config.ts";
import { InterruptedError, LockedError } from "../errors.ts";
import { asLocalFileError } from "../pipeline/record/local-fault.ts";

/** What the lock file holds. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** ISO time the holder started. */
  startedAt: string;
  command: string;
}

export interface RunLock {
  path: string;
  /** When the run whose stale lock was taken over started: it was killed, its last writes unrecorded. */
  interruptedRunStartedAt?: string | undefined;
  /** Removes the lock if it is still this process's; safe to call more than once. */
  release(): Promise<void>;
}

/** The lock file of a project: beside its manifest. */
export function lockPathOf(config: Pick<ResolvedConfig, "root" | "manifest">): string {
  return resolve(dirname(resolve(config.root, config.manifest)), "lock");
}

function readHolder(text: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid !== "number" || typeof parsed.startedAt !== "string") return undefined;
    return {
      pid: parsed.pid,
      hostname: String(parsed.hostname ?? ""),
      startedAt: parsed.startedAt,
      command: String(parsed.command ?? "sync"),
    };
  } catch {
    return undefined;
  }
}

/** A process on another host cannot be checked: it counts as running. */
function isRunning(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function describeHolder(holder: LockHolder): string {
  const host = holder.hostname === hostname() ? "" : ` on ${holder.hostname}`;
  return `wf-sync ${holder.command} (pid ${holder.pid}${host}, started ${holder.startedAt})`;
}

/** Creates the lock file if there is none; answers the current holder's text otherwise. */
async function tryCreate(
  path: string,
  text: string,
): Promise<{ isCreated: true } | { isCreated: false; text: string }> {
  try {
    const handle = await open(path, "wx");
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    return { isCreated: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  try {
    return { isCreated: false, text: await readFile(path, "utf8") };
  } catch (error) {
    // Released between the two calls: try again.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { isCreated: false, text: "" };
    throw error;
  }
}

/**
 * Moves a stale lock aside, atomically: of two runs taking it over at once, one rename wins.
 * If what was moved is not the stale lock that was read (another run has just taken over), it
 * is put back.
 */
async function takeOver(path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale.${process.pid}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const moved = await readFile(aside, "utf8").catch(() => staleText);
  if (moved !== staleText) await link(aside, path).catch(() => {});
  await rm(aside, { force: true });
}

/**
 * Takes the project's lock for a writing command. Throws LockedError naming the holder while
 * another run holds it, unless `isWaiting` (then it polls until the lock is free, or the run is
 * interrupted). Local faults (a read-only `.wf-sync`) are LocalFileErrors.
 */
export async function acquireRunLock(options: {
  config: Pick<ResolvedConfig, "root" | "manifest">;
  command: string;
  isWaiting?: boolean;
  signal?: AbortSignal | undefined;
  onNotice?: (message: string) => void;
  pollMs?: number;
}): Promise<RunLock> {
  const path = lockPathOf(options.config);
  const shown = relative(options.config.root, path) || path;
  const mine: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    command: options.command,
  };
  const text = `${JSON.stringify(mine)}\n`;
  let hasNoticedWait = false;
  let interruptedRunStartedAt: string | undefined;
  try {
    await mkdir(dirname(path), { recursive: true });
    for (;;) {
      const attempt = await tryCreate(path, text);
      if (attempt.isCreated) break;
      if (attempt.text === "") continue;
      const holder = readHolder(attempt.text);
      if (!holder || !isRunning(holder)) {
        options.onNotice?.(
          `${shown}: taking over the lock of ${holder ? describeHolder(holder) : "an unreadable lock file"}, which is no longer running.`,
        );
        await takeOver(path, attempt.text);
        interruptedRunStartedAt = holder?.startedAt;
        continue;
      }
      if (!options.isWaiting) {
        throw new LockedError(`Another run holds ${shown}: ${describeHolder(holder)}.`, {
          hint: "Wait for it to finish, or run with --wait. If no wf-sync is running there, delete the lock file.",
        });
      }
      if (!hasNoticedWait) {
        options.onNotice?.(`Waiting for ${describeHolder(holder)} to finish (${shown})…`);
        hasNoticedWait = true;
      }
      if (options.signal?.aborted) throw new InterruptedError("Stopped while waiting for the lock.");
      await sleep(options.pollMs ?? 200);
    }
  } catch (error) {
    throw asLocalFileError(error, { path, action: "take the lock" });
  }
  return { ...holdLock(path, text), interruptedRunStartedAt };
}

function holdLock(path: string, text: string): RunLock {
  // A second SIGINT ends the process at once (process.exit): the lock goes with it.
  const onExit = () => {
    try {
      if (existsSync(path) && readFileSync(path, "utf8") === text) unlinkSync(path);
    } catch {
      // The next run takes a lock over once its process is gone.
    }
  };
  process.once("exit", onExit);
  let isReleased = false;
  return {
    path,
    async release() {
      if (isReleased) return;
      isReleased = true;
      process.removeListener("exit", onExit);
      const current = await readFile(path, "utf8").catch(() => undefined);
      if (current === text) await unlink(path).catch(() => {});
    },
  };
}
