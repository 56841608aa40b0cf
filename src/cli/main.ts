import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { parseEnv } from "node:util";
import { Command, CommanderError } from "commander";
import { AuthError, ExitCode, InterruptedError, LocalFileError, UsageError, WfSyncError } from "../errors.ts";
import { enableConfigCache, findConfigFile, loadConfig } from "../load-config.ts";
import {
  createWebflowClient,
  DEFAULT_BASE_URL,
  validateBaseUrl,
  type WebflowClient,
} from "../webflow/client.ts";
import type { ResolvedConfig } from "../config.ts";
import { runSync, selectCollections, type SyncReport } from "../commands/sync.ts";
import { acquireRunLock } from "../commands/run-lock.ts";
import { createReporter, jsonItem, type Reporter } from "./reporter.ts";
import { createRedactor } from "../core/redact-secrets.ts";
import { escapeLines, escapeText } from "../core/escape-text.ts";

/** Flags of `wf-sync sandbox`. */
type SandboxFlags = {
  port: string;
  state: string;
  rateLimit: string;
  livePatchUpdatesStaged?: boolean;
  detailIndex?: boolean;
};

/** Everything main() needs from the outside world; tests pass their own. */
export interface CliIo {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Raw write to stderr, for a progress line redrawn in place (TTY only). */
  stderrRaw?: (text: string) => void;
  isStdoutTty?: boolean;
  isStderrTty?: boolean;
  /** Terminal width of stderr, for the progress bar. */
  stderrColumns?: number | undefined;
  /** Aborted on SIGINT/SIGTERM: no new writes start, in-flight ones finish, the manifest is written. */
  signal?: AbortSignal;
  /** Which signal aborted the run, for the exit code (130 / 143). */
  interruptedBy?: () => "SIGINT" | "SIGTERM" | undefined;
}

interface GlobalOptions {
  config?: string;
  collection?: string[];
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  strict?: boolean;
  sandbox?: boolean;
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

/** The variables of `.env` in the working directory ({} without one). */
function readDotEnv(cwd: string): Record<string, string | undefined> {
  const file = resolve(cwd, ".env");
  if (!existsSync(file)) return {};
  try {
    return parseEnv(readFileSync(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`${file} cannot be read (${code}).`, {
      hint: "Make .env a readable file of KEY=value lines, or remove it.",
    });
  }
}

/** Where the API token comes from, and where it is sent. */
export interface ApiTarget {
  token: string | undefined;
  baseUrl: string;
  /** Set when `.env` names a base URL that is ignored: the token came from the environment. */
  ignoredBaseUrl?: string | undefined;
}

/**
 * The token and base URL. The process environment wins over `.env` for each. A base URL from
 * `.env` is used only with a token from that same `.env`: a committed `.env` must never send a
 * token that came from the environment (a CI secret) to another host, so then it is ignored.
 */
export function readApiTarget(env: CliIo["env"], cwd: string): ApiTarget {
  const dotEnv = readDotEnv(cwd);
  const envToken = env["WEBFLOW_API_TOKEN"]?.trim() || undefined;
  const token = envToken ?? (dotEnv["WEBFLOW_API_TOKEN"]?.trim() || undefined);
  const envBaseUrl = env["WEBFLOW_API_BASE_URL"]?.trim() || undefined;
  const dotEnvBaseUrl = dotEnv["WEBFLOW_API_BASE_URL"]?.trim() || undefined;
  if (envBaseUrl) return { token, baseUrl: envBaseUrl };
  if (dotEnvBaseUrl && envToken) return { token, baseUrl: DEFAULT_BASE_URL, ignoredBaseUrl: dotEnvBaseUrl };
  return { token, baseUrl: dotEnvBaseUrl ?? DEFAULT_BASE_URL };
}

/** Every token this run could know (environment and `.env`): none of them is ever printed. */
function knownSecrets(env: CliIo["env"], cwd: string): string[] {
  let dotEnvToken: string | undefined;
  try {
    dotEnvToken = readDotEnv(cwd)["WEBFLOW_API_TOKEN"]?.trim();
  } catch {
    // An unreadable .env fails later, where it is read for the run, with its own message.
  }
  return [env["WEBFLOW_API_TOKEN"]?.trim(), dotEnvToken].filter((token): token is string => Boolean(token));
}

/** The target with its base URL checked; says once when a `.env` base URL is ignored. */
function checkedApiTarget(io: CliIo, reporter: Reporter): ApiTarget & { token: string | undefined } {
  const target = readApiTarget(io.env, io.cwd);
  if (target.ignoredBaseUrl && target.token)
    reporter.runWarning(
      `.env sets WEBFLOW_API_BASE_URL=${target.ignoredBaseUrl}, but WEBFLOW_API_TOKEN comes from the environment: the token is sent to ${DEFAULT_BASE_URL} only. Set WEBFLOW_API_BASE_URL in the environment too, or put both in .env.`,
    );
  return target.token ? { ...target, baseUrl: validateBaseUrl(target.baseUrl) } : target;
}

/**
 * `--collection` takes several names (`--collection blog docs`), so a parser reading it as a
 * list would also swallow a command written after it (`wf-sync --collection blog sync`).
 * The names are gathered here, up to the next option or command name, into one
 * `--collection=a,b` argument, so both orders work.
 */
export function groupCollectionNames(argv: readonly string[], commands: readonly string[]): string[] {
  const grouped: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] as string;
    if (argument !== "--collection") {
      grouped.push(argument);
      continue;
    }
    const names: string[] = [];
    while (index + 1 < argv.length) {
      const next = argv[index + 1] as string;
      if (next.startsWith("-") || (names.length > 0 && commands.includes(next))) break;
      names.push(next);
      index++;
    }
    grouped.push(names.length > 0 ? `--collection=${names.join(",")}` : argument);
  }
  return grouped;
}

