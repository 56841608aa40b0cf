import { createHash } from "node:crypto";

/** JSON with object keys sorted, so equal values always give equal text (and equal digests). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === "object" && !Array.isArray(inner)) {
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
      return sorted;
    }
    return inner;
  });
}

/** Hex SHA-256 of a string or of a value's canonical JSON. */
export function digestOf(value: unknown): string {
  const text = typeof value === "string" ? value : canonicalJson(value);
  return createHash("sha256").update(text).digest("hex");
}

/** A short digest for per-field change detection; collisions only cost an extra write. */
export function shortDigestOf(value: unknown): string {
  return digestOf(value).slice(0, 16);
}
