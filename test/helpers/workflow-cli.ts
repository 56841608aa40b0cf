/**
 * Helpers for the workflow tests (issue 6): temp projects, `main()` in-process with a chosen
 * terminal setup, and the write requests a sandbox saw.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { main } from "../../src/cli/main.ts";
import type { RecordedRequest, Sandbox } from "../../src/sandbox/index.ts";

export interface WorkflowRun {
  code: number;
  /** Lines as written, escape codes and all. */
  stdout: string[];
  stderr: string[];
  /** Raw stderr writes (the progress bar). */
  stderrRaw: string;
}

export interface WorkflowRunOptions {
  cwd: string;
  /** The whole environment: nothing is inherited from the test process. */
  env?: Record<string, string | undefined>;
  isStdoutTty?: boolean;
  isStderrTty?: boolean;
}

export async function runWorkflowCli(
  argv: readonly string[],
  options: WorkflowRunOptions,
): Promise<WorkflowRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let stderrRaw = "";
  const code = await main({
    argv,
    env: { WF_SYNC_RETRY_BASE_MS: "20", ...options.env },
    cwd: options.cwd,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    stderrRaw: (text) => {
      stderrRaw += text;
    },
    isStdoutTty: options.isStdoutTty ?? false,
    isStderrTty: options.isStderrTty ?? false,
    stderrColumns: 100,
  });
  return { code, stdout, stderr, stderrRaw };
}

/** Environment for a run against a test sandbox. */
export function tokenEnv(sandbox: Sandbox, extra: Record<string, string> = {}): Record<string, string> {
  return { WEBFLOW_API_TOKEN: "test-token", WEBFLOW_API_BASE_URL: sandbox.baseUrl, ...extra };
}

export async function makeTempProject(files: Record<string, string> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "wf-sync-workflow-"));
  await writeFiles(root, files);
  return root;
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** Requests that change something (POST, PATCH, DELETE) to the API. */
export function writesOf(sandbox: Sandbox): RecordedRequest[] {
  return sandbox.requests.filter((request) => request.method !== "GET" && request.path.startsWith("/v2/"));
}

/** `{method} {path}` of each write, with the collection id left in. */
export function describeWrites(sandbox: Sandbox): string[] {
  return writesOf(sandbox).map((request) => `${request.method} ${request.path.replace(/^\/v2/, "")}`);
}
