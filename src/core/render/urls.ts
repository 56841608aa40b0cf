/**
 * URL classification shared by the Markdown pass, the raw-HTML pass and listLocalImages,
 * so that "local" means the same thing when images are listed and when they are resolved.
 */

const SCHEME = /^([a-z][a-z\d+.-]*):/i;

/**
 * Schemes a link may use. Matches hast-util-sanitize's default list plus `tel:`, so a
 * Markdown link keeps its href whether or not the same document has raw HTML in it.
 */
export const SAFE_LINK_SCHEMES: readonly string[] = ["http", "https", "mailto", "tel", "irc", "ircs", "xmpp"];
/** Images must be fetchable by a browser from the published site. */
export const SAFE_IMAGE_SCHEMES: readonly string[] = ["http", "https"];

export type UrlKind =
  | { kind: "empty" }
  | { kind: "fragment" }
  | { kind: "absolute"; scheme: string }
  | { kind: "protocol-relative" }
  | { kind: "site-path" }
  | { kind: "relative" };

/** Says what sort of reference a URL as written in Markdown or HTML is. */
export function classifyUrl(url: string): UrlKind {
  const trimmed = url.trim();
  if (trimmed === "") return { kind: "empty" };
  if (trimmed.startsWith("#")) return { kind: "fragment" };
  if (trimmed.startsWith("//")) return { kind: "protocol-relative" };
  const scheme = SCHEME.exec(trimmed);
  if (scheme?.[1] !== undefined) return { kind: "absolute", scheme: scheme[1].toLowerCase() };
  if (trimmed.startsWith("/")) return { kind: "site-path" };
  return { kind: "relative" };
}

/** A source that points at a file next to the Markdown (the pipeline uploads those). */
export function isLocalUrl(url: string): boolean {
  return classifyUrl(url).kind === "relative";
}

export interface VideoEmbed {
  provider: "YouTube" | "Vimeo";
  /** The player URL that goes into the iframe. */
  embedUrl: string;
}

const YOUTUBE_ID = /^[\w-]{6,}$/;
const VIMEO_ID = /^\d+$/;

/**
 * Recognises YouTube and Vimeo page or player URLs. Anything else (playlists, channels,
 * unknown hosts) is not a video so it stays a plain link rather than a broken player.
 */
export function parseVideoUrl(url: string): VideoEmbed | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
  const host = parsed.hostname.toLowerCase().replace(/^(www\.|m\.)/, "");
  const segments = parsed.pathname.split("/").filter((segment) => segment !== "");
  let youtubeId: string | undefined;
  if (host === "youtu.be") youtubeId = segments[0];
  else if (host === "youtube.com" || host === "youtube-nocookie.com") {
    if (parsed.pathname === "/watch") youtubeId = parsed.searchParams.get("v") ?? undefined;
    else if (segments[0] === "embed" || segments[0] === "shorts" || segments[0] === "live")
      youtubeId = segments[1];
  }
  if (youtubeId !== undefined) {
    if (!YOUTUBE_ID.test(youtubeId)) return undefined;
    const start = parseStartSeconds(parsed.searchParams.get("t") ?? parsed.searchParams.get("start"));
    const query = start === undefined ? "" : `?start=${start}`;
    return { provider: "YouTube", embedUrl: `https://www.youtube.com/embed/${youtubeId}${query}` };
  }
  let vimeoId: string | undefined;
  if (host === "vimeo.com") vimeoId = segments.length === 1 ? segments[0] : undefined;
  else if (host === "player.vimeo.com" && segments[0] === "video") vimeoId = segments[1];
  if (vimeoId !== undefined && VIMEO_ID.test(vimeoId)) {
    return { provider: "Vimeo", embedUrl: `https://player.vimeo.com/video/${vimeoId}` };
  }
  return undefined;
}

/** YouTube's `t` takes `90`, `90s` or `1m30s`. */
function parseStartSeconds(value: string | null): number | undefined {
  if (value === null) return undefined;
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/.exec(value);
  if (!match || value === "") return undefined;
  const seconds = Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
  return seconds > 0 ? seconds : undefined;
}
