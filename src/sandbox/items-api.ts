/**
 * The CMS item endpoints, rows 1–16 of API-NOTES §2.2, over the state model of §2.4.
 * Every write validates the whole request first and applies nothing if any element fails.
 */
import { ApiError, type ErrorDetail, notFound, validationError } from "./api-error.ts";
import {
  type ApiContext,
  type ApiRequest,
  type ApiResponse,
  checkListSize,
  findCollection,
  isPlainObject,
  requireObject,
  resolveLocale,
} from "./context.ts";
import { checkFieldData, mergeFieldData } from "./field-values.ts";
import { mintId, nowIso } from "./ids.ts";
import {
  type CollectionRecord,
  type ItemRecord,
  type VariantRecord,
  hostedUrl,
  liveItem,
  stagedItem,
} from "./store.ts";
import type { SandboxItem } from "./types.ts";

const SORTABLE = new Set(["createdOn", "lastPublished", "lastUpdated", "name", "slug"]);
const DATE_FILTERS = ["createdOn", "lastPublished", "lastUpdated"] as const;

function withIndex(details: readonly ErrorDetail[], index: number | undefined): ErrorDetail[] {
  return index === undefined ? [...details] : details.map((detail) => ({ ...detail, index }));
}

function checkContext(context: ApiContext, collection: CollectionRecord, query: URLSearchParams) {
  return {
    store: context.store,
    siteId: collection.siteId,
    origin: context.origin,
    hostedUrlOf: (asset: Parameters<typeof hostedUrl>[0]) => hostedUrl(asset, context.origin),
    isFetchable: context.isFetchable,
    // `skipInvalidFiles` defaults to true on every create and update (API-NOTES §3.3).
    skipInvalidFiles: query.get("skipInvalidFiles") !== "false",
  };
}

function checkFlag(
  element: Record<string, unknown>,
  key: "isDraft" | "isArchived",
  index: number | undefined,
): ErrorDetail[] {
  const value = element[key];
  if (value === undefined || typeof value === "boolean") return [];
  return withIndex([{ param: key, description: "Expected a boolean" }], index);
}

function duplicateSlug(slug: string, index: number | undefined): ErrorDetail {
  return {
    param: "slug",
    description: `Unique value is already in database: '${slug}'`,
    ...(index === undefined ? {} : { index }),
  };
}

function parseNonNegative(value: string | null, fallback: number): number {
  if (value === null || value === "") return fallback;
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : fallback;
}

// ---------------------------------------------------------------- reads

function listItems(
  context: ApiContext,
  collection: CollectionRecord,
  query: URLSearchParams,
  isLive: boolean,
): ApiResponse {
  const localeParam = query.get("cmsLocaleId");
  const locales = localeParam
    ? localeParam.split(",").map((id) => resolveLocale(context, collection, id.trim()))
    : [context.store.primaryLocaleOf(collection)];
  const name = query.get("name");
  const slug = query.get("slug");
  const rows: Array<{ id: string; variant: VariantRecord; fieldData: Record<string, unknown> }> = [];
  const all = context.store.itemsOf(collection.id);
  // "Does this slug exist?" is the sync tool's hot query; answer it from the slug index.
  const candidates =
    slug !== null && !isLive
      ? [
          ...new Set(locales.map((locale) => context.store.itemIdBySlug(collection.id, locale, slug))),
        ].flatMap((id) => (id === undefined ? [] : [all.get(id)].filter((item) => item !== undefined)))
      : all.values();
  for (const item of candidates) {
    for (const locale of locales) {
      const variant = item.variants.get(locale);
      if (!variant || (isLive && !variant.live)) continue;
      const fieldData = isLive ? (variant.live?.fieldData ?? {}) : variant.fieldData;
      if (name !== null && fieldData["name"] !== name) continue;
      if (slug !== null && fieldData["slug"] !== slug) continue;
      if (!matchesDateFilters(variant, query)) continue;
      rows.push({ id: item.id, variant, fieldData });
    }
  }
  const sortBy = query.get("sortBy");
  if (sortBy && SORTABLE.has(sortBy)) {
    const direction = query.get("sortOrder") === "desc" ? -1 : 1;
    const key = (row: (typeof rows)[number]): string => {
      const value =
        sortBy === "name" || sortBy === "slug" ? row.fieldData[sortBy] : row.variant[sortBy as "createdOn"];
      return typeof value === "string" ? value : "";
    };
    rows.sort((a, b) => direction * key(a).localeCompare(key(b)));
  }
  const limit = Math.min(100, parseNonNegative(query.get("limit"), 100) || 100);
  const offset = parseNonNegative(query.get("offset"), 0);
  const page = rows.slice(offset, offset + limit);
  return {
    status: 200,
    body: {
      items: page.map((row) => (isLive ? liveItem(row.id, row.variant) : stagedItem(row.id, row.variant))),
      pagination: { limit, offset, total: rows.length },
    },
  };
}

