import { constants, existsSync } from "node:fs";
import { mkdir, open, realpath } from "node:fs/promises";
import { basename, dirname, posix, resolve } from "node:path";
import fg from "fast-glob";
import { stringify } from "yaml";
import type { ResolvedCollectionConfig, ResolvedConfig } from "../config.ts";
import { AuthError, OutsideProjectError, WfSyncError } from "../errors.ts";
import { toFrontmatterValue } from "../core/convert-field.ts";
import { isItemId } from "../core/item-id.ts";
import { htmlToMarkdown } from "../core/html-to-markdown.ts";
import { mapFields, slugForEntry, type MapFieldsOptions } from "../core/map-fields.ts";
import { htmlSanitizerFor } from "../pipeline/prepare/renderer.ts";
import { fileNameForSlug, slugRuleOf } from "../core/slugify.ts";
import { parseEntry } from "../core/parse-entry.ts";
import { createMarkdownRenderer } from "../core/render-markdown.ts";
import type { CollectionSchema, FieldSchema, SyncWarning } from "../core/types.ts";
import {
  createManifestWriter,
  readManifest,
  type Manifest,
  type ManifestCollection,
  readSchemaCache,
  writeSchemaCache,
} from "../pipeline/record/manifest-store.ts";
import type { RemoteItem, WebflowClient } from "../webflow/client.ts";
import { isInside } from "../pipeline/discover/confine.ts";
import {
  loadCollectionFiles,
  renderOptionsFor,
  selectCollections,
  settingsDigestOf,
} from "../pipeline/discover/discover.ts";
import { RESERVED_FRONTMATTER_KEYS } from "../core/map-fields.ts";
import { WRITABLE_FIELD_TYPES } from "../core/convert-field.ts";

/** What happened to one item of the site. */
export interface PullResult {
  collection: string;
  file: string;
  slug: string;
  /** `written`: a new file; `overwritten`: replaced with --overwrite; `kept`: a file with this item already exists (not touched). */
  action: "written" | "overwritten" | "kept";
  itemId: string;
  /** Set when the written file does not map back cleanly (the next sync reports it too). */
  error: string | null;
}

export type PullEvent = { type: "item"; result: PullResult } | { type: "warning"; warning: SyncWarning };

export interface RunPullOptions {
  config: ResolvedConfig;
  client: WebflowClient;
  collections?: readonly string[] | undefined;
  /** Replace files that already exist. */
  isOverwriteAllowed?: boolean;
  onEvent?: (event: PullEvent) => void;
}

export interface PullReport {
  items: PullResult[];
  written: number;
  kept: number;
  failed: number;
  requests: number;
  durationMs: number;
}

const RESERVED_KEYS = RESERVED_FRONTMATTER_KEYS;
const WRITABLE_TYPES = WRITABLE_FIELD_TYPES;

/** The folder new files go to: the static part of the collection's first `include` pattern. */
export function pullFolderFor(collection: ResolvedCollectionConfig): string {
  const pattern =
    typeof collection.include === "string" ? collection.include : (collection.include[0] ?? ".");
  const base = fg.generateTasks([pattern])[0]?.base ?? ".";
  return base === "" ? "." : base;
}

/**
 * The path of a new file for a remote slug: in the pull folder, named by a safe form of the
 * slug (`fileNameForSlug`), with `-2`, `-3`… when another item or file already has that name.
 */
function newFilePath(folder: string, slug: string, taken: ReadonlySet<string>): string {
  const name = fileNameForSlug(slug);
  let path = posix.join(folder, `${name}.md`);
  for (let n = 2; taken.has(path); n++) path = posix.join(folder, `${name}-${n}.md`);
  return path;
}

/**
 * Writes a pulled file, only inside its folder under the project: the folder's real path
 * (symlinks resolved) must lie in the project root, and the file itself is opened without
 * following a symlink (a link planted where the file goes is refused, not written through).
 */
async function writeConfined(options: {
  root: string;
  folder: string;
  path: string;
  text: string;
}): Promise<void> {
  const folder = resolve(options.root, options.folder);
  const absolute = resolve(options.root, options.path);
  await mkdir(folder, { recursive: true });
  const [realRoot, realFolder] = await Promise.all([realpath(options.root), realpath(folder)]);
  if (!isInside(realRoot, realFolder) || dirname(absolute) !== folder) {
    throw new OutsideProjectError(
      `${options.path}: pull writes only inside the project (${realRoot}); this path leads to ${realFolder}.`,
      {
        location: { file: options.path },
      },
    );
  }
  const handle = await open(
    resolve(realFolder, basename(absolute)),
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
    0o666,
  ).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== "ELOOP") throw error;
    throw new OutsideProjectError(`${options.path} is a symlink; pull does not write through it.`, {
      location: { file: options.path },
      hint: "Remove the link, or pull without --overwrite.",
    });
  });
  try {
    await handle.writeFile(options.text);
  } finally {
    await handle.close();
  }
}

