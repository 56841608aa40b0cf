import { dirname, posix, resolve } from "node:path";
import type { ResolvedConfig } from "../config.ts";
import { DuplicateSlugError, WfSyncError, type SourceLocation } from "../errors.ts";
import { resolveFileLink } from "../core/prepare-entry.ts";
import { listEntryDependencies, mapFields, slugForEntry } from "../core/map-fields.ts";
import { createMarkdownRenderer, listLocalImages } from "../core/render-markdown.ts";
import type { SyncWarning } from "../core/types.ts";
import { findLocalAsset } from "../pipeline/apply/read-asset.ts";
import { confinementOf } from "../pipeline/discover/confine.ts";
import { readManifest, readSchemaCache } from "../pipeline/record/manifest-store.ts";
import { loadCollectionFiles, renderOptionsFor, selectCollections, type ItemResult } from "./sync.ts";
import { anchorOf, mergeTranslation, missingPrimaryError } from "../core/translation.ts";

/** The result line of a file that failed the check. */
function invalidItem(options: {
  collection: string;
  file: string;
  slug: string;
  error: WfSyncError;
}): ItemResult {
  const { collection, file, slug, error } = options;
  return { collection, file, slug, action: "invalid", itemId: null, error: error.message, cause: error };
}

export interface CheckReport {
  items: ItemResult[];
  /** When the cached schemas were fetched; undefined when there is no cache. */
  schemaFetchedAt: string | undefined;
  checked: number;
  failed: number;
}

export interface RunCheckOptions {
  config: ResolvedConfig;
  collections?: readonly string[] | undefined;
  isStrict?: boolean;
  onWarning?: (warning: SyncWarning) => void;
}

/**
 * Validates every file offline: frontmatter, slugs, field values against the schema cached
 * by the last online run, local assets, and references that can be checked without the site.
 */
