/**
 * The two baselines of the files benchmark, each run as its own small process (it imports only
 * what it uses, so its start-up is not inflated by wf-sync's modules):
 *   floor  list every post, read it and hash it (what any incremental tool must do at least)
 *   naive  gray-matter + remark-parse + remark-rehype + hast-util-sanitize + rehype-stringify
 *          per file, one after the other (what remark-html does, built from installed packages)
 * `node dist/bench/baselines.js <floor|naive> <dir>` prints one JSON line: peak RSS and a detail.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Root as HastRoot } from "hast";
import pLimit from "p-limit";
import { listSources } from "../src/pipeline/discover/read-sources.ts";

export const POSTS_GLOB = "content/posts/**/*.md";

async function floor(dir: string): Promise<string> {
  const read = pLimit(64);
  const paths = await listSources({ root: dir, include: POSTS_GLOB });
  let bytes = 0;
  await Promise.all(
    paths.map((path) =>
      read(async () => {
        const data = await readFile(join(dir, path));
        bytes += data.length;
        createHash("sha256").update(data).digest("hex");
      }),
    ),
  );
  return `${paths.length} files, ${(bytes / 1e6).toFixed(1)} MB`;
}

async function naive(dir: string): Promise<string> {
  const [{ default: matter }, { sanitize }, { default: rehypeStringify }, { default: remarkParse }] =
    await Promise.all([
      import("gray-matter"),
      import("hast-util-sanitize"),
      import("rehype-stringify"),
      import("remark-parse"),
    ]);
  const [{ default: remarkRehype }, { unified }] = await Promise.all([
    import("remark-rehype"),
    import("unified"),
  ]);
  const processor = unified()
    .use(remarkParse)
    .use(remarkRehype)
    .use(() => (tree: HastRoot) => sanitize(tree) as HastRoot)
    .use(rehypeStringify);
  let html = 0;
  for (const path of await listSources({ root: dir, include: POSTS_GLOB })) {
    const { content } = matter(await readFile(join(dir, path), "utf8"));
    html += String(await processor.process(content)).length;
  }
  return `${(html / 1e6).toFixed(1)} MB of HTML`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [, , phase, dir = ""] = process.argv;
  const detail = phase === "floor" ? await floor(dir) : await naive(dir);
  process.stdout.write(`${JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024, detail })}\n`);
}
