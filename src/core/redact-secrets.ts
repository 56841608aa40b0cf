/** What a redacted secret is replaced with. */
export const REDACTED = "[redacted]";

/**
 * Secrets shorter than this are only redacted after `Bearer`: searching text for a short
 * string (a sandbox token such as "any") would blank out ordinary words.
 */
const MIN_SECRET_LENGTH = 8;
/** A run of text sharing this many characters in a row with a secret is taken for that secret (a truncated or embedded echo). */
const FRAGMENT_LENGTH = 16;

// A credential after `Bearer` (also `Bearer%20…` and `Bearer+…` in echoed URLs or form data).
const BEARER = /\b(bearer)(?:\s+|%20|\+)[^\s"'<>,;&\\]+/gi;
// Any other credential in an echoed `Authorization: …` header.
const AUTHORIZATION = /\b(authorization["']?\s*[:=]\s*["']?)(?!bearer\b)[^\s"'<>,;&\\]+/gi;
// Runs of characters a token can be made of; never spans a quote or a backslash, so JSON stays valid.
const TOKEN_RUN = /[A-Za-z0-9._~+/=-]+/g;

/**
 * Returns a function that removes secrets from text before it is printed or stored: every
 * `Bearer …` (and `Authorization: …`) value, each secret as it is, URL-encoded or JSON-escaped,
 * and any run of token characters that shares 16 characters in a row with a secret, compared
 * without case (a server that echoes part of the token, or upper-cases it).
 * The same function is applied again by the reporter as a last guard; it is idempotent.
 */
export function createRedactor(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  const kept = [
    ...new Set(secrets.filter((secret): secret is string => (secret?.length ?? 0) >= MIN_SECRET_LENGTH)),
  ];
  const forms = new Set<string>();
  const fragments = new Set<string>();
  for (const secret of kept) {
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(JSON.stringify(secret).slice(1, -1));
    const lower = secret.toLowerCase();
    const size = Math.min(FRAGMENT_LENGTH, lower.length);
    for (let start = 0; start + size <= lower.length; start++)
      fragments.add(lower.slice(start, start + size));
  }
  const sizes = [...new Set(kept.map((secret) => Math.min(FRAGMENT_LENGTH, secret.length)))];
  const looksLikeSecret = (run: string): boolean => {
    const lower = run.toLowerCase();
    return sizes.some((size) => {
      for (let start = 0; start + size <= lower.length; start++)
        if (fragments.has(lower.slice(start, start + size))) return true;
      return false;
    });
  };

  return (text: string): string => {
    let result = text.replace(BEARER, `$1 ${REDACTED}`).replace(AUTHORIZATION, `$1${REDACTED}`);
    if (kept.length === 0) return result;
    for (const form of forms) if (result.includes(form)) result = result.split(form).join(REDACTED);
    return result.replace(TOKEN_RUN, (run) =>
      run.length >= Math.min(...sizes) && looksLikeSecret(run) ? REDACTED : run,
    );
  };
}

/** Applies `redact` to every string inside a JSON-like value (an API answer's `details`). */
export function redactDeep(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, redact));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [redact(key), redactDeep(entry, redact)]),
    );
  return value;
}