function collectionNames(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  return values
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter(Boolean);
}

interface Connection {
  client: WebflowClient;
  close: () => Promise<void>;
  /** The run's signal: aborted by SIGINT/SIGTERM, or when the rate limit asks for too long a wait. */
  signal: AbortSignal;
  /** Why the client stopped the run (a Retry-After longer than maxRateLimitWait), if it did. */
  stoppedBecause: () => string | undefined;
}

/** Where the run's opt-in to the built-in sandbox came from, if anywhere. */
type SandboxChoice = "flag" | "env" | "config" | undefined;

/**
 * SPEC §3 "The sandbox": without a token, the sandbox only by choice. `--sandbox` and
 * WF_SYNC_SANDBOX=1 choose it for one run, anywhere; the config's `sandbox: true` only outside
 * CI, so a secret missing from a pipeline never looks like a successful sync.
 */
export function chooseSandbox(options: {
  env: CliIo["env"];
  flag: boolean | undefined;
  config: boolean | undefined;
}): SandboxChoice {
  if (options.flag) return "flag";
  if (isTruthy(options.env["WF_SYNC_SANDBOX"])) return "env";
  if (options.config && !isTruthy(options.env["CI"])) return "config";
  return undefined;
}

/** The exit-2 error for a run with no token and no sandbox opt-in. */
function missingTokenError(options: { env: CliIo["env"]; isConfigOptIn: boolean }): AuthError {
  const isCi = isTruthy(options.env["CI"]);
  if (isCi && options.isConfigOptIn) {
    return new AuthError(
      "WEBFLOW_API_TOKEN is not set, and under CI the config's `sandbox: true` does not select the local sandbox.",
      {
        hint: "Pass the site API token from a secret as WEBFLOW_API_TOKEN (docs/github-actions.md), or add --sandbox (or WF_SYNC_SANDBOX=1) to run against the local sandbox on purpose.",
      },
    );
  }
  return new AuthError(isCi ? "WEBFLOW_API_TOKEN is not set (under CI)." : "WEBFLOW_API_TOKEN is not set.", {
    hint: isCi
      ? "Pass the site API token from a secret as WEBFLOW_API_TOKEN (docs/github-actions.md), or add --sandbox (or WF_SYNC_SANDBOX=1) to run against the local sandbox on purpose."
      : 'Set it in the environment or in .env (README, "Pointing it at a real site"). To try wf-sync without a site, use the built-in local sandbox: add `sandbox: true` to the config, or pass --sandbox, or set WF_SYNC_SANDBOX=1.',
  });
}

