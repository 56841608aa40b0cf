/**
 * The Markdown toolchain of a run, loaded once on first need: a run where no file changed never
 * renders and so never pays the few hundred milliseconds it takes to load.
 */
import type { MarkdownRenderer, RenderOptions } from "../../core/render-options.ts";
import type { SanitizedValue } from "../../core/render/sanitize-value.ts";
import type { CollectionSchema } from "../../core/types.ts";
import { loadRenderer } from "./prepare-files.ts";

let renderModule: Awaited<ReturnType<typeof loadRenderer>> | undefined;

/** Loads the Markdown toolchain before the first render of a run. */
export async function ensureRenderer(): Promise<void> {
  renderModule ??= await loadRenderer();
}

/** A renderer created on first use; `ensureRenderer()` must have run before `render()`. */
export function lazyRenderer(options: RenderOptions): MarkdownRenderer {
  let renderer: MarkdownRenderer | undefined;
  return {
    render(markdown, context) {
      if (!renderModule) throw new Error("ensureRenderer() was not awaited before rendering");
      renderer ??= renderModule.createMarkdownRenderer(options);
      return renderer.render(markdown, context);
    },
  };
}

let sanitizeModule: typeof import("../../core/render/sanitize-value.ts") | undefined;

/**
 * The sanitiser for a collection's RichText values in frontmatter (core/render/sanitize-value.ts),
 * loaded on first need; undefined under `rawHtml: "keep"`, or when the only RichText field is
 * the body (rendered, and sanitised, elsewhere).
 */
export async function htmlSanitizerFor(options: {
  schema: CollectionSchema;
  bodyField: string | undefined;
  renderOptions: Record<string, unknown>;
}): Promise<((html: string) => SanitizedValue) | undefined> {
  if (options.renderOptions["rawHtml"] === "keep") return undefined;
  const hasRichText = options.schema.fields.some(
    (field) => field.type === "RichText" && field.slug !== options.bodyField,
  );
  if (!hasRichText) return undefined;
  sanitizeModule ??= await import("../../core/render/sanitize-value.ts");
  return sanitizeModule.sanitizeHtmlValue;
}
