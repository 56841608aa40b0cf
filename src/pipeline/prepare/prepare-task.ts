/**
 * Prepares one pool task (adapters/worker-pool.ts): reads and hashes the file when it was sent
 * as a path alone, then parses and renders it. Used in each worker thread, on the main thread
 * (which takes its share of the batches instead of waiting), and for the few files of an edit.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolveLimits } from "../../core/limits.ts";
import {
  createEntryPreparer,
  toPreparedError,
  type PrepareResolvers,
  type PreparedFile,
  type PrepareSettings,
  type PrepareTask,
} from "../../core/prepare-entry.ts";
import type { MarkdownRenderer, RenderOptions } from "../../core/render-options.ts";
import { stampOf, type FileStamp } from "./file-digests.ts";
import { overBudgetError, TimeBudgetExceeded, withinTimeBudget } from "./time-budget.ts";

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

/**
 * A prepared file; when the preparer read it, also what stat said just before (for the digest
 * cache), and whether its body took the markdown-it fast path (for PrepareStats).
 */
export type PreparedTask = PreparedFile & { stamp?: FileStamp | undefined; isFastPath?: boolean };

/** A renderer factory for one collection's options. */
type RendererFactory = (options: RenderOptions) => MarkdownRenderer;

/** The full toolchain (render-markdown.ts), loaded only when a body needs it. */
interface FullRenderers {
  createMarkdownRenderer: RendererFactory;
  createReferenceRenderer: RendererFactory;
}

/**
 * For the files benchmark only: `WF_SYNC_BENCH_RENDER=remark` parses every body with remark,
 * the yardstick the markdown-it fast path must beat (bench/files.ts). Not a user setting.
 */
function isRemarkForced(): boolean {
  return process.env["WF_SYNC_BENCH_RENDER"] === "remark";
}

/** MissingRenderPart (core/render/pipeline.ts), known by name so this module loads no renderer. */
function isMissingRenderPart(error: unknown): boolean {
  return error instanceof Error && error.name === "MissingRenderPart";
}

/**
 * Prepares tasks with the light renderer (render-light.ts: the markdown-it fast path alone)
 * and loads the full toolchain only for the first body that needs it: a thread whose bodies
 * are all plain never loads remark, parse5 or highlight.js (less memory, faster start).
 */
export function createTaskPreparer(
  data: PrepareWorkerData,
  renderers: { light: RendererFactory; loadFull: () => Promise<FullRenderers> },
): (task: PrepareWorkerTask) => Promise<PreparedTask> {
  const isRemarkOnly = isRemarkForced();
  let light: ReturnType<typeof createEntryPreparer> | undefined;
  try {
    if (!isRemarkOnly) light = createEntryPreparer(data.settings, renderers.light);
  } catch (error) {
    // `highlight: true` needs the full toolchain from the start.
    if (!isMissingRenderPart(error)) throw error;
  }
  // One load, however many tasks ask for it at once.
  let full: Promise<ReturnType<typeof createEntryPreparer>> | undefined;
  const fileUrls = new Map(data.fileUrls);
  const assetUrls = new Map(data.assetUrls);
  const resolvers = {
    urlOfFile: (path: string) => fileUrls.get(path),
    urlOfAsset: (path: string) => assetUrls.get(path),
  };
  const decoder = new TextDecoder();
  const prepare = async (task: PrepareTask): Promise<PreparedTask> => {
    if (light) {
      try {
        // The light renderer holds nothing but the fast path: a body it renders took it.
        const prepared = prepareWithinBudget(light, task, { resolvers, settings: data.settings });
        return prepared.html === undefined ? prepared : { ...prepared, isFastPath: true };
      } catch (error) {
        if (!isMissingRenderPart(error)) throw error;
      }
    }
    full ??= renderers
      .loadFull()
      .then((loaded) =>
        createEntryPreparer(
          data.settings,
          isRemarkOnly ? loaded.createReferenceRenderer : loaded.createMarkdownRenderer,
        ),
      );
    // A body the light renderer refused is one the fast path does not take: remark parses it.
    const prepared = prepareWithinBudget(await full, task, { resolvers, settings: data.settings });
    return prepared.html === undefined ? prepared : { ...prepared, isFastPath: false };
  };
  return async (task) => {
    if (task.text !== undefined) return prepare({ ...task, text: task.text });
    const path = `${data.root ?? "."}/${task.path}`;
    // Stat just before reading: the later the stat, the likelier the digest can be cached.
    const stamp = stampOf(path);
    const bytes = readFileSync(path);
    // Hash what is parsed, so the manifest's record describes the bytes the item was made from.
    const rawDigest = createHash("sha256").update(bytes).digest("hex");
    return { ...(await prepare({ ...task, text: decoder.decode(bytes) })), rawDigest, stamp };
  };
}

/** Prepares one file within `limits.maxFileMs`; a file that takes longer fails alone with WF_LIMIT. */
function prepareWithinBudget(
  preparer: ReturnType<typeof createEntryPreparer>,
  task: PrepareTask,
  options: { resolvers: PrepareResolvers; settings: readonly PrepareSettings[] },
): PreparedFile {
  const { maxFileMs } = resolveLimits(options.settings[task.settings]?.limits);
  try {
    return withinTimeBudget(maxFileMs, task.text.length, () => preparer.prepare(task, options.resolvers));
  } catch (error) {
    if (!(error instanceof TimeBudgetExceeded)) throw error;
    const limit = overBudgetError(task.path, maxFileMs);
    return {
      path: task.path,
      error: toPreparedError(limit),
      warnings: [],
      lookups: { links: {}, images: {} },
    };
  }
}
