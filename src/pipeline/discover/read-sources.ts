import * as fs from "node:fs";
import { readFile, realpath } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import fg from "fast-glob";
import { OutsideProjectError } from "../../errors.ts";
import type { SourceFile } from "../../core/types.ts";
import { isInside } from "./confine.ts";

export interface ListSourcesOptions {
  root: string;
  include: string | readonly string[];
  exclude?: string | readonly string[] | undefined;
}

function asArray(patterns: string | readonly string[] | undefined): string[] {
  if (patterns === undefined) return [];
  return typeof patterns === "string" ? [patterns] : [...patterns];
}

function notFollowed(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${path}: symlink not followed`), { code: "ENOENT" });
}

/**
 * fast-glob's `stat` (it is called only for symlinks): a link whose target lies outside the
 * real root, or is a folder holding the link itself (a loop such as `loop -> ..`), answers
 * like a broken link, so it is neither listed nor walked into. `followed` collects the links
 * that were followed, with their real targets.
 */
function guardedStat(realRoot: string, followed: Map<string, string>) {
  return (path: string, callback: (error: NodeJS.ErrnoException | null, stats?: fs.Stats) => void) => {
    fs.realpath(path, (error, real) => {
      if (error) return callback(error);
      let realParent: string;
      try {
        realParent = fs.realpathSync(dirname(path));
      } catch (parentError) {
        return callback(parentError as NodeJS.ErrnoException);
      }
      if (!isInside(realRoot, real) || isInside(real, realParent)) return callback(notFollowed(path));
      fs.stat(real, (statError, stats) => {
        if (!statError) followed.set(path, real);
        callback(statError, stats);
      });
    });
  };
}

/**
 * Lists the files matching a collection's globs: POSIX paths relative to `root`, sorted.
 * Symlinks are followed only to places inside the project root, and never into a folder that
 * holds the link (a loop); a file reached both directly and through a link is listed once,
 * under its direct path.
 */
export async function listSources(options: ListSourcesOptions): Promise<string[]> {
  const root = resolve(options.root);
  const realRoot = await realpath(root);
  const followed = new Map<string, string>();
  const files = await fg(asArray(options.include), {
    cwd: root,
    ignore: ["**/node_modules/**", ...asArray(options.exclude)],
    onlyFiles: true,
    dot: false,
    followSymbolicLinks: true,
    fs: { stat: guardedStat(realRoot, followed) as unknown as typeof fs.stat },
  });
  files.sort();
  if (followed.size === 0) return files;
  // Paths reached through a followed link: keep one path per real file, the direct one if listed.
  const links = [...followed.keys()];
  const throughLink = (absolute: string) =>
    links.some((link) => absolute === link || absolute.startsWith(`${link}${sep}`));
  const byReal = new Map<string, string>();
  const direct = new Set<string>();
  const kept: string[] = [];
  const linked: string[] = [];
  for (const path of files) {
    if (throughLink(resolve(root, path))) linked.push(path);
    else {
      // No link below the root on the way: its real path is the real root's.
      direct.add(resolve(realRoot, path));
      kept.push(path);
    }
  }
  for (const path of linked) {
    const absolute = resolve(root, path);
    const real = await realpath(absolute).catch(() => undefined);
    if (real === undefined || !isInside(realRoot, real) || direct.has(real) || byReal.has(real)) continue;
    byReal.set(real, path);
    kept.push(path);
  }
  return kept.sort();
}

/** Reads one source file as UTF-8; a file that resolves outside the project root is refused. */
export async function readSource(root: string, path: string): Promise<SourceFile> {
  const absolute = resolve(root, path);
  const [real, realRoot] = await Promise.all([realpath(absolute), realpath(root)]);
  if (!isInside(realRoot, real)) {
    throw new OutsideProjectError(
      `${path} resolves to ${real}, outside the project (${realRoot}); it was not read.`,
      {
        location: { file: path },
      },
    );
  }
  const text = await readFile(real, "utf8");
  return { path, text };
}
