import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.ts";
import { copyFixture, filesContaining } from "../helpers/project.ts";
import { runCli, sandboxEnv } from "../helpers/cli.ts";
import { CORE_POSTS as POSTS, CORE_TEAM as TEAM } from "../helpers/fixtures.ts";
import {
  describeRequests,
  fixtureSeed,
  itemsBySlug,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";

/** Distinctive enough that any leak is found by a plain substring search. */
const TOKEN = "wfs-tok-9d41c7e2b85f3a60-LEAKCHECK";

function expectNoToken(text: string) {
  expect(text.includes(TOKEN)).toBe(false);
  expect(text.includes(TOKEN.slice(0, 16))).toBe(false);
}

describe("token hygiene", () => {
  it("never prints or stores the token: sync, edits, --json, --dry-run, debug output, check", async () => {
    await using project = await copyFixture("core-basic");
    const statePath = project.path(".wf-sync/remote-state.json");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"), {
      statePath,
      tokens: [TOKEN],
    });
    const env = sandboxEnv(sandbox.baseUrl, TOKEN, { WF_SYNC_DEBUG: "1" });
    // A `.env` file is one place the token may come from; it must not spread from there either.
    await project.write("content/posts/bad.md", "---\ntitle: Bad\nsummary: [open\n---\n");

    const outputs: string[] = [];
    for (const args of [
      ["sync"],
      ["sync", "--json"],
      ["sync", "--dry-run"],
      ["sync", "--force", "--json"],
      ["check"],
      ["check", "--json"],
    ]) {
      const result = await runCli(args, { cwd: project.dir, env });
      expect(result.code, args.join(" ")).toBe(1);
      outputs.push(result.stdout, result.stderr);
    }
    expect(sandbox.items(POSTS).length).toBe(5);
    for (const text of outputs) expectNoToken(text);
    expect(existsSync(statePath)).toBe(true);
    expect(await filesContaining(project.dir, TOKEN)).toEqual([]);
    expect(await filesContaining(project.dir, TOKEN.slice(0, 16))).toEqual([]);
  });

  it("a token read from .env is not written anywhere else", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"), { tokens: [TOKEN] });
    await project.write(".env", `WEBFLOW_API_TOKEN=${TOKEN}\nWEBFLOW_API_BASE_URL=${sandbox.baseUrl}\n`);

    const result = await runCli(["sync"], { cwd: project.dir, env: { WF_SYNC_RETRY_BASE_MS: "20" } });
    expect(result.code).toBe(0);
    expect(itemsBySlug(sandbox, TEAM).size).toBe(2);
    expectNoToken(result.stdout + result.stderr);
    expect(await filesContaining(project.dir, TOKEN)).toEqual([".env"]);
  });

  it("a rejected token (401) exits 2 with a clear message, and the token is not shown", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"), { tokens: ["other"] });

    const result = await runCli(["sync"], {
      cwd: project.dir,
      env: sandboxEnv(sandbox.baseUrl, TOKEN, { WF_SYNC_DEBUG: "1" }),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/401|not authori[sz]ed|rejected|invalid/i);
    expect(result.stderr).toMatch(/WEBFLOW_API_TOKEN/);
    expectNoToken(result.stdout + result.stderr);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    expect(await filesContaining(project.dir, TOKEN)).toEqual([]);
  });

  it("plain http:// to a host that is not loopback is refused (exit 2) before any request", async () => {
    await using project = await copyFixture("core-basic");
    const result = await runCli(["sync"], {
      cwd: project.dir,
      env: { WEBFLOW_API_TOKEN: TOKEN, WEBFLOW_API_BASE_URL: "http://api.example.com/v2" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/http:\/\//);
    expect(result.stderr).toMatch(/api\.example\.com/);
    expectNoToken(result.stdout + result.stderr);
    expect(existsSync(project.path(".wf-sync"))).toBe(false);
  });

  it("an unreachable API exits 2 without showing the token", async () => {
    await using project = await copyFixture("core-basic");
    const closed = await startTestSandbox(await fixtureSeed("core-basic"));
    const baseUrl = closed.baseUrl;
    await closed.close();

    const result = await runCli(["sync", "--collection", "team"], {
      cwd: project.dir,
      env: sandboxEnv(baseUrl, TOKEN),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/could not be reached|unreachable|ECONNREFUSED/i);
    expectNoToken(result.stdout + result.stderr);
    expect(await filesContaining(project.dir, TOKEN)).toEqual([]);
  });

  it("http:// to loopback is accepted (the sandbox)", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    const localhost = sandbox.baseUrl.replace("127.0.0.1", "localhost");
    const result = await runCli(["sync", "--collection", "team"], {
      cwd: project.dir,
      env: sandboxEnv(localhost),
    });
    expect(result.code).toBe(0);
    expect(itemsBySlug(sandbox, TEAM).size).toBe(2);
  });
});

describe("config", () => {
  it("a config file that imports nothing works", async () => {
    await using project = await copyFixture("core-basic");
    await using sandbox = await startTestSandbox(await fixtureSeed("core-basic"));
    const config = await project.read("wf-sync.config.ts");
    await project.write(
      "wf-sync.config.ts",
      config.replace(/^import type .*\n/m, "").replace("} satisfies UserConfig;", "};"),
    );
    expect(await project.read("wf-sync.config.ts")).not.toMatch(/import|satisfies/);
    const env = sandboxEnv(sandbox.baseUrl);

    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(itemsBySlug(sandbox, TEAM).size).toBe(2);
    sandbox.requests.length = 0;
    expect((await runCli(["sync"], { cwd: project.dir, env })).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });
});

describe("no token", () => {
  it("without a sandbox opt-in: exit 2 with a hint, in CI or not, nothing written", async () => {
    await using project = await copyFixture("core-basic");
    const before = await project.files();
    for (const env of [{}, { CI: "true" }, { CI: "1" }, { WF_SYNC_SANDBOX: "0" }]) {
      for (const args of [["sync"], ["sync", "--dry-run"], ["pull"]]) {
        const result = await runCli(args, { cwd: project.dir, env });
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/^WEBFLOW_API_TOKEN is not set/);
        expect(result.stderr).toContain("--sandbox");
        expect(result.stdout).toBe("");
      }
    }
    expect(await project.files()).toEqual(before);
  });

  it("under CI the config's `sandbox: true` is not enough; --sandbox or WF_SYNC_SANDBOX=1 is", async () => {
    await using project = await copyFixture("core-basic");
    await project.edit("wf-sync.config.ts", "export default {", "export default {\n  sandbox: true,");
    const before = await project.files();
    const refused = await runCli(["sync"], { cwd: project.dir, env: { CI: "true" } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "WEBFLOW_API_TOKEN is not set, and under CI the config's `sandbox: true` does not select the local sandbox.",
    );
    expect(await project.files()).toEqual(before);

    const byFlag = await runCli(["sync", "--sandbox", "--quiet"], { cwd: project.dir, env: { CI: "true" } });
    expect(byFlag.code).toBe(0);
    expect(byFlag.stderr).toContain("using the built-in local sandbox (--sandbox;");
    const byEnv = await runCli(["sync", "--quiet"], {
      cwd: project.dir,
      env: { CI: "true", WF_SYNC_SANDBOX: "1" },
    });
    expect(byEnv.code).toBe(0);
    expect(byEnv.stderr).toContain("using the built-in local sandbox (WF_SYNC_SANDBOX=1;");
    // Outside CI the config alone selects it, and --quiet keeps the one-line notice.
    const byConfig = await runCli(["sync", "--quiet"], { cwd: project.dir, env: {} });
    expect(byConfig.code).toBe(0);
    expect(byConfig.stderr.split("\n")).toEqual([
      "No WEBFLOW_API_TOKEN set: using the built-in local sandbox (sandbox: true in the config; state in .wf-sync/sandbox.json), not a real site.",
    ]);
  });

  it("with WF_SYNC_SANDBOX=1: uses the built-in sandbox, says so in one line, and keeps its state in .wf-sync/sandbox.json", async () => {
    await using project = await copyFixture("core-basic");
    const env = { WF_SYNC_SANDBOX: "1" };

    const first = await runCli(["sync"], { cwd: project.dir, env });
    expect(first.code).toBe(0);
    const notices = first.stderr.split("\n").filter((line) => /sandbox/i.test(line));
    expect(notices).toHaveLength(1);
    expect(first.stdout).toMatch(/7 created/);
    const statePath = project.path(".wf-sync/sandbox.json");
    expect(existsSync(statePath)).toBe(true);

    const state = await project.read(".wf-sync/sandbox.json");
    const second = await runCli(["sync"], { cwd: project.dir, env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/0 created, 0 updated, 7 unchanged/);

    // Read the stored state back through the emulator itself: the items are there, once each.
    await using reopened = await startSandbox({ port: 0, statePath, quiet: true });
    expect([...itemsBySlug(reopened, POSTS).keys()].sort()).toEqual([
      "chosen-slug",
      "getting-started",
      "hello-world",
      "old-news",
      "work-in-progress",
    ]);
    expect(itemsBySlug(reopened, TEAM).get("ada-lovelace")?.fieldData).toMatchObject({
      name: "Ada Lovelace",
      role: "Engineer",
    });
    expect(JSON.parse(await project.read(".wf-sync/sandbox.json"))).toEqual(JSON.parse(state));
  });

  it("--dry-run against the built-in sandbox writes nothing locally", async () => {
    await using project = await copyFixture("core-basic");
    const before = await project.files();
    const env = {};
    const result = await runCli(["sync", "--dry-run", "--sandbox"], { cwd: project.dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/create posts\/hello-world/);
    expect(await project.files()).toEqual(before);

    // After a real run, a dry run plans against the stored state and leaves it as it was.
    expect((await runCli(["sync", "--sandbox"], { cwd: project.dir, env })).code).toBe(0);
    const state = await project.read(".wf-sync/sandbox.json");
    const manifest = await project.read(".wf-sync/manifest.json");
    const files = await project.files();
    await project.edit("content/team/grace-hopper.md", "role: Admiral", "role: Rear admiral");
    const planned = await runCli(["sync", "--dry-run", "--sandbox"], { cwd: project.dir, env });
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/update team\/grace-hopper .*role/);
    expect(planned.stdout).not.toMatch(/create /);
    expect(await project.read(".wf-sync/sandbox.json")).toBe(state);
    expect(await project.read(".wf-sync/manifest.json")).toBe(manifest);
    expect(await project.files()).toEqual(files);
  });
});
