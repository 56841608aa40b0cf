/**
 * The prepare stage of a run: every source file is hashed (or its digest taken from the stat
 * cache), and only those whose item may have changed are parsed and rendered.
 */
import type { ResolvedConfig } from "../../config.ts";
import type { PrepareSettings } from "../../core/prepare-entry.ts";
import { slugRuleOf } from "../../core/slugify.ts";
import type { CollectionRun } from "../discover/discover.ts";
import { urlPatternOf } from "../plan/site-index.ts";
import type { Manifest, ManifestCollection, SourceRecord } from "../record/manifest-store.ts";
import { createFileDigestCache } from "./file-digests.ts";
import { prepareFiles, type PrepareStats } from "./prepare-files.ts";

export interface PrepareRunOptions {
  config: ResolvedConfig;
  runs: readonly CollectionRun[];
  manifest: Manifest;
  stats: PrepareStats;
  /** Whether unchanged files may be skipped (a warm manifest, no --force or --verify). */
  canSkip: boolean;
  isStrict: boolean;
  /** Whether this run covers every collection of the config (then files that are gone are forgotten). */
  isWholeRun: boolean;
  pool: "auto" | "never" | "always";
}

/** How a collection's files are parsed and rendered (the same in the pool and on the main thread). */
export function prepareSettingsOf(run: CollectionRun, config: ResolvedConfig): PrepareSettings {
  return {
    limits: config.limits,
    hasBody: Boolean(run.config.body),
    renderOptions: run.renderOptions,
    slugRule: slugRuleOf(run.config),
  };
}

/** The manifest state a collection's files may be skipped against, or undefined. */
function skippableState(options: PrepareRunOptions, run: CollectionRun): ManifestCollection | undefined {
  const stored = options.manifest.collections[run.config.collectionId];
  if (!options.canSkip || stored?.settingsDigest !== run.settingsDigest) return undefined;
  // With --strict, a file that warned of an unknown key must be checked again.
  const isStrictBlocked = (record: SourceRecord) =>
    options.isStrict && (record.warnings ?? []).some((warning) => warning.kind === "unknown-key");
  return {
    ...stored,
    sources: Object.fromEntries(
      Object.entries(stored.sources ?? {}).filter(([, record]) => !isStrictBlocked(record)),
    ),
  };
}

/** Prepares every file of the run; returns whether the manifest's digest cache changed. */
export async function prepareRun(options: PrepareRunOptions): Promise<boolean> {
  const { runs, manifest } = options;
  // --force and --verify read every file again (and refresh the cache from what they read).
  const digests = createFileDigestCache(options.canSkip ? manifest.files : undefined);
  await prepareFiles({
    root: options.config.root,
    collections: runs.map((run) => ({
      files: run.files,
      translations: run.translations,
      translationSlugRules: Object.fromEntries(
        Object.entries(run.config.locales ?? {}).map(([tag, include]) => [
          tag,
          slugRuleOf({ include, slugFrom: run.config.slugFrom }),
        ]),
      ),
      settings: prepareSettingsOf(run, options.config),
      urlPattern: urlPatternOf(run),
      skippable: skippableState(options, run),
    })),
    assetUrls: new Map(Object.values(manifest.assets).map((asset) => [asset.fileName, asset.url])),
    stats: options.stats,
    pool: options.pool,
    digests,
  });
  if (!digests.hasChanged) return false;
  const seen = new Set(runs.flatMap((run) => [...run.files, ...run.translations].map((file) => file.path)));
  manifest.files = digests.toStored(options.isWholeRun ? seen : undefined);
  return true;
}
