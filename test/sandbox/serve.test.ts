import { describe, expect, it } from "vitest";
import { type Sandbox, serveSandbox } from "../../src/sandbox/index.ts";
import { SITE_ID, client, seed } from "./helpers.ts";

describe("serveSandbox", () => {
  it("serves until aborted, logging one line per request", async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    let listening: Sandbox | undefined;
    const served = serveSandbox({
      seed,
      log: (line) => lines.push(line),
      signal: controller.signal,
      onListening: (sandbox) => {
        listening = sandbox;
      },
    });
    while (!listening) await new Promise((resolve) => setImmediate(resolve));
    const response = await client(listening.baseUrl)("GET", `/sites/${SITE_ID}`);
    expect(response.status).toBe(200);
    controller.abort();
    await served;
    expect(lines).toEqual([`GET /v2/sites/${SITE_ID} → 200`]);
  });
});
