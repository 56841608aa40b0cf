/** Webflow's ids (sites, collections, items, assets) are 24 hexadecimal digits. */
const ITEM_ID = /^[0-9a-f]{24}$/;

/** Whether a value is a Webflow item id rather than a slug or a path. */
export function isItemId(value: string): boolean {
  return ITEM_ID.test(value);
}
