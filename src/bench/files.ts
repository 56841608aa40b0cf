/**
 * Files benchmark (issue 7): how wf-sync's cost grows with the number of Markdown files.
 * Generates N posts (default 10 000) in a temp dir, then measures in one run, each phase in its
 * own child process so its peak RSS is its own:
 *   a. floor: read and hash every file
 *   b. naive: gray-matter + remark-parse + remark-rehype + hast-util-sanitize + rehype-stringify
 *      per file, one after the other (what remark-html does, built from installed packages)
 *   c. wf-sync parse + render of every file (the prepare stage alone, worker pool on)
 *   d. wf-sync cold sync into the sandbox (empty manifest, no rate limit, no state file)
 *   e. wf-sync no-op sync (second run)
 *   f. wf-sync after editing 1 % of the files
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import matter from "gray-matter";
import type { Root as HastRoot } from "hast";
import { sanitize } from "hast-util-sanitize";
import pLimit from "p-limit";
import rehypeStringify from "rehype-stringify";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";
import { enableConfigCache, loadConfig } from "../adapters/load-config.ts";
import { listSources } from "../adapters/read-sources.ts";
import { createWebflowClient } from "../adapters/webflow-client.ts";
import { emptyPrepareStats, prepareFiles } from "../prepare-files.ts";
import { startSandbox } from "../sandbox/index.ts";
import { renderOptionsFor, runSync } from "../sync.ts";
import { benchSeed, generateProject, postPath } from "./generate-markdown.ts";

type Phase = "floor" | "naive" | "prepare" | "sync";

interface Measure {
  wallMs: number;
  peakRssMb: number;
  detail?: string;
}

export interface FilesBenchOptions {
  files?: number;
  log?: (line: string) => void;
}

export interface FilesBenchResult {
  files: number;
  phases: Record<string, Measure>;
  ratios: Record<string, { value: number; goal: number; isMet: boolean }>;
}

async function listPosts(dir: string): Promise<string[]> {
  return listSources({ root: dir, include: "content/posts/**/*.md" });
}

/** Runs one phase in this process (the child) and returns what it measured besides time and RSS. */
async function runPhase(phase: Phase, dir: string, baseUrl: string): Promise<string> {
  if (phase === "floor") {
    const read = pLimit(64);
    const paths = await listPosts(dir);
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
  if (phase === "naive") {
    const processor = unified()
      .use(remarkParse)
      .use(remarkRehype)
      .use(() => (tree: HastRoot) => sanitize(tree) as HastRoot)
      .use(rehypeStringify);
    let html = 0;
    for (const path of await listPosts(dir)) {
      const { content } = matter(await readFile(join(dir, path), "utf8"));
      html += String(await processor.process(content)).length;
    }
    return `${(html / 1e6).toFixed(1)} MB of HTML`;
  }
  // As the CLI loads it for a sync: the transpiled config is cached in .wf-sync/cache/.
  const config = await loadConfig(dir, { isCached: phase === "sync" });
  if (phase === "prepare") {
    const collection = config.collections[0];
    if (!collection) throw new Error("the bench config has no collection");
    const stats = emptyPrepareStats();
    const files = (await listPosts(dir)).map((path) => ({ path }));
    let html = 0;
    await prepareFiles({
      root: dir,
      collections: [
        {
          files,
          translations: [],
          settings: { hasBody: true, renderOptions: renderOptionsFor(config, collection) },
          urlPattern: "/blog/{slug}",
          skippable: undefined,
        },
      ],
      assetUrls: new Map(),
      stats,
    });
    for (const file of files) html += (file as { rendered?: { html: string } }).rendered?.html.length ?? 0;
    return `${stats.parsed} parsed, ${stats.inWorkers} in workers, ${(html / 1e6).toFixed(1)} MB of HTML`;
  }
  const client = createWebflowClient({ token: "bench-token", baseUrl });
  try {
    const report = await runSync({ config, client });
    await enableConfigCache(config);
    const t = report.totals;
    return `${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged, ${t.failed} failed; ${report.files.hashed} read, ${report.files.skipped} skipped, ${report.files.parsed} parsed (${report.files.inWorkers} in workers); ${report.requests} requests`;
  } finally {
    await client.close();
  }
}

/** Runs a phase in a child process: wall time and peak RSS belong to that phase alone. */
function measure(phase: Phase, dir: string, baseUrl = ""): Promise<Measure> {
  const script = fileURLToPath(import.meta.url);
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [script, "--phase", phase, dir, baseUrl],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          fail(new Error(`bench phase ${phase} failed: ${stderr || error.message}`));
          return;
        }
        const line = stdout.trim().split("\n").at(-1) ?? "{}";
        done(JSON.parse(line) as Measure);
      },
    );
  });
}

