import { shortDigestOf } from "./digest.ts";

/** Webflow item ids are 24 lower-case hex characters (API-NOTES §1.3). */
const ITEM_ID = /^[0-9a-f]{24}$/;

/** True when `text` is written like a Webflow item id (so a reference may name an item directly). */
export function isItemId(text: string): boolean {
  return ITEM_ID.test(text);
}

/** The seal of a manifest entry: its slug and item id, so that ids swapped or pasted by hand are noticed. */
export function sealOf(slug: string, itemId: string): string {
  return shortDigestOf(`${slug}\u0000${itemId}`);
}