/** A connected client: the real API when a token is set, else the built-in sandbox when the run opts in. */
async function connect(options: {
  io: CliIo;
  config: ResolvedConfig;
  reporter: Reporter;
  concurrency: number;
  isDryRun?: boolean;
  isSandboxFlag?: boolean | undefined;
}): Promise<Connection> {
  const { io, config, reporter } = options;
  const { token, baseUrl } = checkedApiTarget(io, reporter);
  // A Retry-After longer than maxRateLimitWait stops the run as a signal would: no new write
  // starts, finished ones are recorded in the manifest.
  const stop = new AbortController();
  const signal = io.signal ? AbortSignal.any([io.signal, stop.signal]) : stop.signal;
  let stopMessage: string | undefined;
  const shared = {
    concurrency: options.concurrency,
    retryBaseMs: Number(io.env["WF_SYNC_RETRY_BASE_MS"] ?? "") || undefined,
    debug: io.env["WF_SYNC_DEBUG"] ? (message: string) => io.stderr(`[debug] ${message}`) : undefined,
    signal,
    maxRateLimitWaitMs: config.maxRateLimitWait * 1000,
    onNotice: (message: string) => reporter.event({ type: "notice", message }),
    onRateLimitStop: (message: string) => {
      stopMessage ??= message;
      stop.abort();
    },
  };
  const stoppedBecause = () => stopMessage;
  if (token) {
    const client = createWebflowClient({ token, baseUrl, ...shared });
    return { client, close: () => client.close(), signal, stoppedBecause };
  }
  const choice = chooseSandbox({ env: io.env, flag: options.isSandboxFlag, config: config.sandbox });
  if (!choice) throw missingTokenError({ env: io.env, isConfigOptIn: config.sandbox });
  const {
    sandbox,
    token: sandboxToken,
    close: closeSandbox,
  } = await (
    await import("../commands/local-sandbox.ts")
  ).startLocalSandbox(config, { isReadOnly: options.isDryRun ?? false });
  const why = { flag: "--sandbox", env: "WF_SYNC_SANDBOX=1", config: "sandbox: true in the config" }[choice];
  reporter.sandboxNotice(
    `No WEBFLOW_API_TOKEN set: using the built-in local sandbox (${why}; state in .wf-sync/sandbox.json), not a real site.`,
  );
  const client = createWebflowClient({
    token: sandboxToken,
    baseUrl: sandbox.baseUrl,
    ...shared,
    target: "sandbox",
  });
  return {
    client,
    close: async () => {
      await client.close();
      await closeSandbox();
    },
    signal,
    stoppedBecause,
  };
}

/**
 * For `check --ref` / `--staged`: the project's files as Git has them, in a temp folder, plus
 * what is kept out of Git but needed offline (the config if uncommitted, the schema cache).
 */
async function snapshotFor(
  cwd: string,
  options: { ref?: string | undefined; staged?: boolean | undefined },
  configFile: string | undefined,
) {
  if (options.ref === undefined && !options.staged) return undefined;
  if (options.ref !== undefined && options.staged)
    throw new UsageError("--ref and --staged cannot be combined.");
  const { snapshotFromGit, copyIfMissing } = await import("../commands/git-ref.ts");
  const configName = relative(cwd, findConfigFile(cwd, configFile));
  const snapshot = await snapshotFromGit({
    cwd,
    source: options.ref !== undefined ? { ref: options.ref } : { isStaged: true },
    extraFiles: [configName],
  });
  return {
    ...snapshot,
    copySchemaCache: (config: ResolvedConfig) =>
      copyIfMissing({
        from: cwd,
        to: snapshot.cwd,
        file: relative(
          config.root,
          resolve(dirname(resolve(config.root, config.manifest)), "schema-cache.json"),
        ),
      }),
  };
}

/** Colour only on a terminal, never with NO_COLOR (no-color.org: set and not empty), never in JSON. */
export function shouldUseColor(
  io: Pick<CliIo, "env" | "isStdoutTty">,
  options: { json?: boolean | undefined },
): boolean {
  const noColor = io.env["NO_COLOR"];
  return Boolean(io.isStdoutTty) && (noColor === undefined || noColor === "") && !options.json;
}

/**
 * A client for `init`, which has no config yet: the real API with a token; without one the
 * built-in sandbox with a demo site that has content (under CI only with --sandbox or
 * WF_SYNC_SANDBOX=1), whose schema is written to wf-sync.sandbox.json so later runs without a
 * token see the same site. The config it writes then opts in with `sandbox: true`.
 */