function matchesDateFilters(variant: VariantRecord, query: URLSearchParams): boolean {
  for (const key of DATE_FILTERS) {
    const value = variant[key];
    const gte = query.get(`${key}[gte]`);
    const lte = query.get(`${key}[lte]`);
    if (gte === null && lte === null) continue;
    if (value === null) return false;
    const time = Date.parse(value);
    if (gte !== null && time < Date.parse(gte)) return false;
    if (lte !== null && time > Date.parse(lte)) return false;
  }
  return true;
}

function getItem(
  context: ApiContext,
  collection: CollectionRecord,
  itemId: string,
  query: URLSearchParams,
  isLive: boolean,
): ApiResponse {
  const locale = resolveLocale(context, collection, query.get("cmsLocaleId") ?? undefined);
  const variant = context.store.itemsOf(collection.id).get(itemId)?.variants.get(locale);
  if (!variant || (isLive && !variant.live)) throw notFound("item");
  return { status: 200, body: isLive ? liveItem(itemId, variant) : stagedItem(itemId, variant) };
}

// ---------------------------------------------------------------- creates

interface PreparedCreate {
  index: number | undefined;
  locales: string[];
  fieldData: Record<string, unknown>;
  isDraft: boolean | undefined;
  isArchived: boolean | undefined;
}

/** Checks one create element; slug uniqueness is checked later across the whole batch. */
function prepareCreate(
  context: ApiContext,
  collection: CollectionRecord,
  element: unknown,
  options: { index: number | undefined; locales?: string[]; query: URLSearchParams },
): { prepared?: PreparedCreate; details: ErrorDetail[] } {
  const { index } = options;
  if (!isPlainObject(element)) {
    return { details: withIndex([{ param: "items", description: "Expected an object" }], index) };
  }
  const locales = options.locales ?? [resolveLocale(context, collection, element["cmsLocaleId"], { index })];
  const check = checkFieldData({
    fields: collection.fields,
    fieldData: element["fieldData"],
    isCreate: true,
    context: checkContext(context, collection, options.query),
  });
  const details = [
    ...withIndex(check.details, index),
    ...checkFlag(element, "isDraft", index),
    ...checkFlag(element, "isArchived", index),
  ];
  if (details.length > 0) return { details };
  const fieldData = mergeFieldData({}, check.normalized);
  return {
    details,
    prepared: {
      index,
      locales,
      fieldData,
      isDraft: element["isDraft"] as boolean | undefined,
      isArchived: element["isArchived"] as boolean | undefined,
    },
  };
}

/** Duplicate slugs against stored items and within the batch, per locale. */
function checkCreateSlugs(
  context: ApiContext,
  collection: CollectionRecord,
  batch: readonly PreparedCreate[],
): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const entry of batch) {
    const slug = entry.fieldData["slug"];
    if (typeof slug !== "string") continue;
    for (const locale of entry.locales) {
      const key = `${locale}\u0000${slug}`;
      if (seen.has(key) || context.store.itemIdBySlug(collection.id, locale, slug) !== undefined) {
        details.push(duplicateSlug(slug, entry.index));
        break;
      }
      seen.add(key);
    }
  }
  return details;
}

