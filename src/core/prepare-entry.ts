/**
 * Parse + render of one source file: the CPU-heavy part of a sync, shaped so that it can run in
 * a worker thread. Input and output are plain, structured-cloneable values. Link and image
 * targets are resolved from tables given up front; every lookup is recorded, so the caller can
 * check afterwards that the final tables answer the same and re-render the file when not.
 */
import { posix } from "node:path";
import {
  FileProcessingError,
  FrontmatterError,
  LimitError,
  TemplateError,
  TextEncodingError,
  WfSyncError,
  type SourceLocation,
} from "../errors.ts";
import type { EntryLimits } from "./limits.ts";
import { parseEntry } from "./parse-entry.ts";
import type { MarkdownRenderer, RenderOptions } from "./render-options.ts";
import type { SlugRule } from "./slugify.ts";
import type { Entry, SyncWarning } from "./types.ts";

/** What one collection's files need to be prepared. */
export interface PrepareSettings {
  /** Whether the collection has a body field (else the body is not rendered). */
  hasBody: boolean;
  renderOptions: RenderOptions;
  /** The collection's `slugFrom` (slugs of files without `slug:`); the file name when absent. */
  slugRule?: SlugRule | undefined;
  /** Bounds on each file (the config's `limits`); the defaults where not given. */
  limits?: Partial<EntryLimits> | undefined;
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
  /** File line of each image src (where the render first met it), for located asset errors. */
  imageLines?: Record<string, number>;
}

/** A WfSyncError of one file as plain data, to cross a thread boundary. */
export interface PreparedError {
  /** The error's code (WF_FRONTMATTER when absent). */
  code?: string | undefined;
  /** LimitError's bound. */
  limit?: string | undefined;
  message: string;
  hint?: string | undefined;
  location?: SourceLocation | undefined;
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

/**
 * The files a Markdown link target may mean, in order: as written, with the other Markdown
 * extension, then as a folder's `_index`/`index` file (Hugo sections, page bundles). Template
 * links (`post_url`, `ref`) name a page without knowing which of these it is.
 */
function candidatesOf(path: string): string[] {
  const stem = path.replace(/\.(md|markdown)$/i, "");
  const other = path.toLowerCase().endsWith(".md") ? `${stem}.markdown` : `${stem}.md`;
  return [
    path,
    other,
    `${stem}/_index.md`,
    `${stem}/index.md`,
    `${stem}/_index.markdown`,
    `${stem}/index.markdown`,
  ];
}

function urlOfTarget(
  target: { path: string; hash: string } | null,
  urlOfFile: (path: string) => string | undefined,
): string | undefined {
  if (!target) return undefined;
  for (const candidate of candidatesOf(target.path)) {
    const url = urlOfFile(candidate);
    if (url !== undefined) return `${url}${target.hash}`;
  }
  return undefined;
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

function decodeSafely(text: string): string {
  try {
    return decodeURI(text);
  } catch {
    return text; // a stray `%` is part of the name
  }
}

/**
 * The key of a local asset referenced from a file, the same for the body's image resolver and
 * the upload: a root-relative POSIX path (`content/media/a.png`), or, for a root-absolute
 * reference (`/img/a.png`, looked up in `staticDirs`), that path normalised. Percent-encoding
 * is decoded first, so `%2E%2E/` is `../` (and is confined like it).
 */
export function assetPathFrom(fromFile: string, src: string): string {
  const decoded = decodeSafely(src.trim());
  if (decoded.startsWith("/")) return posix.normalize(decoded);
  return posix.normalize(posix.join(posix.dirname(fromFile), decoded));
}

export function toPreparedError(error: WfSyncError): PreparedError {
  return {
    code: error.code,
    limit: error instanceof LimitError ? error.limit : undefined,
    message: error.message,
    hint: error.hint,
    location: error.location,
  };
}

/** The error back, of its own class where the prepare stage can give one. */
export function fromPreparedError(error: PreparedError): WfSyncError {
  const options = { hint: error.hint, location: error.location };
  switch (error.code) {
    case "WF_LIMIT":
      return new LimitError(error.message, { ...options, limit: error.limit ?? "" });
    case "WF_TEXT_ENCODING":
      return new TextEncodingError(error.message, options);
    case "WF_FILE_UNEXPECTED":
      return new FileProcessingError(error.message, options);
    case "WF_TEMPLATE":
      return new TemplateError(error.message, options);
    default:
      return new FrontmatterError(error.message, options);
  }
}

function failedFile(path: string, error: WfSyncError): PreparedFile {
  return { path, error: toPreparedError(error), warnings: [], lookups: { links: {}, images: {} } };
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
    contentRoot: entry.contentRoot,
    resolveLink: (href) => {
      const url = resolveFileLink(href, entry.file, resolvers.urlOfFile);
      lookups.links[href] = url ?? null;
      return url;
    },
    resolveImage: (src, line) => {
      const url = resolvers.urlOfAsset(assetPathFrom(entry.file, src));
      lookups.images[src] = url ?? null;
      if (line !== undefined) (lookups.imageLines ??= {})[src] ??= line;
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
        entry = parseEntry(task.path, task.text, {
          slugRule: settings[task.settings]?.slugRule,
          limits: settings[task.settings]?.limits,
        });
      } catch (error) {
        if (error instanceof WfSyncError) return failedFile(task.path, error);
        throw error;
      }
      const renderer = renderers[task.settings];
      if (!settings[task.settings]?.hasBody || !renderer)
        return { path: task.path, entry, warnings: [], lookups: { links: {}, images: {} } };
      try {
        return { path: task.path, entry, ...renderEntry(renderer, entry, resolvers) };
      } catch (error) {
        // A body's failure is its file's (the renderer turns surprises into FileProcessingError).
        if (error instanceof WfSyncError) return failedFile(task.path, error);
        throw error;
      }
    },
  };
}
