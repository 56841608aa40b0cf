// Issue 15, item 9: the smaller promises of the CLI, each held by a test.
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { copyFixture } from "../helpers/project.ts";

describe("the CLI's smaller promises", () => {
  it("`wf-sync sandbox` on a port that is taken: a clear error and exit 2, not a crash", async () => {
    await using project = await copyFixture("core-basic");
    const server = createServer();
    await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
    try {
      const port = (server.address() as { port: number }).port;
      const result = await runCli(["sandbox", "--port", String(port)], { cwd: project.dir, env: {} });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        [
          `Port ${port} on 127.0.0.1 is already in use: the sandbox cannot listen there.`,
          "  hint: Pass another port with --port <port> (0 picks a free one), or stop what is listening there (another `wf-sync sandbox`?).",
        ].join("\n"),
      );
      expect(result.stdout).toBe("");
      const bad = await runCli(["sandbox", "--port", "http"], { cwd: project.dir, env: {} });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe("--port http: not a port number (0–65535).");
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });

  it("--json prints one JSON document also when the run exits 2", async () => {
    await using project = await copyFixture("core-basic");
    const noToken = await runCli(["sync", "--json"], { cwd: project.dir, env: {} });
    expect(noToken.code).toBe(2);
    expect(JSON.parse(noToken.stdout)).toEqual({
      error: expect.objectContaining({ code: "WF_AUTH", message: "WEBFLOW_API_TOKEN is not set." }),
      exitCode: 2,
    });
    const unknownCollection = await runCli(["sync", "--dry-run", "--json", "--collection", "nope"], {
      cwd: project.dir,
      env: { WF_SYNC_SANDBOX: "1" },
    });
    expect(unknownCollection.code).toBe(2);
    expect(JSON.parse(unknownCollection.stdout).error.code).toBe("WF_USAGE");
    const usage = await runCli(["sync", "--json", "--no-such-option"], { cwd: project.dir, env: {} });
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toEqual({
      error: { code: "WF_USAGE", message: "unknown option '--no-such-option'" },
      exitCode: 2,
    });
    await project.edit("wf-sync.config.ts", "collections:", "onDelte: 'delete',\n  collections:");
    const config = await runCli(["check", "--json"], { cwd: project.dir, env: {} });
    expect(config.code).toBe(2);
    expect(JSON.parse(config.stdout)).toEqual({
      error: {
        code: "WF_CONFIG",
        message: expect.stringContaining('Unknown key "onDelte": did you mean "onDelete"?'),
        hint: null,
        file: "wf-sync.config.ts",
        line: 8,
        column: 3,
      },
      exitCode: 2,
    });
  });

  it("`sync --help` lists the options every command takes", async () => {
    await using project = await copyFixture("core-basic");
    const help = await runCli(["sync", "--help"], { cwd: project.dir, env: {} });
    expect(help.code).toBe(0);
    for (const option of [
      "--dry-run",
      "--json",
      "-q, --quiet",
      "--collection <names...>",
      "--config <file>",
      "--sandbox",
    ])
      expect(help.stdout).toContain(option);
  });

  it("`preview` of a missing file exits 1 (preview exits 0 or 1) and writes nothing", async () => {
    await using project = await copyFixture("core-basic");
    const before = await project.files();
    const result = await runCli(["preview", "content/posts/nope.md"], { cwd: project.dir, env: {} });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("content/posts/nope.md: file not found; nothing to preview.");
    expect(await project.files()).toEqual(before);
  });
});
