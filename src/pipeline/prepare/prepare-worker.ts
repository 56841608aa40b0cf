/**
 * Worker-thread entry of the prepare pool (adapters/worker-pool.ts): prepares each batch it is
 * sent (prepare-task.ts) and posts the results back batch by batch. Reading happens here too,
 * so the main thread stays free for its own share of the work.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createLightRenderer } from "../../core/render-light.ts";
import {
  createTaskPreparer,
  type PreparedTask,
  type PrepareWorkerData,
  type PrepareWorkerTask,
} from "./prepare-task.ts";

export type { PrepareWorkerData, PrepareWorkerTask } from "./prepare-task.ts";

export type PrepareWorkerReply = { id: number; results: PreparedTask[] } | { id: number; crash: string };

const prepare = createTaskPreparer(workerData as PrepareWorkerData, {
  light: createLightRenderer,
  loadFull: () => import("../../core/render-markdown.ts"),
});

// Batches are prepared one after another, in the order they came.
let queue = Promise.resolve();
parentPort?.on("message", (message: { id: number; tasks: PrepareWorkerTask[] }) => {
  queue = queue.then(() => prepareBatch(message));
});

async function prepareBatch(message: { id: number; tasks: PrepareWorkerTask[] }): Promise<void> {
  let reply: PrepareWorkerReply;
  try {
    const results: PreparedTask[] = [];
    for (const task of message.tasks) results.push(await prepare(task));
    reply = { id: message.id, results };
  } catch (error) {
    reply = {
      id: message.id,
      crash: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
  parentPort?.postMessage(reply);
}
