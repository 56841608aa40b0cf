/**
 * The second corpus of the files benchmark (issue 13, item 10): posts whose constructs occur at
 * the rates seen in a real docs tree rather than in a tidy blog. Measured on Hugo's
 * documentation (993 bodies): 472 had tables (48 %), 225 Hugo shortcodes (23 %), 121 GitHub
 * alerts (12 %); footnotes, raw HTML, code inside list items and definition lists are common
 * there too, and a share of the files carry TOML frontmatter (`+++`), as Hugo and Zola sites
 * do. The rates below are per body and independent, so a body often holds several. Seeded.
 */
import {
  codeBlock,
  createWriter,
  list,
  paragraph,
  sentence,
  table,
  WORDS,
  type Writer,
} from "./generate-markdown.ts";

/** Share of bodies holding each construct (Hugo docs: tables, shortcodes, alerts measured). */
export const REAL_SHAPED_RATES = {
  table: 0.48,
  shortcode: 0.23,
  alert: 0.12,
  footnote: 0.08,
  rawHtml: 0.15,
  codeInList: 0.15,
  definitionList: 0.06,
  tomlFrontmatter: 0.25,
} as const;

const ALERTS = ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"];

function shortcode(writer: Writer, total: number): string {
  const roll = writer.random();
  if (roll < 0.4)
    return `{{< code-toggle file=hugo >}}\n[params]\n${writer.pick(WORDS)} = "${writer.pick(WORDS)}"\nsize = ${writer.int(1, 99)}\n{{< /code-toggle >}}`;
  if (roll < 0.7) return `{{% note %}}\n${paragraph(writer, total)}\n{{% /note %}}`;
  const target = `post-${String(writer.int(0, total - 1)).padStart(5, "0")}.md`;
  return `${sentence(writer, total, 0)} See [the ${writer.pick(WORDS)} page]({{< relref "${target}" >}}).`;
}

function alert(writer: Writer, total: number): string {
  return `> [!${writer.pick(ALERTS)}]\n> ${sentence(writer, total, 0)}\n> ${sentence(writer, total, 1)}`;
}

function rawHtml(writer: Writer, total: number): string {
  const roll = writer.random();
  if (roll < 0.4) return `<div class="${writer.pick(WORDS)}">\n\n${paragraph(writer, total)}\n\n</div>`;
  if (roll < 0.7)
    return `Press <kbd>Ctrl</kbd>+<kbd>${writer.pick(["C", "V", "K"])}</kbd> to ${writer.pick(WORDS)}.<br>`;
  return `<details>\n<summary>${writer.pick(WORDS)} ${writer.pick(WORDS)}</summary>\n\n${paragraph(writer, total)}\n\n</details>`;
}

function codeInList(writer: Writer, total: number): string {
  const steps = writer.int(2, 4);
  return Array.from({ length: steps }, (_, index) => {
    const code = `   \`\`\`sh\n   hugo ${writer.pick(WORDS)} --${writer.pick(WORDS)}\n   \`\`\``;
    return `${index + 1}. ${sentence(writer, total, index)}\n\n${code}`;
  }).join("\n\n");
}

function definitionList(writer: Writer, total: number): string {
  return Array.from(
    { length: writer.int(2, 4) },
    (_, index) => `${writer.pick(WORDS)} ${writer.pick(WORDS)}\n: ${sentence(writer, total, index)}`,
  ).join("\n\n");
}

function frontmatterOf(writer: Writer, index: number, total: number): string {
  const title = sentence(writer, total, 0)
    .replace(/[*_`[\]()./?]/g, "")
    .slice(0, 70);
  const summary = sentence(writer, total, 1)
    .replace(/[*_`[\]()"]/g, "")
    .slice(0, 200);
  const day = new Date(Date.UTC(2015, 0, 1) + index * 6 * 3600 * 1000).toISOString().slice(0, 10);
  const minutes = writer.int(1, 30);
  const category = writer.pick(["Engineering", "Product", "Company"]);
  if (writer.random() < REAL_SHAPED_RATES.tomlFrontmatter) {
    return `+++\ntitle = ${JSON.stringify(title)}\nsummary = ${JSON.stringify(summary)}\ndate = ${day}\nreadingMinutes = ${minutes}\ncategory = "${category}"\n+++\n`;
  }
  return `---\ntitle: ${JSON.stringify(title)}\nsummary: ${JSON.stringify(summary)}\ndate: ${day}\nreadingMinutes: ${minutes}\ncategory: ${category}\n---\n`;
}

/** One docs-like post: the constructs above at their rates, between sections of prose. */
export function generateRealShapedPost(index: number, total: number): string {
  const writer = createWriter(index + 1);
  const frontmatter = frontmatterOf(writer, index, total);
  const extras: string[] = [];
  const rates = REAL_SHAPED_RATES;
  if (writer.random() < rates.table) extras.push(table(writer));
  if (writer.random() < rates.shortcode) extras.push(shortcode(writer, total));
  if (writer.random() < rates.alert) extras.push(alert(writer, total));
  if (writer.random() < rates.rawHtml) extras.push(rawHtml(writer, total));
  if (writer.random() < rates.codeInList) extras.push(codeInList(writer, total));
  if (writer.random() < rates.definitionList) extras.push(definitionList(writer, total));
  const hasFootnote = writer.random() < rates.footnote;
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
    if (roll < 0.3) blocks.push(list(writer, total));
    else if (roll < 0.55) blocks.push(codeBlock(writer));
    // The constructs go into the sections in turn, the leftovers into the last.
    const extra = section === sections - 1 ? extras.splice(0) : extras.splice(0, 1);
    blocks.push(...extra);
    blocks.push(paragraph(writer, total));
  }
  if (hasFootnote) {
    blocks.splice(1, 0, `${sentence(writer, total, 0).slice(0, -1)}[^1].`);
    blocks.push(`[^1]: ${sentence(writer, total, 2)}`);
  }
  return `${frontmatter}\n${blocks.join("\n\n")}\n`;
}