/** Frontmatter key for each field slug: the config's `fields` mapping read backwards, else the slug; `name` is written as `title`. */
function keysForFields(collection: ResolvedCollectionConfig, schema: CollectionSchema): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [key, slug] of Object.entries(collection.fields)) if (!keys.has(slug)) keys.set(slug, key);
  for (const field of schema.fields) {
    if (keys.has(field.slug)) continue;
    if (field.slug === "name") keys.set("name", "title");
    else if (!RESERVED_KEYS.has(field.slug)) keys.set(field.slug, field.slug);
  }
  return keys;
}

/** The frontmatter and body an author would write for an item. */
function toSourceText(options: {
  item: RemoteItem;
  collection: ResolvedCollectionConfig;
  schema: CollectionSchema;
  keys: Map<string, string>;
  slugForItemId: (itemId: string, collectionId: string) => string | undefined;
  fileSlug: string;
}): string {
  const { item, collection, schema, keys } = options;
  const data: Record<string, unknown> = {};
  const ordered: FieldSchema[] = [
    ...schema.fields.filter((field) => field.slug === "name"),
    ...schema.fields.filter((field) => field.slug !== "name"),
  ];
  for (const field of ordered) {
    if (field.slug === "slug" || field.slug === collection.body) continue;
    if (!WRITABLE_TYPES.has(field.type) || field.isEditable === false) continue;
    const key = keys.get(field.slug);
    const value = item.fieldData[field.slug];
    if (key === undefined || value === null || value === undefined || value === "") continue;
    if (Array.isArray(value) && value.length === 0) continue;
    data[key] = toFrontmatterValue(field, value, { slugForItemId: options.slugForItemId });
  }
  // The file is named after the slug; write the slug too when the name alone would not give it back.
  if (options.fileSlug !== item.slug) data["slug"] = item.slug;
  if (item.isDraft || (!item.isLive && !item.isArchived)) data["draft"] = true;
  if (item.isArchived) data["archived"] = true;
  const html = collection.body ? item.fieldData[collection.body] : undefined;
  const body = typeof html === "string" ? htmlToMarkdown(html) : "";
  const frontmatter = stringify(data, { lineWidth: 0 }).trimEnd();
  return `---\n${frontmatter}\n---\n${body === "" ? "" : `${body}\n`}`;
}

/** What every collection of a pull shares: the site's schemas, reference lookups, the manifest. */
interface PullRun {
  config: ResolvedConfig;
  isOverwriteAllowed: boolean;
  manifest: Manifest;
  schemas: Map<string, CollectionSchema>;
  listItems: (collectionId: string) => Promise<RemoteItem[]>;
  slugForItemId: (itemId: string, collectionId: string) => string | undefined;
  idsBySlug: Map<string, Map<string, string>>;
  record: (result: PullResult) => void;
}

/** One collection of a pull: where its files go, the files it has, its manifest state. */
interface PullCollection {
  collection: ResolvedCollectionConfig;
  schema: CollectionSchema;
  keys: Map<string, string>;
  folder: string;
  renderer: ReturnType<typeof createMarkdownRenderer>;
  sanitizeHtml: MapFieldsOptions["sanitizeHtml"];
  state: ManifestCollection;
  fileBySlug: Map<string, string>;
  taken: Set<string>;
}

/**
 * `wf-sync pull`: writes the site's items as Markdown files under each collection's `include`
 * folder and seeds the manifest with the digest the next sync computes from those very files,
 * so `pull` then `sync` sends no write. Existing files are kept unless `isOverwriteAllowed`.
 * The library never prints; it reports through `onEvent`.
 */