function applyCreates(
  context: ApiContext,
  collection: CollectionRecord,
  batch: readonly PreparedCreate[],
  isLive: boolean,
): SandboxItem[] {
  const now = nowIso();
  const created: SandboxItem[] = [];
  for (const entry of batch) {
    // All locale variants of one created item share its id (API-NOTES §6).
    const id = mintId();
    for (const locale of entry.locales) {
      const variant: VariantRecord = {
        cmsLocaleId: locale,
        fieldData: structuredClone(entry.fieldData),
        // Staged creates start as drafts since Dec 2024; live creates are published (API-NOTES §2.3).
        isDraft: entry.isDraft ?? !isLive,
        isArchived: entry.isArchived ?? false,
        createdOn: now,
        lastUpdated: now,
        lastPublished: isLive ? now : null,
        live: isLive ? { fieldData: structuredClone(entry.fieldData) } : null,
      };
      context.store.putVariant(collection.id, id, variant);
      created.push(isLive ? liveItem(id, variant) : stagedItem(id, variant));
    }
  }
  return created;
}

function finishBatch(
  context: ApiContext,
  collection: CollectionRecord,
  batch: PreparedCreate[],
  details: ErrorDetail[],
): void {
  details.push(...checkCreateSlugs(context, collection, batch));
  if (details.length > 0) throw validationError(details);
}

/** #3 and #4: one item, or `{items:[…]}` answered with `{items:[Item…]}` (API-NOTES §2.3). */
function createItems(
  context: ApiContext,
  collection: CollectionRecord,
  body: unknown,
  isLive: boolean,
  query: URLSearchParams,
): ApiResponse {
  const object = requireObject(body);
  const isList = "items" in object;
  if (isList && !Array.isArray(object["items"])) {
    throw validationError([{ param: "items", description: "Expected an array" }]);
  }
  const elements: unknown[] = isList ? (object["items"] as unknown[]) : [object];
  checkListSize(elements, "items");
  const batch: PreparedCreate[] = [];
  const details: ErrorDetail[] = [];
  elements.forEach((element, position) => {
    const result = prepareCreate(context, collection, element, {
      index: isList ? position : undefined,
      query,
    });
    details.push(...result.details);
    if (result.prepared) batch.push(result.prepared);
  });
  finishBatch(context, collection, batch, details);
  const created = applyCreates(context, collection, batch, isLive);
  return { status: 202, body: isList ? { items: created } : created[0], isChange: true };
}

/** #5: each fieldData element becomes one item created in every listed locale, variants sharing an id. */
function createBulk(
  context: ApiContext,
  collection: CollectionRecord,
  body: unknown,
  query: URLSearchParams,
): ApiResponse {
  const object = requireObject(body);
  const rawLocales = object["cmsLocaleIds"];
  if (rawLocales !== undefined && !Array.isArray(rawLocales)) {
    throw validationError([{ param: "cmsLocaleIds", description: "Expected an array" }]);
  }
  const locales = rawLocales?.length
    ? [...new Set(rawLocales.map((id) => resolveLocale(context, collection, id, { param: "cmsLocaleIds" })))]
    : [context.store.primaryLocaleOf(collection)];
  const rawFieldData = object["fieldData"];
  const isList = Array.isArray(rawFieldData);
  const elements: unknown[] = isList ? rawFieldData : [rawFieldData];
  checkListSize(elements, "fieldData");
  const batch: PreparedCreate[] = [];
  const details: ErrorDetail[] = [
    ...checkFlag(object, "isDraft", undefined),
    ...checkFlag(object, "isArchived", undefined),
  ];
  elements.forEach((fieldData, position) => {
    const element = { fieldData, isDraft: object["isDraft"], isArchived: object["isArchived"] };
    const result = prepareCreate(context, collection, element, {
      index: isList ? position : undefined,
      locales,
      query,
    });
    details.push(
      ...result.details.filter((detail) => detail.param !== "isDraft" && detail.param !== "isArchived"),
    );
    if (result.prepared) batch.push(result.prepared);
  });
  finishBatch(context, collection, batch, details);
  return { status: 202, body: { items: applyCreates(context, collection, batch, false) }, isChange: true };
}

// ---------------------------------------------------------------- updates

interface PreparedUpdate {
  index: number | undefined;
  item: ItemRecord;
  locale: string;
  changes: Record<string, unknown>;
  isDraft: boolean | undefined;
  isArchived: boolean | undefined;
}

