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

/** The slug a file gets when its frontmatter has none: its name, or its folder's name for index files. */
export function slugFromPath(path: string): string {
  const parts = path.split("/");
  const fileName = parts.at(-1) ?? path;
  const stem = fileName.replace(/\.(md|markdown|mdx)$/i, "");
  if ((stem === "index" || stem === "_index") && parts.length > 1) return slugify(parts.at(-2) ?? stem);
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
