/**
 * The discover stage: which collections this run covers, and which source files each has
 * (primary files and, per secondary locale, translations). A file matched by a locale's
 * pattern is a translation, never a primary item of its own.
 */
import { relative } from "node:path";
import pLimit from "p-limit";
import type { ResolvedCollectionConfig, ResolvedConfig } from "../../config.ts";
import { UsageError, WfSyncError } from "../../errors.ts";
import { digestOf } from "../../core/digest.ts";
import { mappingDigestInput } from "../../core/map-fields.ts";
import { parseEntry } from "../../core/parse-entry.ts";
import { slugRuleOf } from "../../core/slugify.ts";
import { resolveRenderOptions, type MarkdownRenderer } from "../../core/render-options.ts";
import type { CollectionSchema, SyncWarning } from "../../core/types.ts";
import type { LoadedFile } from "../prepare/prepare-files.ts";
import { lazyRenderer } from "../prepare/renderer.ts";
import { listSources, readSource } from "./read-sources.ts";

/** One collection of a run: its settings, its schema and its source files. */
export interface CollectionRun {
  config: ResolvedCollectionConfig;
  schema: CollectionSchema;
  files: LoadedFile[];
  /** Secondary-locale files, by locale tag. */
  translations: Array<LoadedFile & { tag: string }>;
  renderer: MarkdownRenderer;
  renderOptions: Record<string, unknown>;
  /** Digest of the settings that shape this collection's items (mapping, renderer, schema). */
  settingsDigest: string;
}

/** The listed sources of one collection (paths relative to the root), still being listed. */
export interface SourceListing {
  primary: Promise<string[]>;
  translations: Array<Promise<Array<{ path: string; tag: string }>>>;
}

/** Chooses the collections of this run; an unknown name is a usage error. */
export function selectCollections(
  config: ResolvedConfig,
  names: readonly string[] | undefined,
): ResolvedCollectionConfig[] {
  if (!names || names.length === 0) return [...config.collections];
  const known = new Map(config.collections.map((collection) => [collection.name, collection]));
  return names.map((name) => {
    const collection = known.get(name);
    if (!collection) {
      throw new UsageError(`Unknown collection "${name}".`, {
        hint: `The config has: ${[...known.keys()].join(", ")}.`,
      });
    }
    return collection;
  });
}

/** Rendering options of a collection: the config-wide ones, overridden per collection. */
export function renderOptionsFor(
  config: ResolvedConfig,
  collection: ResolvedCollectionConfig,
): Record<string, unknown> {
  return {
    ...(config.richText ?? {}),
    ...(collection.richText ?? {}),
    ...(collection.templates ? { templates: collection.templates } : {}),
  };
}

/**
 * Starts listing every selected collection's sources. The listings run while the caller does
 * other work (the manifest read, the schema requests); a failure surfaces where it is awaited.
 */
export function listCollectionSources(
  root: string,
  selected: readonly ResolvedCollectionConfig[],
): SourceListing[] {
  const listings = selected.map((collection) => ({
    translations: Object.entries(collection.locales ?? {}).map(async ([tag, include]) =>
      (await listSources({ root, include, exclude: collection.exclude })).map((path) => ({ path, tag })),
    ),
    primary: listSources({ root, include: collection.include, exclude: collection.exclude }),
  }));
  for (const listing of listings)
    for (const listed of [listing.primary, ...listing.translations]) listed.catch(() => {});
  return listings;
}

/**
 * One warning per collection `include` (or locale pattern) that matches no file: a typo in a
 * glob would otherwise look like an empty collection, or a locale with nothing to translate.
 */
