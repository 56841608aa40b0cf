/**
 * Webflow's error answers turned into wf-sync's terms (ApiFailure in errors.ts). This is the
 * only place that knows which status means what, how `details` look (API-NOTES §1.4, §1.7,
 * §3.3) and how Webflow words a taken slug.
 */
import type { ApiFailure, ItemProblem, WebflowApiError } from "../errors.ts";

/** Webflow's error body; every key may be missing (API-NOTES §1.4). */
export interface ErrorBody {
  code?: string;
  message?: string;
  details?: unknown[];
}

/** One `details` entry as a problem. Real entries are `{param, description}`; the spec also shows `{field, message}` and strings. */
function problemOf(detail: unknown): ItemProblem {
  if (detail && typeof detail === "object") {
    const { param, description, field, message, index } = detail as Record<string, unknown>;
    const name = param ?? field;
    const text = description ?? message;
    return {
      // Real answers carry no index (API-NOTES §3.3); use one only where an answer gives it.
      index: typeof index === "number" && Number.isInteger(index) && index >= 0 ? index : undefined,
      field: typeof name === "string" ? name : undefined,
      reason: typeof text === "string" ? text : JSON.stringify(detail),
    };
  }
  return {
    index: undefined,
    field: undefined,
    reason: typeof detail === "string" ? detail : JSON.stringify(detail),
  };
}

/** Slugs Webflow said are taken: `{param: "slug", description: "Unique value is already in database: '<slug>'"}` (§1.7). */
function takenSlugsOf(problems: readonly ItemProblem[]): string[] | undefined {
  let slugs: string[] | undefined;
  for (const problem of problems) {
    if (problem.field !== "slug" && !/unique value/i.test(problem.reason)) continue;
    slugs ??= [];
    const slug = /'([^']+)'/.exec(problem.reason)?.[1];
    if (slug) slugs.push(slug);
  }
  return slugs;
}

/** What an error answer means. 401/403 never get here (they stop the run). */
export function failureOf(status: number, body: ErrorBody, extra: { isUncertain: boolean }): ApiFailure {
  if (extra.isUncertain) return { kind: "answer-lost" };
  if (status === 429) return { kind: "rate-limited" };
  if (status === 0 || status === 408 || status >= 500) return { kind: "unavailable" };
  if (status === 404) return { kind: "not-found" };
  // 409 on a live PATCH: "Live PATCH updates can't be applied to items that have never been published" (§1.5).
  if (status === 409) return { kind: "never-published" };
  if (status === 400 || status === 422) {
    const problems = (Array.isArray(body.details) ? body.details : []).map(problemOf);
    return { kind: "rejected", problems, takenSlugs: takenSlugsOf(problems) };
  }
  return { kind: "refused" };
}

/** `fieldData.rank: Expected a number; …`, or Webflow's message when it named nothing. */
export function describeProblems(problems: readonly ItemProblem[], fallback: string): string {
  if (problems.length === 0) return fallback;
  return problems
    .map((problem) => (problem.field ? `${problem.field}: ${problem.reason}` : problem.reason))
    .join("; ");
}

/** Item ids named in `POST …/items/publish` errors ("Staging item ID <id> not found.", §2.3). */
export function itemIdInPublishError(text: string): string | undefined {
  return /\b([0-9a-f]{24})\b/i.exec(text)?.[1];
}

/** The message for one item Webflow refused: `Webflow rejected the item (400 validation_error): fieldData.rank: …`. */
export function rejectionMessage(error: WebflowApiError, problems?: readonly ItemProblem[]): string {
  const named = problems ?? (error.failure.kind === "rejected" ? error.failure.problems : []);
  const code = error.apiCode ? ` ${error.apiCode}` : "";
  return `Webflow rejected the item (${error.status}${code}): ${describeProblems(named, error.message)}`;
}
