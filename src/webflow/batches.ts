/** Webflow takes at most 100 items a request (API-NOTES §2.2); every bulk write is cut to that. */
export const BULK_LIMIT = 100;

/** Splits a list into consecutive batches of at most `size` (default: Webflow's bulk limit). */
export function chunk<T>(items: readonly T[], size = BULK_LIMIT): T[][] {
  const batches: T[][] = [];
  for (let index = 0; index < items.length; index += size) batches.push(items.slice(index, index + size));
  return batches;
}
