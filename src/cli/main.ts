import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { Command, CommanderError } from "commander";
import { AuthError, ExitCode, InterruptedError, WfSyncError } from "../errors.ts";
import { enableConfigCache, loadConfig } from "../load-config.ts";
import {
  createWebflowClient,
  DEFAULT_BASE_URL,
  validateBaseUrl,
  type WebflowClient,
} from "../webflow/client.ts";
import type { ResolvedConfig } from "../config.ts";
import { runSync, selectCollections, type SyncReport } from "../commands/sync.ts";
import { createReporter, type Reporter } from "./reporter.ts";

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
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

/** The token from the environment, else from `.env` in the working directory. Never printed. */
export function readToken(env: CliIo["env"], cwd: string): string | undefined {
  const fromEnv = env["WEBFLOW_API_TOKEN"]?.trim();
  if (fromEnv) return fromEnv;
  const file = resolve(cwd, ".env");
  if (!existsSync(file)) return undefined;
  const parsed = parseEnv(readFileSync(file, "utf8"));
  return parsed["WEBFLOW_API_TOKEN"]?.trim() || undefined;
}

function baseUrlFrom(env: CliIo["env"], cwd: string): string {
  const fromEnv = env["WEBFLOW_API_BASE_URL"]?.trim();
  if (fromEnv) return fromEnv;
  const file = resolve(cwd, ".env");
  if (existsSync(file)) {
    const parsed = parseEnv(readFileSync(file, "utf8"));
    if (parsed["WEBFLOW_API_BASE_URL"]) return parsed["WEBFLOW_API_BASE_URL"];
  }
  return DEFAULT_BASE_URL;
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

/** A connected client: the real API when a token is set, the built-in sandbox when not (and not under CI). */
async function connect(options: {
  io: CliIo;
  config: ResolvedConfig;
  reporter: Reporter;
  concurrency: number;
  isDryRun?: boolean;
}): Promise<{ client: WebflowClient; close: () => Promise<void> }> {
  const { io, config, reporter } = options;
  const token = readToken(io.env, io.cwd);
  const retryBaseMs = Number(io.env["WF_SYNC_RETRY_BASE_MS"] ?? "") || undefined;
  const debug = io.env["WF_SYNC_DEBUG"] ? (message: string) => io.stderr(`[debug] ${message}`) : undefined;
  if (token) {
    const baseUrl = validateBaseUrl(baseUrlFrom(io.env, io.cwd));
    const client = createWebflowClient({
      token,
      baseUrl,
      concurrency: options.concurrency,
      retryBaseMs,
      debug,
      signal: io.signal,
      onNotice: (message) => reporter.event({ type: "notice", message }),
    });
    return { client, close: () => client.close() };
  }
  if (isTruthy(io.env["CI"])) {
    throw new AuthError(
      "WEBFLOW_API_TOKEN is not set, and under CI wf-sync will not fall back to the local sandbox.",
      {
        hint: "Add the site API token as a secret and pass it as WEBFLOW_API_TOKEN (see README, GitHub Actions).",
      },
    );
  }
  const {
    sandbox,
    token: sandboxToken,
    close: closeSandbox,
  } = await (
    await import("../commands/local-sandbox.ts")
  ).startLocalSandbox(config, { isReadOnly: options.isDryRun ?? false });
  reporter.event({
    type: "notice",
    message:
      "No WEBFLOW_API_TOKEN set: using the built-in local sandbox (state in .wf-sync/sandbox.json), not a real site.",
  });
  const client = createWebflowClient({
    token: sandboxToken,
    baseUrl: sandbox.baseUrl,
    concurrency: options.concurrency,
    retryBaseMs,
    debug,
    signal: io.signal,
    target: "sandbox",
  });
  return {
    client,
    close: async () => {
      await client.close();
      await closeSandbox();
    },
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
 * A client for `init`, which has no config yet: the real API with a token; without one (and not
 * under CI) the built-in sandbox with a demo site that has content, whose schema is written to
 * wf-sync.sandbox.json so later runs without a token see the same site.
 */
async function connectForInit(options: { io: CliIo; reporter: Reporter }): Promise<{
  client: WebflowClient;
  close: () => Promise<void>;
  sandboxSeed: string | undefined;
  siteId: string | undefined;
}> {
  const { io, reporter } = options;
  const token = readToken(io.env, io.cwd);
  if (token) {
    const client = createWebflowClient({ token, baseUrl: validateBaseUrl(baseUrlFrom(io.env, io.cwd)) });
    return { client, close: () => client.close(), sandboxSeed: undefined, siteId: undefined };
  }
  if (isTruthy(io.env["CI"])) {
    throw new AuthError(
      "WEBFLOW_API_TOKEN is not set, and under CI wf-sync will not fall back to the local sandbox.",
      {
        hint: "Run `wf-sync init` on your machine with the token in WEBFLOW_API_TOKEN (or .env), then commit the config.",
      },
    );
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
  reporter.event({
    type: "notice",
    message: `No WEBFLOW_API_TOKEN set: using the built-in sandbox with a demo site (${seedFile}, state in .wf-sync/sandbox.json). Set the token to init against your real site.`,
  });
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

function exitCodeFor(report: SyncReport): ExitCode {
  return report.totals.failed > 0 ? ExitCode.ItemsFailed : ExitCode.Ok;
}

/** Runs the CLI and returns its exit code; never calls process.exit, so tests run it in-process. */
export async function main(io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = new Command("wf-sync")
    .description("Keep a Webflow CMS in step with Markdown files kept in Git.")
    .option("--config <file>", "config file (default: wf-sync.config.ts in the working directory)")
    .option("--collection <names...>", "limit the command to these collections (space- or comma-separated)")
    .option("--json", "print one JSON document on stdout")
    .option("-q, --quiet", "print only errors and the final line")
    .option("-v, --verbose", "also list unchanged items (and files pull kept)")
    .option("--strict", "unknown frontmatter keys are errors, not warnings")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text.replace(/\n$/, "")),
      writeErr: (text) => io.stderr(text.replace(/\n$/, "")),
    })
    .showHelpAfterError();
  program.version(packageVersion(), "--version");

  const globals = () => program.opts<GlobalOptions>();

  program
    .command("sync")
    .description("create, update and (per onDelete) remove live items so the site matches the files")
    .option("--dry-run", "print the plan and write nothing")
    .option("--force", "ignore the manifest and rewrite every item")
    .option("--verify", "list the site's items and reconcile the manifest with them before planning")
    .option("--yes", "allow removing more than the safety share of a collection")
    .option("--overwrite", "write items that were changed in Webflow since wf-sync last wrote them")
    .action(
      async (commandOptions: {
        dryRun?: boolean;
        force?: boolean;
        verify?: boolean;
        yes?: boolean;
        overwrite?: boolean;
      }) => {
        const options = globals();
        const reporter = reporterFor(io, options, Boolean(commandOptions.dryRun));
        const config = await loadConfig(io.cwd, {
          configFile: options.config,
          isCached: !commandOptions.dryRun,
        });
        // An unknown --collection is a usage error before anything connects or starts the sandbox.
        selectCollections(config, collectionNames(options.collection));
        const { client, close } = await connect({
          io,
          config,
          reporter,
          concurrency: config.concurrency,
          isDryRun: Boolean(commandOptions.dryRun),
        });
        let report: SyncReport;
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
            signal: io.signal,
            retryBaseMs: Number(io.env["WF_SYNC_RETRY_BASE_MS"] ?? "") || undefined,
            onEvent: (event) => reporter.event(event),
          });
        } finally {
          reporter.close();
          await close();
        }
        if (!report.isDryRun && !report.isInterrupted) await enableConfigCache(config);
        reporter.flushWarnings();
        if (report.isDryRun) reporter.plan(report);
        reporter.summary(report);
        reporter.stepSummary(report);
        if (options.json) reporter.json(report);
        const signal = io.interruptedBy?.();
        if (report.isInterrupted && signal) {
          io.stderr(
            `Stopped by ${signal}: finished writes are recorded in the manifest; run sync again to finish.`,
          );
          exitCode = signal === "SIGINT" ? 130 : 143;
          return;
        }
        exitCode = exitCodeFor(report);
      },
    );

  program
    .command("check")
    .description("validate every file offline against the mapping and the cached collection schema")
    .action(async () => {
      const options = globals();
      const reporter = reporterFor(io, options);
      const config = await loadConfig(io.cwd, { configFile: options.config });
      // Each command loads what only it needs: a sync where nothing changed starts faster.
      const { runCheck } = await import("../commands/check.ts");
      const report = await runCheck({
        config,
        collections: collectionNames(options.collection),
        isStrict: Boolean(options.strict),
        onWarning: (warning) => reporter.warning(warning),
      });
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
              items: report.items.map(({ cause: _cause, ...item }) => item),
            },
            null,
            2,
          ),
        );
      } else {
        io.stdout(
          `Checked ${report.checked} files: ${report.failed === 0 ? "all valid" : `${report.failed} invalid`} (${age}).`,
        );
      }
      exitCode = report.failed > 0 ? ExitCode.ItemsFailed : ExitCode.Ok;
    });

  program
    .command("pull")
    .description(
      "write the site's items as Markdown files and seed the manifest, so a sync after it sends nothing",
    )
    .option("--overwrite", "replace files that already exist")
    .action(async (commandOptions: { overwrite?: boolean }) => {
      const options = globals();
      const reporter = reporterFor(io, options);
      const config = await loadConfig(io.cwd, { configFile: options.config });
      const { client, close } = await connect({ io, config, reporter, concurrency: config.concurrency });
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
        exitCode = report.failed > 0 ? ExitCode.ItemsFailed : ExitCode.Ok;
      } finally {
        await close();
      }
    });

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
      const { client, close, sandboxSeed, siteId } = await connectForInit({ io, reporter });
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
        } else {
          io.stdout(`Wrote ${report.configFile} for the site "${report.siteName}" (${report.siteId}):`);
          for (const collection of report.collections) {
            io.stdout(
              `  ${collection.name}: ${collection.folder}/*.{md,markdown} → "${collection.displayName}" (${collection.collectionId}), body: ${collection.body ?? "none"}, ${Object.keys(collection.fields).length} mapped fields`,
            );
          }
          for (const file of report.samplesWritten)
            io.stdout(
              `Wrote ${file} (a sample showing every field; draft: true keeps it off the live site).`,
            );
          io.stdout(
            "Next: `wf-sync pull` to bring the site's items into Markdown, then `wf-sync sync --dry-run`.",
          );
        }
      } finally {
        await close();
      }
    });

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
      io.stdout(result.outFile);
      exitCode = result.isOk ? ExitCode.Ok : ExitCode.ItemsFailed;
    });

  program
    .command("sandbox")
    .description("serve the built-in Webflow emulator in the foreground")
    .option("--port <port>", "port on 127.0.0.1", "8787")
    .option("--state <file>", "state file", ".wf-sync/sandbox.json")
    .action(async (commandOptions: { port: string; state: string }) => {
      const options = globals();
      let seed;
      try {
        const { sandboxSeedFor } = await import("../commands/local-sandbox.ts");
        seed = await sandboxSeedFor(await loadConfig(io.cwd, { configFile: options.config }));
      } catch (error) {
        if (!(error instanceof WfSyncError)) throw error;
        io.stderr(`No usable config (${error.message.split("\n")[0]}): serving an empty sandbox.`);
      }
      const statePath = resolve(io.cwd, commandOptions.state);
      await mkdir(resolve(statePath, ".."), { recursive: true });
      const { serveSandbox } = await import("../sandbox/index.ts");
      await serveSandbox({
        port: Number(commandOptions.port),
        statePath,
        ...(seed ? { seed } : {}),
        ...(io.signal ? { signal: io.signal } : {}),
        log: io.stderr,
        onListening: (sandbox) => {
          io.stdout(`Webflow sandbox listening on ${sandbox.baseUrl}`);
          io.stdout(`Try: WEBFLOW_API_TOKEN=any WEBFLOW_API_BASE_URL=${sandbox.baseUrl} wf-sync sync`);
        },
      });
    });

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
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.CannotRun;
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
      return error.exitCode;
    }
    io.stderr("wf-sync crashed. This is a bug; please report it with the output below.");
    io.stderr(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return ExitCode.Internal;
  }
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
