import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { main } from "../../src/cli/main.ts";
import { REPO_ROOT } from "./project.ts";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** The whole environment of the run: nothing is inherited from the test process. */
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

/** Runs `main()` in-process with captured output (VT control characters stripped). */
export async function runCli(args: readonly string[], options: CliOptions): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main({
    argv: args,
    env: options.env ?? { WF_SYNC_RETRY_BASE_MS: "20" },
    cwd: options.cwd,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    isStdoutTty: false,
    isStderrTty: false,
  });
  return {
    code,
    stdout: stripVTControlCharacters(stdout.join("\n")),
    stderr: stripVTControlCharacters(stderr.join("\n")),
  };
}

/** Path of the built CLI; `npm run build` makes it. */
export const BIN = resolve(REPO_ROOT, "dist/cli/bin.js");

/** Spawns `node dist/cli/bin.js …` with exactly the given environment (plus PATH). */
export async function spawnCli(args: readonly string[], options: CliOptions): Promise<CliRun> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first.`);
  const env: Record<string, string> = { PATH: process.env["PATH"] ?? "" };
  for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[key] = value;
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd, env, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          fail(error);
          return;
        }
        done({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}