const NEVER_PUBLISHED = new ApiError({
  status: 409,
  code: "conflict",
  message:
    "Conflict: Conflict with server data: Live PATCH updates can't be applied to items that have never been published",
});

/** #6, #7, #11, #14: partial updates of staged (or live) copies. */
function updateItems(
  context: ApiContext,
  collection: CollectionRecord,
  elements: readonly unknown[],
  options: { isLive: boolean; isList: boolean; query: URLSearchParams },
): SandboxItem[] {
  const { isLive, isList } = options;
  checkListSize(elements, "items");
  const items = context.store.itemsOf(collection.id);
  const batch: PreparedUpdate[] = [];
  const details: ErrorDetail[] = [];
  elements.forEach((element, position) => {
    const index = isList ? position : undefined;
    if (!isPlainObject(element)) {
      details.push(...withIndex([{ param: "items", description: "Expected an object" }], index));
      return;
    }
    const id = element["id"];
    if (typeof id !== "string") {
      details.push(...withIndex([{ param: "id", description: "Field is required" }], index));
      return;
    }
    const locale = resolveLocale(context, collection, element["cmsLocaleId"], { index });
    const item = items.get(id);
    const variant = item?.variants.get(locale);
    if (!item || !variant) throw notFound("item");
    if (isLive && variant.lastPublished === null) throw NEVER_PUBLISHED;
    const check = checkFieldData({
      fields: collection.fields,
      fieldData: element["fieldData"],
      isCreate: false,
      context: checkContext(context, collection, options.query),
    });
    const elementDetails = [
      ...withIndex(check.details, index),
      ...checkFlag(element, "isDraft", index),
      ...checkFlag(element, "isArchived", index),
    ];
    details.push(...elementDetails);
    if (elementDetails.length === 0) {
      batch.push({
        index,
        item,
        locale,
        changes: check.normalized,
        isDraft: element["isDraft"] as boolean | undefined,
        isArchived: element["isArchived"] as boolean | undefined,
      });
    }
  });
  details.push(...checkUpdateSlugs(context, collection, batch));
  if (details.length > 0) throw validationError(details);
  return applyUpdates(context, collection, batch, isLive);
}

/** A slug may move between items of one batch (a swap is fine); it may not end up on two. */
function checkUpdateSlugs(
  context: ApiContext,
  collection: CollectionRecord,
  batch: readonly PreparedUpdate[],
): ErrorDetail[] {
  const finalSlugs = new Map<string, string>(); // `${locale}\0${id}` → final slug
  for (const entry of batch) {
    const slug = entry.changes["slug"];
    if (typeof slug === "string") finalSlugs.set(`${entry.locale}\u0000${entry.item.id}`, slug);
  }
  const details: ErrorDetail[] = [];
  for (const entry of batch) {
    const slug = entry.changes["slug"];
    if (typeof slug !== "string") continue;
    const holder = context.store.itemIdBySlug(collection.id, entry.locale, slug);
    const holderMoves = holder !== undefined && finalSlugs.has(`${entry.locale}\u0000${holder}`);
    const storedClash = holder !== undefined && holder !== entry.item.id && !holderMoves;
    const batchClash = [...finalSlugs].some(([key, other]) => {
      const [locale, id] = key.split("\u0000");
      return locale === entry.locale && id !== entry.item.id && other === slug;
    });
    if (storedClash || batchClash) details.push(duplicateSlug(slug, entry.index));
  }
  return details;
}

