// Issue 14, items 2 and 9: a server (or a proxy in front of it) that echoes the Authorization
// header in its error answers must not put the token into any output or file; a redirect from
// the API host is refused; a .env base URL never redirects a token from the environment.
import { mkdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runSync } from "../../src/commands/sync.ts";
import { loadConfig } from "../../src/load-config.ts";
import { createWebflowClient } from "../../src/webflow/client.ts";
import { type CliRun, runCli, sandboxEnv, spawnCli, stepSummaryFile } from "../helpers/cli.ts";
import { CORE_POSTS as POSTS, CORE_TEAM as TEAM } from "../helpers/fixtures.ts";
import { startHostileProxy, type ProxyRequest } from "../helpers/hostile-proxy.ts";
import { copyFixture, filesContaining, type TempProject } from "../helpers/project.ts";
import { fixtureSeed, itemsBySlug, startTestSandbox } from "../helpers/sandbox.ts";

/** Shaped like a Webflow site token (64 hex characters). */
const TOKEN = "9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a1c3e5b7d9f0a2c4e6b8d0f";

/** Every way the token could appear: whole, in pieces of 16, upper-cased. */
function leaksIn(text: string): string[] {
  const needles = [TOKEN, TOKEN.toUpperCase(), TOKEN.slice(0, 16), TOKEN.slice(24, 40), TOKEN.slice(-16)];
  return needles.filter((needle) => text.includes(needle));
}

/** An error body that repeats the request's Authorization header everywhere it can. */
function echoBody(request: ProxyRequest, status: number): string {
  const authorization = String(request.headers["authorization"] ?? "");
  const token = authorization.replace(/^Bearer /, "");
  return JSON.stringify({
    code: status === 409 ? "conflict" : "validation_error",
    message: `Request ${request.method} ${request.path} with Authorization: ${authorization} was refused (token ${token})`,
    details: [
      { param: "fieldData", description: `the header was "${authorization}"` },
      { param: "token", description: token.toUpperCase() },
    ],
  });
}

/** The built CLI under GitHub Actions, with --json, debug output, and a job summary. */
async function runHostile(project: TempProject, baseUrl: string, summary: string): Promise<CliRun> {
  return spawnCli(["sync", "--json"], {
    cwd: project.dir,
    env: sandboxEnv(baseUrl, TOKEN, {
      WF_SYNC_DEBUG: "1",
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: summary,
      CI: "true",
    }),
  });
}

describe("a server that echoes the token", () => {
  it.each([
    ["400 on every write", 400, (request: ProxyRequest) => request.method !== "GET"],
    ["409 on every write", 409, (request: ProxyRequest) => request.method !== "GET"],
    ["500 on every write", 500, (request: ProxyRequest) => request.method !== "GET"],
    ["403 on the schema read", 403, (request: ProxyRequest) => request.path.includes(`/collections/${TEAM}`)],
    ["500 on every request", 500, () => true],
  ])(
    "%s: the token is in no output, no project file and not in the job summary",
    async (_, status, matches) => {
      await using project = await copyFixture("core-basic");
      await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"), { tokens: [TOKEN] });
      await using proxy = await startHostileProxy(sandbox.baseUrl, (request) =>
        matches(request) ? { status, body: echoBody(request, status) } : undefined,
      );
      const summary = await stepSummaryFile();

      const result = await runHostile(project, proxy.baseUrl, summary);

      // The server did echo the token: the test would find a leak if there were one.
      expect(proxy.answered.length).toBeGreaterThan(0);
      expect(echoBody(proxy.answered[0] as ProxyRequest, status)).toContain(TOKEN);
      expect([1, 2]).toContain(result.code);
      expect(result.stderr).not.toMatch(/This is a bug/);
      expect(result.stdout + result.stderr).toMatch(/redacted/);
      expect(leaksIn(result.stdout)).toEqual([]);
      expect(leaksIn(result.stderr)).toEqual([]);
      expect(leaksIn(await readFile(summary, "utf8"))).toEqual([]);
      for (const needle of [TOKEN, TOKEN.slice(0, 16), TOKEN.toUpperCase().slice(8, 24)])
        expect(await filesContaining(project.dir, needle)).toEqual([]);
    },
  );
});

