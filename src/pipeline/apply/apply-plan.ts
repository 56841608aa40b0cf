/**
 * The apply stage: the writes a plan asks for. Split by kind of write; this module is the
 * stage's entry point, so that callers import from one place.
 */
export { BULK_LIMIT as BATCH_SIZE } from "../../webflow/client.ts";
export { entryFor, type ApplyContext, type ItemAction, type ItemResult } from "./context.ts";
export { adoptFound, findBySlugs, holdsDraft } from "./remote-match.ts";
export { createItems } from "./create.ts";
export { updateItems } from "./update.ts";
export { removeItems } from "./remove.ts";
