import { createHash, randomBytes } from "node:crypto";

/** A fresh 24-hex id, the shape of Webflow's ObjectIds (API-NOTES §1.3). */
export function mintId(): string {
  return randomBytes(12).toString("hex");
}

/**
 * A 24-hex id derived from `parts`. Seeds use it for ids they leave out (fields, locales),
 * so the same seed yields the same ids on every start and configs that name them stay valid.
 */
export function deriveId(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 24);
}

let lastIssuedMs = 0;

/**
 * ISO 8601 UTC with milliseconds, as Webflow writes timestamps. Strictly increasing within one
 * process, so that `lastUpdated` moves on every write even when two writes share a millisecond.
 */
export function nowIso(): string {
  lastIssuedMs = Math.max(Date.now(), lastIssuedMs + 1);
  return new Date(lastIssuedMs).toISOString();
}
