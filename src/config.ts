import { z } from "zod";

/** What happens to a live item whose Markdown file was removed. */
export const OnDeleteSchema = z.enum(["keep", "unpublish", "archive", "delete"]);

/** A unified plugin, or `[plugin, options]`, as Astro, Docusaurus and MDX configs take them. */
const PluginFunctionSchema = z.custom<(...options: never[]) => unknown>(
  (value) => typeof value === "function",
  "expected a unified plugin (a function) or [plugin, options]",
);
const PluginListSchema = z.array(
  z.union([PluginFunctionSchema, z.tuple([PluginFunctionSchema], z.unknown())]),
);

/** Rich-text rendering options; docs/rich-text.md describes each. */
export const RichTextSchema = z
  .object({
    /** Code blocks as custom-code embeds (their `<pre>` survives) or as paragraphs of inline code. */
    codeBlocks: z.enum(["embed", "paragraph"]),
    /** Tables as an embedded `<table>`, or as a list of rows that stays editable. */
    tables: z.enum(["embed", "list"]),
    /** Raw HTML in Markdown: sanitised (default), kept as written (trusted repos), or escaped. */
    rawHtml: z.enum(["sanitize", "keep", "escape"]),
    /** Add GitHub-style ids to headings. */
    headingIds: z.boolean(),
    /** Demote every heading one level when the body has an h1 (the page template owns the title). */
    h1: z.enum(["keep", "demote"]),
    /** Highlight code at build time (highlight.js classes; the site needs a theme). */
    highlight: z.boolean(),
    /** A YouTube/Vimeo link alone on a line becomes a video figure. */
    videoEmbeds: z.boolean(),
    /** Alignment of image figures. */
    imageAlign: z.enum(["fullwidth", "center", "normal", "floatleft", "floatright"]),
    /** Bold line above the footnotes; "" for none. */
    footnoteLabel: z.string(),
    /** unified remark plugins, run before wf-sync's own rendering and sanitising. */
    remarkPlugins: PluginListSchema,
    /** unified rehype plugins, run before wf-sync maps the HTML to rich text and sanitises it. */
    rehypePlugins: PluginListSchema,
  })
  .partial()
  .strict();

/** Bounds on one source file; see README "Limits". The other bounds are fixed. */
export const LimitsSchema = z
  .object({
    /** Largest Markdown body in bytes (UTF-8); a bigger file fails with WF_LIMIT. Default 5,000,000. */
    maxBodyBytes: z.number().int().positive(),
    /** Most milliseconds to parse and render one file; a slower file fails with WF_LIMIT. Default 20,000. */
    maxFileMs: z.number().int().positive(),
  })
  .partial()
  .strict();

// Every object here is strict: an unknown key (a typo such as `onDelte`) is an error, never
// silently ignored; load-config.ts turns it into "did you mean …?". config.test.ts checks this.
const CollectionSchema = z.strictObject({
  /** Local label, used in output and with `--collection`. */
  name: z.string().min(1),
  /** The Webflow collection id (Collection settings → API, or `wf-sync init`). */
  collectionId: z.string().min(1),
  /** fast-glob pattern(s) relative to the config's folder: the primary-locale Markdown files. */
  include: z.union([z.string().min(1), z.array(z.string().min(1)).nonempty()]),
  /** fast-glob pattern(s) to leave out. */
  exclude: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
  /** Slug of the RichText field that receives the rendered Markdown body. */
  body: z.string().min(1).optional(),
  /** Frontmatter key → Webflow field slug. Keys that already equal a field slug need no entry. */
  fields: z.record(z.string(), z.string()).default({}),
  /** URL path of an item on the site, for links between Markdown files, e.g. `/blog/{slug}`. */
  urlPattern: z.string().optional(),
  /** Secondary locales: locale tag (e.g. `fr-FR`) → fast-glob pattern(s) of that locale's files. */
  locales: z
    .record(z.string(), z.union([z.string().min(1), z.array(z.string().min(1)).nonempty()]))
    .optional(),
  /** Rich-text rendering options for this collection (see docs/rich-text.md). */
  richText: RichTextSchema.optional(),
  /**
   * Slug of a file without `slug:`: `"name"` (default) the file name, `index.md`/`_index.md`
   * their folder's; `"path"` the path below the `include` base folder, joined with `-`.
   */
  slugFrom: z.enum(["name", "path"]).optional(),
  /**
   * Hugo shortcodes and Liquid tags in bodies: `"convert"` (default) built-in ones, removing the
   * markers of others with a warning; `"error"` fails the file; `"keep"` sends them as text.
   */
  templates: z.enum(["convert", "error", "keep"]).optional(),
});

