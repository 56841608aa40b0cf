// The run stamp (issue 11, item 7): a run that sees exactly what the last run that found
// nothing to do saw reports that run's outcome without reading the manifest; anything else
// (an edit, a new or removed file, an asset, the config, the manifest, other flags) is a full
// run with the outcome it has always had.
import { existsSync } from "node:fs";
import { readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/load-config.ts";
import { createWebflowClient } from "../../src/webflow/client.ts";
import { runSync, type RunSyncOptions, type SyncEvent, type SyncReport } from "../../src/commands/sync.ts";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { FIELDS_FIXTURE, PEOPLE } from "../helpers/fixtures.ts";
import { copyFixture } from "../helpers/project.ts";
import { describeRequests, fixtureSeed, startTestSandbox, writeRequests } from "../helpers/sandbox.ts";

/** Whole seconds an hour back: older than the digest cache's racy margin, and easy to put back. */
const HOUR_AGO = Math.floor(Date.now() / 1000) - 3600;

async function backdate(dir: string): Promise<void> {
  const entries = await readdir(join(dir, "content"), { recursive: true, withFileTypes: true });
  for (const entry of entries)
    if (entry.isFile()) await utimes(join(entry.parentPath, entry.name), HOUR_AGO, HOUR_AGO);
}

/**
 * The fields-all project (references in a cycle, local assets, a translation) with files an
 * hour old, synced into a fresh sandbox. Each sync has a client of its own, so the report's
 * request count is that run's.
 */
async function stampedProject(options: { onDelete?: string } = {}) {
  const project = await copyFixture(FIELDS_FIXTURE);
  if (options.onDelete)
    await project.edit(
      "wf-sync.config.ts",
      "collections: [",
      `onDelete: "${options.onDelete}",\n  collections: [`,
    );
  await backdate(project.dir);
  const sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
  const stampPath = project.path(".wf-sync/last-run");
  const sync = async (extra: Partial<RunSyncOptions> = {}) => {
    const client = createWebflowClient({ token: "test-token", baseUrl: sandbox.baseUrl, retryBaseMs: 20 });
    const events: SyncEvent[] = [];
    try {
      sandbox.requests.length = 0;
      const report = await runSync({
        config: await loadConfig(project.dir),
        client,
        onEvent: (event) => events.push(event),
        ...extra,
      });
      return { report, events, requests: describeRequests(sandbox.requests) };
    } finally {
      await client.close();
    }
  };
  return {
    project,
    sandbox,
    sync,
    stampPath,
    /** Syncs until the run finds nothing to do and leaves its stamp. */
    async settle(extra: Partial<RunSyncOptions> = {}) {
      const created = await sync(extra);
      expect(created.report.totals).toMatchObject({ failed: 0 });
      const steady = await sync(extra);
      expect(steady.report.files.hashed).toBe(0);
      expect(steady.report.isFromRunStamp).toBeUndefined();
      expect(existsSync(stampPath)).toBe(true);
      return steady;
    },
    async [Symbol.asyncDispose]() {
      await sandbox.close();
      await project[Symbol.asyncDispose]();
    },
  };
}

/** A report without what differs between any two runs (their duration) and the stamp's mark. */
function comparable(report: SyncReport) {
  const { durationMs: _duration, isFromRunStamp: _fromStamp, ...rest } = report;
  return rest;
}

describe("the run stamp", () => {
  it("reports an unchanged run from the stamp exactly as the full run reports it", async () => {
    await using p = await stampedProject();
    const steady = await p.settle();
    expect(steady.report.totals).toEqual({
      created: 0,
      updated: 0,
      unchanged: 9,
      removed: 0,
      kept: 0,
      failed: 0,
    });

    const stamped = await p.sync();
    expect(stamped.report.isFromRunStamp).toBe(true);
    // The same schema and locale reads as ever, and nothing else.
    expect(stamped.requests).toEqual(steady.requests);
    expect(stamped.requests.every((line) => line.startsWith("GET"))).toBe(true);

    await rm(p.stampPath);
    const full = await p.sync();
    expect(full.report.isFromRunStamp).toBeUndefined();
    expect(comparable(stamped.report)).toEqual(comparable(full.report));
    expect(stamped.events).toEqual(full.events);
    expect(stamped.requests).toEqual(full.requests);
    expect(stamped.report.requests).toBe(full.report.requests);
    // The full run found nothing to do: it left the stamp again.
    expect(existsSync(p.stampPath)).toBe(true);
    expect((await p.sync()).report.isFromRunStamp).toBe(true);
  });

  it("prints the same through the CLI, text and --json, with the stamp as without it", async () => {
    await using p = await stampedProject();
    await p.settle();
    const cli = async (args: string[]) => {
      const run = await runCli(args, { cwd: p.project.dir, env: sandboxEnv(p.sandbox.baseUrl) });
      // Only the duration may differ.
      return {
        ...run,
        stdout: run.stdout.replace(/ in \d+\.\d s /g, " in … s ").replace(/"durationMs": \d+/g, ""),
      };
    };
    for (const args of [["sync"], ["sync", "--json"]]) {
      const before = await stat(p.stampPath);
      const stamped = await cli(args);
      // Answered from the stamp: a full run that found nothing to do would have written it anew.
      expect((await stat(p.stampPath)).ino).toBe(before.ino);
      await rm(p.stampPath);
      const full = await cli(args);
      expect(existsSync(p.stampPath)).toBe(true);
      expect(stamped).toEqual(full);
      expect(stamped.code).toBe(0);
    }
    expect((await cli(["sync"])).stdout).toMatch(/9 unchanged/);
  });

  it("runs in full, silently, when the stamp cannot be used, and leaves a good one", async () => {
    await using p = await stampedProject();
    await p.settle();
    const text = await readFile(p.stampPath, "utf8");
    for (const broken of [
      "",
      "not a stamp\n",
      text.slice(0, text.length / 2),
      text.replace(/\nend\n$/, "\n"),
    ]) {
      await writeFile(p.stampPath, broken);
      const run = await p.sync();
      expect(run.report.isFromRunStamp).toBeUndefined();
      expect(run.events.some((event) => event.type === "warning")).toBe(false);
      expect(run.report.totals).toMatchObject({ unchanged: 9, failed: 0 });
      expect(await readFile(p.stampPath, "utf8")).toBe(text);
    }
  });

  it("runs in full after an edit, also one of the same size with the mtime put back", async () => {
    await using p = await stampedProject();
    await p.settle();
    await p.project.edit("content/posts/minimal.md", "Short.", "Short!");
    await utimes(p.project.path("content/posts/minimal.md"), HOUR_AGO, HOUR_AGO);
    const edited = await p.sync();
    expect(edited.report.isFromRunStamp).toBeUndefined();
    expect(edited.report.totals).toMatchObject({ updated: 1, failed: 0 });
    expect(edited.report.items.find((item) => item.action === "update")?.file).toBe(
      "content/posts/minimal.md",
    );

    await p.project.edit("content/pages/fr/about.md", "petite équipe", "grande équipe");
    const translated = await p.sync();
    expect(translated.report.isFromRunStamp).toBeUndefined();
    expect(translated.report.items.find((item) => item.action === "update")?.file).toBe(
      "content/pages/fr/about.md",
    );
  });

  it("runs in full when a file is added or removed", async () => {
    await using p = await stampedProject({ onDelete: "delete" });
    await p.settle({ isDeleteAllowed: true });
    await p.project.write(
      "content/posts/added.md",
      "---\ntitle: Added\nsummary: New.\ncategory: Design\n---\nNew.\n",
    );
    const added = await p.sync({ isDeleteAllowed: true });
    expect(added.report.isFromRunStamp).toBeUndefined();
    expect(added.report.items.filter((item) => item.action === "create").map((item) => item.file)).toEqual([
      "content/posts/added.md",
    ]);

    // Backdating moves every ctime: one run hashes the files again, the next finds nothing to do.
    await backdate(p.project.dir);
    await p.sync({ isDeleteAllowed: true });
    await p.sync({ isDeleteAllowed: true });
    expect((await p.sync({ isDeleteAllowed: true })).report.isFromRunStamp).toBe(true);
    await p.project.remove("content/posts/added.md");
    const removed = await p.sync({ isDeleteAllowed: true });
    expect(removed.report.isFromRunStamp).toBeUndefined();
    expect(removed.report.totals).toMatchObject({ removed: 1, failed: 0 });
    expect(writeRequests(p.sandbox).map((request) => request.method)).toContain("DELETE");
  });

  it("runs in full when a local asset a file uses changed", async () => {
    await using p = await stampedProject();
    await p.settle();
    const red = p.project.path("content/media/red.png");
    await writeFile(red, Buffer.concat([await readFile(red), Buffer.from("other bytes")]));
    const changed = await p.sync();
    expect(changed.report.isFromRunStamp).toBeUndefined();
    expect(changed.report.totals.updated).toBeGreaterThan(0);
    expect(changed.report.assets.map((asset) => asset.path)).toContain("content/media/red.png");
  });

  it("runs in full when the config changed: a mapping, or only a collection's name", async () => {
    await using p = await stampedProject();
    await p.settle();
    await p.project.edit("wf-sync.config.ts", 'name: "pages"', 'name: "site-pages"');
    const renamed = await p.sync();
    expect(renamed.report.isFromRunStamp).toBeUndefined();
    expect(Object.keys(renamed.report.collections)).toContain("site-pages");
    expect(renamed.report.totals).toMatchObject({ unchanged: 9, failed: 0 });

    await p.sync();
    expect((await p.sync()).report.isFromRunStamp).toBe(true);
    await p.project.edit(
      "wf-sync.config.ts",
      'body: "content",',
      'body: "content",\n      richText: { headingIds: true },',
    );
    const remapped = await p.sync();
    expect(remapped.report.isFromRunStamp).toBeUndefined();
    expect(remapped.report.files.parsed).toBeGreaterThan(0);
  });

  it("runs in full when the manifest was edited by hand, even with its size and mtime put back", async () => {
    await using p = await stampedProject();
    await p.settle();
    const manifestPath = p.project.path(".wf-sync/manifest.json");
    const text = await readFile(manifestPath, "utf8");
    const manifest = JSON.parse(text) as {
      collections: Record<string, { sources?: Record<string, { digest: string }> }>;
    };
    // A file's record, made unusable by an edit of the same length.
    const record = manifest.collections[PEOPLE]?.sources?.["content/people/ada.md"];
    if (!record) throw new Error("the manifest has no record of content/people/ada.md");
    record.digest = record.digest.replace(/^./, (first) => (first === "0" ? "1" : "0"));
    const before = await stat(manifestPath);
    await writeFile(
      manifestPath,
      JSON.stringify(manifest) + text.slice(JSON.stringify(JSON.parse(text)).length),
    );
    await utimes(manifestPath, before.atime, before.mtime);
    expect((await stat(manifestPath)).size).toBe(before.size);
    const run = await p.sync();
    expect(run.report.isFromRunStamp).toBeUndefined();
    expect(run.report.files).toMatchObject({ parsed: 1 });
    expect(run.report.totals).toMatchObject({ unchanged: 9, failed: 0 });
  });

  it("is not used by a dry run, a run of some collections or a forced run", async () => {
    await using p = await stampedProject();
    await p.settle();
    const dry = await p.sync({ isDryRun: true });
    expect(dry.report.isFromRunStamp).toBeUndefined();
    expect(dry.report.isDryRun).toBe(true);
    // A dry run never writes the manifest: the stamp still holds.
    expect((await p.sync()).report.isFromRunStamp).toBe(true);

    const some = await p.sync({ collections: ["posts"] });
    expect(some.report.isFromRunStamp).toBeUndefined();
    expect(Object.keys(some.report.collections)).toEqual(["posts"]);
    const forced = await p.sync({ isForced: true });
    expect(forced.report.isFromRunStamp).toBeUndefined();
    expect(forced.report.files.hashed).toBe(9);
    expect(forced.report.totals.updated + forced.report.totals.unchanged).toBe(9);
  });

  it("is never left by a run with a failure or a warning, which the next runs report again", async () => {
    await using p = await stampedProject();
    await p.settle();
    await p.project.write("content/posts/broken.md", "---\ntitle: [unclosed\n---\nBody.\n");
    await p.project.edit("content/posts/minimal.md", "featured: false", "featured: false\nmood: sunny");
    await backdate(p.project.dir);
    for (let run = 0; run < 3; run++) {
      const { report, events } = await p.sync();
      expect(report.isFromRunStamp).toBeUndefined();
      expect(report.totals.failed).toBe(1);
      expect(report.items.find((item) => item.error)?.file).toBe("content/posts/broken.md");
      const warnings = events.flatMap((event) => (event.type === "warning" ? [event.warning] : []));
      expect(warnings.map((warning) => warning.location?.file)).toContain("content/posts/minimal.md");
    }
    await p.project.remove("content/posts/broken.md");
    await p.sync();
    await p.sync();
    // The warning alone still keeps every run in full.
    const warned = await p.sync();
    expect(warned.report.isFromRunStamp).toBeUndefined();
    expect(warned.events.some((event) => event.type === "warning")).toBe(true);
  });
});
