/**
 * A renderer holding only the markdown-it fast path and the shared pipeline: about half of the
 * full toolchain's load time. Its `render` throws MissingRenderPart for a body the fast path
 * does not take cleanly (and creating it throws for `highlight: true`); the caller then loads
 * render-markdown.ts and renders that body there. Same output as the full renderer.
 */
import type { MarkdownRenderer, RenderOptions } from "./render-options.ts";
import { buildRenderer } from "./render/pipeline.ts";

export { MissingRenderPart } from "./render/pipeline.ts";

export function createLightRenderer(options: RenderOptions = {}): MarkdownRenderer {
  return buildRenderer(options, { isFastPathEnabled: true });
}
