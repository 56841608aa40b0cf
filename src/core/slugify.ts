const TRANSLITERATIONS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  đ: "d",
  ð: "d",
  þ: "th",
  ł: "l",
  ı: "i",
  "&": "-and-",
};

/**
 * Normalises text to a Webflow slug: lower-case ASCII letters, digits and single hyphens.
 * Webflow rejects other characters (API-NOTES §9), so accents are transliterated rather than dropped.
 */
export function slugify(text: string): string {
  const lowered = text.toLowerCase().replace(/[ßæœøđðþłı&]/g, (char) => TRANSLITERATIONS[char] ?? char);
  return lowered
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** How a collection derives a slug from a file's path when the frontmatter has no `slug`. */
export interface SlugRule {
  /** `"name"`: the file name (index files: their folder's). `"path"`: the path below `bases`, joined with `-`. */
  from: "name" | "path";
  /** Static folders of the collection's `include` patterns (POSIX, relative to the root; "" is the root). */
  bases: readonly string[];
}

const JEKYLL_DATE = /^(\d{4}-\d{2}-\d{2})-(?=.)/;
const MARKDOWN_EXTENSION = /\.(md|markdown|mdx)$/i;
const GLOB_CHARACTERS = /[*?[\]{}()!]/;

/** The folder part of a glob before its first dynamic segment: `content/blog/**\/*.md` → `content/blog`. */
export function staticBaseOf(pattern: string): string {
  const segments = pattern.replace(/^\.\//, "").split("/");
  const fixed: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (GLOB_CHARACTERS.test(segment)) break;
    fixed.push(segment);
  }
  return fixed.join("/");
}

/** The slug rule of a collection's config. */
export function slugRuleOf(collection: {
  include: string | readonly string[];
  slugFrom?: "name" | "path" | undefined;
}): SlugRule {
  const patterns = typeof collection.include === "string" ? [collection.include] : collection.include;
  return { from: collection.slugFrom ?? "name", bases: patterns.map(staticBaseOf) };
}

/** The `YYYY-MM-DD` of a Jekyll-style file name (`2014-03-24-title.md`), if it has one. */
export function dateFromFileName(path: string): string | undefined {
  return JEKYLL_DATE.exec(path.split("/").at(-1) ?? path)?.[1];
}

function stemOf(fileName: string): string {
  return fileName.replace(MARKDOWN_EXTENSION, "").replace(JEKYLL_DATE, "");
}

/** The longest of the rule's base folders that holds `path` ("" when none does). */
export function baseFolderOf(path: string, rule: SlugRule): string {
  const folders = path.split("/").slice(0, -1);
  const depth = folders.length - foldersBelowBase(folders, rule.bases).length;
  return folders.slice(0, depth).join("/");
}

/** The path's folders below the longest base that holds it (all of them when none does). */
function foldersBelowBase(folders: readonly string[], bases: readonly string[]): string[] {
  let depth = 0;
  for (const base of bases) {
    const baseParts = base === "" ? [] : base.split("/");
    const isInside =
      baseParts.length <= folders.length && baseParts.every((part, index) => folders[index] === part);
    if (isInside) depth = Math.max(depth, baseParts.length);
  }
  return folders.slice(depth);
}

/**
 * The slug a file gets when its frontmatter has none. By name (the default): the file name,
 * or its folder's name for `index`/`_index` files. By path: the folders below the collection's
 * base folder and the name, joined with `-` (`methods/taxonomy/_index.md` → `methods-taxonomy`).
 * Either way a Jekyll date prefix (`2014-03-24-`) is dropped from the name.
 */
export function slugFromPath(path: string, rule?: SlugRule): string {
  const parts = path.split("/");
  const stem = stemOf(parts.at(-1) ?? path);
  const folders = parts.slice(0, -1);
  const isIndex = stem === "index" || stem === "_index";
  if (rule?.from === "path") {
    const below = foldersBelowBase(folders, rule.bases);
    const named = isIndex ? below : [...below, stem];
    if (named.length > 0) return slugify(named.join("-"));
  }
  if (isIndex && folders.length > 0) return slugify(folders.at(-1) ?? stem);
  return slugify(stem);
}

/**
 * A remote slug as a safe file name (without extension) for `pull`: letters, digits, `.`, `_`
 * and `-` only, never starting with a dot or a hyphen, at most 100 characters, never empty.
 * A slug such as `../x` (only a misbehaving server sends one) cannot leave the pull folder.
 */
export function fileNameForSlug(slug: string): string {
  const safe = slug
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[.-]+/, "")
    .slice(0, 100);
  return safe === "" ? "item" : safe;
}
