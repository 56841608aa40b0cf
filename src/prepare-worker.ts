/**
 * Worker-thread entry of the prepare pool (adapters/worker-pool.ts): reads (when it is sent only
 * paths), hashes, parses and renders files, and posts the results back batch by batch. Reading
 * here keeps the main thread free: on two cores it would otherwise compete with the workers.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
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
  /** Folder the paths are relative to, for tasks sent without their text. */
  root?: string;
}

/** A file to prepare: with its text, or only its path for the worker to read. */
export type PrepareWorkerTask = Omit<PrepareTask, "text"> & { text?: string };

export type PrepareWorkerReply = { id: number; results: PreparedFile[] } | { id: number; crash: string };

const data = workerData as PrepareWorkerData;
const preparer = createEntryPreparer(data.settings, createMarkdownRenderer);
const fileUrls = new Map(data.fileUrls);
const assetUrls = new Map(data.assetUrls);
const resolvers = {
  urlOfFile: (path: string) => fileUrls.get(path),
  urlOfAsset: (path: string) => assetUrls.get(path),
};
const decoder = new TextDecoder();

function prepare(task: PrepareWorkerTask): PreparedFile {
  if (task.text !== undefined) return preparer.prepare({ ...task, text: task.text }, resolvers);
  const bytes = readFileSync(`${data.root ?? "."}/${task.path}`);
  // Hash what is parsed, so the manifest's record describes the bytes the item was made from.
  const rawDigest = createHash("sha256").update(bytes).digest("hex");
  return { ...preparer.prepare({ ...task, text: decoder.decode(bytes) }, resolvers), rawDigest };
}

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
