/**
 * Files benchmark (issues 7, 11 and 13): how wf-sync's cost grows with the number of Markdown
 * files. Generates N posts (default 10 000) in a temp dir; every phase is a process of its own,
 * timed from spawn to exit (start-up and module loading count), with its own peak RSS. Phases
 * marked × runs are repeated and reported by their median (the machine is shared and noisy).
 *   a. floor: list, read and hash every file sequentially (floor.ts)            × runs
 *   b. naive: gray-matter + remark per file, sequentially (baselines.ts)
 *   c. wf-sync parse + render of every file (the prepare stage alone, pool on)  × render runs
 *   c'. the same with every body parsed by remark (the fast path's yardstick)   × render runs
 *   d. `wf-sync sync`, cold, into the sandbox (empty manifest, no rate limit)
 *   e. `wf-sync sync` again: nothing changed                                     × runs
 *   f. `wf-sync sync` after editing 1 % of the files                             × runs
 *   g. `wf-sync sync` after touching every file (a fresh checkout: all read and hashed)
 * Then b, c and c' again on the real-shaped corpus (generate-real.ts), with the share of bodies
 * that took the markdown-it fast path, and the rule deciding whether that path is worth keeping.
 * Phases d–g run the built CLI (dist/cli/bin.js) exactly as a user or a Git hook does; the
 * other children run this folder compiled by tsconfig.bench.json, so no phase pays for a
 * TypeScript transpiler.
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
import { POSTS_GLOB } from "./baselines.ts";
import { benchSeed, generateProject, postPath } from "./generate-markdown.ts";
import { generateRealShapedPost } from "./generate-real.ts";
import { usage } from "./usage.ts";

interface Measure {
  wallMs: number;
  peakRssMb: number;
  /** CPU time of the process (user + system, all threads): less sensitive to a busy machine. */
  cpuMs: number;
  detail?: string;
  /** Bodies rendered and those of them that took the fast path (prepare phases only). */
  rendered?: number;
  fastPath?: number;
}

/** A phase run one or more times: its median wall time, the spread, the median peak RSS. */
interface Phase extends Measure {
  runs: number;
  minMs: number;
  maxMs: number;
}

export interface FilesBenchOptions {
  files?: number | undefined;
  /** Runs of the floor, no-op and edit phases (median reported); at least 5 by default. */
  runs?: number | undefined;
  /** Runs of each parse + render phase. */
  renderRuns?: number | undefined;
  log?: (line: string) => void;
}

export interface FilesBenchResult {
  files: number;
  phases: Record<string, Phase>;
  ratios: Record<string, { value: number; goal: number; isMet: boolean }>;
}

/** Child mode: the prepare stage alone over every post; returns what it did. */
async function preparePhase(dir: string): Promise<Omit<Measure, "wallMs" | "peakRssMb" | "cpuMs">> {
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
        settings: {
          hasBody: true,
          renderOptions: { ...(config.richText ?? {}), ...(collection.richText ?? {}) },
        },
        urlPattern: "/blog/{slug}",
        skippable: undefined,
      },
    ],
    assetUrls: new Map(),
    stats,
  });
  for (const file of files) html += (file as { rendered?: { html: string } }).rendered?.html.length ?? 0;
  return {
    detail: `${stats.parsed} parsed, ${stats.rendered} rendered, ${stats.inWorkers} in workers, ${(html / 1e6).toFixed(1)} MB of HTML`,
    rendered: stats.rendered,
    fastPath: stats.fastPath,
  };
}

/**
 * Runs a process and times it from spawn to exit. Its peak RSS comes from its own last stdout
 * line (baselines, prepare) or from the file that report-rss.ts writes (the CLI).
 */
function measureOnce(
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
            const { peakRssMb, cpuMs } = JSON.parse(await readFile(options.rssFile, "utf8")) as {
              peakRssMb: number;
              cpuMs: number;
            };
            done({ wallMs, peakRssMb, cpuMs, detail: last.replace(/ in [\d.]+ s /, " ") });
          } else {
            done({ wallMs, ...(JSON.parse(last) as Omit<Measure, "wallMs">) });
          }
        })().catch(fail);
      },
    );
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Runs `once` `runs` times one after the other (`before` prepares each run, untimed). */
async function repeat(
  runs: number,
  once: () => Promise<Measure>,
  before?: (run: number) => Promise<void>,
): Promise<Phase> {
  const measures: Measure[] = [];
  for (let run = 0; run < runs; run++) {
    await before?.(run);
    measures.push(await once());
  }
  const walls = measures.map((measure) => measure.wallMs);
  return {
    ...(measures.at(-1) as Measure),
    wallMs: median(walls),
    peakRssMb: median(measures.map((measure) => measure.peakRssMb)),
    cpuMs: median(measures.map((measure) => measure.cpuMs)),
    runs,
    minMs: Math.min(...walls),
    maxMs: Math.max(...walls),
  };
}