export async function runCheck(options: RunCheckOptions): Promise<CheckReport> {
  const { config } = options;
  const selected = selectCollections(config, options.collections);
  const manifestPath = resolve(config.root, config.manifest);
  const cache = await readSchemaCache(resolve(dirname(manifestPath), "schema-cache.json"));
  const { manifest } = await readManifest(manifestPath, "(any)").catch(() => ({ manifest: undefined }));
  const items: ItemResult[] = [];
  const warn = options.onWarning ?? (() => {});
  if (!cache) {
    warn({
      kind: "no-schema-cache",
      message:
        "No cached schema yet (run `wf-sync sync` once online): only frontmatter, slugs and assets were checked, not field values.",
    });
  }
  const loaded = await Promise.all(
    selected.map(async (collection) => ({
      collection,
      files: await loadCollectionFiles(config.root, collection),
    })),
  );
  const slugsByCollection = new Map<string, Set<string>>();
  for (const { collection, files } of loaded) {
    slugsByCollection.set(
      collection.collectionId,
      new Set(files.flatMap((file) => (file.entry ? [slugForEntry(file.entry)] : []))),
    );
  }
  // Every synced file's slug and URL, for path references and links between files.
  const byPath = new Map<string, { slug: string; url: string }>();
  for (const { collection, files } of loaded) {
    const pattern =
      collection.urlPattern ??
      `/${cache?.collections[collection.collectionId]?.slug || collection.name}/{slug}`;
    for (const file of files) {
      if (!file.entry) continue;
      const slug = slugForEntry(file.entry);
      byPath.set(file.path, { slug, url: pattern.replace("{slug}", slug) });
    }
  }
  const resolveLink = (href: string, fromFile: string) =>
    resolveFileLink(href, fromFile, (path) => byPath.get(path)?.url);
  const resolveReference = (target: string, collectionId: string, fromFile: string): string | undefined => {
    const slugs = slugsByCollection.get(collectionId);
    const isPath = target.includes("/") || /\.(md|markdown)$/i.test(target);
    const resolved = isPath ? posix.normalize(posix.join(posix.dirname(fromFile), target)) : undefined;
    const targetSlug =
      resolved === undefined ? target : (byPath.get(resolved) ?? byPath.get(`${resolved}.md`))?.slug;
    if (targetSlug === undefined) return undefined;
    // Offline, a reference is good when the item is in the files or the manifest; other
    // collections' items are unknown here, so they are let through to the online run.
    if (!slugs) return manifest?.collections[collectionId]?.items[targetSlug]?.itemId || "unverified";
    return slugs.has(targetSlug) || manifest?.collections[collectionId]?.items[targetSlug] ? "ok" : undefined;
  };
  let checked = 0;
  for (const { collection, files } of loaded) {
    const schema = cache?.collections[collection.collectionId];
    const renderer = createMarkdownRenderer(renderOptionsFor(config, collection));
    const seen = new Map<string, string>();
    for (const file of files) {
      checked++;
      const fail = (slug: string, error: WfSyncError) =>
        items.push(invalidItem({ collection: collection.name, file: file.path, slug, error }));
      if (!file.entry) {
        fail("", file.error as WfSyncError);
        continue;
      }
      const entry = file.entry;
      const slug = slugForEntry(entry);
      const other = seen.get(slug);
      if (other) {
        fail(
          slug,
          new DuplicateSlugError(`slug "${slug}" is also used by ${other}.`, {
            location: { file: entry.file },
            hint: "Give one of the files another `slug:`.",
          }),
        );
        continue;
      }
      seen.set(slug, entry.file);
      let failed = false;
      const assets: Array<{
        path: string;
        assetKind: "image" | "file";
        key?: string;
        location?: SourceLocation;
      }> = collection.body
        ? listLocalImages(entry.body).map((path) => ({
            path,
            assetKind: "image" as const,
            location: { file: entry.file, line: entry.bodyLine },
          }))
        : [];
      if (schema) {
        for (const dependency of listEntryDependencies(entry, { mapping: collection, schema }))
          if (dependency.kind === "asset") assets.push(dependency);
      }
      for (const asset of assets) {
        // Located, confined and named like sync does: a field's asset at its key, a body image at the body.
        const found = await findLocalAsset({
          confinement: confinementOf(config),
          fromFile: entry.file,
          written: asset.path,
          assetKind: asset.assetKind,
          location: asset.location ?? { file: entry.file },
          prefix: asset.key ? `${asset.key}: ` : "",
          isBodyImage: asset.key === undefined,
        });
        if (found && "error" in found && !failed) {
          fail(slug, found.error);
          failed = true;
        }
      }
      if (failed) continue;
      const rendered = collection.body
        ? renderer.render(entry.body, {
            file: entry.file,
            lineOffset: entry.bodyLine - 1,
            resolveImage: (src) => ({ url: src }),
            resolveLink: (href) => resolveLink(href, entry.file),
          })
        : undefined;
      for (const warning of rendered?.warnings ?? []) warn(warning);
      if (!schema) continue;
      const mapped = mapFields(entry, {
        mapping: collection,
        schema,
        html: rendered?.html,
        isStrict: options.isStrict ?? false,
        resolveAsset: (path) => ({ fileId: "local", url: path }),
        resolveReference,
      });
      for (const warning of mapped.warnings) warn(warning);
      if (!mapped.ok) fail(slug, mapped.errors[0] as WfSyncError);
    }
  }

  // Translations, merged with their primary file as sync writes them; an error is the
  // translation's when it is at one of its own keys (or the primary file itself is fine).
  for (const { collection, files } of loaded) {
    const schema = cache?.collections[collection.collectionId];
    const primaryBySlug = new Map(
      files.flatMap((file) => (file.entry ? [[slugForEntry(file.entry), file.entry] as const] : [])),
    );
    for (const [tag, include] of Object.entries(collection.locales ?? {})) {
      for (const file of await loadCollectionFiles(config.root, { ...collection, include })) {
        checked++;
        const fail = (slug: string, error: WfSyncError) =>
          items.push(invalidItem({ collection: `${collection.name}[${tag}]`, file: file.path, slug, error }));
        if (!file.entry) {
          fail("", file.error as WfSyncError);
          continue;
        }
        const anchor = anchorOf(file.entry, file.path);
        const primary = primaryBySlug.get(anchor);
        if (!primary) {
          fail(anchor, missingPrimaryError({ anchor, collection: collection.name, file: file.path }));
          continue;
        }
        if (!schema) continue;
        const merged = mergeTranslation({ primary, translation: file.entry, anchor });
        const mapped = mapFields(merged, {
          mapping: collection,
          schema,
          isStrict: options.isStrict ?? false,
          resolveAsset: (path) => ({ fileId: "local", url: path }),
          // Values inherited from the primary file are relative to it.
          resolveReference: (target, collectionId, fromFile) =>
            resolveReference(target, collectionId, fromFile) ??
            resolveReference(target, collectionId, primary.file),
        });
        if (mapped.ok) continue;
        const isPrimaryFailed = items.some((item) => item.file === primary.file);
        const ownError =
          mapped.errors.find(
            (error) => error.location?.file === file.path && error.location.line !== undefined,
          ) ?? (isPrimaryFailed ? undefined : mapped.errors[0]);
        if (ownError) fail(anchor, ownError);
      }
    }
  }
  return { items, schemaFetchedAt: cache?.fetchedAt, checked, failed: items.length };
}
