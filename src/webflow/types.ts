/** What the client hands to the rest of wf-sync: Webflow's answers in wf-sync's terms. */
import type { SiteLocale } from "../core/types.ts";

/** An item as wf-sync sees it on the site (one locale variant). */
export interface RemoteItem {
  itemId: string;
  cmsLocaleId: string | undefined;
  slug: string;
  fieldData: Record<string, unknown>;
  isDraft: boolean;
  isArchived: boolean;
  /** The item has a live (published) version. */
  isLive: boolean;
  /** When the item (this locale's variant) was last changed, staged or live (ISO 8601). */
  lastUpdated?: string | undefined;
}

/** What to write for one item. `itemId` is set for updates. */
export interface ItemWrite {
  itemId?: string;
  cmsLocaleId?: string;
  fieldData: Record<string, unknown>;
  isDraft?: boolean;
  isArchived?: boolean;
}

export interface SiteInfo {
  id: string;
  displayName: string;
  locales: SiteLocale[];
}

export interface CollectionSummary {
  id: string;
  displayName: string;
  slug: string;
}

export interface AssetUpload {
  assetId: string;
  uploadUrl: string;
  uploadDetails: Record<string, string>;
  hostedUrl: string;
}

export interface ClientStats {
  requests: number;
  writes: number;
  retries: number;
  /** 429 answers received. */
  rateLimited: number;
  /** Wall time during which requests were held back for the rate limit: pacing, window turns, Retry-After. */
  rateLimitWaitMs: number;
  /** Requests whose retry budget ran out (each one is reported as a failure of its items). */
  gaveUp: number;
}
