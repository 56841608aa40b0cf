/**
 * Writes N realistic Markdown posts for the files benchmark: YAML frontmatter of several types
 * (text, dates, numbers, booleans, options, lists), and bodies with headings, paragraphs,
 * emphasis, links (external and to other posts), lists, code blocks, quotes and the odd table.
 * Seeded, so every run writes the same bytes.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pLimit from "p-limit";
import type { SandboxSeed } from "../src/sandbox/index.ts";
import { mulberry32 } from "../src/sandbox/limits.ts";

export const BENCH_SITE_ID = "6b0000000000000000000001";
export const BENCH_COLLECTION_ID = "6b00000000000000000000c1";

export const WORDS = (
  "the a of to and in is it that for on with as was at by an be this from or have are not but had his they which " +
  "you were her she there been one all we their has would when if so what no out up about into more could than them " +
  "deploy cache latency throughput render pipeline schema manifest webhook token request batch retry backoff queue worker " +
  "thread memory digest incremental content markdown frontmatter heading paragraph collection item slug publish draft"
).split(" ");

const LANGUAGES = ["ts", "js", "bash", "json", "python", "go"];
const CATEGORIES = ["Engineering", "Product", "Company"];

export interface Writer {
  random: () => number;
  pick: <T>(items: readonly T[]) => T;
  int: (min: number, max: number) => number;
}

export function createWriter(seed: number): Writer {
  const random = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  return {
    random,
    int,
    pick: (items) => items[Math.floor(random() * items.length)] as (typeof items)[number],
  };
}

export function sentence(writer: Writer, total: number, index: number): string {
  const words: string[] = [];
  const length = writer.int(8, 20);
  for (let i = 0; i < length; i++) {
    let word = writer.pick(WORDS);
    const roll = writer.random();
    if (roll < 0.03) word = `**${word}**`;
    else if (roll < 0.06) word = `_${word}_`;
    else if (roll < 0.08) word = `\`${word}()\``;
    else if (roll < 0.1) word = `[${word}](https://example.com/${word}/${writer.int(1, 999)})`;
    else if (roll < 0.11) word = `[${word}](./post-${String(writer.int(0, total - 1)).padStart(5, "0")}.md)`;
    words.push(word);
  }
  const text = words.join(" ");
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${index % 7 === 6 ? "?" : "."}`;
}

export function paragraph(writer: Writer, total: number): string {
  const count = writer.int(2, 5);
  return Array.from({ length: count }, (_, index) => sentence(writer, total, index)).join(" ");
}

export function codeBlock(writer: Writer): string {
  const language = writer.pick(LANGUAGES);
  const lines = Array.from(
    { length: writer.int(3, 12) },
    (_, index) =>
      `  const ${writer.pick(WORDS)}${index} = await run("${writer.pick(WORDS)}", ${writer.int(0, 99)}); // <${writer.pick(WORDS)}>`,
  );
  return `\`\`\`${language}\nfunction example() {\n${lines.join("\n")}\n}\n\`\`\``;
}

export function list(writer: Writer, total: number): string {
  const isOrdered = writer.random() < 0.4;
  return Array.from(
    { length: writer.int(3, 7) },
    (_, index) => `${isOrdered ? `${index + 1}.` : "-"} ${sentence(writer, total, index)}`,
  ).join("\n");
}

export function table(writer: Writer): string {
  const rows = Array.from(
    { length: writer.int(2, 5) },
    () => `| ${writer.pick(WORDS)} | ${writer.int(1, 500)} ms | ${writer.pick(WORDS)} |`,
  );
  return ["| Stage | Time | Note |", "| --- | ---: | --- |", ...rows].join("\n");
}

/** One post: frontmatter of several types and a body of a few kilobytes. */
export function generatePost(index: number, total: number): string {
  const writer = createWriter(index + 1);
  const title = sentence(writer, total, 0)
    .replace(/[*_`[\]()./]/g, "")
    .slice(0, 70)
    .replace(/[.?]$/, "");
  const day = new Date(Date.UTC(2015, 0, 1) + index * 6 * 3600 * 1000).toISOString().slice(0, 10);
  const frontmatter = [
    "---",
    `title: ${JSON.stringify(title)}`,
    `summary: ${JSON.stringify(
      sentence(writer, total, 1)
        .replace(/[*_`[\]()]/g, "")
        .slice(0, 200),
    )}`,
    `date: ${day}`,
    `featured: ${writer.random() < 0.1}`,
    `readingMinutes: ${writer.int(1, 30)}`,
    `category: ${writer.pick(CATEGORIES)}`,
    "---",
    "",
  ].join("\n");
  const blocks: string[] = [paragraph(writer, total)];
  const sections = writer.int(2, 5);
  for (let section = 0; section < sections; section++) {
    blocks.push(
      `## ${sentence(writer, total, 0)
        .replace(/[*_`[\]()./?]/g, "")
        .slice(0, 60)}`,
    );
    blocks.push(paragraph(writer, total));
    const roll = writer.random();
    if (roll < 0.35) blocks.push(list(writer, total));
    else if (roll < 0.6) blocks.push(codeBlock(writer));
    else if (roll < 0.7) blocks.push(`> ${paragraph(writer, total)}`);
    else if (roll < 0.75) blocks.push(table(writer));
    if (writer.random() < 0.4)
      blocks.push(`### ${writer.pick(WORDS)} ${writer.pick(WORDS)}`, paragraph(writer, total));
    blocks.push(paragraph(writer, total));
  }
  return `${frontmatter}${blocks.join("\n\n")}\n`;
}

/** Relative path of post `index` (the generator and the 1 % edit agree on it). */
export function postPath(index: number): string {
  return `content/posts/post-${String(index).padStart(5, "0")}.md`;
}

/**
 * Writes `count` posts under `<dir>/content/posts`, plus a config and a sandbox seed for them.
 * `generate` writes one post (generatePost, or generateRealShapedPost for the second corpus).
 */
export async function generateProject(
  dir: string,
  count: number,
  generate: (index: number, total: number) => string = generatePost,
): Promise<void> {
  await mkdir(join(dir, "content/posts"), { recursive: true });
  const write = pLimit(32);
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      write(() => writeFile(join(dir, postPath(index)), generate(index, count))),
    ),
  );
  await writeFile(
    join(dir, "wf-sync.config.ts"),
    `export default ${JSON.stringify(
      {
        siteId: BENCH_SITE_ID,
        collections: [
          {
            name: "posts",
            collectionId: BENCH_COLLECTION_ID,
            include: "content/posts/**/*.md",
            body: "post-body",
            urlPattern: "/blog/{slug}",
            fields: {
              summary: "post-summary",
              date: "published-on",
              readingMinutes: "reading-minutes",
              category: "category",
            },
          },
        ],
      },
      null,
      2,
    )};\n`,
  );
}

/** The sandbox site the generated project syncs into. */
export function benchSeed(): SandboxSeed {
  return {
    sites: [
      {
        id: BENCH_SITE_ID,
        displayName: "Files benchmark",
        collections: [
          {
            id: BENCH_COLLECTION_ID,
            displayName: "Posts",
            slug: "blog",
            fields: [
              { slug: "post-body", type: "RichText", displayName: "Post Body" },
              {
                slug: "post-summary",
                type: "PlainText",
                displayName: "Summary",
                validations: { maxLength: 256 },
              },
              { slug: "published-on", type: "DateTime", displayName: "Published On" },
              { slug: "featured", type: "Switch", displayName: "Featured" },
              { slug: "reading-minutes", type: "Number", displayName: "Reading minutes" },
              {
                slug: "category",
                type: "Option",
                displayName: "Category",
                validations: {
                  options: CATEGORIES.map((name, index) => ({ id: `6b1e0c00000000000000000${index}`, name })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}