export async function emptyGlobWarnings(options: {
  config: ResolvedConfig;
  selected: readonly ResolvedCollectionConfig[];
  listings: readonly SourceListing[];
}): Promise<SyncWarning[]> {
  const file = relative(options.config.root, options.config.configFile) || options.config.configFile;
  const warnings: SyncWarning[] = [];
  const describe = (patterns: string | readonly string[]) =>
    (typeof patterns === "string" ? [patterns] : [...patterns])
      .map((pattern) => JSON.stringify(pattern))
      .join(", ");
  for (const [index, collection] of options.selected.entries()) {
    const listing = options.listings[index] as SourceListing;
    if ((await listing.primary).length === 0) {
      warnings.push({
        kind: "empty-glob",
        message: `collection "${collection.name}": include ${describe(collection.include)} matches no file.`,
        location: { file },
      });
    }
    const tags = Object.entries(collection.locales ?? {});
    const listed = await Promise.all(listing.translations);
    for (const [position, [tag, patterns]] of tags.entries()) {
      if ((listed[position] ?? []).length > 0) continue;
      warnings.push({
        kind: "empty-glob",
        message: `collection "${collection.name}": locale ${tag} pattern ${describe(patterns)} matches no file.`,
        location: { file },
      });
    }
  }
  return warnings;
}

/** The run's collections, once their sources are listed and their schemas are known. */
export async function buildCollectionRuns(options: {
  config: ResolvedConfig;
  selected: readonly ResolvedCollectionConfig[];
  listings: readonly SourceListing[];
  schemas: ReadonlyMap<string, CollectionSchema>;
}): Promise<CollectionRun[]> {
  const runs: CollectionRun[] = [];
  for (const [index, collection] of options.selected.entries()) {
    const renderOptions = renderOptionsFor(options.config, collection);
    const schema = options.schemas.get(collection.collectionId) as CollectionSchema;
    const listing = options.listings[index] as SourceListing;
    const translations: CollectionRun["translations"] = (await Promise.all(listing.translations)).flat();
    const translated = new Set(translations.map((file) => file.path));
    const primaryPaths = await listing.primary;
    runs.push({
      config: collection,
      schema,
      files: primaryPaths.filter((path) => !translated.has(path)).map((path) => ({ path })),
      translations,
      renderer: lazyRenderer(renderOptions),
      renderOptions,
      settingsDigest: settingsDigestOf(collection, renderOptions, schema),
    });
  }
  return runs;
}

/** Orders collections so that referenced ones come first; cycles keep their config order. */
export function orderByReferences(runs: readonly CollectionRun[]): CollectionRun[] {
  const byId = new Map(runs.map((run) => [run.config.collectionId, run]));
  const ordered: CollectionRun[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (run: CollectionRun) => {
    const id = run.config.collectionId;
    if (state.get(id)) return;
    state.set(id, "visiting");
    for (const field of run.schema.fields) {
      if (field.type !== "Reference" && field.type !== "MultiReference") continue;
      const target = byId.get(String(field.validations?.["collectionId"] ?? ""));
      if (target && target !== run) visit(target);
    }
    state.set(id, "done");
    ordered.push(run);
  };
  for (const run of runs) visit(run);
  return ordered;
}

/**
 * Version of the rules that turn a file into an item (rendering, field conversion, mapping).
 * Bump it whenever a release changes what those rules output for the same input: the settings
 * digest changes with it, so every unchanged file is rendered once more after the upgrade, and
 * only items whose output really changed are written.
 */
export const OUTPUT_RULES_VERSION = 3;

/** Digest of everything besides a file's own bytes that shapes its item. */
export function settingsDigestOf(
  collection: ResolvedCollectionConfig,
  renderOptions: Record<string, unknown>,
  schema: CollectionSchema,
): string {
  return digestOf({
    rules: OUTPUT_RULES_VERSION,
    mapping: mappingDigestInput(collection),
    render: resolveRenderOptions(renderOptions),
    schema: schema.fields,
  });
}

/** Reads and parses every file of a collection; a file that fails costs that file alone. */
export async function loadCollectionFiles(
  root: string,
  collection: ResolvedCollectionConfig,
  limits?: ResolvedConfig["limits"],
): Promise<LoadedFile[]> {
  const paths = await listSources({ root, include: collection.include, exclude: collection.exclude });
  const read = pLimit(32);
  return Promise.all(
    paths.map((path) =>
      read(async (): Promise<LoadedFile> => {
        const source = await readSource(root, path);
        try {
          return { path, entry: parseEntry(path, source.text, { slugRule: slugRuleOf(collection), limits }) };
        } catch (error) {
          if (error instanceof WfSyncError) return { path, error };
          throw error;
        }
      }),
    ),
  );
}
