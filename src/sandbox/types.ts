/**
 * Public types of the sandbox emulator. The wire shapes (items, assets) follow
 * shared/webflow/API-NOTES.md; options and seeds are ours.
 */
import type { FieldSchema } from "../core/types.ts";

/** A locale as a seed describes it; missing ids are derived from the site id and tag. */
export interface SeedLocale {
  tag: string;
  cmsLocaleId?: string;
  displayName?: string;
}

/** A collection as a seed describes it; `name` and `slug` fields are added when missing. */
export interface SeedCollection {
  id: string;
  displayName: string;
  singularName?: string;
  slug: string;
  fields: Array<Partial<FieldSchema> & { slug: string; type: string }>;
}

/** A site as a seed describes it. Without `locales` the site gets one primary `en-US` locale. */
export interface SeedSite {
  id: string;
  displayName: string;
  shortName?: string;
  locales?: { primary: SeedLocale; secondary?: SeedLocale[] };
  /** Custom domains a site publish may target (emulator addition; default none). */
  customDomains?: Array<{ id?: string; url: string }>;
  collections: SeedCollection[];
}

/** Sites, collections and fields to create; `seed()` merges without dropping anything. */
export interface SandboxSeed {
  sites: SeedSite[];
}

/** A fixed window per token: at most `limit` requests every `windowMs`. */
export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

/** Injected faults; all rates are probabilities in 0..1 drawn from a seeded PRNG so runs repeat. */
export interface FaultOptions {
  /** PRNG seed (default 1). */
  seed?: number;
  /** Answer 500/502/503 without applying the request. */
  serverErrorRate?: number;
  /** Destroy the socket before applying a write (no response). */
  dropBeforeRate?: number;
  /** Apply (and persist) the write, then destroy the socket without a response. */
  dropAfterRate?: number;
  /** Added delay per request: fixed, or uniform in `[min, max]`. */
  latencyMs?: number | [number, number];
  /** Faults hit only POST/PATCH/DELETE (default true). */
  onlyWrites?: boolean;
}

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** JSON file holding the state: loaded on start if present, rewritten atomically after every change. */
  statePath?: string;
  /** Merged into the (loaded) state on start. */
  seed?: SandboxSeed;
  /** Accepted Bearer tokens; unset = any non-empty token passes. */
  tokens?: string[];
  /** Enforced per-token limit; unset = headers report a large limit and nothing is ever refused. */
  rateLimit?: RateLimitOptions;
  /** Injected faults; off by default. */
  faults?: FaultOptions;
  /**
   * Whether a live PATCH also writes the staged copy. Webflow documents that it does not
   * (changelog 2024-02-22 and 2024-05-01, API-NOTES §2.3), so the default is false.
   */
  liveUpdateAlsoStaged?: boolean;
  /**
   * Whether validation errors name the offending element's position in a list body (`index` in
   * each `details` entry). Webflow documents no such key (API-NOTES §3.3), so the default is false;
   * true lets tests check that a client uses an index when one is given.
   */
  detailIndex?: boolean;
  /**
   * Whether Webflow could fetch the file at `url` (Image, MultiImage and File values given by URL).
   * Default: every URL except hosts under `.invalid`, a name reserved never to resolve (RFC 2606).
   * An unfetchable file is dropped from the item, or with `skipInvalidFiles=false` rejects the request.
   */
  isFetchable?: (url: string) => boolean;
  /** Minimum time between two successful site publishes of one site (default 60 000, API-NOTES §5). */
  sitePublishIntervalMs?: number;
  /** Epoch-ms clock for the rate-limit windows and the site-publish interval (tests move time with it). */
  clock?: () => number;
  /** Suppress `log` output (default true when no `log` is given). */
  quiet?: boolean;
  /** Receives one line per request when not `quiet`; the sandbox itself never writes to stdout. */
  log?: (line: string) => void;
}

/**
 * One request the sandbox saw. `path` is the full URL path (e.g. `/v2/collections/…/items`).
 * `status` is 0 when no response was sent (a dropped connection).
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  at: number;
}

/** An item variant (one item id in one locale) in the API's wire shape. */
export interface SandboxItem {
  id: string;
  cmsLocaleId: string;
  lastPublished: string | null;
  lastUpdated: string;
  createdOn: string;
  isArchived: boolean;
  isDraft: boolean;
  fieldData: Record<string, unknown>;
}

/** An asset in the API's wire shape, plus two emulator additions: `fileHash` and `isUploaded`. */
export interface SandboxAsset {
  id: string;
  contentType: string;
  size: number;
  siteId: string;
  hostedUrl: string;
  originalFileName: string;
  displayName: string;
  lastUpdated: string;
  createdOn: string;
  variants: unknown[];
  altText: string | null;
  parentFolder: string | null;
  fileHash: string;
  isUploaded: boolean;
}

/** Counters of what the sandbox refused or broke on purpose. */
export interface SandboxStats {
  rateLimited: number;
  faults: { serverErrors: number; droppedBefore: number; droppedAfter: number };
}

/** A running sandbox. `await using` closes it. */
export interface Sandbox extends AsyncDisposable {
  /** `http://127.0.0.1:PORT/v2` */
  baseUrl: string;
  port: number;
  /** Every request, in order; reset with `requests.length = 0`. */
  requests: RecordedRequest[];
  stats: SandboxStats;
  setRateLimit(options: RateLimitOptions | undefined): void;
  setFaults(options: FaultOptions | undefined): void;
  /** Staged items of a collection (primary locale unless given). Throws for an unknown collection. */
  items(collectionId: string, options?: { cmsLocaleId?: string }): SandboxItem[];
  /** Live items of a collection (primary locale unless given). Throws for an unknown collection. */
  liveItems(collectionId: string, options?: { cmsLocaleId?: string }): SandboxItem[];
  /** Assets of one site, or of all sites. */
  assets(siteId?: string): SandboxAsset[];
  /** Merge sites, collections and fields; never drops items. */
  seed(seed: SandboxSeed): void;
  close(): Promise<void>;
}