function formatMeasure(name: string, value: Measure): string {
  return `${name.padEnd(34)} ${(value.wallMs / 1000).toFixed(2).padStart(8)} s  ${value.peakRssMb.toFixed(0).padStart(6)} MB peak RSS  ${value.detail ?? ""}`;
}

/** Runs the files benchmark and prints a table; returns the figures. */
export async function runFilesBench(options: FilesBenchOptions = {}): Promise<FilesBenchResult> {
  const count = options.files ?? 10_000;
  const log = options.log ?? (() => {});
  const dir = await mkdtemp(join(tmpdir(), "wf-sync-bench-files-"));
  const sandbox = await startSandbox({ port: 0, seed: benchSeed(), quiet: true });
  try {
    log(
      `Files benchmark: ${count} generated posts in ${dir}, ${availableParallelism()} cores, Node ${process.versions.node}.`,
    );
    await generateProject(dir, count);
    const phases: Record<string, Measure> = {};
    const run = async (name: string, phase: Phase, baseUrl?: string) => {
      phases[name] = await measure(phase, dir, baseUrl);
      log(formatMeasure(name, phases[name]));
    };
    await run("a. floor: read + hash", "floor");
    await run("b. naive: gray-matter + remark", "naive");
    await run("c. wf-sync parse + render", "prepare");
    await run("d. wf-sync cold sync", "sync", sandbox.baseUrl);
    await run("e. wf-sync no-op sync", "sync", sandbox.baseUrl);
    const edited = Math.max(1, Math.round(count / 100));
    for (let index = 0; index < edited; index++) {
      const path = join(dir, postPath(Math.floor((index * count) / edited)));
      await writeFile(
        path,
        `${await readFile(path, "utf8")}\nEdited for the benchmark: one more paragraph.\n`,
      );
    }
    await run(`f. wf-sync after editing ${edited} files`, "sync", sandbox.baseUrl);

    const get = (name: string) => phases[name] as Measure;
    const floor = get("a. floor: read + hash");
    const naive = get("b. naive: gray-matter + remark");
    const prepare = get("c. wf-sync parse + render");
    const noop = get("e. wf-sync no-op sync");
    const edit = get(`f. wf-sync after editing ${edited} files`);
    const naiveForEdited = (naive.wallMs * edited) / count;
    const ratio = (value: number, goal: number) => ({ value, goal, isMet: value <= goal });
    const ratios = {
      "no-op / floor": ratio(noop.wallMs / floor.wallMs, 1.5),
      "parse + render / naive": ratio(prepare.wallMs / naive.wallMs, 0.6),
      "parse + render RSS / naive RSS": ratio(prepare.peakRssMb / naive.peakRssMb, 1),
      [`edit / (no-op + 2 × naive for ${edited} files)`]: ratio(
        edit.wallMs / (noop.wallMs + 2 * naiveForEdited),
        1,
      ),
    };
    log("");
    for (const [name, { value, goal, isMet }] of Object.entries(ratios)) {
      log(
        `${name.padEnd(44)} ${value.toFixed(2).padStart(6)}  (goal ≤ ${goal})  ${isMet ? "met" : "NOT met"}`,
      );
    }
    return { files: count, phases, ratios };
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// Child mode: `node dist/bench/files.js --phase <phase> <dir> [baseUrl]` prints one JSON line.
if (process.argv[2] === "--phase" && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [, , , phase, dir = "", baseUrl = ""] = process.argv;
  const started = performance.now();
  const detail = await runPhase(phase as Phase, dir, baseUrl);
  const wallMs = performance.now() - started;
  process.stdout.write(
    `${JSON.stringify({ wallMs, peakRssMb: process.resourceUsage().maxRSS / 1024, detail })}\n`,
  );
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = Number(process.env["BENCH_FILES"] ?? "") || undefined;
  await runFilesBench({ files, log: (line) => process.stdout.write(`${line}\n`) });
}
