import { readFile } from "node:fs/promises";
import fg from "fast-glob";
import type { SourceFile } from "../../core/types.ts";

export interface ListSourcesOptions {
  root: string;
  include: string | readonly string[];
  exclude?: string | readonly string[] | undefined;
}

function asArray(patterns: string | readonly string[] | undefined): string[] {
  if (patterns === undefined) return [];
  return typeof patterns === "string" ? [patterns] : [...patterns];
}

/** Lists the files matching a collection's globs: POSIX paths relative to `root`, sorted. */
export async function listSources(options: ListSourcesOptions): Promise<string[]> {
  const files = await fg(asArray(options.include), {
    cwd: options.root,
    ignore: ["**/node_modules/**", ...asArray(options.exclude)],
    onlyFiles: true,
    dot: false,
    followSymbolicLinks: true,
  });
  return files.sort();
}

/** Reads one source file as UTF-8. */
export async function readSource(root: string, path: string): Promise<SourceFile> {
  const text = await readFile(`${root}/${path}`, "utf8");
  return { path, text };
}
