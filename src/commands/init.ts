import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { stringify } from "yaml";
import { UsageError } from "../errors.ts";
import { CONFIG_FILE_NAMES } from "../load-config.ts";
import { slugify } from "../core/slugify.ts";
import type { CollectionSchema, FieldSchema } from "../core/types.ts";
import type { WebflowClient } from "../webflow/client.ts";
import { RESERVED_FRONTMATTER_KEYS } from "../core/map-fields.ts";
import { WRITABLE_FIELD_TYPES } from "../core/convert-field.ts";

export interface RunInitOptions {
  client: WebflowClient;
  /** Folder the config and content go to. */
  root: string;
  /** Site to use; without it the only site the token sees is used. */
  siteId?: string | undefined;
  /** Collections to include, by slug, name or id (all when empty). */
  collections?: readonly string[] | undefined;
  /** Replace an existing config file. */
  isForced?: boolean;
  /** Written into the config as `sandboxSeed` (init against the built-in sandbox). */
  sandboxSeed?: string | undefined;
  /** Name of the config file (default `wf-sync.config.ts`). */
  configFileName?: string;
}

/** One collection as init wrote it. */
export interface InitCollection {
  name: string;
  collectionId: string;
  displayName: string;
  folder: string;
  body: string | undefined;
  /** Frontmatter key → field slug. */
  fields: Record<string, string>;
  sampleFile: string;
}

export interface InitReport {
  siteId: string;
  siteName: string;
  configFile: string;
  collections: InitCollection[];
  /** Sample files written (existing ones are left alone). */
  samplesWritten: string[];
}

const RESERVED_KEYS = RESERVED_FRONTMATTER_KEYS;
const WRITABLE_TYPES = WRITABLE_FIELD_TYPES;

function isWritable(field: FieldSchema): boolean {
  return WRITABLE_TYPES.has(field.type) && field.isEditable !== false;
}

/** Picks the site: the one asked for, else the only one the token sees; several is a usage error that lists them. */
async function chooseSite(
  client: WebflowClient,
  siteId: string | undefined,
): Promise<{ id: string; displayName: string }> {
  if (siteId) {
    const site = await client.getSite(siteId).catch((error: unknown) => {
      if (error instanceof Error && "status" in error && (error as { status: number }).status === 404) {
        throw new UsageError(`Site ${siteId} was not found, or the token cannot see it.`, {
          hint: "Run `wf-sync init` without --site to list the sites this token sees.",
        });
      }
      throw error;
    });
    return { id: site.id, displayName: site.displayName };
  }
  const sites = await client.listSites();
  if (sites.length === 1) return sites[0] as { id: string; displayName: string };
  if (sites.length === 0) {
    throw new UsageError("The token sees no site.", {
      hint: "Create a site API token in the site's settings (Apps & integrations → API access), or pass --site <id>.",
    });
  }
  const list = sites.map((site) => `  ${site.id}  ${site.displayName}`).join("\n");
  throw new UsageError(`The token sees ${sites.length} sites; choose one with --site <id>:\n${list}`);
}

/** Readable, unique frontmatter keys for a collection's fields: the display name in kebab-case, else the slug. */
function readableKeys(fields: readonly FieldSchema[], body: string | undefined): Map<string, string> {
  const keys = new Map<string, string>();
  const taken = new Set<string>(RESERVED_KEYS);
  for (const field of fields) {
    if (field.slug === "name" || field.slug === "slug" || field.slug === body || !isWritable(field)) continue;
    let key = slugify(field.displayName ?? "") || field.slug;
    if (taken.has(key)) key = field.slug;
    if (taken.has(key)) continue;
    taken.add(key);
    keys.set(field.slug, key);
  }
  return keys;
}

