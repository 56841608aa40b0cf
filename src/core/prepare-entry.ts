/**
 * Parse + render of one source file: the CPU-heavy part of a sync, shaped so that it can run in
 * a worker thread. Input and output are plain, structured-cloneable values. Link and image
 * targets are resolved from tables given up front; every lookup is recorded, so the caller can
 * check afterwards that the final tables answer the same and re-render the file when not.
 */
import { posix } from "node:path";
import { FrontmatterError, WfSyncError, type SourceLocation } from "../errors.ts";
import { parseEntry } from "./parse-entry.ts";
import type { MarkdownRenderer, RenderOptions } from "./render-options.ts";
import type { Entry, SyncWarning } from "./types.ts";

/** What one collection's files need to be prepared. */
export interface PrepareSettings {
  /** Whether the collection has a body field (else the body is not rendered). */
  hasBody: boolean;
  renderOptions: RenderOptions;
}

/** One file to prepare. */
export interface PrepareTask {
  path: string;
  text: string;
  /** Index into the PrepareSettings list. */
  settings: number;
}

/** The answers a render got from its resolvers: href or src as written → URL (null: unresolved). */
export interface RenderLookups {
  links: Record<string, string | null>;
  images: Record<string, string | null>;
}

/** A FrontmatterError as plain data, to cross a thread boundary. */
export interface PreparedError {
  message: string;
  hint?: string | undefined;
  location?: SourceLocation | undefined;
  related?: PreparedError[] | undefined;
}

export interface PreparedFile {
  path: string;
  /** SHA-256 of the bytes that were parsed, when the preparer read the file itself (workers). */
  rawDigest?: string;
  entry?: Entry;
  error?: PreparedError;
  /** Rendered body (collections with a body field). */
  html?: string;
  warnings: SyncWarning[];
  lookups: RenderLookups;
}

/** Resolvers used while rendering; both answer undefined for targets they do not know. */
export interface PrepareResolvers {
  /** URL of the synced item that a Markdown file (POSIX path relative to the root) becomes. */
  urlOfFile: (path: string) => string | undefined;
  /** Uploaded URL of a local asset (POSIX path relative to the root). */
  urlOfAsset: (path: string) => string | undefined;
}

/** The Markdown file a relative link from `folder` points at, with its `#fragment`; null for other links. */
function linkTarget(href: string, folder: string): { path: string; hash: string } | null {
  const [pathPart = "", hash] = href.split("#", 2);
  if (!/\.(md|markdown)$/i.test(pathPart)) return null;
  return { path: posix.normalize(posix.join(folder, decodeURI(pathPart))), hash: hash ? `#${hash}` : "" };
}

function urlOfTarget(
  target: { path: string; hash: string } | null,
  urlOfFile: (path: string) => string | undefined,
): string | undefined {
  if (!target) return undefined;
  const url = urlOfFile(target.path);
  return url === undefined ? undefined : `${url}${target.hash}`;
}

/** A relative link to another synced Markdown file becomes that item's URL path. */
export function resolveFileLink(
  href: string,
  fromFile: string,
  urlOfFile: (path: string) => string | undefined,
): string | undefined {
  return urlOfTarget(linkTarget(href, posix.dirname(fromFile)), urlOfFile);
}

/**
 * `resolveFileLink` for many files at once: returns the resolver for one file's links, with the
 * path arithmetic done once per folder and href (a run with nothing to render still checks
 * every recorded link of every file).
 */
export function createFileLinkResolver(
  urlOfFile: (path: string) => string | undefined,
): (fromFile: string) => (href: string) => string | undefined {
  const byFolder = new Map<string, Map<string, { path: string; hash: string } | null>>();
  return (fromFile) => {
    const folder = posix.dirname(fromFile);
    let targets = byFolder.get(folder);
    if (!targets) {
      targets = new Map();
      byFolder.set(folder, targets);
    }
    const known = targets;
    return (href) => {
      let target = known.get(href);
      if (target === undefined) {
        target = linkTarget(href, folder);
        known.set(href, target);
      }
      return urlOfTarget(target, urlOfFile);
    };
  };
}

/** Root-relative path of a local asset referenced from a file (as the body's image resolver sees it). */
export function assetPathFrom(fromFile: string, src: string): string {
  return posix.normalize(posix.join(posix.dirname(fromFile), src));
}

export function toPreparedError(error: WfSyncError): PreparedError {
  return {
    message: error.message,
    hint: error.hint,
    location: error.location,
    ...(error.related.length > 0 ? { related: error.related.map(toPreparedError) } : {}),
  };
}

export function fromPreparedError(error: PreparedError): FrontmatterError {
  return new FrontmatterError(error.message, {
    hint: error.hint,
    location: error.location,
    related: error.related?.map(fromPreparedError),
  });
}

/** Renders a parsed entry's body, recording every link and image lookup. */
export function renderEntry(
  renderer: MarkdownRenderer,
  entry: Entry,
  resolvers: PrepareResolvers,
): { html: string; warnings: SyncWarning[]; lookups: RenderLookups } {
  const lookups: RenderLookups = { links: {}, images: {} };
  const rendered = renderer.render(entry.body, {
    file: entry.file,
    lineOffset: entry.bodyLine - 1,
    resolveLink: (href) => {
      const url = resolveFileLink(href, entry.file, resolvers.urlOfFile);
      lookups.links[href] = url ?? null;
      return url;
    },
    resolveImage: (src) => {
      const url = resolvers.urlOfAsset(assetPathFrom(entry.file, src));
      lookups.images[src] = url ?? null;
      return url === undefined ? undefined : { url };
    },
  });
  return { html: rendered.html, warnings: rendered.warnings, lookups };
}

/** True when the resolvers answer every recorded lookup as they did when the file was rendered. */
export function lookupsHold(lookups: RenderLookups, fromFile: string, resolvers: PrepareResolvers): boolean {
  for (const [href, url] of Object.entries(lookups.links)) {
    if ((resolveFileLink(href, fromFile, resolvers.urlOfFile) ?? null) !== url) return false;
  }
  for (const [src, url] of Object.entries(lookups.images)) {
    if ((resolvers.urlOfAsset(assetPathFrom(fromFile, src)) ?? null) !== url) return false;
  }
  return true;
}

/** Prepares files for a fixed list of collection settings; one instance serves any number of files. */
export function createEntryPreparer(
  settings: readonly PrepareSettings[],
  createRenderer: (options: RenderOptions) => MarkdownRenderer,
) {
  const renderers = settings.map((setting) => createRenderer(setting.renderOptions));
  return {
    prepare(task: PrepareTask, resolvers: PrepareResolvers): PreparedFile {
      let entry: Entry;
      try {
        entry = parseEntry(task.path, task.text);
      } catch (error) {
        if (error instanceof WfSyncError)
          return {
            path: task.path,
            error: toPreparedError(error),
            warnings: [],
            lookups: { links: {}, images: {} },
          };
        throw error;
      }
      const renderer = renderers[task.settings];
      if (!settings[task.settings]?.hasBody || !renderer)
        return { path: task.path, entry, warnings: [], lookups: { links: {}, images: {} } };
      return { path: task.path, entry, ...renderEntry(renderer, entry, resolvers) };
    },
  };
}