function formatPhase(name: string, phase: Phase): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  const spread =
    phase.runs > 1 ? `${seconds(phase.minMs)}–${seconds(phase.maxMs)} (${phase.runs} runs)` : "1 run";
  return `${name.padEnd(40)} ${seconds(phase.wallMs).padStart(7)} s  ${spread.padEnd(24)} ${seconds(phase.cpuMs).padStart(7)} s CPU ${phase.peakRssMb.toFixed(0).padStart(5)} MB  ${phase.detail ?? ""}`;
}

/** Where the compiled bench lives and what its children run. */
function paths() {
  const here = fileURLToPath(new URL(".", import.meta.url));
  return {
    floor: join(here, "floor.js"),
    baselines: join(here, "baselines.js"),
    self: fileURLToPath(import.meta.url),
    reportRss: join(here, "report-rss.js"),
    // bench-build/bench/ → the package's dist/, built by `npm run build`.
    cli: join(here, "../../dist/cli/bin.js"),
  };
}

/** Runs the files benchmark and prints a table; returns the figures. */
export async function runFilesBench(options: FilesBenchOptions = {}): Promise<FilesBenchResult> {
  const count = options.files ?? 10_000;
  const runs = options.runs ?? 5;
  const renderRuns = options.renderRuns ?? 3;
  const log = options.log ?? (() => {});
  const dir = await mkdtemp(join(tmpdir(), "wf-sync-bench-files-"));
  const realDir = await mkdtemp(join(tmpdir(), "wf-sync-bench-real-"));
  const sandbox = await startSandbox({ port: 0, seed: benchSeed(), quiet: true });
  const bin = paths();
  const rssFile = join(dir, "rss.json");
  const cliEnv = {
    ...process.env,
    WEBFLOW_API_TOKEN: "bench-token",
    WEBFLOW_API_BASE_URL: sandbox.baseUrl,
    BENCH_RSS_FILE: rssFile,
    CI: "",
    NO_COLOR: "1",
  };
  const remarkEnv = { ...process.env, WF_SYNC_BENCH_RENDER: "remark" };
  try {
    log(
      `Files benchmark: ${count} generated posts in ${dir}, ${availableParallelism()} cores, Node ${process.versions.node}.`,
    );
    log(
      `Medians of ${runs} runs (floor, no-op, edit) and ${renderRuns} runs (parse + render); wall time from spawn to exit.`,
    );
    await generateProject(dir, count);
    await generateProject(realDir, count, generateRealShapedPost);
    // The files are then older than the digest cache's racy margin, as files are between commits.
    const phases: Record<string, Phase> = {};
    const run = async (name: string, measured: Promise<Phase>) => {
      phases[name] = await measured;
      log(formatPhase(name, phases[name]));
    };
    const once = (measure: Promise<Measure>) =>
      measure.then((value) => ({ ...value, runs: 1, minMs: value.wallMs, maxMs: value.wallMs }));
    const sync = () =>
      measureOnce(["--import", bin.reportRss, bin.cli, "sync"], { cwd: dir, env: cliEnv, rssFile });
    const prepare = (root: string, env?: NodeJS.ProcessEnv) =>
      repeat(renderRuns, () => measureOnce([bin.self, "--prepare", root], env ? { env } : {}));

    log("Corpus 1: blog-shaped posts (generate-markdown.ts)");
    await run(
      "a. floor: list + read + hash",
      repeat(runs, () => measureOnce([bin.floor, join(dir, "content")])),
    );
    await run("b. naive: gray-matter + remark", once(measureOnce([bin.baselines, "naive", dir])));
    await run("c. wf-sync parse + render", prepare(dir));
    await run("c'. the same, remark only", prepare(dir, remarkEnv));
    await run("d. wf-sync sync, cold", once(sync()));
    await run("e. wf-sync sync, no-op", repeat(runs, sync));
    const edited = Math.max(1, Math.round(count / 100));
    const editFiles = async () => {
      for (let index = 0; index < edited; index++) {
        const path = join(dir, postPath(Math.floor((index * count) / edited)));
        await writeFile(
          path,
          `${await readFile(path, "utf8")}\nEdited for the benchmark: one more paragraph.\n`,
        );
      }
    };
    await run(`f. wf-sync sync, ${edited} files edited`, repeat(runs, sync, editFiles));
    const now = new Date();
    for (const path of await listSources({ root: dir, include: POSTS_GLOB }))
      await utimes(join(dir, path), now, now);
    await run("g. wf-sync sync, every file touched", once(sync()));

    log(
      "Corpus 2: real-shaped posts (generate-real.ts: tables, shortcodes, alerts, footnotes, raw HTML, TOML)",
    );
    await run("b2. naive: gray-matter + remark", once(measureOnce([bin.baselines, "naive", realDir])));
    await run("c2. wf-sync parse + render", prepare(realDir));
    await run("c2'. the same, remark only", prepare(realDir, remarkEnv));

    const ratios = ratiosOf(phases, count, edited);
    const cpuRatios = ratiosOf(phases, count, edited, "cpuMs");
    log("");
    log("Ratios of median wall times (in brackets: of median CPU times, which a busy machine sways less):");
    for (const [name, { value, goal, isMet }] of Object.entries(ratios)) {
      const cpu = cpuRatios[name]?.value.toFixed(2) ?? "";
      const rule = name.includes("remark only /") ? `(≥ ${goal} keeps the fast path)` : `(goal ≤ ${goal})`;
      log(
        `${name.padEnd(52)} ${value.toFixed(2).padStart(6)} [${cpu}]  ${rule}  ${isMet ? "met" : "NOT met"}`,
      );
    }
    logFastPath(phases, log);
    return { files: count, phases, ratios };
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
    await rm(realDir, { recursive: true, force: true });
  }
}

