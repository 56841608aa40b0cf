/**
 * Sites, collections, fields and site publish (API-NOTES §2.5, §3.1, §6).
 */
import type { FieldSchema } from "../core/types.ts";
import { ApiError, type ErrorDetail, validationError } from "./api-error.ts";
import {
  type ApiContext,
  type ApiRequest,
  type ApiResponse,
  findCollection,
  findSite,
  isPlainObject,
  requireObject,
} from "./context.ts";
import { mintId, nowIso } from "./ids.ts";
import {
  type CollectionRecord,
  type LocaleRecord,
  type SiteRecord,
  completeField,
  slugify,
  withSystemFields,
} from "./store.ts";

const CREATABLE_TYPES = new Set([
  "Color",
  "DateTime",
  "Email",
  "File",
  "Image",
  "Link",
  "MultiImage",
  "Number",
  "Phone",
  "PlainText",
  "RichText",
  "Switch",
  "VideoLink",
  "Option",
  "Reference",
  "MultiReference",
]);

function localeView(locale: LocaleRecord, isPrimary: boolean): Record<string, unknown> {
  return {
    id: locale.id,
    cmsLocaleId: locale.cmsLocaleId,
    enabled: locale.enabled,
    displayName: locale.displayName,
    displayImageId: null,
    ...(isPrimary ? { redirect: true } : {}),
    subdirectory: locale.subdirectory,
    tag: locale.tag,
  };
}

function siteView(site: SiteRecord): Record<string, unknown> {
  return {
    id: site.id,
    workspaceId: null,
    displayName: site.displayName,
    shortName: site.shortName,
    previewUrl: null,
    timeZone: "UTC",
    createdOn: site.createdOn,
    lastUpdated: site.lastUpdated,
    lastPublished: site.lastPublished,
    parentFolderId: null,
    customDomains: site.customDomains.map((domain) => ({ ...domain })),
    locales: {
      primary: localeView(site.locales.primary, true),
      secondary: site.locales.secondary.map((locale) => localeView(locale, false)),
    },
    dataCollectionEnabled: false,
    dataCollectionType: "disabled",
  };
}

function collectionSummary(collection: CollectionRecord): Record<string, unknown> {
  return {
    id: collection.id,
    displayName: collection.displayName,
    singularName: collection.singularName,
    slug: collection.slug,
    createdOn: collection.createdOn,
    lastUpdated: collection.lastUpdated,
  };
}

function collectionView(collection: CollectionRecord): Record<string, unknown> {
  return {
    ...collectionSummary(collection),
    fields: collection.fields.map((field) => structuredClone(field)),
  };
}

/** Turns a FieldCreate body into a field; Option ids are minted, as Webflow does. */
function buildField(collectionId: string, body: unknown, index?: number): FieldSchema {
  const at = index === undefined ? {} : { index };
  if (!isPlainObject(body))
    throw validationError([{ param: "fields", description: "Expected an object", ...at }]);
  const { type, displayName, isRequired, helpText, metadata, slug } = body;
  const details: ErrorDetail[] = [];
  if (typeof type !== "string" || !CREATABLE_TYPES.has(type))
    details.push({ param: "type", description: `Unsupported field type: '${String(type)}'`, ...at });
  if (typeof displayName !== "string" || displayName.trim() === "")
    details.push({ param: "displayName", description: "Field is required", ...at });
  if (isRequired !== undefined && typeof isRequired !== "boolean")
    details.push({ param: "isRequired", description: "Expected a boolean", ...at });
  let validations: Record<string, unknown> | null = null;
  if (type === "Option") {
    const options = isPlainObject(metadata) ? metadata["options"] : undefined;
    if (
      !Array.isArray(options) ||
      options.length === 0 ||
      options.length > 100 ||
      !options.every((option) => isPlainObject(option) && typeof option["name"] === "string")
    ) {
      details.push({
        param: "metadata.options",
        description: "Expected 1 to 100 options with a name",
        ...at,
      });
    } else {
      validations = {
        options: options.map((option: Record<string, unknown>) => ({
          name: option["name"],
          id: typeof option["id"] === "string" ? option["id"] : mintId(),
        })),
      };
    }
  }
  if (type === "Reference" || type === "MultiReference") {
    const target = isPlainObject(metadata) ? metadata["collectionId"] : undefined;
    if (typeof target !== "string")
      details.push({ param: "metadata.collectionId", description: "Field is required", ...at });
    else validations = { collectionId: target };
  }
  if (details.length > 0) throw validationError(details);
  return completeField(collectionId, {
    id: mintId(),
    type: type as string,
    displayName: displayName as string,
    slug: typeof slug === "string" && slug !== "" ? slugify(slug) : slugify(displayName as string),
    isRequired: (isRequired as boolean | undefined) ?? false,
    helpText: typeof helpText === "string" ? helpText : null,
    validations,
  });
}

const DUPLICATE = (message: string): ApiError =>
  new ApiError({ status: 409, code: "duplicate_collection", message });

