/**
 * The emulator's state: sites, collections, items and assets, following API-NOTES §2.4
 * "Emulator state model" — per (item id × cmsLocaleId) a staged copy, a live copy or null,
 * and `lastPublished`. Serialises to one JSON document; uploaded bytes live beside it.
 */
import type { FieldSchema } from "../core/types.ts";
import { deriveId, nowIso } from "./ids.ts";
import type { SandboxAsset, SandboxItem, SandboxSeed, SeedLocale, SeedSite } from "./types.ts";

/** A site locale (API-NOTES §6). */
export interface LocaleRecord {
  id: string;
  cmsLocaleId: string;
  tag: string;
  displayName: string;
  subdirectory: string;
  enabled: boolean;
}

export interface SiteRecord {
  id: string;
  displayName: string;
  shortName: string;
  createdOn: string;
  lastUpdated: string;
  lastPublished: string | null;
  customDomains: Array<{ id: string; url: string; lastPublished: string | null }>;
  locales: { primary: LocaleRecord; secondary: LocaleRecord[] };
  /** Epoch ms of the last successful site publish; drives the 1-per-minute limit. */
  lastSitePublishAtMs: number | null;
}

export interface CollectionRecord {
  id: string;
  siteId: string;
  displayName: string;
  singularName: string;
  slug: string;
  createdOn: string;
  lastUpdated: string;
  fields: FieldSchema[];
}

/** One item in one locale. */
export interface VariantRecord {
  cmsLocaleId: string;
  fieldData: Record<string, unknown>;
  isDraft: boolean;
  isArchived: boolean;
  createdOn: string;
  lastUpdated: string;
  lastPublished: string | null;
  live: { fieldData: Record<string, unknown> } | null;
}

export interface ItemRecord {
  id: string;
  /** Keyed by cmsLocaleId, in creation order. */
  variants: Map<string, VariantRecord>;
}

export interface AssetRecord {
  id: string;
  siteId: string;
  fileName: string;
  fileHash: string;
  contentType: string;
  size: number;
  parentFolder: string | null;
  altText: string | null;
  createdOn: string;
  lastUpdated: string;
  isUploaded: boolean;
}

/** The JSON document written to `statePath`. */
export interface StateFile {
  format: "wf-sync-sandbox";
  version: 1;
  sites: SiteRecord[];
  collections: CollectionRecord[];
  items: Record<string, Array<{ id: string; variants: VariantRecord[] }>>;
  assets: AssetRecord[];
}

const SYSTEM_FIELDS = [
  { slug: "name", displayName: "Name" },
  { slug: "slug", displayName: "Slug" },
] as const;

function titleCase(slug: string): string {
  return slug
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join(" ");
}

/** Lower-case, spaces to hyphens, as Webflow derives slugs of new collections and fields. */
export function slugify(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, "-")
    .replace(/[^-_a-z0-9]/g, "");
}

function localeRecord(siteId: string, seed: SeedLocale, isPrimary: boolean): LocaleRecord {
  return {
    id: deriveId(siteId, "locale", seed.tag),
    cmsLocaleId: seed.cmsLocaleId ?? deriveId(siteId, "cmsLocale", seed.tag),
    tag: seed.tag,
    displayName: seed.displayName ?? seed.tag,
    subdirectory: isPrimary ? "" : seed.tag.toLowerCase(),
    enabled: true,
  };
}

/** Fills what a seed or a create request may leave out of a field. */
export function completeField(
  collectionId: string,
  field: Partial<FieldSchema> & { slug: string; type: string },
): FieldSchema {
  return {
    id: field.id ?? deriveId(collectionId, "field", field.slug),
    isEditable: field.isEditable ?? true,
    isRequired: field.isRequired ?? false,
    type: field.type,
    slug: field.slug,
    displayName: field.displayName ?? titleCase(field.slug),
    helpText: field.helpText ?? null,
    validations: field.validations ?? null,
  };
}

/** Fields of a new collection: the given ones plus `name` and `slug`, both required PlainText. */
export function withSystemFields(collectionId: string, fields: FieldSchema[]): FieldSchema[] {
  const out = [...fields];
  for (const system of [...SYSTEM_FIELDS].reverse()) {
    const existing = out.find((field) => field.slug === system.slug);
    if (existing) {
      existing.type = "PlainText";
      existing.isRequired = true;
    } else {
      out.unshift(completeField(collectionId, { ...system, type: "PlainText", isRequired: true }));
    }
  }
  return out;
}

