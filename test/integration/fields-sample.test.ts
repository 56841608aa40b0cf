// Issue 4 "done means": the repo's own sample (content/, wf-sync.config.ts, wf-sync.sandbox.json)
// syncs into the built-in sandbox (the config says `sandbox: true`) with the built CLI, no token
// and not under CI, and a second run sends no write. Needs `npm run build` (npm test runs it first).
import { cp } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { spawnCli } from "../helpers/cli.ts";
import { REPO_ROOT, tempProject } from "../helpers/project.ts";

const SITE = "64f0c0ffee0c0ffee0c0ffee";
const BLOG = "64f0b0b0b0b0b0b0b0b0b002";
const AUTHORS = "64f0a0a0a0a0a0a0a0a0a001";

interface JsonReport {
  summary: { created: number; failed: number; writeRequests: number };
  items: Array<{ collection: string; slug: string; action: string; error: string | null }>;
}

describe("the repo's sample project", () => {
  it("syncs every field type, references, images and the fr-FR translation into the built-in sandbox, then writes nothing", async () => {
    await using project = await tempProject({}, "sample");
    const dir = project.dir;
    for (const entry of ["content", "wf-sync.config.ts", "wf-sync.sandbox.json"])
      await cp(resolve(REPO_ROOT, entry), join(dir, entry), { recursive: true });
    const env = { HOME: dir }; // no WEBFLOW_API_TOKEN, no CI

    const first = await spawnCli(["sync", "--json"], { cwd: dir, env });
    // The repo's config opts in with `sandbox: true`, which selects the sandbox outside CI.
    expect(first.stderr).toContain("built-in local sandbox (sandbox: true in the config;");
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as JsonReport;
    expect(report.items.filter((item) => item.error !== null)).toEqual([]);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.created).toBeGreaterThanOrEqual(10);
    expect(report.items).toContainEqual(
      expect.objectContaining({
        collection: "blog[fr-FR]",
        slug: "shipping-markdown-to-webflow",
        action: "update",
      }),
    );

    const second = await spawnCli(["sync", "--json"], { cwd: dir, env });
    expect(second.code).toBe(0);
    const again = JSON.parse(second.stdout) as JsonReport;
    expect(again.summary.writeRequests).toBe(0);
    expect(new Set(again.items.map((item) => item.action))).toEqual(new Set(["unchanged"]));

    // What the sandbox kept (read from its state file, with the CLI gone).
    await using sandbox = await startSandbox({
      port: 0,
      statePath: join(dir, ".wf-sync/sandbox.json"),
      quiet: true,
    });
    const blog = new Map(sandbox.items(BLOG).map((item) => [item.fieldData["slug"], item]));
    const authors = new Map(sandbox.items(AUTHORS).map((item) => [item.fieldData["slug"], item]));
    const shipping = blog.get("shipping-markdown-to-webflow");
    expect(shipping?.fieldData).toMatchObject({
      author: authors.get("jane-doe")?.id,
      "co-authors": [authors.get("omar-haddad")?.id],
      category: expect.any(String),
      "main-image": { fileId: expect.any(String) },
    });
    expect(authors.get("jane-doe")?.fieldData["favorite-post"]).toBe(shipping?.id);
    expect(String(shipping?.fieldData["post-body"])).toMatch(
      /<img src="http:\/\/127\.0\.0\.1:\d+\/files\/[^"]+_pipeline\.png"/,
    );
    const french = sandbox
      .items(BLOG, { cmsLocaleId: await frenchLocaleOf(sandbox) })
      .find((item) => item.id === shipping?.id);
    expect(french?.fieldData["name"]).toBe("Publier du Markdown sur Webflow sans copier-coller");
    expect(french?.fieldData["author"]).toBe(authors.get("jane-doe")?.id); // left out of the translation
  });
});

/** The fr-FR cmsLocaleId, read through the sandbox's API like the tool reads it. */
async function frenchLocaleOf(sandbox: Sandbox): Promise<string> {
  const response = await fetch(`${sandbox.baseUrl}/sites/${SITE}`, {
    headers: { authorization: "Bearer any" },
  });
  const site = (await response.json()) as {
    locales: { secondary: Array<{ tag: string; cmsLocaleId: string }> };
  };
  return site.locales.secondary.find((locale) => locale.tag === "fr-FR")?.cmsLocaleId ?? "";
}
