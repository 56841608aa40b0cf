/**
 * Prepares one pool task (adapters/worker-pool.ts): reads and hashes the file when it was sent
 * as a path alone, then parses and renders it. Used in each worker thread and on the main
 * thread, which takes its share of the batches instead of waiting for the workers.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  createEntryPreparer,
  type PreparedFile,
  type PrepareSettings,
  type PrepareTask,
} from "./core/prepare-entry.ts";
import type { MarkdownRenderer, RenderOptions } from "./core/render-options.ts";
import { stampOf, type FileStamp } from "./adapters/file-digests.ts";

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

/** A file to prepare: with its text, or only its path for the preparer to read. */
export type PrepareWorkerTask = Omit<PrepareTask, "text"> & { text?: string };

/** A prepared file; when the preparer read it, also what stat said just before (for the digest cache). */
export type PreparedTask = PreparedFile & { stamp?: FileStamp | undefined };

export function createTaskPreparer(
  data: PrepareWorkerData,
  createRenderer: (options: RenderOptions) => MarkdownRenderer,
): (task: PrepareWorkerTask) => PreparedTask {
  const preparer = createEntryPreparer(data.settings, createRenderer);
  const fileUrls = new Map(data.fileUrls);
  const assetUrls = new Map(data.assetUrls);
  const resolvers = {
    urlOfFile: (path: string) => fileUrls.get(path),
    urlOfAsset: (path: string) => assetUrls.get(path),
  };
  const decoder = new TextDecoder();
  return (task) => {
    if (task.text !== undefined) return preparer.prepare({ ...task, text: task.text }, resolvers);
    const path = `${data.root ?? "."}/${task.path}`;
    // Stat just before reading: the later the stat, the likelier the digest can be cached.
    const stamp = stampOf(path);
    const bytes = readFileSync(path);
    // Hash what is parsed, so the manifest's record describes the bytes the item was made from.
    const rawDigest = createHash("sha256").update(bytes).digest("hex");
    return { ...preparer.prepare({ ...task, text: decoder.decode(bytes) }, resolvers), rawDigest, stamp };
  };
}
