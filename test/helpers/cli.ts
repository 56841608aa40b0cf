/**
 * The one way tests run wf-sync: `runCli` calls `main()` in-process, `spawnCli` and `startCli`
 * run the built CLI (dist/cli/bin.js) as a child process. Both give a CliRun; `env` is always
 * the whole environment of the run (a child gets PATH as well), built with `sandboxEnv`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { constants, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { main } from "../../src/cli/main.ts";
import { runSync, type SyncReport } from "../../src/commands/sync.ts";
import { loadConfig } from "../../src/load-config.ts";
import type { Sandbox } from "../../src/sandbox/index.ts";
import { createWebflowClient, type ClientStats } from "../../src/webflow/client.ts";
import { REPO_ROOT, type TempProject } from "./project.ts";

/** What a run printed and how it ended. */
export interface CliRun {
  /** The exit code; for a child ended by a signal, 128 + the signal's number, as a shell says. */
  code: number;
  /** Set when a signal ended the child process. */
  signal?: NodeJS.Signals;
  /** In-process: the lines written, joined with "\n". A child: its output as written. */
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** The whole environment of the run: nothing is inherited from the test process or added. */
  env?: Record<string, string | undefined>;
}

/** Environment for a run against a test sandbox: token, base URL, fast retries, not under CI. */
export function sandboxEnv(
  baseUrl: string,
  token = "test-token",
  extra: Record<string, string> = {},
): Record<string, string> {
  return { WEBFLOW_API_TOKEN: token, WEBFLOW_API_BASE_URL: baseUrl, WF_SYNC_RETRY_BASE_MS: "20", ...extra };
}

/** An empty file in a fresh temp dir, to name in GITHUB_STEP_SUMMARY. */
export async function stepSummaryFile(): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), "wf-sync-summary-")), "summary.md");
  await writeFile(file, "");
  return file;
}

/** The sandbox's env for a run inside a GitHub Actions step, with a fresh job-summary file. */
export async function githubStepEnv(
  baseUrl: string,
  extra: Record<string, string> = {},
): Promise<{ env: Record<string, string>; summary: string }> {
  const summary = await stepSummaryFile();
  const env = sandboxEnv(baseUrl, "test-token", {
    GITHUB_ACTIONS: "true",
    GITHUB_STEP_SUMMARY: summary,
    ...extra,
  });
  return { env, summary };
}

/** The lines of a run's output (none for empty output). */
export function lines(output: string): string[] {
  return output === "" ? [] : output.split("\n");
}

/** The `✖` line of stderr that names `file`, or undefined. */
export function failureFor(stderr: string, file: string): string | undefined {
  return lines(stderr).find((line) => line.startsWith(`✖ ${file}:`) || line.startsWith(`✖ ${file} `));
}

export interface InProcessOptions extends CliOptions {
  /** Whether stdout and stderr are terminals (colour, progress bar); neither by default. */
  isStdoutTty?: boolean;
  isStderrTty?: boolean;
  /** Receives the raw writes to stderr: the progress bar, drawn only when stderr is a terminal. */
  onStderrRaw?: (text: string) => void;
  /** Stands for SIGINT/SIGTERM: aborting it interrupts the run, as bin.js does. */
  signal?: AbortSignal;
  interruptedBy?: () => "SIGINT" | "SIGTERM" | undefined;
}

/** Runs `main()` in-process (stderr 100 columns wide) and captures what it prints. */
export async function runCli(args: readonly string[], options: InProcessOptions): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main({
    argv: args,
    env: options.env ?? {},
    cwd: options.cwd,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    stderrRaw: options.onStderrRaw ?? (() => {}),
    isStdoutTty: options.isStdoutTty ?? false,
    isStderrTty: options.isStderrTty ?? false,
    stderrColumns: 100,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.interruptedBy ? { interruptedBy: options.interruptedBy } : {}),
  });
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

/** `wf-sync <args>` in-process in `project` against a test sandbox. */
export function syncWith(
  sandbox: Sandbox,
  project: TempProject,
  args: readonly string[] = ["sync"],
): Promise<CliRun> {
  return runCli(args, { cwd: project.dir, env: sandboxEnv(sandbox.baseUrl) });
}

/** Path of the built CLI; `npm run build` makes it. */
export const BIN = resolve(REPO_ROOT, "dist/cli/bin.js");

export interface SpawnOptions extends CliOptions {
  /** Runs the CLI under `ulimit -f <blocks>`: a larger file write fails with EFBIG. */
  fileSizeBlocks?: number;
}

/** A child process running the built CLI. */
export interface RunningCli {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  done: Promise<CliRun>;
}

/** Starts `node dist/cli/bin.js <args>`, so a test can signal or kill it mid-run. */
export function startCli(args: readonly string[], options: SpawnOptions): RunningCli {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first.`);
  const env: Record<string, string> = { PATH: process.env["PATH"] ?? "" };
  for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[key] = value;
  const [command, argv] =
    options.fileSizeBlocks === undefined
      ? [process.execPath, [BIN, ...args]]
      : [
          "sh",
          ["-c", `ulimit -f ${options.fileSizeBlocks} && exec "$0" "$@"`, process.execPath, BIN, ...args],
        ];
  const child = spawn(command, argv, { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const done = new Promise<CliRun>((resolveDone, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolveDone(
        signal
          ? { code: 128 + (constants.signals[signal] ?? 0), signal, stdout, stderr }
          : { code: code ?? 0, stdout, stderr },
      ),
    );
  });
  return { child, done };
}

/** Runs the built CLI to its end; fails when it takes longer than `timeoutMs` or a signal ends it. */
export async function spawnCli(
  args: readonly string[],
  options: SpawnOptions & { timeoutMs?: number },
): Promise<CliRun> {
  const running = startCli(args, options);
  let isTimedOut = false;
  const timer = setTimeout(() => {
    isTimedOut = true;
    running.child.kill();
  }, options.timeoutMs ?? 30_000);
  try {
    const run = await running.done;
    if (isTimedOut || run.signal)
      throw new Error(
        `wf-sync ${args.join(" ")} ${isTimedOut ? "timed out" : `ended by ${run.signal}`}:\n${run.stderr}`,
      );
    return run;
  } finally {
    clearTimeout(timer);
  }
}

/** What `runSync` reported and the client's counters. */
export interface SyncOutcome {
  report: SyncReport;
  stats: ClientStats;
}

/** `runSync` in-process, without the CLI shell: for tests that read its report and the client's counters. */
export async function syncProject(
  root: string,
  sandbox: Sandbox,
  options: { retryBaseMs?: number; signal?: AbortSignal; concurrency?: number } = {},
): Promise<SyncOutcome> {
  const config = await loadConfig(root);
  const retryBaseMs = options.retryBaseMs ?? 20;
  const client = createWebflowClient({
    token: "test-token",
    baseUrl: sandbox.baseUrl,
    concurrency: options.concurrency ?? config.concurrency,
    retryBaseMs,
    signal: options.signal,
  });
  try {
    const report = await runSync({ config, client, retryBaseMs, signal: options.signal });
    return { report, stats: { ...client.stats } };
  } finally {
    await client.close();
  }
}