function describeField(field: FieldSchema): string {
  const parts: string[] = [field.type];
  if (field.isRequired) parts.push("required");
  const validations = field.validations ?? {};
  if (field.type === "Option") {
    const options = Array.isArray(validations["options"])
      ? (validations["options"] as Array<{ name?: string }>)
      : [];
    parts.push(`one of: ${options.map((option) => option.name ?? "").join(", ")}`);
  }
  if (typeof validations["maxLength"] === "number") parts.push(`max ${validations["maxLength"]} characters`);
  if (field.type === "Reference" || field.type === "MultiReference") parts.push("item slug(s)");
  if (field.type === "Image" || field.type === "MultiImage" || field.type === "File")
    parts.push("URL or path next to the file");
  return parts.join(", ");
}

/** A value that passes the field's validations, to show the author what the field takes. */
function sampleValue(
  field: FieldSchema,
  context: { sampleSlugs: Map<string, string> },
): { value: unknown; isCommented: boolean } {
  const validations = field.validations ?? {};
  switch (field.type) {
    case "PlainText": {
      const maxLength = typeof validations["maxLength"] === "number" ? validations["maxLength"] : 256;
      return { value: `Example ${field.displayName.toLowerCase()}`.slice(0, maxLength), isCommented: false };
    }
    case "RichText":
      return { value: "<p>Rich text as HTML.</p>", isCommented: false };
    case "Email":
      return { value: "editor@example.com", isCommented: false };
    case "Phone":
      return { value: "+1 555 010 0000", isCommented: false };
    case "Link":
      return { value: "https://example.com", isCommented: false };
    case "VideoLink":
      return { value: "https://www.youtube.com/watch?v=dQw4w9WgXcQ", isCommented: false };
    case "Color":
      return { value: "#1a5fb4", isCommented: false };
    case "Number": {
      const min = typeof validations["minValue"] === "number" ? validations["minValue"] : undefined;
      const max = typeof validations["maxValue"] === "number" ? validations["maxValue"] : undefined;
      let value = 1;
      if (min !== undefined && value < min) value = min;
      if (max !== undefined && value > max) value = max;
      return { value, isCommented: false };
    }
    case "DateTime":
      return { value: new Date().toISOString().slice(0, 10), isCommented: false };
    case "Switch":
      return { value: false, isCommented: false };
    case "Option": {
      const options = Array.isArray(validations["options"])
        ? (validations["options"] as Array<{ name?: string }>)
        : [];
      return { value: options[0]?.name ?? null, isCommented: options.length === 0 };
    }
    case "Reference":
    case "MultiReference": {
      const target = context.sampleSlugs.get(String(validations["collectionId"] ?? ""));
      if (target === undefined)
        return {
          value: field.type === "Reference" ? "slug-of-an-item" : ["slug-of-an-item"],
          isCommented: !field.isRequired,
        };
      return { value: field.type === "Reference" ? target : [target], isCommented: false };
    }
    case "Image":
    case "MultiImage": {
      const image = { src: "../images/example.png", alt: "Describe the image" };
      return { value: field.type === "Image" ? image : [image], isCommented: !field.isRequired };
    }
    case "File":
      return { value: "../files/example.pdf", isCommented: !field.isRequired };
    default:
      return { value: null, isCommented: true };
  }
}

function quote(text: string): string {
  return JSON.stringify(text);
}

