import { appendFileSync } from "node:fs";
import cliProgress from "cli-progress";
import pc from "picocolors";
import type { WfSyncError } from "../errors.ts";
import { escapeLines, escapeText } from "../core/escape-text.ts";
import type { SyncWarning } from "../core/types.ts";
import type { PullEvent, PullReport, PullResult } from "../commands/pull.ts";
import type { ItemResult, SyncEvent, SyncReport } from "../commands/sync.ts";

export interface ReporterOptions {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Raw write to stderr for a redrawn progress bar; given only when stderr is a TTY. */
  progress?: ((text: string) => void) | undefined;
  /** Width of the terminal behind `progress`. */
  progressColumns?: number | undefined;
  isJson: boolean;
  isQuiet: boolean;
  isVerbose: boolean;
  /** A dry run: items are listed once, by plan(), not as they are planned. */
  isDryRun?: boolean;
  useColor: boolean;
  /** Under GitHub Actions: also print ::error / ::warning annotations. */
  isGitHubActions: boolean;
  /** Path of $GITHUB_STEP_SUMMARY, if set. */
  stepSummaryPath?: string | undefined;
  /**
   * Removes secrets (the token, `Bearer …` values) from text. Applied to every line and file
   * the reporter writes, as a last guard behind the client's redaction of server text.
   */
  redact?: ((text: string) => string) | undefined;
}

const ACTION_WORDS: Record<string, string> = {
  create: "created",
  update: "updated",
  unchanged: "unchanged",
  delete: "deleted",
  unpublish: "unpublished",
  archive: "archived",
  keep: "kept (file removed)",
  invalid: "invalid",
};

const PLAN_WORDS: Record<string, string> = {
  create: "create",
  update: "update",
  unchanged: "unchanged",
  delete: "delete",
  unpublish: "unpublish",
  archive: "archive",
  keep: "keep (file removed)",
  invalid: "invalid",
};

