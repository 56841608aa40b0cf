/**
 * Files benchmark (issue 7): how wf-sync's cost grows with the number of Markdown files.
 * Generates N posts (default 10 000) in a temp dir, then measures in one run, each phase as a
 * process of its own, timed from spawn to exit (so start-up and module loading count), with its
 * own peak RSS:
 *   a. floor: list, read and hash every file (baselines.ts)
 *   b. naive: gray-matter + remark per file, sequentially (baselines.ts)
 *   c. wf-sync parse + render of every file (the prepare stage alone, worker pool on)
 *   d. `wf-sync sync` cold, into the sandbox (empty manifest, no rate limit)
 *   e. `wf-sync sync` again: nothing changed
 *   f. `wf-sync sync` after editing 1 % of the files
 *   g. `wf-sync sync` after touching every file (a fresh checkout: every file is read and hashed)
 * Phases d–g run the built CLI (dist/cli/bin.js) exactly as a user or a Git hook does.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/load-config.ts";
import { listSources } from "../src/pipeline/discover/read-sources.ts";
import { emptyPrepareStats, prepareFiles } from "../src/pipeline/prepare/prepare-files.ts";
import { startSandbox } from "../src/sandbox/index.ts";
import { renderOptionsFor } from "../src/pipeline/discover/discover.ts";
import { POSTS_GLOB } from "./baselines.ts";
import { benchSeed, generateProject, postPath } from "./generate-markdown.ts";

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

/** Child mode: the prepare stage alone over every post; returns what it did. */
async function preparePhase(dir: string): Promise<string> {
  const config = await loadConfig(dir);
  const collection = config.collections[0];
  if (!collection) throw new Error("the bench config has no collection");
  const stats = emptyPrepareStats();
  const files = (await listSources({ root: dir, include: POSTS_GLOB })).map((path) => ({ path }));
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

/**
 * Runs a process and times it from spawn to exit. Its peak RSS comes from its own last stdout
 * line (baselines, prepare) or from the file that report-rss.ts writes (the CLI).
 */
function measure(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; rssFile?: string } = {},
): Promise<Measure> {
  const started = performance.now();
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const wallMs = performance.now() - started;
        if (error) {
          fail(new Error(`bench phase failed (${args.join(" ")}): ${stderr || error.message}`));
          return;
        }
        const last = stdout.trim().split("\n").at(-1) ?? "";
        void (async () => {
          if (options.rssFile) {
            const { peakRssMb } = JSON.parse(await readFile(options.rssFile, "utf8")) as {
              peakRssMb: number;
            };
            done({ wallMs, peakRssMb, detail: last.replace(/ in [\d.]+ s /, " ") });
          } else {
            const { peakRssMb, detail } = JSON.parse(last) as { peakRssMb: number; detail: string };
            done({ wallMs, peakRssMb, detail });
          }
        })().catch(fail);
      },
    );
  });
}

function formatMeasure(name: string, value: Measure): string {
  return `${name.padEnd(38)} ${(value.wallMs / 1000).toFixed(2).padStart(8)} s  ${value.peakRssMb.toFixed(0).padStart(6)} MB peak RSS  ${value.detail ?? ""}`;
}

/** Runs the files benchmark and prints a table; returns the figures. */
export async function runFilesBench(options: FilesBenchOptions = {}): Promise<FilesBenchResult> {
  const count = options.files ?? 10_000;
  const log = options.log ?? (() => {});
  const dir = await mkdtemp(join(tmpdir(), "wf-sync-bench-files-"));
  const sandbox = await startSandbox({ port: 0, seed: benchSeed(), quiet: true });
  const here = fileURLToPath(new URL(".", import.meta.url));
  const baselines = join(here, "baselines.js");
  const cli = join(here, "../cli/bin.js");
  const rssFile = join(dir, "rss.json");
  const cliEnv = {
    ...process.env,
    WEBFLOW_API_TOKEN: "bench-token",
    WEBFLOW_API_BASE_URL: sandbox.baseUrl,
    BENCH_RSS_FILE: rssFile,
    CI: "",
    NO_COLOR: "1",
  };
  try {
    log(
      `Files benchmark: ${count} generated posts in ${dir}, ${availableParallelism()} cores, Node ${process.versions.node}.`,
    );
    await generateProject(dir, count);
    // The files are then older than the digest cache's racy margin, as files are between commits.
    const phases: Record<string, Measure> = {};
    const run = async (name: string, measured: Promise<Measure>) => {
      phases[name] = await measured;
      log(formatMeasure(name, phases[name]));
    };
    const sync = () =>
      measure(["--import", join(here, "report-rss.js"), cli, "sync"], { cwd: dir, env: cliEnv, rssFile });
    await run("a. floor: list + read + hash", measure([baselines, "floor", dir]));
    await run("b. naive: gray-matter + remark", measure([baselines, "naive", dir]));
    await run("c. wf-sync parse + render", measure([fileURLToPath(import.meta.url), "--prepare", dir]));
    await run("d. wf-sync sync, cold", sync());
    await run("e. wf-sync sync, no-op", sync());
    const edited = Math.max(1, Math.round(count / 100));
    for (let index = 0; index < edited; index++) {
      const path = join(dir, postPath(Math.floor((index * count) / edited)));
      await writeFile(
        path,
        `${await readFile(path, "utf8")}\nEdited for the benchmark: one more paragraph.\n`,
      );
    }
    await run(`f. wf-sync sync, ${edited} files edited`, sync());
    const now = new Date();
    for (const path of await listSources({ root: dir, include: POSTS_GLOB }))
      await utimes(join(dir, path), now, now);
    await run("g. wf-sync sync, every file touched", sync());

    const get = (name: string) => phases[name] as Measure;
    const floor = get("a. floor: list + read + hash");
    const naive = get("b. naive: gray-matter + remark");
    const prepare = get("c. wf-sync parse + render");
    const noop = get("e. wf-sync sync, no-op");
    const edit = get(`f. wf-sync sync, ${edited} files edited`);
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

// Child mode: `node dist/bench/files.js --prepare <dir>` prints one JSON line.
if (process.argv[2] === "--prepare" && process.argv[1] === fileURLToPath(import.meta.url)) {
  const detail = await preparePhase(process.argv[3] ?? "");
  process.stdout.write(`${JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024, detail })}\n`);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = Number(process.env["BENCH_FILES"] ?? "") || undefined;
  await runFilesBench({ files, log: (line) => process.stdout.write(`${line}\n`) });
}
