/**
 * A small pool of worker threads that parse and render files (src/prepare-worker.ts). Files are
 * read just before their batch is sent and results come back batch by batch, so neither the
 * sources nor the results of the whole set sit in a queue at once.
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { PreparedTask } from "./prepare-task.ts";
import type { PrepareWorkerData, PrepareWorkerReply, PrepareWorkerTask } from "./prepare-worker.ts";

export interface PrepareInWorkersOptions {
  data: PrepareWorkerData;
  /** Files to prepare, in order; `settings` indexes `data.settings`. */
  files: ReadonlyArray<{ path: string; settings: number }>;
  /** Reads a file for a worker; without it, each worker reads (and hashes) its files itself from `data.root`. */
  read?: (path: string) => Promise<string>;
  onResult: (file: PreparedTask) => void;
  /**
   * Prepares a task on the main thread, which then takes batches too instead of waiting: one
   * isolate (its heap and its copy of the Markdown toolchain) fewer for the same cores.
   */
  local?: (task: PrepareWorkerTask) => Promise<PreparedTask>;
  /** Worker count; default: the available cores (one fewer with `local`), at most 8. */
  size?: number;
  /** Files per message; fewer messages, but coarser balancing. */
  batchSize?: number;
}

/** The worker script: the built `.js` beside this module, or the `.ts` source loaded through jiti (tests). */
function workerScript(): URL {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new URL("./prepare-worker.js", here);
  // Node 20 runs no TypeScript: bootstrap the worker with jiti, as load-config.ts does for configs.
  const jiti = pathToFileURL(join(dirname(createRequire(here).resolve("jiti")), "jiti.mjs")).href;
  const source = new URL("./prepare-worker.ts", here);
  const code = `import { createJiti } from ${JSON.stringify(jiti)};\nawait createJiti(${JSON.stringify(source.href)}).import(${JSON.stringify(fileURLToPath(source))});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** Default worker count for this machine. */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/** What the pool's workers and the main thread share: the files left, and the first failure. */
interface PoolState {
  options: PrepareInWorkersOptions;
  batchSize: number;
  /** Index of the next file to hand out. */
  next: number;
  nextId: number;
  failure: unknown;
}

/** The next batch of tasks (read, when the pool reads for its workers), or undefined when none is left. */
async function readBatch(pool: PoolState): Promise<{ id: number; tasks: PrepareWorkerTask[] } | undefined> {
  const { options, batchSize } = pool;
  if (pool.next >= options.files.length) return undefined;
  const slice = options.files.slice(pool.next, pool.next + batchSize);
  pool.next += slice.length;
  const id = pool.nextId++;
  const read = options.read;
  const tasks = read
    ? await Promise.all(
        slice.map(async (file) => ({
          path: file.path,
          settings: file.settings,
          text: await read(file.path),
        })),
      )
    : slice.map((file) => ({ path: file.path, settings: file.settings }));
  return { id, tasks };
}

/** Feeds one worker batches until none is left; settles when its last reply was handled. */
function runWorker(pool: PoolState, worker: Worker): Promise<void> {
  const { options } = pool;
  return new Promise<void>((done, fail) => {
    let inFlight = 0;
    let isReading = false;
    const settle = (error?: unknown) => {
      worker.removeAllListeners();
      if (error !== undefined) fail(error instanceof Error ? error : new Error(String(error)));
      else done();
    };
    // Two batches in flight per worker: one rendering, one queued behind it while we read the next.
    const fill = () => {
      if (isReading || pool.failure !== undefined || inFlight >= 2) return;
      isReading = true;
      readBatch(pool).then(
        (batch) => {
          isReading = false;
          if (batch) {
            inFlight++;
            worker.postMessage(batch);
            fill();
          } else if (inFlight === 0) settle();
        },
        (error: unknown) => {
          isReading = false;
          pool.failure ??= error;
          settle(error);
        },
      );
    };
    worker.on("message", (reply: PrepareWorkerReply) => {
      inFlight--;
      if ("crash" in reply) {
        pool.failure ??= new Error(`A prepare worker crashed:\n${reply.crash}`);
        settle(pool.failure);
        return;
      }
      try {
        for (const result of reply.results) options.onResult(result);
      } catch (error) {
        pool.failure ??= error;
        settle(error);
        return;
      }
      if (pool.failure !== undefined) settle(pool.failure);
      else if (pool.next >= options.files.length && inFlight === 0 && !isReading) settle();
      else fill();
    });
    worker.on("error", (error) => {
      pool.failure ??= error;
      settle(error);
    });
    worker.on("exit", (code) => settle(new Error(`A prepare worker exited early (code ${code}).`)));
    fill();
  });
}

/**
 * The main thread's share: a batch at a time, yielding between batches so that the
 * workers' replies are taken (and they are sent more) while it works.
 */
async function runLocal(
  pool: PoolState,
  prepare: NonNullable<PrepareInWorkersOptions["local"]>,
): Promise<void> {
  for (;;) {
    if (pool.failure !== undefined) return;
    const batch = await readBatch(pool);
    if (!batch) return;
    try {
      for (const task of batch.tasks) pool.options.onResult(await prepare(task));
    } catch (error) {
      pool.failure ??= error;
      throw error;
    }
    await new Promise((done) => setImmediate(done));
  }
}

/** Prepares every file in worker threads; resolves once all results were handed to `onResult`. */
export async function prepareInWorkers(options: PrepareInWorkersOptions): Promise<void> {
  const batchSize = options.batchSize ?? 16;
  const local = options.local;
  const size = Math.max(
    local ? 0 : 1,
    Math.min(
      options.size ?? defaultPoolSize() - (local ? 1 : 0),
      Math.ceil(options.files.length / batchSize) - (local ? 1 : 0),
    ),
  );
  if (options.files.length === 0) return;
  const script = workerScript();
  const workers: Worker[] = [];
  const pool: PoolState = { options, batchSize, next: 0, nextId: 0, failure: undefined };

  try {
    for (let index = 0; index < size; index++) workers.push(new Worker(script, { workerData: options.data }));
    const outcomes = await Promise.allSettled([
      ...workers.map((worker) => runWorker(pool, worker)),
      ...(local ? [runLocal(pool, local)] : []),
    ]);
    const rejected = outcomes.find((outcome) => outcome.status === "rejected");
    if (pool.failure !== undefined) throw pool.failure;
    if (rejected) throw rejected.reason;
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
