/**
 * Worker-thread entry of the prepare pool (adapters/worker-pool.ts): parses and renders the
 * files it is sent and posts the results back, batch by batch.
 */
import { parentPort, workerData } from "node:worker_threads";
import {
  createEntryPreparer,
  type PreparedFile,
  type PrepareSettings,
  type PrepareTask,
} from "./core/prepare-entry.ts";
import { createMarkdownRenderer } from "./core/render-markdown.ts";

/** What the pool hands each worker when it starts it. */
export interface PrepareWorkerData {
  settings: PrepareSettings[];
  /** Markdown file path → URL of its item (best knowledge at start; the caller re-checks). */
  fileUrls: Array<[string, string]>;
  /** Local asset path → uploaded URL. */
  assetUrls: Array<[string, string]>;
}

export type PrepareWorkerReply = { id: number; results: PreparedFile[] } | { id: number; crash: string };

const data = workerData as PrepareWorkerData;
const preparer = createEntryPreparer(data.settings, createMarkdownRenderer);
const fileUrls = new Map(data.fileUrls);
const assetUrls = new Map(data.assetUrls);
const resolvers = {
  urlOfFile: (path: string) => fileUrls.get(path),
  urlOfAsset: (path: string) => assetUrls.get(path),
};

parentPort?.on("message", (message: { id: number; tasks: PrepareTask[] }) => {
  let reply: PrepareWorkerReply;
  try {
    reply = { id: message.id, results: message.tasks.map((task) => preparer.prepare(task, resolvers)) };
  } catch (error) {
    reply = {
      id: message.id,
      crash: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
  parentPort?.postMessage(reply);
});