/** Seconds of a config duration: a number of seconds, or "90s", "5m", "1h", "500ms". */
function durationSeconds(value: number | string): number {
  if (typeof value === "number") return value;
  const [, amount = "0", unit = "s"] = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)$/.exec(value) ?? [];
  const factor: Record<string, number> = { ms: 0.001, s: 1, m: 60, min: 60, h: 3600 };
  return Number(amount) * (factor[unit] ?? 1);
}

export const ConfigSchema = z.strictObject({
  /** Site id: needed for asset uploads, locales and `init`. */
  siteId: z.string().min(1).optional(),
  collections: z.array(CollectionSchema).nonempty(),
  /** Most requests in flight at once. */
  concurrency: z.number().int().min(1).max(10).default(4),
  /** Where the manifest lives, relative to the config's folder. */
  manifest: z.string().min(1).default(".wf-sync/manifest.json"),
  /** What happens to items whose file was removed. */
  onDelete: OnDeleteSchema.default("keep"),
  /** Largest share (0–1) of a collection one run may remove without `--yes`. */
  maxDeleteShare: z.number().min(0).max(1).default(0.1),
  /** Rich-text rendering options for every collection (see docs/rich-text.md). */
  richText: RichTextSchema.optional(),
  /**
   * Folders, relative to the config's folder, where root-absolute image and file paths
   * (`/img/logo.png`) are looked up, in order (Hugo's `static/`, a Jekyll repo's root). Local
   * files are read only from the project root and these folders.
   */
  staticDirs: z.array(z.string().min(1)).default([]),
  /**
   * Longest wait wf-sync accepts when Webflow's rate limit asks for one (a 429's `Retry-After`):
   * seconds, or a duration such as `"90s"`, `"5m"`, `"1h"`. A longer wait stops the run instead,
   * with what was written recorded, exit 1 and the time to try again. Default 5 minutes.
   */
  maxRateLimitWait: z
    .union([
      z.number().nonnegative(),
      z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|min|h)$/, 'a duration such as "90s", "5m" or "1h"'),
    ])
    .transform(durationSeconds)
    .default(300),
  /** JSON file describing the sandbox's site and collections (see README "The sandbox"). */
  sandboxSeed: z.string().optional(),
  /**
   * Run against the built-in local sandbox when no WEBFLOW_API_TOKEN is set (outside CI; under
   * CI only `--sandbox` or WF_SYNC_SANDBOX=1 select it). Without it a missing token exits 2.
   */
  sandbox: z.boolean().default(false),
  /** Bounds on each source file; a file over one fails alone (see README "Limits"). */
  limits: LimitsSchema.optional(),
});

/** The config as people write it in `wf-sync.config.ts`. */
export type UserConfig = z.input<typeof ConfigSchema>;
/** One collection as people write it. */
export type UserCollectionConfig = z.input<typeof CollectionSchema>;
/** The config with defaults applied and validated; only this gets past load-config.ts. */
export type ResolvedConfig = z.output<typeof ConfigSchema> & {
  /** Absolute path of the folder holding the config; every relative path starts here. */
  root: string;
  /** Absolute path of the config file. */
  configFile: string;
};
export type ResolvedCollectionConfig = z.output<typeof CollectionSchema>;
export type OnDelete = z.output<typeof OnDeleteSchema>;

/** Identity helper that gives `wf-sync.config.ts` its types. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}
