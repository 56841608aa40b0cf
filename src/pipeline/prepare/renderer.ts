/**
 * The Markdown toolchain of a run, loaded once on first need: a run where no file changed never
 * renders and so never pays the few hundred milliseconds it takes to load.
 */
import type { MarkdownRenderer, RenderOptions } from "../../core/render-options.ts";
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
