/**
 * The naive baseline of the files benchmark, run as its own small process (it imports only what
 * it uses, so its start-up is not inflated by wf-sync's modules): gray-matter + remark-parse +
 * remark-rehype + hast-util-sanitize + rehype-stringify per file, one after the other (what
 * remark-html does, built from installed packages). TOML frontmatter (`+++`) is read with
 * smol-toml, as a Hugo user would configure gray-matter. The floor is bench/floor.ts.
 * `node bench-build/bench/baselines.js naive <dir>` prints one JSON line: peak RSS and a detail.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { usage } from "./usage.ts";
import { fileURLToPath } from "node:url";
import type { Root as HastRoot } from "hast";
import { listSources } from "../src/pipeline/discover/read-sources.ts";

export const POSTS_GLOB = "content/posts/**/*.md";

async function naive(dir: string): Promise<string> {
  const [{ default: matter }, { sanitize }, { default: rehypeStringify }, { default: remarkParse }] =
    await Promise.all([
      import("gray-matter"),
      import("hast-util-sanitize"),
      import("rehype-stringify"),
      import("remark-parse"),
    ]);
  const [{ default: remarkRehype }, { unified }, { parse: parseToml }] = await Promise.all([
    import("remark-rehype"),
    import("unified"),
    import("smol-toml"),
  ]);
  const processor = unified()
    .use(remarkParse)
    .use(remarkRehype)
    .use(() => (tree: HastRoot) => sanitize(tree) as HastRoot)
    .use(rehypeStringify);
  const toml = { delimiters: "+++", language: "toml", engines: { toml: parseToml } };
  let html = 0;
  for (const path of await listSources({ root: dir, include: POSTS_GLOB })) {
    const text = await readFile(join(dir, path), "utf8");
    const { content } = text.startsWith("+++") ? matter(text, toml) : matter(text);
    html += String(await processor.process(content)).length;
  }
  return `${(html / 1e6).toFixed(1)} MB of HTML`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [, , phase, dir = ""] = process.argv;
  if (phase !== "naive") throw new Error(`unknown baseline: ${phase ?? "(none)"}`);
  const detail = await naive(dir);
  process.stdout.write(`${JSON.stringify({ ...usage(), detail })}\n`);
}
