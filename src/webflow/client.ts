/**
 * The Webflow client: everything wf-sync asks of Webflow. Nothing outside src/webflow/ knows about
 * HTTP. The pieces: http.ts (requests, retries, backoff), rate-gate.ts (X-RateLimit pacing,
 * Retry-After), items.ts, site.ts, assets.ts (the endpoints), types.ts (what callers see).
 */
import type { CollectionSchema } from "../core/types.ts";
import { createAssetsApi } from "./assets.ts";
import { createHttp, DEFAULT_BASE_URL, validateBaseUrl } from "./http.ts";
import { createItemsApi, type PublishResult } from "./items.ts";
import { createSiteApi } from "./site.ts";
import type {
  AssetUpload,
  ClientStats,
  CollectionSummary,
  ItemWrite,
  RemoteItem,
  SiteInfo,
} from "./types.ts";

export type {
  AssetUpload,
  ClientStats,
  CollectionSummary,
  ItemWrite,
  RemoteItem,
  SiteInfo,
} from "./types.ts";
export type { PublishResult } from "./items.ts";
export { DEFAULT_BASE_URL, validateBaseUrl } from "./http.ts";
export { BULK_LIMIT, chunk } from "./batches.ts";
export { rejectionMessage } from "./failure.ts";

/** Everything wf-sync asks of Webflow. Nothing outside this module knows about HTTP. */
export interface WebflowClient {
  readonly stats: ClientStats;
  /** Stable name of the API target (base URL), used to tell manifests of different targets apart. */
  readonly target: string;
  getCollection(collectionId: string): Promise<CollectionSchema>;
  listCollections(siteId: string): Promise<CollectionSummary[]>;
  listSites(): Promise<Array<{ id: string; displayName: string }>>;
  getSite(siteId: string): Promise<SiteInfo>;
  listItems(
    collectionId: string,
    options?: {
      isLive?: boolean;
      cmsLocaleId?: string;
      slug?: string;
      /** Only items changed at or after this time (ISO 8601). */
      updatedSince?: string;
    },
  ): Promise<RemoteItem[]>;
  /** Creates items (live unless `isLive: false`). May throw an uncertain error: then reconcile by slug. */
  createItems(
    collectionId: string,
    items: readonly ItemWrite[],
    options: { isLive: boolean },
  ): Promise<RemoteItem[]>;
  /** Creates staged items in several locales at once; all variants share one id. The items of one call share `isDraft` and `isArchived`. */
  createItemsInLocales(
    collectionId: string,
    items: readonly ItemWrite[],
    cmsLocaleIds: readonly string[],
  ): Promise<RemoteItem[]>;
  /** Updates items; a live update of an item never published fails as `never-published`. */
  updateItems(
    collectionId: string,
    items: readonly ItemWrite[],
    options: { isLive: boolean },
  ): Promise<RemoteItem[]>;
  /** Publishes staged copies; a partial success names the items it did not publish and why. */
  publishItems(
    collectionId: string,
    items: ReadonlyArray<{ itemId: string; cmsLocaleIds?: readonly string[] }>,
  ): Promise<PublishResult>;
  /** Unpublishes items in `cmsLocaleIds` (default: the primary locale only). */
  unpublishItems(
    collectionId: string,
    itemIds: readonly string[],
    options?: { cmsLocaleIds?: readonly string[] | undefined },
  ): Promise<void>;
  /** Deletes items in `cmsLocaleIds` (default: the primary locale only). */
  deleteItems(
    collectionId: string,
    itemIds: readonly string[],
    options?: { cmsLocaleIds?: readonly string[] | undefined },
  ): Promise<void>;
  /** The site's assets (all pages): id, file name, size and hosted URL. */
  listAssets(
    siteId: string,
  ): Promise<Array<{ assetId: string; fileName: string; size: number; hostedUrl: string }>>;
  createAsset(siteId: string, options: { fileName: string; fileHash: string }): Promise<AssetUpload>;
  uploadAsset(
    upload: AssetUpload,
    options: { bytes: Uint8Array; fileName: string; contentType: string },
  ): Promise<void>;
  close(): Promise<void>;
}

export interface WebflowClientOptions {
  token: string;
  /** Default https://api.webflow.com/v2. Plain http:// is refused unless the host is loopback. */
  baseUrl?: string;
  /** Most requests in flight at once. */
  concurrency?: number;
  /** Retries for 5xx and network failures of requests that are safe to repeat. */
  maxRetries?: number;
  /** First backoff step; doubles on each retry, with full jitter. */
  retryBaseMs?: number;
  /** Longest single backoff wait. */
  retryMaxMs?: number;
  /** Most 429 answers in a row for one request before giving up. */
  maxRateLimitRetries?: number;
  /** Per-request timeout for headers and body. */
  timeoutMs?: number;
  /** Called with short progress notes (never the token), e.g. rate-limit waits. */
  onNotice?: (message: string) => void;
  debug?: (message: string) => void;
  /** Once aborted, no new request starts (requests in flight finish); waiting ones reject with InterruptedError. */
  signal?: AbortSignal | undefined;
  /** Overrides `target` (default: the base URL), e.g. "sandbox" for the built-in emulator whose port changes. */
  target?: string;
  /** Longest Retry-After waited out (default 5 minutes); a 429 asking for more stops the client. */
  maxRateLimitWaitMs?: number;
  /**
   * Called once when a Retry-After longer than `maxRateLimitWaitMs` stops the client, with a
   * sentence saying why and when to try again. From then on every request gives up at once
   * with InterruptedError (nothing sent); the caller usually aborts its run with it.
   */
  onRateLimitStop?: (reason: string) => void;
}

/** Creates the undici-backed Webflow client. */
export function createWebflowClient(options: WebflowClientOptions): WebflowClient {
  const baseUrl = validateBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const http = createHttp({
    token: options.token,
    baseUrl,
    concurrency: options.concurrency ?? 4,
    maxRetries: options.maxRetries ?? 8,
    retryBaseMs: options.retryBaseMs ?? 500,
    retryMaxMs: options.retryMaxMs ?? 30_000,
    maxRateLimitRetries: options.maxRateLimitRetries ?? 30,
    timeoutMs: options.timeoutMs ?? 60_000,
    onNotice: options.onNotice,
    debug: options.debug,
    signal: options.signal,
    maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 300_000,
    onRateLimitStop: options.onRateLimitStop,
  });
  return {
    stats: http.stats,
    target: options.target ?? baseUrl,
    ...createSiteApi(http),
    ...createItemsApi(http),
    ...createAssetsApi(http),
    close: () => http.close(),
  };
}
