/**
 * The page `wf-sync preview` writes: the rich-text HTML exactly as it will be sent, inside
 * `div.w-richtext` with the styles Webflow's site CSS gives rich text by default, so an
 * author sees roughly what the Designer and the published page will show.
 */

/**
 * Webflow's default look for rich text, rewritten here from what webflow.css does: base
 * typography, the `.w-richtext` figure rules (alignment, video aspect ratio) and embed
 * clearing. The last block is preview-only: a light highlight.js palette, because a site
 * that turns on `highlight` must add a theme of its own in custom code.
 */
const RICH_TEXT_STYLES = `
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #fff; color: #333; font-family: Arial, sans-serif; font-size: 14px; line-height: 20px; }
.wf-preview { max-width: 740px; margin: 0 auto; padding: 40px 20px; }
.wf-preview-note { margin-bottom: 24px; padding: 8px 12px; border: 1px solid #e2e2e2; color: #666; font-size: 12px; }
h1, h2, h3, h4, h5, h6 { font-weight: bold; margin-bottom: 10px; }
h1 { font-size: 38px; line-height: 44px; margin-top: 20px; }
h2 { font-size: 32px; line-height: 36px; margin-top: 20px; }
h3 { font-size: 24px; line-height: 30px; margin-top: 20px; }
h4 { font-size: 18px; line-height: 24px; margin-top: 10px; }
h5 { font-size: 14px; line-height: 20px; margin-top: 10px; }
h6 { font-size: 12px; line-height: 18px; margin-top: 10px; }
p { margin-top: 0; margin-bottom: 10px; }
blockquote { margin: 0 0 10px; padding: 10px 20px; border-left: 5px solid #e2e2e2; font-size: 18px; line-height: 22px; }
figure { margin: 0 0 10px; }
figcaption { margin-top: 5px; text-align: center; }
ul, ol { margin-top: 0; margin-bottom: 10px; padding-left: 40px; }
a { color: #3898ec; background-color: transparent; }
img { max-width: 100%; vertical-align: middle; display: inline-block; border: 0; }
code, kbd, pre, samp { font-family: monospace, monospace; font-size: 1em; }
pre { overflow: auto; }
table { border-collapse: collapse; border-spacing: 0; }
td, th { padding: 0; }
hr { box-sizing: content-box; height: 0; }

.w-richtext:before, .w-richtext:after { content: " "; display: table; grid-column-start: 1; grid-row-start: 1; grid-column-end: 2; grid-row-end: 2; }
.w-richtext:after { clear: both; }
.w-richtext[contenteditable="true"]:before, .w-richtext[contenteditable="true"]:after { white-space: initial; }
.w-richtext ol, .w-richtext ul { overflow: hidden; }
.w-richtext figure { position: relative; max-width: 60%; }
.w-richtext figure > div:before { cursor: default !important; }
.w-richtext figure img { width: 100%; }
.w-richtext figure div { color: transparent; font-size: 0; }
.w-richtext figure.w-richtext-figure-type-image { display: table; }
.w-richtext figure.w-richtext-figure-type-image > div { display: inline-block; }
.w-richtext figure.w-richtext-figure-type-image > figcaption { caption-side: bottom; display: table-caption; }
.w-richtext figure.w-richtext-figure-type-video { width: 60%; height: 0; }
.w-richtext figure.w-richtext-figure-type-video iframe { width: 100%; height: 100%; position: absolute; top: 0; left: 0; }
.w-richtext figure.w-richtext-figure-type-video > div { width: 100%; }
.w-richtext figure.w-richtext-align-center { clear: both; margin-left: auto; margin-right: auto; }
.w-richtext figure.w-richtext-align-center.w-richtext-figure-type-image > div { max-width: 100%; }
.w-richtext figure.w-richtext-align-normal { clear: both; }
.w-richtext figure.w-richtext-align-fullwidth { text-align: center; clear: both; width: 100%; max-width: 100%; display: block; }
.w-richtext figure.w-richtext-align-fullwidth > div { padding-bottom: inherit; display: inline-block; }
.w-richtext figure.w-richtext-align-fullwidth > figcaption { display: block; }
.w-richtext figure.w-richtext-align-floatleft { float: left; clear: none; margin-right: 15px; }
.w-richtext figure.w-richtext-align-floatright { float: right; clear: none; margin-left: 15px; }
.w-embed:before, .w-embed:after { content: " "; display: table; grid-column-start: 1; grid-row-start: 1; grid-column-end: 2; grid-row-end: 2; }
.w-embed:after { clear: both; }

.hljs-keyword, .hljs-selector-tag, .hljs-built_in, .hljs-literal { color: #a626a4; }
.hljs-string, .hljs-regexp, .hljs-addition, .hljs-attribute { color: #50a14f; }
.hljs-number, .hljs-symbol, .hljs-bullet, .hljs-variable { color: #986801; }
.hljs-comment, .hljs-quote { color: #a0a1a7; font-style: italic; }
.hljs-title, .hljs-section, .hljs-name, .hljs-type { color: #4078f2; }
.hljs-meta, .hljs-tag, .hljs-deletion { color: #e45649; }
`;

/**
 * A complete HTML document showing `html` (inserted unchanged) the way Webflow's default
 * rich-text styles present it. `title` is escaped.
 */
export function renderPreviewPage(options: { title: string; html: string }): string {
  const title = escapeHtml(options.title);
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title} · wf-sync preview</title>`,
    `<style>${RICH_TEXT_STYLES}</style>`,
    "</head>",
    "<body>",
    '<main class="wf-preview">',
    `<p class="wf-preview-note">wf-sync preview of ${title}: the rich text below is exactly what will be sent; your site's own styles may change how it looks.</p>`,
    // The rich text goes in byte for byte: this page exists to show what Webflow receives.
    `<div class="w-richtext">${options.html}</div>`,
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
