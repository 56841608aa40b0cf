/** Finding the items Webflow refused in a batch it rejected as a whole. */
import { ItemRejectedError, WebflowApiError, type ItemProblem } from "../../errors.ts";
import { rejectionMessage } from "../../webflow/client.ts";

/** The problems of a rejection, or undefined when the error is not a rejection of the request's content. */
export function problemsOf(error: unknown): readonly ItemProblem[] | undefined {
  return error instanceof WebflowApiError && error.failure.kind === "rejected"
    ? error.failure.problems
    : undefined;
}

/**
 * The elements of a batch the rejection names by position, with what it said about each. Real
 * answers name none (API-NOTES §3.3): then undefined, and the caller bisects.
 */
export function namedRejections<T>(
  batch: readonly T[],
  error: WebflowApiError,
): Map<T, ItemProblem[]> | undefined {
  const named = new Map<T, ItemProblem[]>();
  for (const problem of problemsOf(error) ?? []) {
    if (problem.index === undefined || problem.index >= batch.length) continue;
    const item = batch[problem.index] as T;
    named.set(item, [...(named.get(item) ?? []), problem]);
  }
  return named.size > 0 ? named : undefined;
}

/**
 * Sends a batch; when Webflow rejects it for its content, finds the bad items and sends the rest.
 * Items named by position are taken out at once; without names, the batch is split in halves
 * until each bad item stands alone. `onRejected` gets each bad item with what Webflow said of it.
 */
export async function sendBisecting<T>(
  batch: readonly T[],
  send: (batch: readonly T[]) => Promise<void>,
  onRejected: (item: T, error: WebflowApiError, problems: readonly ItemProblem[]) => Promise<void> | void,
): Promise<void> {
  if (batch.length === 0) return;
  try {
    await send(batch);
  } catch (error) {
    const problems = problemsOf(error);
    if (!problems || !(error instanceof WebflowApiError)) throw error;
    if (batch.length === 1) {
      await onRejected(batch[0] as T, error, problems);
      return;
    }
    const named = namedRejections(batch, error);
    if (named) {
      for (const [item, itemProblems] of named) await onRejected(item, error, itemProblems);
      await sendBisecting(
        batch.filter((item) => !named.has(item)),
        send,
        onRejected,
      );
      return;
    }
    const middle = Math.ceil(batch.length / 2);
    await sendBisecting(batch.slice(0, middle), send, onRejected);
    await sendBisecting(batch.slice(middle), send, onRejected);
  }
}

/** The error for one item Webflow refused, located at its file, with Webflow's own words. */
export function rejection(
  draft: { file: string },
  error: WebflowApiError,
  problems?: readonly ItemProblem[],
): ItemRejectedError {
  return new ItemRejectedError(rejectionMessage(error, problems), {
    location: { file: draft.file },
    cause: error,
    hint: "Fix the value in the file; the other items were synced.",
  });
}