function applyUpdates(
  context: ApiContext,
  collection: CollectionRecord,
  batch: readonly PreparedUpdate[],
  isLive: boolean,
): SandboxItem[] {
  const now = nowIso();
  const touched: Array<{ id: string; locale: string }> = [];
  for (const entry of batch) {
    const current = entry.item.variants.get(entry.locale);
    if (!current) continue;
    const next: VariantRecord = { ...current };
    if (!isLive || context.liveUpdateAlsoStaged)
      next.fieldData = mergeFieldData(current.fieldData, entry.changes);
    if (entry.isArchived !== undefined) next.isArchived = entry.isArchived;
    if (entry.isDraft !== undefined) next.isDraft = entry.isDraft;
    next.lastUpdated = now;
    if (isLive) {
      // A live PATCH is an update-and-publish in one step (API-NOTES §2.3), so the item counts as published.
      next.live = { fieldData: mergeFieldData(current.live?.fieldData ?? current.fieldData, entry.changes) };
      next.lastPublished = now;
      if (entry.isDraft === undefined) next.isDraft = false;
    }
    context.store.putVariant(collection.id, entry.item.id, next);
    touched.push({ id: entry.item.id, locale: entry.locale });
  }
  return touched.map(({ id, locale }) => {
    const variant = context.store.itemsOf(collection.id).get(id)?.variants.get(locale);
    if (!variant) throw new Error("updated variant vanished");
    return isLive ? liveItem(id, variant) : stagedItem(id, variant);
  });
}

// ---------------------------------------------------------------- deletes, unpublish, publish

interface Target {
  item: ItemRecord;
  locales: string[];
}

/** `{items:[{id, cmsLocaleIds?}]}` → targets; any unknown item or locale variant is a 404. */
function resolveTargets(context: ApiContext, collection: CollectionRecord, body: unknown): Target[] {
  const object = requireObject(body);
  const elements = object["items"];
  if (!Array.isArray(elements)) throw validationError([{ param: "items", description: "Expected an array" }]);
  checkListSize(elements, "items");
  return elements.map((element, index) => {
    if (!isPlainObject(element) || typeof element["id"] !== "string") {
      throw validationError([{ param: "id", description: "Field is required", index }]);
    }
    const localeIds = element["cmsLocaleIds"];
    const locales =
      Array.isArray(localeIds) && localeIds.length > 0
        ? localeIds.map((id) => resolveLocale(context, collection, id, { param: "cmsLocaleIds", index }))
        : [resolveLocale(context, collection, element["cmsLocaleId"], { index })];
    return { item: findItem(context, collection, element["id"], locales), locales };
  });
}

function findItem(
  context: ApiContext,
  collection: CollectionRecord,
  itemId: string,
  locales: readonly string[],
): ItemRecord {
  const item = context.store.itemsOf(collection.id).get(itemId);
  if (!item || locales.some((locale) => !item.variants.has(locale))) throw notFound("item");
  return item;
}

/** #8/#12. Deleting removes the variant outright, live copy included (API-NOTES §11.4 leaves this open). */
function deleteTargets(
  context: ApiContext,
  collection: CollectionRecord,
  targets: readonly Target[],
): ApiResponse {
  for (const { item, locales } of targets) {
    for (const locale of locales) context.store.deleteVariant(collection.id, item.id, locale);
  }
  return { status: 204, isChange: true };
}

/** #9/#15: live = null, isDraft = true, lastPublished = null (API-NOTES §2.3). */
function unpublishTargets(
  context: ApiContext,
  collection: CollectionRecord,
  targets: readonly Target[],
): ApiResponse {
  for (const { item, locales } of targets) {
    for (const locale of locales) {
      const variant = item.variants.get(locale);
      if (!variant) continue;
      context.store.putVariant(collection.id, item.id, {
        ...variant,
        live: null,
        isDraft: true,
        lastPublished: null,
      });
    }
  }
  return { status: 204, isChange: true };
}