function ratiosOf(
  phases: Record<string, Phase>,
  count: number,
  edited: number,
  time: "wallMs" | "cpuMs" = "wallMs",
): FilesBenchResult["ratios"] {
  // Ratios of wall times, or of CPU times read through the same name.
  const get = (name: string) => {
    const phase = phases[name] as Phase;
    return { ...phase, wallMs: phase[time] };
  };
  const floor = get("a. floor: list + read + hash");
  const naive = get("b. naive: gray-matter + remark");
  const prepare = get("c. wf-sync parse + render");
  const noop = get("e. wf-sync sync, no-op");
  const edit = get(`f. wf-sync sync, ${edited} files edited`);
  const naiveForEdited = (naive.wallMs * edited) / count;
  const atMost = (value: number, goal: number) => ({ value, goal, isMet: value <= goal });
  const atLeast = (value: number, goal: number) => ({ value, goal, isMet: value >= goal });
  return {
    "no-op / floor": atMost(noop.wallMs / floor.wallMs, 1.5),
    [`edit / (no-op + 2 × naive for ${edited} files)`]: atMost(
      edit.wallMs / (noop.wallMs + 2 * naiveForEdited),
      1,
    ),
    "parse + render / naive": atMost(prepare.wallMs / naive.wallMs, 0.6),
    "parse + render RSS / naive RSS": atMost(prepare.peakRssMb / naive.peakRssMb, 1),
    "real-shaped: parse + render / naive": atMost(
      get("c2. wf-sync parse + render").wallMs / get("b2. naive: gray-matter + remark").wallMs,
      0.6,
    ),
    "real-shaped: parse + render RSS / naive RSS": atMost(
      get("c2. wf-sync parse + render").peakRssMb / get("b2. naive: gray-matter + remark").peakRssMb,
      1,
    ),
    "blog-shaped: remark only / with fast path": atLeast(
      get("c'. the same, remark only").wallMs / prepare.wallMs,
      1.5,
    ),
    "real-shaped: remark only / with fast path": atLeast(
      get("c2'. the same, remark only").wallMs / get("c2. wf-sync parse + render").wallMs,
      1.5,
    ),
  };
}

/** The share of bodies on the fast path, and the decision rule of issue 13, item 10. */
function logFastPath(phases: Record<string, Phase>, log: (line: string) => void): void {
  const share = (name: string) => {
    const { rendered = 0, fastPath = 0 } = phases[name] ?? {};
    return `${fastPath} of ${rendered} bodies (${rendered ? ((100 * fastPath) / rendered).toFixed(0) : "–"} %)`;
  };
  log(
    `fast path taken: blog-shaped ${share("c. wf-sync parse + render")}, real-shaped ${share("c2. wf-sync parse + render")}`,
  );
  const real = phases["c2'. the same, remark only"] as Phase;
  const fast = phases["c2. wf-sync parse + render"] as Phase;
  const speedup = real.wallMs / fast.wallMs;
  log(
    `decision (issue 13, item 10): keep the fast path only if it makes parse + render ≥ 1.5× faster than remark alone on the real-shaped corpus: ${speedup.toFixed(2)}× wall (${(real.cpuMs / fast.cpuMs).toFixed(2)}× CPU) → ${speedup >= 1.5 ? "keep it" : "remove it"}`,
  );
}

// Child mode: `node bench-build/bench/files.js --prepare <dir>` prints one JSON line.
if (process.argv[2] === "--prepare" && process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await preparePhase(process.argv[3] ?? "");
  process.stdout.write(`${JSON.stringify({ ...usage(), ...result })}\n`);
}