async function connectForInit(options: {
  io: CliIo;
  reporter: Reporter;
  isSandboxFlag?: boolean | undefined;
}): Promise<{
  client: WebflowClient;
  close: () => Promise<void>;
  sandboxSeed: string | undefined;
  siteId: string | undefined;
}> {
  const { io, reporter } = options;
  const { token, baseUrl } = checkedApiTarget(io, reporter);
  if (token) {
    const client = createWebflowClient({
      token,
      baseUrl,
      onNotice: (message) => reporter.event({ type: "notice", message }),
    });
    return { client, close: () => client.close(), sandboxSeed: undefined, siteId: undefined };
  }
  if (isTruthy(io.env["CI"]) && !chooseSandbox({ env: io.env, flag: options.isSandboxFlag, config: false })) {
    throw new AuthError("WEBFLOW_API_TOKEN is not set (under CI).", {
      hint: "Run `wf-sync init` on your machine with the token in WEBFLOW_API_TOKEN (or .env), then commit the config; --sandbox (or WF_SYNC_SANDBOX=1) writes one for the demo site instead.",
    });
  }
  const { DEMO_SEED, DEMO_SITE_ID, seedDemoContent } = await import("../commands/init-demo.ts");
  const seedFile = "wf-sync.sandbox.json";
  const seedPath = resolve(io.cwd, seedFile);
  if (!existsSync(seedPath)) await writeFile(seedPath, `${JSON.stringify(DEMO_SEED, null, 2)}\n`);
  const seed = JSON.parse(readFileSync(seedPath, "utf8")) as typeof DEMO_SEED;
  const sandboxToken = randomBytes(16).toString("hex");
  await mkdir(resolve(io.cwd, ".wf-sync"), { recursive: true });
  const { startSandbox } = await import("../sandbox/index.ts");
  const sandbox = await startSandbox({
    port: 0,
    statePath: resolve(io.cwd, ".wf-sync/sandbox.json"),
    seed,
    tokens: [sandboxToken],
  });
  reporter.sandboxNotice(
    `No WEBFLOW_API_TOKEN set: using the built-in sandbox with a demo site (${seedFile}, state in .wf-sync/sandbox.json). Set the token to init against your real site.`,
  );
  const client = createWebflowClient({ token: sandboxToken, baseUrl: sandbox.baseUrl, target: "sandbox" });
  if (seed.sites.some((site) => site.id === DEMO_SITE_ID)) await seedDemoContent(client);
  return {
    siteId: seed.sites.length === 1 ? seed.sites[0]?.id : undefined,
    client,
    close: async () => {
      await client.close();
      await sandbox.close();
    },
    sandboxSeed: seedFile,
  };
}

function reporterFor(io: CliIo, options: GlobalOptions, isDryRun = false): Reporter {
  const useColor = shouldUseColor(io, options);
  return createReporter({
    redact: createRedactor(knownSecrets(io.env, io.cwd)),
    stdout: io.stdout,
    stderr: io.stderr,
    progress: io.isStderrTty && io.stderrRaw ? io.stderrRaw : undefined,
    progressColumns: io.stderrColumns,
    isJson: Boolean(options.json),
    isQuiet: Boolean(options.quiet),
    isVerbose: Boolean(options.verbose),
    isDryRun,
    useColor,
    isGitHubActions: io.env["GITHUB_ACTIONS"] === "true",
    stepSummaryPath: io.env["GITHUB_ACTIONS"] === "true" ? io.env["GITHUB_STEP_SUMMARY"] : undefined,
  });
}

function isWriteAction(action: string): boolean {
  return action !== "unchanged" && action !== "keep" && action !== "invalid";
}

function exitCodeFor(report: SyncReport): ExitCode {
  return report.totals.failed > 0 ? ExitCode.ItemsFailed : ExitCode.Ok;
}

/**
 * The same io, with every line written passed through the redactor: whatever a command prints
 * directly (init's report, check's JSON, a crash's stack) cannot show the token either.
 */
function redactedIo(io: CliIo): CliIo {
  const redact = createRedactor(knownSecrets(io.env, io.cwd));
  return {
    ...io,
    stdout: (line) => io.stdout(redact(line)),
    stderr: (line) => io.stderr(redact(line)),
  };
}

/**
 * What the commands share with main(): the io, the global flags, the exit code to return, and
 * whether a command printed its --json document (an error after it adds no second one).
 */
interface CommandContext {
  io: CliIo;
  globals: () => GlobalOptions;
  setExitCode: (code: number) => void;
  markJsonPrinted: () => void;
}

/** Flags of `wf-sync sync`. */
type SyncFlags = {
  dryRun?: boolean;
  force?: boolean;
  verify?: boolean;
  yes?: boolean;
  overwrite?: boolean;
  wait?: boolean;
};

