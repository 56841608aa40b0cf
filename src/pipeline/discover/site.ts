/**
 * What the run needs to know of the site before it prepares anything: each collection's schema
 * (one read per collection per run, cached for the offline `check`) and, when a collection has
 * translations, the site's locales.
 */
import { dirname, resolve } from "node:path";
import type { ResolvedCollectionConfig, ResolvedConfig } from "../../config.ts";
import { ConfigError } from "../../errors.ts";
import type { CollectionSchema, SiteLocale } from "../../core/types.ts";
import type { WebflowClient } from "../../webflow/client.ts";
import { writeSchemaCache } from "../record/manifest-store.ts";

/** Starts the schema reads; a failure (a 401, a network error) surfaces where it is awaited. */
export function readSchemas(
  client: WebflowClient,
  selected: readonly ResolvedCollectionConfig[],
): Promise<Map<string, CollectionSchema>> {
  const reads = Promise.all(
    selected.map(
      async (collection) =>
        [collection.collectionId, await client.getCollection(collection.collectionId)] as const,
    ),
  ).then((pairs) => new Map(pairs));
  reads.catch(() => {});
  return reads;
}

/** Keeps the schemas beside the manifest, for `wf-sync check` offline. */
export async function cacheSchemas(
  manifestPath: string,
  schemas: ReadonlyMap<string, CollectionSchema>,
): Promise<void> {
  await writeSchemaCache(schemaCachePath(manifestPath), {
    version: 1,
    fetchedAt: new Date().toISOString(),
    collections: Object.fromEntries(schemas),
  });
}

export function schemaCachePath(manifestPath: string): string {
  return resolve(dirname(manifestPath), "schema-cache.json");
}

/** The site's locales, read once when a collection declares secondary locales (API-NOTES §6). */
export async function readSiteLocales(
  config: ResolvedConfig,
  selected: readonly ResolvedCollectionConfig[],
  client: WebflowClient,
): Promise<SiteLocale[]> {
  const needed = selected.flatMap((collection) => Object.keys(collection.locales ?? {}));
  if (needed.length === 0) return [];
  if (!config.siteId) {
    throw new ConfigError(
      "`locales` needs `siteId` in wf-sync.config.ts, to look up the site's locale ids.",
      {
        location: { file: config.configFile },
      },
    );
  }
  const site = await client.getSite(config.siteId);
  for (const tag of needed) {
    if (!site.locales.some((locale) => locale.tag.toLowerCase() === tag.toLowerCase() && !locale.isPrimary)) {
      throw new ConfigError(`Locale "${tag}" is not a secondary locale of site ${config.siteId}.`, {
        location: { file: config.configFile },
        hint: `The site has: ${site.locales.map((locale) => `${locale.tag}${locale.isPrimary ? " (primary)" : ""}`).join(", ") || "no locales"}.`,
      });
    }
  }
  return site.locales;
}
