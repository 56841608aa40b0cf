/** Sites and collection schemas. */
import { ApiUnavailableError, UsageError, WebflowApiError } from "../errors.ts";
import type { CollectionSchema, FieldSchema, SiteLocale } from "../core/types.ts";
import type { Http } from "./http.ts";
import { collectionPath } from "./items.ts";
import type { CollectionSummary, SiteInfo } from "./types.ts";

/** The site and schema methods of the client. */
export function createSiteApi(http: Http) {
  const { run } = http;
  return {
    async getCollection(collectionId: string): Promise<CollectionSchema> {
      try {
        const raw = await run<CollectionSchema & { fields?: FieldSchema[] }>(
          "GET",
          collectionPath(collectionId),
          { isIdempotent: true },
        );
        return {
          id: raw.id,
          displayName: raw.displayName,
          singularName: raw.singularName,
          slug: raw.slug,
          fields: raw.fields ?? [],
        };
      } catch (error) {
        if (error instanceof WebflowApiError && error.status === 404) {
          throw new UsageError(`Collection ${collectionId} was not found on the site (404).`, {
            hint: "Check `collectionId` in wf-sync.config.ts (wf-sync init lists the site's collections).",
          });
        }
        if (error instanceof WebflowApiError && (error.status === 0 || error.status >= 500)) {
          throw new ApiUnavailableError(`Webflow could not be reached at ${http.origin}: ${error.message}`, {
            cause: error,
          });
        }
        throw error;
      }
    },
    async listCollections(siteId: string): Promise<CollectionSummary[]> {
      const raw = await run<{ collections?: CollectionSummary[] }>(
        "GET",
        `/sites/${encodeURIComponent(siteId)}/collections`,
        { isIdempotent: true },
      );
      return (raw.collections ?? []).map((collection) => ({
        id: collection.id,
        displayName: collection.displayName,
        slug: collection.slug,
      }));
    },
    async listSites(): Promise<Array<{ id: string; displayName: string }>> {
      const raw = await run<{ sites?: Array<{ id: string; displayName: string }> }>("GET", "/sites", {
        isIdempotent: true,
      });
      return (raw.sites ?? []).map((site) => ({ id: site.id, displayName: site.displayName }));
    },
    async getSite(siteId: string): Promise<SiteInfo> {
      type RawLocale = { cmsLocaleId?: string; tag?: string };
      const raw = await run<{
        id: string;
        displayName: string;
        locales?: { primary?: RawLocale; secondary?: RawLocale[] };
      }>("GET", `/sites/${encodeURIComponent(siteId)}`, { isIdempotent: true });
      const locales: SiteLocale[] = [];
      const primary = raw.locales?.primary;
      if (primary?.cmsLocaleId)
        locales.push({ tag: primary.tag ?? "", cmsLocaleId: primary.cmsLocaleId, isPrimary: true });
      for (const locale of raw.locales?.secondary ?? []) {
        if (locale.cmsLocaleId)
          locales.push({ tag: locale.tag ?? "", cmsLocaleId: locale.cmsLocaleId, isPrimary: false });
      }
      return { id: raw.id, displayName: raw.displayName, locales };
    },
  };
}
