/**
 * remark and rehype plugins from the config (issue 13): the example in docs/rich-text.md
 * works as written, plugins run before wf-sync's sanitiser, and a run with plugins (functions,
 * which cannot cross into worker threads) prepares every file on the main thread.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runSync } from "../../src/commands/sync.ts";
import { loadConfig } from "../../src/load-config.ts";
import { createWebflowClient } from "../../src/webflow/client.ts";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { FIXTURES, REPO_ROOT, tempProject, type TempProject } from "../helpers/project.ts";
import {
  describeRequests,
  fixtureSeed,
  itemsBySlug,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";

const DOCS = "580e63fc8c9a982ac9b8b745";

/** The config example of docs/rich-text.md's Plugins section, exactly as printed. */
async function documentedConfig(): Promise<string> {
  const docs = await readFile(resolve(REPO_ROOT, "docs/rich-text.md"), "utf8");
  const section = docs.slice(docs.indexOf("## Plugins"));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error("docs/rich-text.md has no config example under ## Plugins");
  return match[1];
}

/** A project with the plugins fixture's seed, `config` and `files`. */
async function project(config: string, files: Record<string, string>): Promise<TempProject> {
  const seed = await readFile(join(FIXTURES, "plugins/seed.json"), "utf8");
  return tempProject({ "wf-sync.config.ts": config, "seed.json": seed, ...files }, "plugins");
}

describe("remark and rehype plugins", () => {
  it("the documented example renders with its plugin, and a second run writes nothing", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("plugins"));
    await using site = await project(await documentedConfig(), {
      "content/docs/install.md":
        "---\ntitle: Install\n---\n\nInstall version {{< version >}} with `npm i`.\n",
    });
    const env = sandboxEnv(sandbox.baseUrl);
    const first = await runCli(["sync"], { cwd: site.dir, env });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(itemsBySlug(sandbox, DOCS).get("install")?.fieldData["body"]).toBe(
      "<p>Install version 2.4.0 with <code>npm i</code>.</p>",
    );
    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: site.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  const injecting = (rawHtml: string) => `
function rehypeInject() {
  return (tree) => {
    tree.children.push({
      type: "element", tagName: "p", properties: { className: ["lead"], onClick: "steal()" },
      children: [{ type: "text", value: "Added by a plugin." }],
    });
    tree.children.push({ type: "element", tagName: "script", properties: {}, children: [{ type: "text", value: "alert(1)" }] });
  };
}
function remarkShout() {
  return (tree) => {
    const visit = (node) => {
      if (node.type === "text") node.value = node.value.toUpperCase();
      (node.children ?? []).forEach(visit);
    };
    visit(tree);
  };
}
export default {
  sandboxSeed: "seed.json",
  collections: [{
    name: "docs", collectionId: "${DOCS}", include: "content/**/*.md", body: "body",
    richText: { rawHtml: "${rawHtml}", remarkPlugins: [remarkShout], rehypePlugins: [rehypeInject] },
  }],
};
`;

  it("runs plugins before the sanitiser, which removes and names what a plugin may not send", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("plugins"));
    const files: Record<string, string> = {};
    // The pool is forced below: plugins (functions) keep every file on the main thread all the same.
    for (let index = 0; index < 40; index++)
      files[`content/page-${index}.md`] = `---\ntitle: P${index}\n---\n\nquiet text ${index}\n`;
    await using site = await project(injecting("sanitize"), files);
    const config = await loadConfig(site.dir);
    const client = createWebflowClient({ token: "test-token", baseUrl: sandbox.baseUrl, retryBaseMs: 20 });
    const warnings: string[] = [];
    try {
      const report = await runSync({
        config,
        client,
        retryBaseMs: 20,
        workers: "always",
        onEvent: (event) => {
          if (event.type === "warning")
            warnings.push(`${event.warning.location?.file}: ${event.warning.message}`);
        },
      });
      // Enough files for a worker beside the main thread (batches of 16).
      expect(report.items.map((item) => item.action)).toEqual(Array.from({ length: 40 }, () => "create"));
    } finally {
      await client.close();
    }
    expect(itemsBySlug(sandbox, DOCS).get("page-1")?.fieldData["body"]).toBe(
      "<p>QUIET TEXT 1</p><p>Added by a plugin.</p>",
    );
    expect(warnings).toContain(
      'content/page-1.md: HTML made by a remark or rehype plugin was changed by the sanitiser: removed <script>. Change the plugin, or set rawHtml: "keep" for a trusted repository.',
    );
  });

  it('sends plugin HTML as written under rawHtml: "keep"', async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed("plugins"));
    await using site = await project(injecting("keep"), {
      "content/page.md": "---\ntitle: P\n---\n\ntext\n",
    });
    const result = await runCli(["sync"], { cwd: site.dir, env: sandboxEnv(sandbox.baseUrl) });
    expect(result.code).toBe(0);
    const body = String(itemsBySlug(sandbox, DOCS).get("page")?.fieldData["body"]);
    expect(body).toContain("<script>alert(1)</script>");
  });
});
