/**
 * Worker-thread entry of the prepare pool (adapters/worker-pool.ts): prepares each batch it is
 * sent (prepare-task.ts) and posts the results back batch by batch. Reading happens here too,
 * so the main thread stays free for its own share of the work.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createMarkdownRenderer } from "./core/render-markdown.ts";
import {
  createTaskPreparer,
  type PreparedTask,
  type PrepareWorkerData,
  type PrepareWorkerTask,
} from "./prepare-task.ts";

export type { PrepareWorkerData, PrepareWorkerTask } from "./prepare-task.ts";

export type PrepareWorkerReply = { id: number; results: PreparedTask[] } | { id: number; crash: string };

const prepare = createTaskPreparer(workerData as PrepareWorkerData, createMarkdownRenderer);

parentPort?.on("message", (message: { id: number; tasks: PrepareWorkerTask[] }) => {
  let reply: PrepareWorkerReply;
  try {
    reply = { id: message.id, results: message.tasks.map(prepare) };
  } catch (error) {
    reply = {
      id: message.id,
      crash: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
  parentPort?.postMessage(reply);
});