/** In-memory state plus the indexes the handlers need. */
export class SandboxStore {
  readonly sites = new Map<string, SiteRecord>();
  readonly collections = new Map<string, CollectionRecord>();
  /** collectionId → itemId → item, in creation order. */
  readonly items = new Map<string, Map<string, ItemRecord>>();
  /** collectionId → cmsLocaleId → staged slug → itemId; slugs are unique per collection and locale. */
  private readonly slugIndex = new Map<string, Map<string, Map<string, string>>>();
  readonly assets = new Map<string, AssetRecord>();
  /** Uploaded bytes by asset id. */
  readonly files = new Map<string, Buffer>();

  /** Adds the sites, collections and fields of `seed` that are not there yet. */
  seed(seed: SandboxSeed): void {
    for (const seedSite of seed.sites) {
      const site = this.sites.get(seedSite.id) ?? this.addSite(seedSite);
      for (const seedCollection of seedSite.collections) {
        const existing = this.collections.get(seedCollection.id);
        if (existing) {
          for (const field of seedCollection.fields) {
            if (!existing.fields.some((known) => known.slug === field.slug)) {
              existing.fields.push(completeField(existing.id, field));
            }
          }
          continue;
        }
        const now = nowIso();
        this.addCollection({
          id: seedCollection.id,
          siteId: site.id,
          displayName: seedCollection.displayName,
          singularName: seedCollection.singularName ?? seedCollection.displayName,
          slug: seedCollection.slug,
          createdOn: now,
          lastUpdated: now,
          fields: withSystemFields(
            seedCollection.id,
            seedCollection.fields.map((field) => completeField(seedCollection.id, field)),
          ),
        });
      }
    }
  }

  private addSite(seed: SeedSite): SiteRecord {
    const now = nowIso();
    const locales = seed.locales ?? { primary: { tag: "en-US", displayName: "English (United States)" } };
    const site: SiteRecord = {
      id: seed.id,
      displayName: seed.displayName,
      shortName: seed.shortName ?? slugify(seed.displayName),
      createdOn: now,
      lastUpdated: now,
      lastPublished: null,
      customDomains: (seed.customDomains ?? []).map((domain) => ({
        id: domain.id ?? deriveId(seed.id, "domain", domain.url),
        url: domain.url,
        lastPublished: null,
      })),
      locales: {
        primary: localeRecord(seed.id, locales.primary, true),
        secondary: (locales.secondary ?? []).map((locale) => localeRecord(seed.id, locale, false)),
      },
      lastSitePublishAtMs: null,
    };
    this.sites.set(site.id, site);
    return site;
  }

  addCollection(collection: CollectionRecord): void {
    this.collections.set(collection.id, collection);
    this.items.set(collection.id, new Map());
    this.slugIndex.set(collection.id, new Map());
  }

  deleteCollection(collectionId: string): void {
    this.collections.delete(collectionId);
    this.items.delete(collectionId);
    this.slugIndex.delete(collectionId);
  }

  /** Locales of the site that owns `collection`, primary first. */
  localesOf(collection: CollectionRecord): LocaleRecord[] {
    const site = this.sites.get(collection.siteId);
    return site ? [site.locales.primary, ...site.locales.secondary] : [];
  }

  primaryLocaleOf(collection: CollectionRecord): string {
    const primary = this.localesOf(collection)[0];
    if (!primary) throw new Error(`Collection ${collection.id} belongs to no known site.`);
    return primary.cmsLocaleId;
  }

  itemsOf(collectionId: string): Map<string, ItemRecord> {
    let items = this.items.get(collectionId);
    if (!items) {
      items = new Map();
      this.items.set(collectionId, items);
    }
    return items;
  }

  private slugsOf(collectionId: string, cmsLocaleId: string): Map<string, string> {
    let byLocale = this.slugIndex.get(collectionId);
    if (!byLocale) {
      byLocale = new Map();
      this.slugIndex.set(collectionId, byLocale);
    }
    let slugs = byLocale.get(cmsLocaleId);
    if (!slugs) {
      slugs = new Map();
      byLocale.set(cmsLocaleId, slugs);
    }
    return slugs;
  }

  /** The item that holds `slug` in the staged copy of that locale, if any. */
  itemIdBySlug(collectionId: string, cmsLocaleId: string, slug: string): string | undefined {
    return this.slugsOf(collectionId, cmsLocaleId).get(slug);
  }

