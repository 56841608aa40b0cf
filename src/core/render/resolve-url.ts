/**
 * Turns a link or image reference as written in the source into what Webflow should get,
 * asking the pipeline's resolvers about relative targets. Every reference that cannot be
 * made to work on the published site gives a warning instead of being dropped.
 */
import type { Position } from "unist";
import { addWarning, WarningKind, type RenderState } from "./state.ts";
import { classifyUrl, SAFE_IMAGE_SCHEMES, SAFE_LINK_SCHEMES } from "./urls.ts";

export interface ReferenceToResolve {
  url: string;
  kind: "link" | "image";
  position?: Position | undefined;
}

/**
 * Returns the URL to emit, or `""` when the URL must not be emitted (an unsafe scheme);
 * the caller then keeps the link text or the image's alt text.
 */
export function resolveReference(state: RenderState, reference: ReferenceToResolve): string {
  const { url, kind, position } = reference;
  const what = kind === "link" ? "Link" : "Image";
  const classified = classifyUrl(url);
  switch (classified.kind) {
    case "empty":
    case "fragment":
    case "protocol-relative":
    case "site-path":
      return url;
    case "absolute": {
      const allowed = kind === "link" ? SAFE_LINK_SCHEMES : SAFE_IMAGE_SCHEMES;
      if (allowed.includes(classified.scheme)) return url;
      addWarning(state, {
        kind: WarningKind.UnsafeUrl,
        message: `${what} "${truncate(url)}" uses the "${classified.scheme}:" scheme, which rich text does not allow; ${
          kind === "link" ? "the link text is kept without the link" : "its alt text is kept instead"
        }.`,
        position,
      });
      return "";
    }
    case "relative":
      return kind === "link"
        ? resolveRelativeLink(state, url, position)
        : resolveLocalImage(state, url, position);
  }
}

function resolveRelativeLink(state: RenderState, href: string, position: Position | undefined): string {
  const resolved = state.context.resolveLink?.(href);
  if (resolved !== undefined) return resolved;
  addWarning(state, {
    kind: WarningKind.RelativeLink,
    message: `Link "${href}" is relative but does not point to a file in this sync; it is sent as written and will probably not resolve on the site. Link to a synced Markdown file or use an absolute URL.`,
    position,
  });
  return href;
}

function resolveLocalImage(state: RenderState, src: string, position: Position | undefined): string {
  const line = position ? position.start.line + (state.context.lineOffset ?? 0) : undefined;
  const resolved = state.context.resolveImage?.(src, line);
  if (resolved !== undefined) return resolved.url;
  addWarning(state, {
    kind: WarningKind.LocalImage,
    message: `Image "${src}" is a local file that has not been uploaded to Webflow; it is sent with its src as written, which will not load on the site. Use an absolute URL until local images are uploaded.`,
    position,
  });
  return src;
}

function truncate(url: string): string {
  return url.length > 60 ? `${url.slice(0, 57)}...` : url;
}
