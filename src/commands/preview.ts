import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import type { ResolvedConfig } from "../config.ts";
import { WfSyncError } from "../errors.ts";
import { parseEntry } from "../core/parse-entry.ts";
import { renderPreviewPage } from "../core/preview-page.ts";
import { createMarkdownRenderer } from "../core/render-markdown.ts";
import { resolveLimits } from "../core/limits.ts";
import { overBudgetError, TimeBudgetExceeded, withinTimeBudget } from "../pipeline/prepare/time-budget.ts";
import type { SyncWarning } from "../core/types.ts";
import { renderOptionsFor } from "../pipeline/discover/discover.ts";
import { listSources } from "../pipeline/discover/read-sources.ts";

/**
 * `wf-sync preview <file>`: renders the body exactly as a sync would send it and writes it,
 * wrapped in a page with Webflow's default rich-text styles, so an author can look first.
 */
export async function runPreview(options: {
  config: ResolvedConfig;
  file: string;
  cwd: string;
  out?: string | undefined;
  onWarning: (warning: SyncWarning) => void;
}): Promise<{ outFile: string | undefined; isOk: boolean }> {
  const { config } = options;
  const absolute = resolve(options.cwd, options.file);
  const path = relative(config.root, absolute).split("\\").join("/");
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch {
    // Like any file that cannot be previewed: exit 1 (SPEC: preview exits 0 or 1), nothing written.
    return { outFile: undefined, isOk: false };
  }
  // The collection whose patterns take this file decides the rendering options.
  let collection = config.collections.find((candidate) => Boolean(candidate.body)) ?? config.collections[0];
  for (const candidate of config.collections) {
    if (
      (
        await listSources({ root: config.root, include: candidate.include, exclude: candidate.exclude })
      ).includes(path)
    ) {
      collection = candidate;
      break;
    }
  }
  let isOk = true;
  let title = path;
  let html = "";
  const { maxFileMs } = resolveLimits(config.limits);
  try {
    const entry = parseEntry(path, text, { limits: config.limits });
    title =
      typeof entry.data["title"] === "string"
        ? entry.data["title"]
        : typeof entry.data["name"] === "string"
          ? entry.data["name"]
          : path;
    const renderer = createMarkdownRenderer(
      collection ? renderOptionsFor(config, collection) : (config.richText ?? {}),
    );
    const result = withinTimeBudget(maxFileMs, entry.body.length, () =>
      renderer.render(entry.body, { file: path, lineOffset: entry.bodyLine - 1 }),
    );
    for (const warning of result.warnings) options.onWarning(warning);
    html = result.html;
  } catch (caught) {
    const error = caught instanceof TimeBudgetExceeded ? overBudgetError(path, maxFileMs) : caught;
    if (!(error instanceof WfSyncError)) throw error;
    isOk = false;
    options.onWarning({ kind: "preview-failed", message: error.message, location: error.location });
  }
  const outFile = resolve(
    config.root,
    options.out ?? `.wf-sync/preview/${path.replace(/\.(md|markdown)$/i, "").replace(/\//g, "__")}.html`,
  );
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, renderPreviewPage({ title, html }));
  return { outFile, isOk };
}
