/** What every API handler receives and returns; kept apart from node:http so handlers stay plain. */
import { ApiError, badRequest, notFound, validationError } from "./api-error.ts";
import type { CollectionRecord, SandboxStore, SiteRecord } from "./store.ts";

/** Settings and state shared by all handlers of one sandbox. */
export interface ApiContext {
  store: SandboxStore;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  liveUpdateAlsoStaged: boolean;
  /** Keep `index` in validation details (an emulator addition; Webflow's answers carry none). */
  detailIndex: boolean;
  isFetchable: (url: string) => boolean;
  sitePublishIntervalMs: number;
  /** Epoch ms; injectable so tests can move time. */
  clock: () => number;
}

/** A parsed request: path segments after `/v2`, query and JSON body. */
export interface ApiRequest {
  method: string;
  segments: string[];
  query: URLSearchParams;
  body: unknown;
}

/** A handler's answer; `isChange` asks the server to persist the state before replying. */
export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  isChange?: boolean;
}

/** Largest list a request body may carry (API-NOTES §2.2: 100 per request). */
export const MAX_LIST = 100;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body as an object, or 400 `bad_request` as Webflow answers a malformed request. */
export function requireObject(body: unknown): Record<string, unknown> {
  if (!isPlainObject(body)) throw badRequest();
  return body;
}

/** Refuses lists over {@link MAX_LIST} elements. */
export function checkListSize(list: readonly unknown[], name: string): void {
  if (list.length > MAX_LIST) {
    throw badRequest(`Bad Request: '${name}' must not contain more than ${MAX_LIST} elements`);
  }
}

export function findSite(context: ApiContext, siteId: string): SiteRecord {
  const site = context.store.sites.get(siteId);
  if (!site) throw notFound("site");
  return site;
}

export function findCollection(context: ApiContext, collectionId: string): CollectionRecord {
  const collection = context.store.collections.get(collectionId);
  if (!collection) throw notFound("collection");
  return collection;
}

/** Resolves a cmsLocaleId (primary when absent); unknown ids are a validation error. */
export function resolveLocale(
  context: ApiContext,
  collection: CollectionRecord,
  cmsLocaleId: unknown,
  where: { param?: string; index?: number } = {},
): string {
  if (cmsLocaleId === undefined || cmsLocaleId === null || cmsLocaleId === "") {
    return context.store.primaryLocaleOf(collection);
  }
  const known = context.store.localesOf(collection).some((locale) => locale.cmsLocaleId === cmsLocaleId);
  if (typeof cmsLocaleId !== "string" || !known) {
    throw validationError([
      {
        param: where.param ?? "cmsLocaleId",
        description: `Unknown cmsLocaleId: '${String(cmsLocaleId)}'`,
        ...(where.index === undefined ? {} : { index: where.index }),
      },
    ]);
  }
  return cmsLocaleId;
}

export { ApiError };