export async function runPull(options: RunPullOptions): Promise<PullReport> {
  const started = Date.now();
  const { config, client } = options;
  const emit = options.onEvent ?? (() => {});
  const selected = selectCollections(config, options.collections);
  const manifestPath = resolve(config.root, config.manifest);
  const target = `${client.target}${config.siteId ? `#${config.siteId}` : ""}`;
  const { manifest } = await readManifest(manifestPath, target);
  const writer = createManifestWriter(manifestPath, manifest);
  const results: PullResult[] = [];
  const record = (result: PullResult) => {
    results.push(result);
    emit({ type: "item", result });
  };

  const schemas = new Map<string, CollectionSchema>();
  const itemsByCollection = new Map<string, Promise<RemoteItem[]>>();
  const listItems = (collectionId: string) => {
    let listed = itemsByCollection.get(collectionId);
    if (!listed) {
      listed = client.listItems(collectionId);
      itemsByCollection.set(collectionId, listed);
    }
    return listed;
  };
  for (const collection of selected)
    schemas.set(collection.collectionId, await client.getCollection(collection.collectionId));

  const { slugsById, idsBySlug } = await listReferencedSlugs(schemas, listItems, emit);
  const slugForItemId = (itemId: string, collectionId: string) => slugsById.get(collectionId)?.get(itemId);

  // Offline `check` works right after a pull.
  await cacheSchemas(manifestPath, schemas);

  const run: PullRun = {
    config,
    isOverwriteAllowed: options.isOverwriteAllowed ?? false,
    manifest,
    schemas,
    listItems,
    slugForItemId,
    idsBySlug,
    record,
  };
  for (const collection of selected) {
    await pullCollection(run, collection);
    await writer.save();
  }
  await writer.save();
  return {
    items: results,
    written: results.filter((result) => result.action !== "kept").length,
    kept: results.filter((result) => result.action === "kept").length,
    failed: results.filter((result) => result.error !== null).length,
    requests: client.stats.requests,
    durationMs: Date.now() - started,
  };
}

/** Reference ids become slugs: list every referenced collection, synced or not, once. */
async function listReferencedSlugs(
  schemas: Map<string, CollectionSchema>,
  listItems: (collectionId: string) => Promise<RemoteItem[]>,
  emit: (event: PullEvent) => void,
): Promise<{ slugsById: Map<string, Map<string, string>>; idsBySlug: Map<string, Map<string, string>> }> {
  const slugsById = new Map<string, Map<string, string>>();
  const idsBySlug = new Map<string, Map<string, string>>();
  const referenced = new Set<string>();
  for (const schema of schemas.values()) {
    for (const field of schema.fields) {
      const target = field.validations?.["collectionId"];
      if ((field.type === "Reference" || field.type === "MultiReference") && typeof target === "string")
        referenced.add(target);
    }
  }
  for (const collectionId of new Set([...referenced, ...schemas.keys()])) {
    let items: RemoteItem[];
    try {
      items = await listItems(collectionId);
    } catch (error) {
      if (error instanceof AuthError || !(error instanceof WfSyncError)) throw error;
      emit({
        type: "warning",
        warning: {
          kind: "pull-reference",
          message: `Items of referenced collection ${collectionId} cannot be listed (${error.message}); references to it are written as item ids.`,
        },
      });
      continue;
    }
    slugsById.set(collectionId, new Map(items.map((item) => [item.itemId, item.slug])));
    idsBySlug.set(collectionId, new Map(items.map((item) => [item.slug, item.itemId])));
  }
  return { slugsById, idsBySlug };
}

/** Adds the pulled schemas to the schema cache next to the manifest. */
async function cacheSchemas(manifestPath: string, schemas: Map<string, CollectionSchema>): Promise<void> {
  const schemaCachePath = resolve(dirname(manifestPath), "schema-cache.json");
  const cached = await readSchemaCache(schemaCachePath);
  await writeSchemaCache(schemaCachePath, {
    ...(cached ?? {}),
    version: 1,
    fetchedAt: new Date().toISOString(),
    collections: { ...(cached?.collections ?? {}), ...Object.fromEntries(schemas) },
  });
}

/** Pulls every item of one collection (the caller saves the manifest afterwards). */
async function pullCollection(run: PullRun, collection: ResolvedCollectionConfig): Promise<void> {
  const { config, manifest } = run;
  const schema = run.schemas.get(collection.collectionId) as CollectionSchema;
  const keys = keysForFields(collection, schema);
  const folder = pullFolderFor(collection);
  const renderOptions = renderOptionsFor(config, collection);
  const renderer = createMarkdownRenderer(renderOptions);
  const existing = await loadCollectionFiles(config.root, collection);
  const fileBySlug = new Map<string, string>();
  for (const file of existing) if (file.entry) fileBySlug.set(slugForEntry(file.entry), file.path);
  const state = (manifest.collections[collection.collectionId] ??= { settingsDigest: "", items: {} });
  // The same expression as the sync's, so a pull does not mark every item stale.
  state.settingsDigest = settingsDigestOf(collection, renderOptions, schema);
  const remote = (await run.listItems(collection.collectionId)).filter((item) => item.slug !== "");

  const taken = new Set(existing.map((file) => file.path));
  const sanitizeHtml = await htmlSanitizerFor({ schema, bodyField: collection.body, renderOptions });
  const pulling: PullCollection = {
    ...{ collection, schema, keys, folder, renderer, sanitizeHtml },
    ...{ state, fileBySlug, taken },
  };
  for (const item of remote) await pullItem(run, pulling, item);
}