/** Runs the CLI and returns its exit code; never calls process.exit, so tests run it in-process. */
export async function main(rawIo: CliIo): Promise<number> {
  const io = redactedIo(rawIo);
  let exitCode: number = ExitCode.Ok;
  // Whether a command printed its --json document; an error after it adds no second one.
  let hasPrintedJson = false;
  const program = new Command("wf-sync")
    .description("Keep a Webflow CMS in step with Markdown files kept in Git.")
    .option("--config <file>", "config file (default: wf-sync.config.ts in the working directory)")
    .option("--collection <names...>", "limit the command to these collections (space- or comma-separated)")
    .option("--json", "print one JSON document on stdout")
    .option("-q, --quiet", "print only errors and the final line")
    .option("-v, --verbose", "also list unchanged items (and files pull kept)")
    .option("--strict", "unknown frontmatter keys are errors, not warnings")
    .option("--sandbox", "with no WEBFLOW_API_TOKEN, run against the built-in local sandbox (also under CI)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text.replace(/\n$/, "")),
      writeErr: (text) => io.stderr(text.replace(/\n$/, "")),
    })
    .showHelpAfterError()
    // `wf-sync sync --help` lists --json, --quiet, --collection… too (they work after the command).
    .configureHelp({ showGlobalOptions: true });
  program.version(packageVersion(), "--version");
  const context: CommandContext = {
    io,
    globals: () => program.opts<GlobalOptions>(),
    setExitCode: (code) => {
      exitCode = code;
    },
    markJsonPrinted: () => {
      hasPrintedJson = true;
    },
  };
  registerSyncCommand(program, context);
  registerCheckCommand(program, context);
  registerPullCommand(program, context);
  registerInitCommand(program, context);
  registerPreviewCommand(program, context);
  registerSandboxCommand(program, context);

  try {
    if (io.argv.length === 0) {
      program.outputHelp();
      return ExitCode.CannotRun;
    }
    await program.parseAsync(
      groupCollectionNames(
        io.argv,
        program.commands.map((command) => command.name()),
      ),
      { from: "user" },
    );
    return exitCode;
  } catch (error) {
    return exitCodeForError(io, program, error, hasPrintedJson);
  }
}

/** The exit code (and the message, or the JSON error document) of an error that stopped the run. */
function exitCodeForError(io: CliIo, program: Command, error: unknown, hasPrintedJson: boolean): number {
  const isJson = io.argv.includes("--json");
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return ExitCode.Ok;
    if (isJson) {
      printJsonError(io, ExitCode.CannotRun, {
        code: "WF_USAGE",
        message: error.message.replace(/^error: /, ""),
      });
    }
    return ExitCode.CannotRun;
  }
  const stoppedBy = io.interruptedBy?.();
  if (error instanceof InterruptedError && stoppedBy) {
    // Interrupted before the run got to its writes (a read was waiting): nothing half done.
    io.stderr(
      `Stopped by ${stoppedBy}: finished writes are recorded in the manifest; run sync again to finish.`,
    );
    return stoppedBy === "SIGINT" ? 130 : 143;
  }
  if (error instanceof WfSyncError) {
    const reporter = reporterFor(io, program.opts<GlobalOptions>());
    reporter.error(error);
    if (io.argv[0] === "sync" || io.argv.includes("sync"))
      reporter.stepSummaryRefusal(error, io.argv.includes("--dry-run"));
    // --json promises one document on stdout, also when the run could not start.
    if (isJson && !hasPrintedJson) {
      printJsonError(io, error.exitCode, {
        code: error.code,
        message: error.message,
        hint: error.hint ?? null,
        file: error.location?.file ?? null,
        line: error.location?.line ?? null,
        column: error.location?.column ?? null,
      });
    }
    return error.exitCode;
  }
  io.stderr("wf-sync crashed. This is a bug; please report it with the output below.");
  io.stderr(escapeLines(error instanceof Error ? (error.stack ?? error.message) : String(error)));
  return ExitCode.Internal;
}

/** `wf-sync sync`. */
function registerSyncCommand(program: Command, context: CommandContext): void {
  program
    .command("sync")
    .description("create, update and (per onDelete) remove live items so the site matches the files")
    .option("--dry-run", "print the plan and write nothing")
    .option("--force", "ignore the manifest and rewrite every item")
    .option("--verify", "list the site's items and reconcile the manifest with them before planning")
    .option("--yes", "allow removing more than the safety share of a collection")
    .option("--overwrite", "write items that were changed in Webflow since wf-sync last wrote them")
    .option("--wait", "wait for another run on this project to finish instead of stopping")
    .action((commandOptions: SyncFlags) => runSyncCommand(context, commandOptions));
}