function createCollection(context: ApiContext, site: SiteRecord, body: unknown): ApiResponse {
  const object = requireObject(body);
  const { displayName, singularName, slug, fields } = object;
  const details: ErrorDetail[] = [];
  if (typeof displayName !== "string" || displayName.trim() === "")
    details.push({ param: "displayName", description: "Field is required" });
  if (typeof singularName !== "string" || singularName.trim() === "")
    details.push({ param: "singularName", description: "Field is required" });
  if (fields !== undefined && !Array.isArray(fields))
    details.push({ param: "fields", description: "Expected an array" });
  if (details.length > 0) throw validationError(details);
  const collectionSlug =
    typeof slug === "string" && slug !== "" ? slugify(slug) : slugify(displayName as string);
  for (const existing of context.store.collections.values()) {
    if (
      existing.siteId === site.id &&
      (existing.slug === collectionSlug || existing.displayName === displayName)
    ) {
      throw DUPLICATE("Collection already exists");
    }
  }
  const id = mintId();
  const built = ((fields as unknown[] | undefined) ?? []).map((field, index) => buildField(id, field, index));
  const now = nowIso();
  const collection: CollectionRecord = {
    id,
    siteId: site.id,
    displayName: displayName as string,
    singularName: singularName as string,
    slug: collectionSlug,
    createdOn: now,
    lastUpdated: now,
    fields: withSystemFields(id, built),
  };
  context.store.addCollection(collection);
  return { status: 200, body: collectionView(collection), isChange: true };
}

function createField(context: ApiContext, collection: CollectionRecord, body: unknown): ApiResponse {
  const field = buildField(collection.id, requireObject(body));
  if (collection.fields.some((known) => known.slug === field.slug)) throw DUPLICATE("Field already exists");
  // Webflow caps a collection at 60 fields (API-NOTES §3.1).
  if (collection.fields.length >= 60)
    throw validationError([{ param: "fields", description: "A collection can have at most 60 fields" }]);
  collection.fields.push(field);
  collection.lastUpdated = nowIso();
  return { status: 200, body: structuredClone(field), isChange: true };
}

/** Site publish: copies queued staged items to live; at most one success per interval (API-NOTES §2.5). */
function publishSite(context: ApiContext, site: SiteRecord, body: unknown): ApiResponse {
  const object = body === undefined ? {} : requireObject(body);
  const domains = object["customDomains"];
  const toSubdomain = object["publishToWebflowSubdomain"] === true;
  if (domains !== undefined && !Array.isArray(domains))
    throw validationError([{ param: "customDomains", description: "Expected an array" }]);
  const domainIds = (domains as unknown[] | undefined) ?? [];
  if (domainIds.length === 0 && !toSubdomain) {
    throw new ApiError({ status: 400, code: "no_domains", message: "No domain IDs provided" });
  }
  if (domainIds.some((id) => !site.customDomains.some((domain) => domain.id === id))) {
    throw new ApiError({
      status: 400,
      code: "invalid_domain",
      message: "Please send a valid custom domain ID",
    });
  }
  const nowMs = context.clock();
  if (site.lastSitePublishAtMs !== null && nowMs - site.lastSitePublishAtMs < context.sitePublishIntervalMs) {
    const waitMs = site.lastSitePublishAtMs + context.sitePublishIntervalMs - nowMs;
    throw new ApiError({
      status: 429,
      code: "too_many_requests",
      message: "Too Many Requests",
      headers: { "Retry-After": String(Math.max(1, Math.ceil(waitMs / 1000))) },
    });
  }
  const now = new Date(nowMs).toISOString();
  site.lastSitePublishAtMs = nowMs;
  site.lastPublished = now;
  for (const domain of site.customDomains) if (domainIds.includes(domain.id)) domain.lastPublished = now;
  for (const collection of context.store.collections.values()) {
    if (collection.siteId !== site.id) continue;
    for (const item of context.store.itemsOf(collection.id).values()) {
      for (const variant of [...item.variants.values()]) {
        // Archived items leave the live site; drafts keep their previous live version (API-NOTES §2.4).
        if (variant.isArchived) {
          if (variant.live) context.store.putVariant(collection.id, item.id, { ...variant, live: null });
        } else if (!variant.isDraft) {
          context.store.putVariant(collection.id, item.id, {
            ...variant,
            live: { fieldData: structuredClone(variant.fieldData) },
            lastPublished: now,
          });
        }
      }
    }
  }
  return {
    status: 202,
    body: {
      customDomains: site.customDomains
        .filter((domain) => domainIds.includes(domain.id))
        .map((domain) => ({ ...domain })),
      publishToWebflowSubdomain: toSubdomain,
      publishScope: "site",
    },
    isChange: true,
  };
}

/** Handles `/sites…` and `/collections/{id}` (without `/items`). */
export function handleSchema(context: ApiContext, request: ApiRequest): ApiResponse | undefined {
  const { method, segments, body } = request;
  const [root, id, sub, extra] = segments;
  if (extra !== undefined) return undefined;
  if (root === "sites") {
    if (id === undefined) {
      return method === "GET"
        ? { status: 200, body: { sites: [...context.store.sites.values()].map(siteView) } }
        : undefined;
    }
    if (sub === undefined && method === "GET") return { status: 200, body: siteView(findSite(context, id)) };
    if (sub === "collections" && method === "GET") {
      const site = findSite(context, id);
      const collections = [...context.store.collections.values()].filter(
        (collection) => collection.siteId === site.id,
      );
      return { status: 200, body: { collections: collections.map(collectionSummary) } };
    }
    if (sub === "collections" && method === "POST")
      return createCollection(context, findSite(context, id), body);
    if (sub === "publish" && method === "POST") return publishSite(context, findSite(context, id), body);
    return undefined;
  }
  if (root === "collections" && id !== undefined) {
    if (sub === undefined && method === "GET")
      return { status: 200, body: collectionView(findCollection(context, id)) };
    if (sub === undefined && method === "DELETE") {
      findCollection(context, id);
      context.store.deleteCollection(id);
      return { status: 204, isChange: true };
    }
    if (sub === "fields" && method === "POST") return createField(context, findCollection(context, id), body);
  }
  return undefined;
}
