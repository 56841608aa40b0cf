import { describe, expect, it } from "vitest";
import { createRedactor, REDACTED, redactDeep } from "./redact-secrets.ts";

const TOKEN = "0f3c9a1b7e2d4c6a8b0e1f2a3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d";
const redact = createRedactor([TOKEN, undefined]);

describe("createRedactor", () => {
  it.each([
    ["the token as it is", `token ${TOKEN} rejected`, `token ${REDACTED} rejected`],
    [
      "a Bearer header echoed",
      `got "Authorization: Bearer ${TOKEN}"`,
      `got "Authorization: Bearer ${REDACTED}"`,
    ],
    ["any Bearer value, even another token", "Bearer abc.def-ghi", `Bearer ${REDACTED}`],
    ["Bearer URL-encoded", "h=Bearer%20xyz123&b=1", `h=Bearer ${REDACTED}&b=1`],
    [
      "another scheme in an Authorization header",
      "authorization: Basic dXNlcjpwYXNz",
      `authorization: ${REDACTED} dXNlcjpwYXNz`,
    ],
    ["a JSON header dump", `{"authorization":"token-xyz"}`, `{"authorization":"${REDACTED}"}`],
    ["the token upper-cased", TOKEN.toUpperCase(), REDACTED],
    ["a truncated echo (first 20 characters)", `echo ${TOKEN.slice(0, 20)}…`, `echo ${REDACTED}…`],
    ["a fragment embedded in a longer run", `id-${TOKEN.slice(10, 40)}-x`, REDACTED],
    [
      "the token inside a JSON string",
      JSON.stringify({ message: `bad ${TOKEN}` }),
      `{"message":"bad ${REDACTED}"}`,
    ],
    [
      "ordinary text",
      "Field 'name' is required (id 66f0000000000000000000a1)",
      "Field 'name' is required (id 66f0000000000000000000a1)",
    ],
    ["a 15-character piece is not enough", `x ${TOKEN.slice(0, 15)} y`, `x ${TOKEN.slice(0, 15)} y`],
  ])("%s", (_, text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it("is idempotent", () => {
    const once = redact(`Bearer ${TOKEN} and ${TOKEN}`);
    expect(redact(once)).toBe(once);
    expect(once).not.toContain(TOKEN);
  });

  it("redacts every given secret, and leaves short ones to the Bearer rule", () => {
    const both = createRedactor(["first-secret-token-1234", "second-secret-token-5678", "any"]);
    expect(both("a first-secret-token-1234 b second-secret-token-5678 company")).toBe(
      `a ${REDACTED} b ${REDACTED} company`,
    );
  });

  it("redactDeep cleans every string of a details array, keys included", () => {
    const details = [{ param: "authorization", description: `Bearer ${TOKEN} is not allowed` }, 3, null];
    expect(redactDeep(details, redact)).toEqual([
      { param: "authorization", description: `Bearer ${REDACTED} is not allowed` },
      3,
      null,
    ]);
  });
});