/** The action of `wf-sync sync`: load, connect, lock, run, then finishSync(). */
async function runSyncCommand(context: CommandContext, commandOptions: SyncFlags): Promise<void> {
  const { io, globals } = context;
  const options = globals();
  const reporter = reporterFor(io, options, Boolean(commandOptions.dryRun));
  const config = await loadConfig(io.cwd, {
    configFile: options.config,
    isCached: !commandOptions.dryRun,
  });
  // An unknown --collection is a usage error before anything connects or starts the sandbox.
  selectCollections(config, collectionNames(options.collection));
  const { client, close, signal, stoppedBecause } = await connect({
    io,
    config,
    reporter,
    concurrency: config.concurrency,
    isDryRun: Boolean(commandOptions.dryRun),
    isSandboxFlag: options.sandbox,
  });
  // One writing run per project (after the API target is checked: a refused base URL leaves
  // nothing behind); a dry run writes nothing and takes no lock.
  const lock = commandOptions.dryRun
    ? undefined
    : await acquireRunLock({
        config,
        command: "sync",
        isWaiting: Boolean(commandOptions.wait),
        signal: io.signal,
        onNotice: (message) => io.stderr(message),
      });
  await using _lock = { [Symbol.asyncDispose]: () => lock?.release() ?? Promise.resolve() };
  let report: SyncReport;
  // Items Webflow now holds: a local write fault after some of them is exit 1, not 2.
  let writtenCount = 0;
  try {
    report = await runSync({
      config,
      client,
      collections: collectionNames(options.collection),
      isDryRun: Boolean(commandOptions.dryRun),
      isForced: Boolean(commandOptions.force),
      isVerified: Boolean(commandOptions.verify),
      isStrict: Boolean(options.strict),
      isDeleteAllowed: Boolean(commandOptions.yes),
      isOverwrite: Boolean(commandOptions.overwrite),
      interruptedSince: lock?.interruptedRunStartedAt,
      signal,
      retryBaseMs: Number(io.env["WF_SYNC_RETRY_BASE_MS"] ?? "") || undefined,
      onEvent: (event) => {
        if (event.type === "item" && !event.result.error && isWriteAction(event.result.action))
          writtenCount++;
        reporter.event(event);
      },
    });
  } catch (error) {
    if (!(error instanceof LocalFileError) || writtenCount === 0) throw error;
    reporter.close();
    reporter.error(error);
    io.stderr(`${writtenCount} item(s) were written before it; the manifest holds what was recorded.`);
    context.setExitCode(ExitCode.ItemsFailed);
    return;
  } finally {
    reporter.close();
    await close();
  }
  await finishSync(context, { config, report, reporter, isJson: Boolean(options.json), stoppedBecause });
}

/** After a sync: the plan or the summary, the JSON document, and the exit code. */
async function finishSync(
  context: CommandContext,
  run: {
    config: ResolvedConfig;
    report: SyncReport;
    reporter: Reporter;
    isJson: boolean;
    stoppedBecause: () => string | undefined;
  },
): Promise<void> {
  const { io } = context;
  const { config, report, reporter, stoppedBecause } = run;
  if (!report.isDryRun && !report.isInterrupted) await enableConfigCache(config);
  reporter.flushWarnings();
  if (report.isDryRun) reporter.plan(report);
  reporter.summary(report);
  reporter.stepSummary(report);
  if (run.isJson) {
    reporter.json(report);
    context.markJsonPrinted();
  }
  const stoppedBy = io.interruptedBy?.();
  if (report.isInterrupted && stoppedBy) {
    io.stderr(
      `Stopped by ${stoppedBy}: finished writes are recorded in the manifest; run sync again to finish.`,
    );
    context.setExitCode(stoppedBy === "SIGINT" ? 130 : 143);
    return;
  }
  const reason = stoppedBecause();
  if (report.isInterrupted && reason) {
    reporter.runError(`Stopped: ${reason} Finished writes are recorded in the manifest.`);
    context.setExitCode(ExitCode.ItemsFailed);
    return;
  }
  context.setExitCode(exitCodeFor(report));
}

/** `wf-sync check`. */
function registerCheckCommand(program: Command, context: CommandContext): void {
  const { io, globals } = context;
  program
    .command("check")
    .description("validate every file offline against the mapping and the cached collection schema")
    .option("--ref <ref>", "check the files as committed at this Git ref (for a pre-push hook)")
    .option("--staged", "check the files as staged in Git's index (for a pre-commit hook)")
    .action(async (commandOptions: { ref?: string; staged?: boolean }) => {
      const options = globals();
      const reporter = reporterFor(io, options);
      // With --ref / --staged the files come from Git, written to a temp folder (git-ref.ts).
      const snapshot = await snapshotFor(io.cwd, commandOptions, options.config);
      let report: Awaited<ReturnType<(typeof import("../commands/check.ts"))["runCheck"]>>;
      try {
        const cwd = snapshot?.cwd ?? io.cwd;
        const config = await loadConfig(cwd, { configFile: options.config });
        if (snapshot) await snapshot.copySchemaCache(config);
        // Each command loads what only it needs: a sync where nothing changed starts faster.
        const { runCheck } = await import("../commands/check.ts");
        report = await runCheck({
          config,
          collections: collectionNames(options.collection),
          isStrict: Boolean(options.strict),
          onWarning: (warning) => reporter.warning(warning),
        });
      } finally {
        await snapshot?.close();
      }
      for (const item of report.items) reporter.event({ type: "item", result: item });
      reporter.flushWarnings();
      const age = report.schemaFetchedAt
        ? `schema cached ${describeAge(report.schemaFetchedAt)}`
        : "no schema cache";
      if (options.json) {
        io.stdout(
          JSON.stringify(
            {
              checked: report.checked,
              failed: report.failed,
              schemaFetchedAt: report.schemaFetchedAt ?? null,
              items: report.items.map(jsonItem),
            },
            null,
            2,
          ),
        );
        context.markJsonPrinted();
      } else {
        io.stdout(
          `Checked ${report.checked} files${snapshot ? ` ${snapshot.label}` : ""}: ${report.failed === 0 ? "all valid" : `${report.failed} invalid`} (${age}).`,
        );
      }
      context.setExitCode(report.failed > 0 ? ExitCode.ItemsFailed : ExitCode.Ok);
    });
}

