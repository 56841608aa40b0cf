/**
 * Where every synced file ends up on the site: path → slug and URL, across collections. Links
 * between Markdown files become item URLs through it, and references written as paths become
 * slugs.
 */
import { posix } from "node:path";
import { createFileLinkResolver, resolveFileLink } from "../../core/prepare-entry.ts";
import type { CollectionRun } from "../discover/discover.ts";
import { slugOfLoaded } from "../prepare/prepare-files.ts";

export interface SiteIndex {
  byPath: ReadonlyMap<string, { run: CollectionRun; slug: string }>;
  /** URL path of the item a synced file becomes. */
  urlOfFile: (path: string) => string | undefined;
  /** Resolver of relative links, from one file's folder. */
  linksFrom: ReturnType<typeof createFileLinkResolver>;
}

/** URL path of a collection's items on the site, with `{slug}` to fill in. */
export function urlPatternOf(run: CollectionRun): string {
  return run.config.urlPattern ?? `/${run.schema.slug || run.config.name}/{slug}`;
}

export function buildSiteIndex(runs: readonly CollectionRun[]): SiteIndex {
  const byPath = new Map<string, { run: CollectionRun; slug: string }>();
  for (const run of runs) {
    for (const file of run.files) {
      const slug = slugOfLoaded(file);
      if (slug !== undefined) byPath.set(file.path, { run, slug });
    }
  }
  const urlByPath = new Map(
    [...byPath].map(([path, found]) => [path, urlPatternOf(found.run).replace("{slug}", found.slug)]),
  );
  const urlOfFile = (path: string) => urlByPath.get(path);
  return { byPath, urlOfFile, linksFrom: createFileLinkResolver(urlOfFile) };
}

/**
 * The slug a reference target names: the target itself, or the slug of the synced Markdown
 * file a path points at, resolved from the referring file's folder (paths contain `/` or end
 * in `.md`). Without the referring file, a path is matched by its end.
 */
export function slugOfReference(index: SiteIndex, target: string, fromFile?: string): string | undefined {
  if (!target.includes("/") && !/\.(md|markdown)$/i.test(target)) return target;
  if (fromFile !== undefined) {
    const resolved = posix.normalize(posix.join(posix.dirname(fromFile), target));
    for (const candidate of [resolved, `${resolved}.md`]) {
      const found = index.byPath.get(candidate);
      if (found) return found.slug;
    }
    return undefined;
  }
  const suffix = `/${target.replace(/^(\.\.?\/)+/, "")}`;
  return [...index.byPath.entries()].find(([path]) => path === target || path.endsWith(suffix))?.[1].slug;
}

/** A relative link to another synced Markdown file becomes that item's URL path. */
export function resolveLink(index: SiteIndex, href: string, fromFile: string): string | undefined {
  return resolveFileLink(href, fromFile, index.urlOfFile);
}