  /** Stores a variant (new or changed) and keeps the slug index in step. */
  putVariant(collectionId: string, itemId: string, variant: VariantRecord): void {
    const items = this.itemsOf(collectionId);
    let item = items.get(itemId);
    if (!item) {
      item = { id: itemId, variants: new Map() };
      items.set(itemId, item);
    }
    const previous = item.variants.get(variant.cmsLocaleId);
    const slugs = this.slugsOf(collectionId, variant.cmsLocaleId);
    const previousSlug = previous?.fieldData["slug"];
    if (typeof previousSlug === "string" && slugs.get(previousSlug) === itemId) slugs.delete(previousSlug);
    const slug = variant.fieldData["slug"];
    if (typeof slug === "string") slugs.set(slug, itemId);
    item.variants.set(variant.cmsLocaleId, variant);
  }

  /** Removes one variant; the item goes when its last variant does. */
  deleteVariant(collectionId: string, itemId: string, cmsLocaleId: string): void {
    const items = this.itemsOf(collectionId);
    const item = items.get(itemId);
    const variant = item?.variants.get(cmsLocaleId);
    if (!item || !variant) return;
    const slug = variant.fieldData["slug"];
    const slugs = this.slugsOf(collectionId, cmsLocaleId);
    if (typeof slug === "string" && slugs.get(slug) === itemId) slugs.delete(slug);
    item.variants.delete(cmsLocaleId);
    if (item.variants.size === 0) items.delete(itemId);
  }

  /** Whether any locale of `collectionId` holds an item with this id (for Reference checks). */
  hasItem(collectionId: string, itemId: string): boolean {
    return this.items.get(collectionId)?.has(itemId) ?? false;
  }

  toJSON(): StateFile {
    const items: StateFile["items"] = {};
    for (const [collectionId, byId] of this.items) {
      items[collectionId] = [...byId.values()].map((item) => ({
        id: item.id,
        variants: [...item.variants.values()],
      }));
    }
    return {
      format: "wf-sync-sandbox",
      version: 1,
      sites: [...this.sites.values()],
      collections: [...this.collections.values()],
      items,
      assets: [...this.assets.values()],
    };
  }

  /** Rebuilds a store from a state file; throws on a document it does not understand. */
  static fromJSON(state: StateFile): SandboxStore {
    if (state.format !== "wf-sync-sandbox" || state.version !== 1) {
      throw new Error(
        `Unsupported sandbox state file (format ${String(state.format)}, version ${String(state.version)}).`,
      );
    }
    const store = new SandboxStore();
    for (const site of state.sites) store.sites.set(site.id, site);
    for (const collection of state.collections) store.addCollection(collection);
    for (const [collectionId, items] of Object.entries(state.items)) {
      for (const item of items) {
        for (const variant of item.variants) store.putVariant(collectionId, item.id, variant);
      }
    }
    for (const asset of state.assets) store.assets.set(asset.id, asset);
    return store;
  }
}

/** The wire shape of a staged variant. */
export function stagedItem(id: string, variant: VariantRecord): SandboxItem {
  return {
    id,
    cmsLocaleId: variant.cmsLocaleId,
    lastPublished: variant.lastPublished,
    lastUpdated: variant.lastUpdated,
    createdOn: variant.createdOn,
    isArchived: variant.isArchived,
    isDraft: variant.isDraft,
    fieldData: structuredClone(variant.fieldData),
  };
}

/** The wire shape of a live variant; only call when `variant.live` is set. */
export function liveItem(id: string, variant: VariantRecord): SandboxItem {
  return { ...stagedItem(id, variant), fieldData: structuredClone(variant.live?.fieldData ?? {}) };
}

/** The wire shape of an asset; `origin` is the sandbox's `http://127.0.0.1:PORT`. */
export function assetView(asset: AssetRecord, origin: string): SandboxAsset {
  return {
    id: asset.id,
    contentType: asset.contentType,
    size: asset.size,
    siteId: asset.siteId,
    hostedUrl: hostedUrl(asset, origin),
    originalFileName: asset.fileName,
    displayName: `${asset.id}_${asset.fileName}`,
    lastUpdated: asset.lastUpdated,
    createdOn: asset.createdOn,
    variants: [],
    altText: asset.altText,
    parentFolder: asset.parentFolder,
    fileHash: asset.fileHash,
    isUploaded: asset.isUploaded,
  };
}

/** Where an uploaded file is served, shaped like Webflow's CDN URLs (`<siteId>/<assetId>_<name>`). */
export function hostedUrl(asset: AssetRecord, origin: string): string {
  return `${origin}/files/${asset.siteId}/${asset.id}_${encodeURIComponent(asset.fileName)}`;
}