/** `wf-sync pull`. */
function registerPullCommand(program: Command, context: CommandContext): void {
  const { io, globals } = context;
  program
    .command("pull")
    .description(
      "write the site's items as Markdown files and seed the manifest, so a sync after it sends nothing",
    )
    .option("--overwrite", "replace files that already exist")
    .option("--wait", "wait for another run on this project to finish instead of stopping")
    .action(async (commandOptions: { overwrite?: boolean; wait?: boolean }) => {
      const options = globals();
      const reporter = reporterFor(io, options);
      const config = await loadConfig(io.cwd, { configFile: options.config });
      const lock = await acquireRunLock({
        config,
        command: "pull",
        isWaiting: Boolean(commandOptions.wait),
        signal: io.signal,
        onNotice: (message) => io.stderr(message),
      });
      await using _lock = { [Symbol.asyncDispose]: () => lock.release() };
      const { client, close } = await connect({
        io,
        config,
        reporter,
        concurrency: config.concurrency,
        isSandboxFlag: options.sandbox,
      });
      try {
        const { runPull } = await import("../commands/pull.ts");
        const report = await runPull({
          config,
          client,
          collections: collectionNames(options.collection),
          isOverwriteAllowed: Boolean(commandOptions.overwrite),
          onEvent: (event) => reporter.pullEvent(event),
        });
        reporter.flushWarnings();
        reporter.pullSummary(report);
        context.setExitCode(report.failed > 0 ? ExitCode.ItemsFailed : ExitCode.Ok);
      } finally {
        await close();
      }
    });
}