/** #16: copies staged to live; unknown ids are reported in `errors` while the rest succeed. */
function publishItems(context: ApiContext, collection: CollectionRecord, body: unknown): ApiResponse {
  const object = requireObject(body);
  const requests: Array<{ id: string; locales: string[] }> = [];
  if (Array.isArray(object["itemIds"])) {
    checkListSize(object["itemIds"], "itemIds");
    const primary = context.store.primaryLocaleOf(collection);
    for (const id of object["itemIds"]) requests.push({ id: String(id), locales: [primary] });
  } else if (Array.isArray(object["items"])) {
    checkListSize(object["items"], "items");
    object["items"].forEach((element: unknown, index) => {
      if (!isPlainObject(element) || typeof element["id"] !== "string") {
        throw validationError([{ param: "id", description: "Field is required", index }]);
      }
      const localeIds = element["cmsLocaleIds"];
      const locales =
        Array.isArray(localeIds) && localeIds.length > 0
          ? localeIds.map((id) => resolveLocale(context, collection, id, { param: "cmsLocaleIds", index }))
          : [context.store.primaryLocaleOf(collection)];
      requests.push({ id: element["id"], locales });
    });
  } else {
    throw validationError([{ param: "itemIds", description: "Expected itemIds or items" }]);
  }
  const now = nowIso();
  const published: string[] = [];
  const errors: string[] = [];
  let isChange = false;
  for (const { id, locales } of requests) {
    const item = context.store.itemsOf(collection.id).get(id);
    if (!item || locales.some((locale) => !item.variants.has(locale))) {
      errors.push(`Staging item ID ${id} not found.`);
      continue;
    }
    for (const locale of locales) {
      const variant = item.variants.get(locale);
      if (!variant) continue;
      // Resulting isDraft after publish is unconfirmed (API-NOTES §2.3); we assume false.
      const next: VariantRecord = variant.isArchived
        ? { ...variant, live: null, lastPublished: null }
        : {
            ...variant,
            live: { fieldData: structuredClone(variant.fieldData) },
            lastPublished: now,
            isDraft: false,
          };
      context.store.putVariant(collection.id, id, next);
      isChange = true;
    }
    if (!published.includes(id)) published.push(id);
  }
  return { status: 202, body: { publishedItemIds: published, errors }, isChange };
}

// ---------------------------------------------------------------- routing

/** Handles `/collections/{id}/items…`; `segments` starts after the collection id. */
export function handleItems(
  context: ApiContext,
  request: ApiRequest,
  collectionId: string,
  rest: readonly string[],
): ApiResponse | undefined {
  const { method, query, body } = request;
  const [first, second, extra] = rest;
  if (extra !== undefined) return undefined;
  const collection = (): CollectionRecord => findCollection(context, collectionId);
  if (first === undefined) {
    if (method === "GET") return listItems(context, collection(), query, false);
    if (method === "POST") return createItems(context, collection(), body, false, query);
    if (method === "PATCH") return patchList(context, collection(), body, false, query);
    if (method === "DELETE")
      return deleteTargets(context, collection(), resolveTargets(context, collection(), body));
    return undefined;
  }
  if (first === "live" && second === undefined) {
    if (method === "GET") return listItems(context, collection(), query, true);
    if (method === "POST") return createItems(context, collection(), body, true, query);
    if (method === "PATCH") return patchList(context, collection(), body, true, query);
    if (method === "DELETE")
      return unpublishTargets(context, collection(), resolveTargets(context, collection(), body));
    return undefined;
  }
  if (first === "bulk" && second === undefined && method === "POST")
    return createBulk(context, collection(), body, query);
  if (first === "publish" && second === undefined && method === "POST")
    return publishItems(context, collection(), body);
  const isLive = second === "live";
  if (second !== undefined && !isLive) return undefined;
  const itemId = first;
  if (method === "GET") return getItem(context, collection(), itemId, query, isLive);
  if (method === "PATCH") {
    const object = requireObject(body);
    const [updated] = updateItems(context, collection(), [{ ...object, id: itemId }], {
      isLive,
      isList: false,
      query,
    });
    return { status: 200, body: updated, isChange: true };
  }
  if (method === "DELETE") {
    const target = singleTarget(context, collection(), itemId, query);
    return isLive
      ? unpublishTargets(context, collection(), [target])
      : deleteTargets(context, collection(), [target]);
  }
  return undefined;
}

function singleTarget(
  context: ApiContext,
  collection: CollectionRecord,
  itemId: string,
  query: URLSearchParams,
): Target {
  const locales = [resolveLocale(context, collection, query.get("cmsLocaleId") ?? undefined)];
  return { item: findItem(context, collection, itemId, locales), locales };
}

function patchList(
  context: ApiContext,
  collection: CollectionRecord,
  body: unknown,
  isLive: boolean,
  query: URLSearchParams,
): ApiResponse {
  const object = requireObject(body);
  if (!Array.isArray(object["items"]))
    throw validationError([{ param: "items", description: "Expected an array" }]);
  const items = updateItems(context, collection, object["items"], { isLive, isList: true, query });
  return { status: 200, body: { items }, isChange: true };
}
