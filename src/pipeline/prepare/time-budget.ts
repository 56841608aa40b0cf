/**
 * A time budget for one file's parse and render (issue 14 item 3). The parsers are synchronous
 * and some are superlinear on shapes the nesting bounds do not catch (micromark on thousands
 * of lists each followed by an HTML block, or of footnote references: quadratic), so a budget
 * cannot be checked between steps: the work runs as the one call of a `vm` script with a
 * timeout, whose watchdog stops whatever JavaScript is running when the time is up. Starting
 * that watchdog costs a thread (about 0.1 ms), so files too small to take long anyway run
 * without it.
 */
import vm from "node:vm";
import { LimitError } from "../../errors.ts";

/** Below this many characters no known shape takes more than about a second. */
const UNWATCHED_CHARACTERS = 8_192;

const sandbox = vm.createContext({ task: undefined as (() => unknown) | undefined });
const runTask = new vm.Script("task()");

/** Thrown when `work` ran out of its budget; the work's state is abandoned. */
export class TimeBudgetExceeded extends Error {
  readonly budgetMs: number;
  constructor(budgetMs: number) {
    super(`took longer than ${budgetMs} ms`);
    this.name = "TimeBudgetExceeded";
    this.budgetMs = budgetMs;
  }
}

/** Runs `work` (for a text of `size` characters) and stops it after `budgetMs`. */
export function withinTimeBudget<T>(budgetMs: number, size: number, work: () => T): T {
  if (size < UNWATCHED_CHARACTERS || !Number.isFinite(budgetMs)) return work();
  sandbox["task"] = work;
  try {
    return runTask.runInContext(sandbox, { timeout: budgetMs }) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_SCRIPT_EXECUTION_TIMEOUT")
      throw new TimeBudgetExceeded(budgetMs);
    throw error;
  } finally {
    sandbox["task"] = undefined;
  }
}

/** The error of a file stopped at its budget. */
export function overBudgetError(file: string, maxFileMs: number): LimitError {
  return new LimitError(
    `Parsing and rendering this file took longer than maxFileMs (${maxFileMs} ms); it was stopped.`,
    {
      limit: "maxFileMs",
      location: { file, line: 1 },
      hint: "Thousands of separate lists, quotes or footnotes in one file are slow to parse: split the file, or raise `limits.maxFileMs` in wf-sync.config.ts.",
    },
  );
}