describe("the library, without the CLI's guard", () => {
  it("gets item errors whose server text is already redacted", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"), { tokens: [TOKEN] });
    await using proxy = await startHostileProxy(sandbox.baseUrl, (request) =>
      request.method === "GET" ? undefined : { status: 400, body: echoBody(request, 400) },
    );
    const client = createWebflowClient({ token: TOKEN, baseUrl: proxy.baseUrl, retryBaseMs: 20 });
    try {
      const report = await runSync({ config: await loadConfig(project.dir), client, retryBaseMs: 20 });
      const errors = report.items.filter((item) => item.error).map((item) => item.error ?? "");
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) {
        expect(error).toContain("Bearer [redacted]");
        expect(leaksIn(error)).toEqual([]);
      }
      expect(leaksIn(JSON.stringify(report))).toEqual([]);
    } finally {
      await client.close();
    }
  });
});

describe("the base URL in .env", () => {
  it("is ignored, with a warning, when the token comes from the environment", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"), { tokens: [TOKEN] });
    await using elsewhere = await startHostileProxy(sandbox.baseUrl, () => undefined);
    await project.write(".env", `WEBFLOW_API_BASE_URL=${elsewhere.baseUrl}\n`);
    // Stopped before its first request, so the run never goes to the real API: what matters
    // is where the token would have gone, which the warning names, and that .env's host got nothing.
    const { code, stderr } = await runCli(["sync"], {
      cwd: project.dir,
      env: { WEBFLOW_API_TOKEN: TOKEN },
      signal: AbortSignal.abort(),
      interruptedBy: () => "SIGINT",
    });

    expect(code).toBe(130);
    expect(stderr).toContain(
      `warning .env sets WEBFLOW_API_BASE_URL=${elsewhere.baseUrl}, but WEBFLOW_API_TOKEN comes from the environment: the token is sent to https://api.webflow.com/v2 only.`,
    );
    expect(elsewhere.requests).toEqual([]);
    expect(leaksIn(stderr)).toEqual([]);
  });

  it("a .env that cannot be read (a folder) is a clear error, exit 2", async () => {
    await using project = await copyFixture("core-basic");
    await mkdir(project.path(".env"));
    const result = await runCli(["sync"], { cwd: project.dir, env: { WEBFLOW_API_TOKEN: TOKEN } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\.env cannot be read \(EISDIR\)/);
    expect(leaksIn(result.stderr)).toEqual([]);
  });

  it("is used with a token from the same .env", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"), { tokens: [TOKEN] });
    await using local = await startHostileProxy(sandbox.baseUrl, () => undefined);
    await project.write(".env", `WEBFLOW_API_TOKEN=${TOKEN}\nWEBFLOW_API_BASE_URL=${local.baseUrl}\n`);

    const result = await spawnCli(["sync"], { cwd: project.dir, env: { WF_SYNC_RETRY_BASE_MS: "20" } });

    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/warning/);
    expect(local.requests.length).toBeGreaterThan(0);
    expect(itemsBySlug(sandbox, POSTS).size).toBe(5);
  });
});

describe("a redirect from the API host", () => {
  it.each([
    ["every request", () => true, 2],
    ["the writes", (request: ProxyRequest) => request.method !== "GET", 1],
  ])(
    "on %s is refused with a clear error and never followed",
    async (_, matches: (request: ProxyRequest) => boolean, expectedCode) => {
      await using project = await copyFixture("core-basic");
      await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"), { tokens: [TOKEN] });
      await using thief = await startHostileProxy(sandbox.baseUrl, () => ({ status: 200, body: "{}" }));
      await using proxy = await startHostileProxy(sandbox.baseUrl, (request) =>
        matches(request)
          ? { status: 307, headers: { location: `${thief.baseUrl}${request.path.replace(/^\/v2/, "")}` } }
          : undefined,
      );
      const summary = await stepSummaryFile();

      const result = await runHostile(project, proxy.baseUrl, summary);

      expect(result.code).toBe(expectedCode);
      expect(result.stderr).not.toMatch(/This is a bug/);
      expect(result.stderr).toMatch(
        /redirect \(307\) to http:\/\/127\.0\.0\.1:\d+, which wf-sync does not follow/,
      );
      expect(proxy.answered.length).toBeGreaterThan(0);
      expect(thief.requests).toEqual([]);
      expect(sandbox.items(POSTS)).toEqual([]);
      expect(leaksIn(result.stdout + result.stderr)).toEqual([]);
    },
  );
});