function configText(options: {
  site: { id: string; displayName: string };
  collections: Array<InitCollection & { schema: CollectionSchema; keys: Map<string, string> }>;
  sandboxSeed: string | undefined;
  fileName: string;
}): string {
  const lines: string[] = [];
  lines.push(
    `// ${options.fileName}, written by \`wf-sync init\` for the site "${options.site.displayName}".`,
  );
  lines.push("// Each collection maps the Markdown files of one folder to one Webflow CMS collection.");
  lines.push(
    "// Edit freely: rename frontmatter keys on the left of `fields`, remove collections you do not want synced.",
  );
  lines.push("// How the keys work: wf-sync README and docs/getting-started.md.");
  lines.push('import { defineConfig } from "wf-sync";');
  lines.push("");
  lines.push("export default defineConfig({");
  lines.push(`  // ${options.site.displayName}; needed for uploading local images and files.`);
  lines.push(`  siteId: ${quote(options.site.id)},`);
  if (options.sandboxSeed) {
    lines.push(
      "  // The demo site lives in the built-in local sandbox: with no WEBFLOW_API_TOKEN set, runs use it",
    );
    lines.push("  // (outside CI). Remove this line once the config points at your real site.");
    lines.push("  sandbox: true,");
    lines.push(
      "  // Describes the built-in sandbox's site when no WEBFLOW_API_TOKEN is set; ignored with a token.",
    );
    lines.push(`  sandboxSeed: ${quote(options.sandboxSeed)},`);
  }
  lines.push("  collections: [");
  for (const collection of options.collections) {
    lines.push("    {");
    lines.push(
      `      // "${collection.displayName}": one Markdown file per item. \`title:\` fills Name; \`slug:\` (else the file name) fills Slug.`,
    );
    lines.push(`      name: ${quote(collection.name)},`);
    lines.push(`      collectionId: ${quote(collection.collectionId)},`);
    lines.push(`      include: ${quote(`${collection.folder}/*.{md,markdown}`)},`);
    lines.push('      exclude: ["**/_*.{md,markdown}"], // files starting with _ are never synced');
    const richTexts = collection.schema.fields.filter((field) => field.type === "RichText");
    if (collection.body) {
      const others = richTexts.filter((field) => field.slug !== collection.body).map((field) => field.slug);
      lines.push(
        `      // The RichText field that receives the Markdown body${others.length ? ` (other RichText fields, set as HTML in frontmatter: ${others.join(", ")})` : ""}.`,
      );
      lines.push(`      body: ${quote(collection.body)},`);
    } else {
      lines.push("      // The collection has no RichText field, so the Markdown body is not synced.");
    }
    lines.push("      // Frontmatter key → Webflow field slug.");
    lines.push("      fields: {");
    for (const field of collection.schema.fields) {
      const key = collection.keys.get(field.slug);
      if (key !== undefined)
        lines.push(`        ${quote(key)}: ${quote(field.slug)}, // ${describeField(field)}`);
      else if (!isWritable(field) && field.slug !== "name" && field.slug !== "slug")
        lines.push(`        // ${field.slug}: ${field.type}, managed by Webflow, not synced`);
    }
    lines.push("      },");
    lines.push("    },");
  }
  lines.push("  ],");
  lines.push(
    '  // What happens to an item when its file is deleted: "keep" (default), "unpublish", "archive" or "delete".',
  );
  lines.push('  onDelete: "keep",');
  lines.push("  // One run removes at most this share of a collection unless run with --yes.");
  lines.push("  maxDeleteShare: 0.1,");
  lines.push("});");
  return `${lines.join("\n")}\n`;
}

function sampleText(
  collection: InitCollection & { schema: CollectionSchema; keys: Map<string, string> },
  sampleSlugs: Map<string, string>,
): string {
  const lines: string[] = ["---"];
  const singular = collection.schema.singularName ?? collection.displayName;
  lines.push(
    `# An example ${singular.toLowerCase()} showing every field. draft: true keeps it off the live site;`,
  );
  lines.push("# delete this file (or set draft: false) once you have real content.");
  lines.push(stringify({ title: `Example ${singular}` }).trimEnd());
  lines.push("draft: true");
  for (const field of collection.schema.fields) {
    const key = collection.keys.get(field.slug);
    if (key === undefined) continue;
    const { value, isCommented } = sampleValue(field, { sampleSlugs });
    const text = stringify({ [key]: value }, { lineWidth: 0 }).trimEnd();
    lines.push(`# ${field.displayName}: ${describeField(field)}`);
    lines.push(
      isCommented
        ? text
            .split("\n")
            .map((line) => `# ${line}`)
            .join("\n")
        : text,
    );
  }
  lines.push("---");
  if (collection.body) {
    lines.push("This Markdown body becomes the rich text of the item.");
    lines.push("");
    lines.push("## A heading");
    lines.push("");
    lines.push("Some **bold** and _italic_ text, a [link](https://example.com), and a list:");
    lines.push("");
    lines.push("- one");
    lines.push("- two");
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The config's name when none is given: the one the project already has, else
 * `wf-sync.config.ts`, or `wf-sync.config.mts` in a CommonJS package (a package.json without
 * `"type": "module"`), where TypeScript reads a `.ts` file as CommonJS and, with
 * `verbatimModuleSyntax` (tsc --init's default), rejects its `import`/`export default` (TS1295).
 */
export function defaultConfigFileName(root: string): string {
  const existing = CONFIG_FILE_NAMES.find((name) => existsSync(resolve(root, name)));
  if (existing) return existing;
  const manifest = resolve(root, "package.json");
  if (!existsSync(manifest)) return "wf-sync.config.ts";
  try {
    const type = (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type;
    return type === "module" ? "wf-sync.config.ts" : "wf-sync.config.mts";
  } catch {
    return "wf-sync.config.ts";
  }
}

/**
 * `wf-sync init`: reads a site's collections and fields and writes a commented
 * `wf-sync.config.ts` plus one sample Markdown file per collection. Never overwrites a
 * config without `isForced`; sample files that exist are left alone.
 */
export async function runInit(options: RunInitOptions): Promise<InitReport> {
  const { client, root } = options;
  const configFile = resolve(root, options.configFileName ?? defaultConfigFileName(root));
  if (existsSync(configFile) && !options.isForced) {
    throw new UsageError(`${configFile} already exists; init leaves it alone.`, {
      hint: "Run `wf-sync init --force` to replace it.",
    });
  }
  const site = await chooseSite(client, options.siteId);
  const summaries = await client.listCollections(site.id);
  let chosen = summaries;
  if (options.collections && options.collections.length > 0) {
    chosen = options.collections.map((wanted) => {
      const lower = wanted.toLowerCase();
      const found = summaries.find(
        (summary) =>
          summary.id === wanted ||
          summary.slug.toLowerCase() === lower ||
          summary.displayName.toLowerCase() === lower,
      );
      if (!found) {
        throw new UsageError(`The site has no collection "${wanted}".`, {
          hint: `It has: ${summaries.map((summary) => summary.slug).join(", ") || "no collections"}.`,
        });
      }
      return found;
    });
  }
  if (chosen.length === 0)
    throw new UsageError(`The site "${site.displayName}" has no CMS collections.`, {
      hint: "Create a collection in the Webflow Designer first.",
    });

  const usedNames = new Set<string>();
  const collections: Array<InitCollection & { schema: CollectionSchema; keys: Map<string, string> }> = [];
  for (const summary of chosen) {
    const schema = await client.getCollection(summary.id);
    let name = slugify(summary.slug || summary.displayName) || "items";
    while (usedNames.has(name)) name = `${name}-2`;
    usedNames.add(name);
    const body = schema.fields.find((field) => field.type === "RichText" && isWritable(field))?.slug;
    const keys = readableKeys(schema.fields, body);
    const folder = `content/${name}`;
    const singular = slugify(schema.singularName ?? "") || "item";
    collections.push({
      name,
      collectionId: summary.id,
      displayName: summary.displayName,
      folder,
      body,
      fields: Object.fromEntries([...keys].map(([slug, key]) => [key, slug])),
      sampleFile: `${folder}/example-${singular}.md`,
      schema,
      keys,
    });
  }

  const sampleSlugs = new Map(
    collections.map((collection) => [
      collection.collectionId,
      collection.sampleFile.split("/").at(-1)?.replace(/\.md$/, "") ?? "",
    ]),
  );
  await writeFile(
    configFile,
    configText({ site, collections, sandboxSeed: options.sandboxSeed, fileName: basename(configFile) }),
  );
  const samplesWritten: string[] = [];
  for (const collection of collections) {
    const absolute = resolve(root, collection.sampleFile);
    await mkdir(resolve(root, collection.folder), { recursive: true });
    if (existsSync(absolute)) continue;
    await writeFile(absolute, sampleText(collection, sampleSlugs));
    samplesWritten.push(collection.sampleFile);
  }
  return {
    siteId: site.id,
    siteName: site.displayName,
    configFile,
    collections: collections.map(({ schema: _schema, keys: _keys, ...collection }) => collection),
    samplesWritten,
  };
}
