import { appendFileSync } from "node:fs";
import cliProgress from "cli-progress";
import pc from "picocolors";
import type { WfSyncError } from "../errors.ts";
import { escapeLines, escapeText } from "../core/escape-text.ts";
import type { SyncWarning } from "../core/types.ts";
import type { PullEvent, PullReport } from "../commands/pull.ts";
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

/**
 * Turns SyncEvents, results and errors into text. Results go to stdout, diagnostics to stderr.
 * Warnings are grouped by kind: a thousand files with one unknown key print one line.
 */
export function createReporter(options: ReporterOptions) {
  const colors = pc.createColors(options.useColor);
  const warnings = new Map<string, { count: number; first: SyncWarning }>();
  let bar: cliProgress.SingleBar | undefined;
  const redact = options.redact ?? ((text: string) => text);
  const stdout = (line: string) => options.stdout(redact(line));
  const stderr = (line: string) => options.stderr(redact(line));

  // cli-progress draws through a stream; this one writes to stderr and says it is a terminal.
  const progressStream = options.progress
    ? ({
        isTTY: true,
        columns: options.progressColumns ?? 80,
        write: (text: string) => (options.progress?.(text), true),
      } as unknown as NodeJS.WriteStream)
    : undefined;
  const clearProgress = () => {
    // The bar redraws itself on the next line at its next tick.
    if (bar && options.progress) options.progress("\r\x1b[2K");
  };
  const stopProgress = () => {
    if (!bar) return;
    bar.stop();
    bar = undefined;
  };
  const out = (line: string) => {
    if (options.isJson) return;
    clearProgress();
    stdout(line);
  };
  const err = (line: string) => {
    clearProgress();
    stderr(line);
  };

  function annotate(
    level: "error" | "warning",
    message: string,
    location?: { file: string; line?: number | undefined; column?: number | undefined },
  ) {
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

  function itemError(result: ItemResult) {
    const cause = result.cause;
    const text = cause ? describeError(cause, false) : escapeText(result.error ?? "");
    const prefixed = cause?.location ? text : `${escapeText(result.file)}: ${text}`;
    err(`${colors.red("✖")} ${prefixed}`);
    annotate(
      "error",
      escapeText(cause?.message ?? result.error ?? ""),
      cause?.location ?? { file: result.file },
    );
  }

  return {
    event(event: SyncEvent) {
      switch (event.type) {
        case "notice":
          if (!options.isQuiet) err(escapeText(event.message));
          break;
        case "warning": {
          const group = warnings.get(event.warning.kind);
          if (group) group.count++;
          else warnings.set(event.warning.kind, { count: 1, first: event.warning });
          break;
        }
        case "planned":
          break;
        case "item": {
          const result = event.result;
          if (result.error) {
            itemError(result);
            break;
          }
          if (options.isQuiet || options.isDryRun) break;
          if (result.action === "unchanged" && !options.isVerbose) break;
          const fields = result.changedFields?.length
            ? colors.dim(` (${escapeText(result.changedFields.join(", "))})`)
            : "";
          out(
            `${colors.green(ACTION_WORDS[result.action] ?? result.action)} ${escapeText(`${result.collection}/${result.slug}`)} ${colors.dim(escapeText(result.file))}${fields}`,
          );
          break;
        }
        case "progress": {
          // A bar on a terminal for runs long enough to need one; off a terminal, the item lines say it all.
          if (!progressStream || options.isQuiet || options.isJson) break;
          if (!bar) {
            if (event.total < 20 || event.done >= event.total) break;
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
          break;
        }
      }
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
      for (const [kind, { count, first }] of warnings) {
        const where = first.location ? describeLocation({ ...first.location, column: undefined }) : "";
        const more = count > 1 ? ` (${count} times; first shown)` : "";
        err(`${colors.yellow("warning")} [${escapeText(kind)}]${more} ${where}${escapeText(first.message)}`);
        annotate("warning", `${escapeText(first.message)}${more}`, first.location);
      }
      warnings.clear();
    },

    plan(report: SyncReport) {
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
      }
    },

    summary(report: SyncReport) {
      stopProgress();
      if (options.isJson) return;
      const rows = Object.entries(report.collections);
      if (!options.isQuiet) {
        const header = ["collection", "created", "updated", "unchanged", "removed", "failed"];
        const table = [
          header,
          ...rows.map(([name, counts]) =>
            [
              escapeText(name),
              counts.created,
              counts.updated,
              counts.unchanged,
              counts.removed,
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
      const t = report.totals;
      const waits = `, ${report.rateLimited} rate-limit ${report.rateLimited === 1 ? "wait" : "waits"}${report.rateLimited > 0 ? ` (${(report.rateLimitWaitMs / 1000).toFixed(1)} s)` : ""}`;
      stdout(
        `${verb}: ${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged, ${t.removed} removed, ${t.failed} failed in ${(report.durationMs / 1000).toFixed(1)} s (${report.requests} requests${waits}).`,
      );
      if (options.isVerbose) {
        const f = report.files;
        stdout(
          `Files: ${f.files} (${f.hashed} read, ${f.skipped} unchanged and not parsed, ${f.parsed} parsed, ${f.rendered} rendered${f.inWorkers > 0 ? `, ${f.inWorkers} by the worker pool` : ""}).`,
        );
      }
    },

    /** Writes the plan or the result as a Markdown table to $GITHUB_STEP_SUMMARY. */
    stepSummary(report: SyncReport) {
      if (!options.stepSummaryPath) return;
      const lines = [`### wf-sync ${report.isDryRun ? "plan (dry run: nothing was written)" : "sync"}`, ""];
      lines.push(
        `| collection | ${report.isDryRun ? "to create | to update | unchanged | to remove" : "created | updated | unchanged | removed"} | failed |`,
        "|---|---:|---:|---:|---:|---:|",
      );
      for (const [name, counts] of Object.entries(report.collections)) {
        lines.push(
          `| ${escapeCell(name)} | ${counts.created} | ${counts.updated} | ${counts.unchanged} | ${counts.removed} | ${counts.failed} |`,
        );
      }
      lines.push("", "| collection | action | item | file | changed fields |", "|---|---|---|---|---|");
      // GitHub caps a step summary at 1 MiB: list the first rows, say how many more.
      const maxRows = 500;
      const changed = report.items.filter((item) => item.action !== "unchanged" || item.error);
      const shown = changed.slice(0, maxRows);
      for (const item of shown) {
        const action = item.error ? `❌ ${item.action}` : item.action;
        const detail = escapeCell(item.error ?? (item.changedFields ?? []).join(", "));
        lines.push(
          `| ${escapeCell(item.collection)} | ${action} | ${escapeCell(item.slug)} | ${escapeCell(item.file)} | ${detail} |`,
        );
      }
      if (shown.length === 0) lines.push("| | nothing to do | | | |");
      if (changed.length > shown.length)
        lines.push(`| | … and ${changed.length - shown.length} more | | | |`);
      const t = report.totals;
      const verb = report.isDryRun ? "Planned" : "Synced";
      lines.push(
        "",
        `${verb}: ${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged, ${t.removed} removed, ${t.failed} failed in ${(report.durationMs / 1000).toFixed(1)} s (${report.requests} requests, ${report.rateLimited} rate-limit waits).`,
        "",
      );
      appendFileSync(options.stepSummaryPath, redact(`${lines.join("\n")}\n`));
    },

    /** A sync or its dry run that refused to start (the deletion guard, a config error) says so in the job summary too. */
    stepSummaryRefusal(error: WfSyncError, isDryRun: boolean) {
      if (!options.stepSummaryPath) return;
      const lines = [
        `### wf-sync ${isDryRun ? "plan (dry run): the real run would refuse" : "sync refused"}`,
        "",
        `❌ ${escapeCell(error.message)}`,
        ...(error.hint ? ["", escapeCell(error.hint)] : []),
        "",
      ];
      appendFileSync(options.stepSummaryPath, redact(`${lines.join("\n")}\n`));
    },

    /** One event of `wf-sync pull`. */
    pullEvent(event: PullEvent) {
      if (event.type === "warning") {
        this.event(event);
        return;
      }
      const result = event.result;
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
    },

    pullSummary(report: PullReport) {
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
    },

    /** Stops the progress bar (and its redraw timer); safe to call more than once. */
    close() {
      stopProgress();
    },

    json(report: SyncReport) {
      const document = {
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
        items: report.items.map((item) => ({
          collection: item.collection,
          file: item.file,
          slug: item.slug,
          action: item.action,
          itemId: item.itemId,
          error: item.error,
          ...(item.changedFields ? { changedFields: item.changedFields } : {}),
        })),
      };
      stdout(JSON.stringify(document, null, 2));
    },
  };
}
export type Reporter = ReturnType<typeof createReporter>;