/** GitHub's workflow-command escaping of a message, after the text itself was made safe. */
function escapeAnnotation(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
/** A property value (`file=…`) also escapes the separators `:` and `,`. */
function escapeProperty(text: string): string {
  return escapeAnnotation(escapeText(text)).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
/** A Markdown table cell of the job summary: one line, `|` escaped. */
function escapeCell(text: string): string {
  return escapeText(text).replace(/\|/g, "\\|");
}

/** `file:line:column: ` of a location, the file name escaped. */
function describeLocation(location: WfSyncError["location"]): string {
  if (!location) return "";
  const line = location.line ? `:${location.line}` : "";
  const column = location.line && location.column ? `:${location.column}` : "";
  return `${escapeText(location.file)}${line}${column}: `;
}

/**
 * An error as `file:line:column: message` plus its hint. An item's error is one line (every
 * line break escaped); a run's error may span lines on purpose (a config error, a list of
 * removals), which escapeLines keeps without letting any line become a workflow command.
 */
function describeError(error: WfSyncError, isMultiline: boolean): string {
  const escape = isMultiline ? escapeLines : escapeText;
  const hint = error.hint ? `\n  hint: ${escape(error.hint)}` : "";
  return `${describeLocation(error.location)}${escape(error.message)}${hint}`;
}

type Colors = ReturnType<typeof pc.createColors>;

/** Where a problem sits, for an annotation. */
type AnnotationLocation = { file: string; line?: number | undefined; column?: number | undefined };

/**
 * What the reporter's parts share: its options, its colours, and writers that redact every line
 * and clear the progress bar before printing.
 */
interface Channels {
  options: ReporterOptions;
  colors: Colors;
  redact: (text: string) => string;
  /** Straight to stdout, redacted. */
  stdout: (line: string) => void;
  /** Straight to stderr, redacted. */
  stderr: (line: string) => void;
  /** A result line on stdout (none with --json), after clearing the progress bar. */
  out: (line: string) => void;
  /** A diagnostic line on stderr, after clearing the progress bar. */
  err: (line: string) => void;
  /** Under GitHub Actions: an ::error / ::warning annotation. */
  annotate: (level: "error" | "warning", message: string, location?: AnnotationLocation) => void;
}

/** The progress bar of a long run, on a terminal only. */
function createProgress(options: ReporterOptions, colors: Colors) {
  let bar: cliProgress.SingleBar | undefined;
  // cli-progress draws through a stream; this one writes to stderr and says it is a terminal.
  const progressStream = options.progress
    ? ({
        isTTY: true,
        columns: options.progressColumns ?? 80,
        write: (text: string) => (options.progress?.(text), true),
      } as unknown as NodeJS.WriteStream)
    : undefined;
  return {
    clear() {
      // The bar redraws itself on the next line at its next tick.
      if (bar && options.progress) options.progress("\r\x1b[2K");
    },
    stop() {
      if (!bar) return;
      bar.stop();
      bar = undefined;
    },
    update(event: Extract<SyncEvent, { type: "progress" }>) {
      // A bar on a terminal for runs long enough to need one; off a terminal, the item lines say it all.
      if (!progressStream || options.isQuiet || options.isJson) return;
      if (!bar) {
        if (event.total < 20 || event.done >= event.total) return;
        bar = new cliProgress.SingleBar(
          {
            stream: progressStream,
            format: `${colors.cyan("{bar}")} {value}/{total} writes | {duration_formatted} elapsed | ETA {eta_formatted}`,
            barsize: 30,
            hideCursor: false,
            clearOnComplete: true,
            stopOnComplete: false,
            fps: 10,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(event.total, event.done);
      } else {
        bar.setTotal(event.total);
        bar.update(event.done);
      }
    },
  };
}

/** The reporter's writers (see Channels). */
function createChannels(options: ReporterOptions, colors: Colors, progress: { clear(): void }): Channels {
  const redact = options.redact ?? ((text: string) => text);
  const stdout = (line: string) => options.stdout(redact(line));
  const stderr = (line: string) => options.stderr(redact(line));
  const out = (line: string) => {
    if (options.isJson) return;
    progress.clear();
    stdout(line);
  };
  const err = (line: string) => {
    progress.clear();
    stderr(line);
  };

  function annotate(level: "error" | "warning", message: string, location?: AnnotationLocation) {
    if (!options.isGitHubActions) return;
    const properties = location
      ? [
          `file=${escapeProperty(location.file)}`,
          ...(location.line ? [`line=${location.line}`] : []),
          ...(location.column ? [`col=${location.column}`] : []),
        ]
      : [];
    // Controls are made visible line by line; the line breaks left are the message's own (%0A).
    const text = message.split(/\r?\n/).map(escapeText).join("\n");
    // Workflow commands are read from stdout; with --json stdout holds only the document.
    (options.isJson ? stderr : stdout)(
      `::${level}${properties.length ? ` ${properties.join(",")}` : ""}::${escapeAnnotation(text)}`,
    );
  }

  return { options, colors, redact, stdout, stderr, out, err, annotate };
}

/** Warnings grouped by kind for the terminal; every one also kept for the job summary. */
function createWarningGroups(channels: Channels) {
  const { colors, err, annotate } = channels;
  const warnings = new Map<string, { count: number; first: SyncWarning }>();
  /** Every warning of the run, for the job summary (the terminal shows them grouped). */
  const allWarnings: SyncWarning[] = [];
  return {
    all: allWarnings as readonly SyncWarning[],
    add(warning: SyncWarning) {
      allWarnings.push(warning);
      const group = warnings.get(warning.kind);
      if (group) group.count++;
      else warnings.set(warning.kind, { count: 1, first: warning });
    },
    /** Prints the grouped warnings: one line per kind with a count and an example. */
    flush() {
      for (const [kind, { count, first }] of warnings) {
        const where = first.location ? describeLocation({ ...first.location, column: undefined }) : "";
        const more = count > 1 ? ` (${count} times; first shown)` : "";
        err(`${colors.yellow("warning")} [${escapeText(kind)}]${more} ${where}${escapeText(first.message)}`);
        annotate("warning", `${escapeText(first.message)}${more}`, first.location);
      }
      warnings.clear();
    },
  };
}

/** One located `✖` line (and annotation) per problem of the item: every mistake of a file at once. */
function printItemError(channels: Channels, result: ItemResult) {
  const { colors, err, annotate } = channels;
  const causes = result.errors ?? (result.cause ? [result.cause] : []);
  if (causes.length === 0) {
    err(`${colors.red("✖")} ${escapeText(result.file)}: ${escapeText(result.error ?? "")}`);
    annotate("error", escapeText(result.error ?? ""), { file: result.file });
    return;
  }
  for (const cause of causes) {
    const text = describeError(cause, false);
    err(`${colors.red("✖")} ${cause.location ? text : `${escapeText(result.file)}: ${text}`}`);
    annotate("error", escapeText(cause.message), cause.location ?? { file: result.file });
  }
}

/** An item of a sync as it is written (a dry run lists its items once, in the plan). */
function printItem(channels: Channels, result: ItemResult) {
  const { options, colors, out } = channels;
  if (result.error) {
    printItemError(channels, result);
    return;
  }
  if (options.isQuiet || options.isDryRun) return;
  if (result.action === "unchanged" && !options.isVerbose) return;
  const fields = result.changedFields?.length
    ? colors.dim(` (${escapeText(result.changedFields.join(", "))})`)
    : "";
  out(
    `${colors.green(ACTION_WORDS[result.action] ?? result.action)} ${escapeText(`${result.collection}/${result.slug}`)} ${colors.dim(escapeText(result.file))}${fields}`,
  );
  for (const line of changeLines(result)) out(`    ${colors.dim(line)}`);
}

/** The plan of a dry run: every item with its action, then the uploads to come. */
function printPlan(channels: Channels, report: SyncReport) {
  const { options, colors, out } = channels;
  if (options.isJson) return;
  out(colors.bold("Plan (dry run: nothing was written):"));
  for (const result of report.items) {
    // Failures were shown as they happened, once.
    if (result.error) continue;
    // The plan lists every item (SPEC: create / update / unchanged / delete per item); --quiet keeps it to changes.
    if (result.action === "unchanged" && options.isQuiet) continue;
    const fields = result.changedFields?.length
      ? ` fields: ${escapeText(result.changedFields.join(", "))}`
      : "";
    out(
      `  ${PLAN_WORDS[result.action] ?? result.action} ${escapeText(`${result.collection}/${result.slug}`)} ${colors.dim(escapeText(result.file))}${fields}`,
    );
    for (const line of changeLines(result)) out(`      ${colors.dim(line)}`);
  }
  for (const asset of report.assets)
    out(
      `  upload ${escapeText(asset.path)} ${colors.dim(`for ${escapeText(asset.file)} (${formatBytes(asset.bytes)})`)}`,
    );
}

/** The table per collection (not with --quiet) and the final line of a sync. */
function printSummary(channels: Channels, report: SyncReport) {
  const { options, stdout } = channels;
  if (options.isJson) return;
  const rows = Object.entries(report.collections);
  if (!options.isQuiet) {
    // Kept items (onDelete "keep": the file is gone, the item stays) get a column when there are any.
    const hasKept = report.totals.kept > 0;
    const header = [
      "collection",
      "created",
      "updated",
      "unchanged",
      "removed",
      ...(hasKept ? ["kept"] : []),
      "failed",
    ];
    const table = [
      header,
      ...rows.map(([name, counts]) =>
        [
          escapeText(name),
          counts.created,
          counts.updated,
          counts.unchanged,
          counts.removed,
          ...(hasKept ? [counts.kept] : []),
          counts.failed,
        ].map(String),
      ),
    ];
    const widths = header.map((_, column) => Math.max(...table.map((row) => (row[column] ?? "").length)));
    for (const row of table)
      stdout(
        row
          .map((cell, column) =>
            column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
          )
          .join("  "),
      );
  }
  const verb = report.isDryRun ? "Planned" : report.isInterrupted ? "Interrupted" : "Synced";
  const waits = `, ${report.rateLimited} rate-limit ${report.rateLimited === 1 ? "wait" : "waits"}${report.rateLimited > 0 ? ` (${(report.rateLimitWaitMs / 1000).toFixed(1)} s)` : ""}`;
  stdout(
    `${verb}: ${totalsText(report)} in ${(report.durationMs / 1000).toFixed(1)} s (${report.requests} requests${waits}).`,
  );
  if (options.isVerbose) {
    const f = report.files;
    stdout(
      `Files: ${f.files} (${f.hashed} read, ${f.skipped} unchanged and not parsed, ${f.parsed} parsed, ${f.rendered} rendered${f.inWorkers > 0 ? `, ${f.inWorkers} by the worker pool` : ""}).`,
    );
  }
}

/** Writes the plan or the result as a Markdown table to $GITHUB_STEP_SUMMARY. */
function writeStepSummary(channels: Channels, report: SyncReport, allWarnings: readonly SyncWarning[]): void {
  const { options, redact } = channels;
  if (!options.stepSummaryPath) return;
  const lines = [`### wf-sync ${report.isDryRun ? "plan (dry run: nothing was written)" : "sync"}`, ""];
  const hasKept = report.totals.kept > 0;
  lines.push(
    `| collection | ${report.isDryRun ? "to create | to update | unchanged | to remove" : "created | updated | unchanged | removed"} |${hasKept ? " kept |" : ""} failed |`,
    `|---|---:|---:|---:|---:|${hasKept ? "---:|" : ""}---:|`,
  );
  for (const [name, counts] of Object.entries(report.collections)) {
    lines.push(
      `| ${escapeCell(name)} | ${counts.created} | ${counts.updated} | ${counts.unchanged} | ${counts.removed} |${hasKept ? ` ${counts.kept} |` : ""} ${counts.failed} |`,
    );
  }
  lines.push("", "| collection | action | item | file | changed fields |", "|---|---|---|---|---|");
  // GitHub caps a step summary at 1 MiB: list the first rows, say how many more.
  const maxRows = 500;
  const changed = report.items.filter((item) => item.action !== "unchanged" || item.error);
  const shown = changed.slice(0, maxRows);
  for (const item of shown) {
    const action = item.error ? `❌ ${item.action}` : item.action;
    const detail = item.error
      ? problemsOf(item).map(escapeCell).join("<br>")
      : changeLines(item).map(escapeCell).join("<br>") || escapeCell((item.changedFields ?? []).join(", "));
    lines.push(
      `| ${escapeCell(item.collection)} | ${action} | ${escapeCell(item.slug)} | ${escapeCell(item.file)} | ${detail} |`,
    );
  }
  if (shown.length === 0) lines.push("| | nothing to do | | | |");
  if (changed.length > shown.length) lines.push(`| | … and ${changed.length - shown.length} more | | | |`);
  const verb = report.isDryRun ? "Planned" : "Synced";
  lines.push(...summaryAssets(report), ...summaryWarnings(allWarnings));
  lines.push(
    "",
    `${verb}: ${totalsText(report)} in ${(report.durationMs / 1000).toFixed(1)} s (${report.requests} requests, ${report.rateLimited} rate-limit waits).`,
    "",
  );
  appendFileSync(options.stepSummaryPath, redact(`${lines.join("\n")}\n`));
}

/** A sync or its dry run that refused to start (the deletion guard, a config error) says so in the job summary too. */
function writeStepSummaryRefusal(channels: Channels, error: WfSyncError, isDryRun: boolean): void {
  const { options, redact } = channels;
  if (!options.stepSummaryPath) return;
  const lines = [
    `### wf-sync ${isDryRun ? "plan (dry run): the real run would refuse" : "sync refused"}`,
    "",
    `❌ ${escapeCell(error.message)}`,
    ...(error.hint ? ["", escapeCell(error.hint)] : []),
    "",
  ];
  appendFileSync(options.stepSummaryPath, redact(`${lines.join("\n")}\n`));
}

/** One file of `wf-sync pull`: written, kept, or written but not mapping back. */
function printPullResult(channels: Channels, result: PullResult) {
  const { options, colors, out, err, annotate } = channels;
  if (result.error) {
    err(
      `${colors.yellow("warning")} ${escapeText(result.file)}: written, but it does not map back to the item: ${escapeText(result.error)}`,
    );
    annotate("warning", escapeText(result.error), { file: result.file });
    return;
  }
  if (options.isQuiet) return;
  if (result.action === "kept") {
    if (options.isVerbose)
      out(
        `${colors.dim("kept")} ${escapeText(`${result.collection}/${result.slug}`)} ${colors.dim(`${escapeText(result.file)} exists (--overwrite replaces it)`)}`,
      );
    return;
  }
  out(
    `${colors.green(result.action)} ${escapeText(`${result.collection}/${result.slug}`)} ${colors.dim(escapeText(result.file))}`,
  );
}

/** The final line of `wf-sync pull`, or its JSON document. */
function printPullSummary(channels: Channels, report: PullReport) {
  const { options, stdout } = channels;
  if (options.isJson) {
    stdout(
      JSON.stringify(
        {
          summary: {
            written: report.written,
            kept: report.kept,
            failed: report.failed,
            requests: report.requests,
            durationMs: report.durationMs,
          },
          items: report.items,
        },
        null,
        2,
      ),
    );
    return;
  }
  const kept =
    report.kept > 0 ? `; ${report.kept} kept because the file exists (--overwrite replaces them)` : "";
  stdout(
    `Pulled: ${report.written} files written${kept}, ${report.failed} that do not map back, in ${(report.durationMs / 1000).toFixed(1)} s (${report.requests} requests).`,
  );
  if (report.kept === 0 && report.failed === 0)
    stdout("The manifest is seeded: `wf-sync sync` sends nothing until a file changes.");
}

/** The `--json` document of a sync or its dry run. */
function jsonDocument(report: SyncReport) {
  return {
    dryRun: report.isDryRun,
    interrupted: report.isInterrupted,
    summary: {
      ...report.totals,
      requests: report.requests,
      writeRequests: report.writeRequests,
      rateLimited: report.rateLimited,
      durationMs: report.durationMs,
      files: report.files,
    },
    collections: report.collections,
    items: report.items.map(jsonItem),
    assets: report.assets.map(({ action, path, file, bytes }) => ({ action, path, file, bytes })),
    warnings: report.warnings,
  };
}

/** One event of a sync, as a line (or a warning held for flushWarnings, or the progress bar). */
function printEvent(
  channels: Channels,
  parts: { progress: ReturnType<typeof createProgress>; warnings: ReturnType<typeof createWarningGroups> },
  event: SyncEvent,
): void {
  const { options, colors, out, err } = channels;
  const { progress, warnings } = parts;
  switch (event.type) {
    case "notice":
      if (!options.isQuiet) err(escapeText(event.message));
      break;
    case "warning":
      warnings.add(event.warning);
      break;
    case "planned":
      break;
    case "item":
      printItem(channels, event.result);
      break;
    case "asset":
      if (options.isQuiet || options.isDryRun) break;
      out(
        `${colors.green("uploaded")} ${escapeText(event.path)} ${colors.dim(`for ${escapeText(event.file)}`)}`,
      );
      break;
    case "progress":
      progress.update(event);
      break;
  }
}

/**
 * Turns SyncEvents, results and errors into text. Results go to stdout, diagnostics to stderr.
 * Warnings are grouped by kind: a thousand files with one unknown key print one line.
 */
export function createReporter(options: ReporterOptions) {
  const colors = pc.createColors(options.useColor);
  const progress = createProgress(options, colors);
  const channels = createChannels(options, colors, progress);
  const { err, annotate } = channels;
  const warnings = createWarningGroups(channels);

  return {
    event(event: SyncEvent) {
      printEvent(channels, { progress, warnings }, event);
    },

    /** The one line saying a run uses the local sandbox: printed even with --quiet, on stderr. */
    sandboxNotice(message: string) {
      err(message);
    },

    warning(warning: SyncWarning) {
      this.event({ type: "warning", warning });
    },

    error(error: WfSyncError) {
      err(describeError(error, true));
      annotate("error", error.message, error.location);
    },

    /** An error about the run itself (not a file or an exception), printed even with --quiet. */
    runError(message: string) {
      err(`${colors.red("✖")} ${escapeText(message)}`);
      annotate("error", message);
    },

    /** A warning about the run itself (not a file), printed at once and even with --quiet. */
    runWarning(message: string) {
      err(`${colors.yellow("warning")} ${escapeText(message)}`);
      annotate("warning", message);
    },

    /** Prints the grouped warnings: one line per kind with a count and an example. */
    flushWarnings() {
      warnings.flush();
    },

    plan(report: SyncReport) {
      printPlan(channels, report);
    },

    summary(report: SyncReport) {
      progress.stop();
      printSummary(channels, report);
    },

    /** Writes the plan or the result as a Markdown table to $GITHUB_STEP_SUMMARY. */
    stepSummary(report: SyncReport) {
      writeStepSummary(channels, report, warnings.all);
    },

    /** A sync or its dry run that refused to start (the deletion guard, a config error) says so in the job summary too. */
    stepSummaryRefusal(error: WfSyncError, isDryRun: boolean) {
      writeStepSummaryRefusal(channels, error, isDryRun);
    },

    /** One event of `wf-sync pull`. */
    pullEvent(event: PullEvent) {
      if (event.type === "warning") {
        this.event(event);
        return;
      }
      printPullResult(channels, event.result);
    },

    pullSummary(report: PullReport) {
      printPullSummary(channels, report);
    },

    /** Stops the progress bar (and its redraw timer); safe to call more than once. */
    close() {
      progress.stop();
    },

    json(report: SyncReport) {
      channels.stdout(JSON.stringify(jsonDocument(report), null, 2));
    },
  };
}
export type Reporter = ReturnType<typeof createReporter>;

/** The totals of a run in words; kept items (onDelete "keep") are named when there are any. */
function totalsText(report: SyncReport): string {
  const t = report.totals;
  const kept = t.kept > 0 ? `, ${t.kept} kept (file removed, item left on the site)` : "";
  return `${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged, ${t.removed} removed${kept}, ${t.failed} failed`;
}

/** Most changed fields shown under an item; the rest are counted. */
const MAX_CHANGE_LINES = 8;

/**
 * What an update changes, one line each: the URL when the slug changes, then each field with
 * its old and new value, shortened (the old one from the manifest's previews or the site's copy;
 * "?" when neither has it, e.g. an item last written before previews were recorded).
 */
function changeLines(item: ItemResult): string[] {
  const lines = item.url ? [escapeText(`url: ${item.url.from} → ${item.url.to}`)] : [];
  const changes = (item.changes ?? []).filter((change) => !(item.url && change.field === "slug"));
  for (const change of changes.slice(0, MAX_CHANGE_LINES))
    lines.push(escapeText(`${change.field}: ${change.from ?? "?"} → ${change.to ?? "(empty)"}`));
  if (changes.length > MAX_CHANGE_LINES) lines.push(`… and ${changes.length - MAX_CHANGE_LINES} more fields`);
  return lines;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The job summary's list of uploads (a dry run: uploads to come). */
function summaryAssets(report: SyncReport): string[] {
  if (report.assets.length === 0) return [];
  const title = report.isDryRun ? "Assets to upload" : "Assets uploaded";
  return [
    "",
    `#### ${title} (${report.assets.length})`,
    "",
    ...report.assets.map(
      (asset) => `- \`${asset.path}\` for \`${asset.file}\` (${formatBytes(asset.bytes)})`,
    ),
  ];
}

/** The job summary's warnings: every one, located, up to a cap. */
function summaryWarnings(warnings: readonly SyncWarning[]): string[] {
  if (warnings.length === 0) return [];
  const maxRows = 200;
  const lines = ["", `#### Warnings (${warnings.length})`, ""];
  for (const warning of warnings.slice(0, maxRows)) {
    const where = warning.location
      ? `\`${escapeText(warning.location.file)}${warning.location.line ? `:${warning.location.line}` : ""}\` `
      : "";
    lines.push(`- ${where}[${warning.kind}] ${escapeText(warning.message)}`);
  }
  if (warnings.length > maxRows) lines.push(`- … and ${warnings.length - maxRows} more`);
  return lines;
}

/** Every problem of an item as `line: message` (the first as its `error` when there is no cause). */
function problemsOf(item: ItemResult): string[] {
  const causes = item.errors ?? (item.cause ? [item.cause] : []);
  if (causes.length === 0) return [item.error ?? ""];
  return causes.map((cause) => `${cause.location?.line ? `${cause.location.line}: ` : ""}${cause.message}`);
}

/** A problem as `--json` shows it: where, what, what to do. */
function jsonProblem(error: WfSyncError) {
  return {
    code: error.code,
    message: error.message,
    line: error.location?.line ?? null,
    column: error.location?.column ?? null,
    hint: error.hint ?? null,
  };
}

/**
 * One item of a `--json` document (sync, `sync --dry-run` and check alike): `line` is where the
 * (first) problem sits, `errors` lists every problem of the file.
 */
export function jsonItem(item: ItemResult) {
  const causes = item.errors ?? (item.cause ? [item.cause] : []);
  return {
    collection: item.collection,
    file: item.file,
    slug: item.slug,
    action: item.action,
    itemId: item.itemId,
    line: causes[0]?.location?.line ?? null,
    error: item.error,
    ...(causes.length > 0 ? { errors: causes.map(jsonProblem) } : {}),
    ...(item.changedFields ? { changedFields: item.changedFields } : {}),
    ...(item.changes
      ? {
          changes: item.changes.map(({ field, from, to }) => ({ field, from: from ?? null, to: to ?? null })),
        }
      : {}),
    ...(item.url ? { url: item.url } : {}),
    warnings: (item.warnings ?? []).map((warning) => ({
      kind: warning.kind,
      message: warning.message,
      line: warning.location?.line ?? null,
    })),
  };
}