/** Writes one item's file (or keeps the one there) and records the item in the manifest. */
async function pullItem(run: PullRun, pulling: PullCollection, item: RemoteItem): Promise<void> {
  const { config, record } = run;
  const { collection, schema, keys, folder, state } = pulling;
  const known = pulling.fileBySlug.get(item.slug);
  const path = known ?? newFilePath(folder, item.slug, pulling.taken);
  pulling.taken.add(path);
  const absolute = resolve(config.root, path);
  const isPresent = known !== undefined || existsSync(absolute);
  if (isPresent && !run.isOverwriteAllowed) {
    // The team's file wins: the item is recorded without a digest, so the next sync writes the file's content.
    const previous = state.items[item.slug];
    state.items[item.slug] = {
      itemId: item.itemId,
      digest: previous?.itemId === item.itemId ? previous.digest : "",
      fields: previous?.fields ?? {},
      file: path,
      isDraft: item.isDraft,
      isArchived: item.isArchived,
      isLive: item.isLive,
    };
    record({
      collection: collection.name,
      file: path,
      slug: item.slug,
      action: "kept",
      itemId: item.itemId,
      error: null,
    });
    return;
  }
  const fileSlug = posix.basename(path).replace(/\.(md|markdown)$/i, "");
  const text = toSourceText({ item, collection, schema, keys, slugForItemId: run.slugForItemId, fileSlug });
  try {
    await writeConfined({ root: config.root, folder: known ? dirname(path) : folder, path, text });
  } catch (caught) {
    if (!(caught instanceof WfSyncError)) throw caught;
    record({
      collection: collection.name,
      file: path,
      slug: item.slug,
      action: "kept",
      itemId: item.itemId,
      error: caught.message,
    });
    return;
  }

  const { error, digest, fields, previews, isDraft, isArchived } = mapWrittenFile(
    run,
    pulling,
    item,
    path,
    text,
  );
  state.items[item.slug] = {
    itemId: item.itemId,
    digest,
    fields,
    file: path,
    isDraft,
    isArchived,
    isLive: item.isLive,
    ...(previews ? { previews } : {}),
  };
  record({
    collection: collection.name,
    file: path,
    slug: item.slug,
    action: isPresent ? "overwritten" : "written",
    itemId: item.itemId,
    error,
  });
}

/** Run the sync's own local steps on the file just written, and record what they give. */
function mapWrittenFile(
  run: PullRun,
  pulling: PullCollection,
  item: RemoteItem,
  path: string,
  text: string,
): {
  error: string | null;
  digest: string;
  fields: Record<string, string>;
  previews: Record<string, string> | undefined;
  isDraft: boolean;
  isArchived: boolean;
} {
  const { collection, schema, renderer } = pulling;
  let error: string | null = null;
  let digest = "";
  let fields: Record<string, string> = {};
  let previews: Record<string, string> | undefined;
  let isDraft = item.isDraft;
  let isArchived = item.isArchived;
  try {
    const entry = parseEntry(path, text, { slugRule: slugRuleOf(collection) });
    const rendered = collection.body
      ? renderer.render(entry.body, {
          file: path,
          lineOffset: entry.bodyLine - 1,
          resolveLink: () => undefined,
          resolveImage: () => undefined,
        })
      : undefined;
    const mapped = mapFields(entry, {
      mapping: collection,
      schema,
      html: rendered?.html,
      resolveReference: (targetRef, collectionId) =>
        run.idsBySlug.get(collectionId)?.get(targetRef) ?? (isItemId(targetRef) ? targetRef : undefined),
      resolveAsset: () => undefined,
      sanitizeHtml: pulling.sanitizeHtml,
    });
    if (mapped.ok) {
      digest = mapped.draft.digest;
      fields = mapped.draft.fieldDigests;
      previews = mapped.draft.fieldPreviews;
      isDraft = mapped.draft.isDraft;
      isArchived = mapped.draft.isArchived;
    } else {
      error = mapped.errors[0]?.message ?? "the file does not map back to the item";
    }
  } catch (caught) {
    if (!(caught instanceof WfSyncError)) throw caught;
    error = caught.message;
  }
  return { error, digest, fields, previews, isDraft, isArchived };
}