/** `wf-sync init`. */
function registerInitCommand(program: Command, context: CommandContext): void {
  const { io, globals } = context;
  program
    .command("init")
    .description(
      "read a site's collections and write a commented wf-sync.config.ts plus a sample file per collection",
    )
    .option("--site <id>", "the site to use (default: the only site the token sees)")
    .option(
      "--collections <names...>",
      "only these collections, by slug, name or id (space- or comma-separated)",
    )
    .option("--force", "replace an existing config file")
    .action(async (commandOptions: { site?: string; collections?: string[]; force?: boolean }) => {
      const options = globals();
      const reporter = reporterFor(io, options);
      const { client, close, sandboxSeed, siteId } = await connectForInit({
        io,
        reporter,
        isSandboxFlag: options.sandbox,
      });
      try {
        const { runInit } = await import("../commands/init.ts");
        const report = await runInit({
          client,
          root: io.cwd,
          siteId: commandOptions.site ?? siteId,
          collections: collectionNames([
            ...(commandOptions.collections ?? []),
            ...(options.collection ?? []),
          ]),
          isForced: Boolean(commandOptions.force),
          sandboxSeed,
          configFileName: options.config,
        });
        if (options.json) {
          io.stdout(JSON.stringify(report, null, 2));
          context.markJsonPrinted();
        } else {
          // Site and collection names come from the server: printed escaped.
          io.stdout(
            escapeText(
              `Wrote ${relative(io.cwd, report.configFile)} for the site "${report.siteName}" (${report.siteId}):`,
            ),
          );
          for (const collection of report.collections) {
            io.stdout(
              `  ${escapeText(`${collection.name}: ${collection.folder}/*.{md,markdown} → "${collection.displayName}" (${collection.collectionId}), body: ${collection.body ?? "none"}`)}, ${Object.keys(collection.fields).length} mapped fields`,
            );
          }
          for (const file of report.samplesWritten)
            io.stdout(
              `Wrote ${escapeText(file)} (a sample showing every field; draft: true keeps it off the live site).`,
            );
          io.stdout(
            "Next: `wf-sync pull` to bring the site's items into Markdown, then `wf-sync sync --dry-run`.",
          );
        }
      } finally {
        await close();
      }
    });
}

/** `wf-sync preview`. */
function registerPreviewCommand(program: Command, context: CommandContext): void {
  const { io, globals } = context;
  program
    .command("preview <file>")
    .description(
      "write the rich-text HTML exactly as it would be sent, in a page with Webflow's default styles",
    )
    .option("--out <file>", "where to write the page (default .wf-sync/preview/<name>.html)")
    .action(async (file: string, commandOptions: { out?: string }) => {
      const options = globals();
      const config = await loadConfig(io.cwd, { configFile: options.config });
      const reporter = reporterFor(io, options);
      const { runPreview } = await import("../commands/preview.ts");
      const result = await runPreview({
        config,
        file,
        cwd: io.cwd,
        out: commandOptions.out,
        onWarning: (warning) => reporter.warning(warning),
      });
      reporter.flushWarnings();
      if (result.outFile) io.stdout(result.outFile);
      else io.stderr(`${file}: file not found; nothing to preview.`);
      context.setExitCode(result.isOk ? ExitCode.Ok : ExitCode.ItemsFailed);
    });
}

/** `wf-sync sandbox`. */
function registerSandboxCommand(program: Command, context: CommandContext): void {
  const { io, globals } = context;
  program
    .command("sandbox")
    .description("serve the built-in Webflow emulator in the foreground")
    .option("--port <port>", "port on 127.0.0.1", "8787")
    .option("--state <file>", "state file", ".wf-sync/sandbox.json")
    .option("--rate-limit <perMinute>", "requests per minute per token, as on Webflow (0: none)", "60")
    .option("--live-patch-updates-staged", "live PATCH also writes the staged copy (Webflow's does not)")
    .option("--detail-index", "validation errors name the element's index (Webflow's do not)")
    .action(async (commandOptions: SandboxFlags) => {
      const requestsPerMinute = Number(commandOptions.rateLimit);
      if (!Number.isInteger(requestsPerMinute) || requestsPerMinute < 0)
        throw new UsageError(
          `--rate-limit takes a whole number of requests per minute, not "${commandOptions.rateLimit}".`,
        );
      const options = globals();
      let seed;
      try {
        const { sandboxSeedFor } = await import("../commands/local-sandbox.ts");
        seed = await sandboxSeedFor(await loadConfig(io.cwd, { configFile: options.config }));
      } catch (error) {
        if (!(error instanceof WfSyncError)) throw error;
        io.stderr(`No usable config (${error.message.split("\n")[0]}): serving an empty sandbox.`);
      }
      const port = Number(commandOptions.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535)
        throw new UsageError(`--port ${commandOptions.port}: not a port number (0–65535).`);
      const statePath = resolve(io.cwd, commandOptions.state);
      await mkdir(resolve(statePath, ".."), { recursive: true });
      const { serveSandbox } = await import("../sandbox/index.ts");
      await serveSandbox({
        port,
        statePath,
        requestsPerMinute,
        liveUpdateAlsoStaged: commandOptions.livePatchUpdatesStaged ?? false,
        detailIndex: commandOptions.detailIndex ?? false,
        ...(seed ? { seed } : {}),
        ...(io.signal ? { signal: io.signal } : {}),
        log: io.stderr,
        onListening: (sandbox) => {
          io.stdout(`Webflow sandbox listening on ${sandbox.baseUrl}`);
          io.stdout(`Try: WEBFLOW_API_TOKEN=any WEBFLOW_API_BASE_URL=${sandbox.baseUrl} wf-sync sync`);
        },
      }).catch((error: unknown) => {
        const code = (error as { code?: unknown }).code;
        if (code !== "EADDRINUSE" && code !== "EACCES") throw error;
        throw new UsageError(
          code === "EADDRINUSE"
            ? `Port ${port} on 127.0.0.1 is already in use: the sandbox cannot listen there.`
            : `Port ${port} on 127.0.0.1 needs privileges this process does not have.`,
          {
            cause: error,
            hint: "Pass another port with --port <port> (0 picks a free one), or stop what is listening there (another `wf-sync sandbox`?).",
          },
        );
      });
    });
}

/** The JSON document of a run that stopped on an error: `{ "error": {…}, "exitCode": 2 }`. */
function printJsonError(io: CliIo, exitCode: number, error: Record<string, unknown>): void {
  io.stdout(JSON.stringify({ error, exitCode }, null, 2));
}

function describeAge(iso: string): string {
  const ageMs = Date.now() - Date.parse(iso);
  const minutes = Math.round(ageMs / 60_000);
  const text =
    minutes < 1
      ? "just now"
      : minutes < 120
        ? `${minutes} min ago`
        : minutes < 48 * 60
          ? `${Math.round(minutes / 60)} h ago`
          : `${Math.round(minutes / 1440)} days ago`;
  return `${text}, at ${iso}`;
}

function packageVersion(): string {
  try {
    const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    return (JSON.parse(text) as { version?: string }).version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}
