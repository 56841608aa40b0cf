/**
 * Issue 14: one writing run per project. Real CLI processes (dist/, `npm run build` first)
 * against one sandbox slowed by a rate limit: a second sync exits 2 naming the holder, `--wait`
 * waits and then finds nothing to do, a dry run is never blocked, a lock left by a dead
 * process is taken over with a warning, and the lock goes on SIGTERM and on a second SIGINT.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createResilienceProject, findProblems, postsAt, resilienceSeed } from "../helpers/fixtures.ts";
import { sandboxEnv, startCli } from "../helpers/cli.ts";
import { startTestSandbox, writesReached } from "../helpers/sandbox.ts";

const COUNT = 20;

async function slowSandbox() {
  return startTestSandbox(resilienceSeed, { faults: { latencyMs: 1000 } });
}

/** The pid of a process that has exited (for a stale lock). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((done) => child.on("close", done));
  return child.pid as number;
}

describe("the project lock", () => {
  it("a second sync exits 2 naming the holder; --wait waits; a dry run is not blocked; no duplicates", async () => {
    await using sandbox = await slowSandbox();
    await using project = await createResilienceProject(postsAt(COUNT, 1));
    const root = project.dir;
    const first = startCli(["sync"], { cwd: root, env: sandboxEnv(sandbox.baseUrl) });
    expect(await writesReached(sandbox, 1, first)).toBe(true);
    // Frozen while holding the lock (its pid alive), so the other runs meet it whatever the machine's speed.
    first.child.kill("SIGSTOP");
    const held = JSON.parse(await readFile(join(root, ".wf-sync/lock"), "utf8")) as { pid: number };
    expect(held.pid).toBe(first.child.pid);

    const second = await startCli(["sync"], { cwd: root, env: sandboxEnv(sandbox.baseUrl) }).done;
    expect(second.stderr).toMatch(
      new RegExp(
        `^Another run holds \\.wf-sync/lock: wf-sync sync \\(pid ${first.child.pid}, started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)\\.$`,
        "m",
      ),
    );
    expect(second.code).toBe(2);

    const dryRun = await startCli(["sync", "--dry-run"], { cwd: root, env: sandboxEnv(sandbox.baseUrl) })
      .done;
    expect(dryRun.stderr).not.toContain("Another run holds");
    expect(dryRun.code).toBe(0);

    const waiting = startCli(["sync", "--wait"], { cwd: root, env: sandboxEnv(sandbox.baseUrl) });
    let waitingErr = "";
    waiting.child.stderr?.on("data", (chunk: Buffer) => (waitingErr += chunk.toString("utf8")));
    while (!waitingErr.includes("Waiting for")) await new Promise((wake) => setTimeout(wake, 20));
    first.child.kill("SIGCONT");
    const [firstDone, waitingDone] = await Promise.all([first.done, waiting.done]);
    expect(firstDone.code).toBe(0);
    expect(waitingDone.stderr).toContain(`Waiting for wf-sync sync (pid ${first.child.pid}, started `);
    expect(waitingDone.code).toBe(0);
    expect(waitingDone.stdout).toMatch(/0 created, 0 updated, 20 unchanged/);
    expect(findProblems(sandbox, postsAt(COUNT, 1))).toEqual([]);
    expect(existsSync(join(root, ".wf-sync/lock"))).toBe(false);
  });

  it("takes over a lock whose process is gone, with a warning", async () => {
    await using sandbox = await startTestSandbox(resilienceSeed);
    await using project = await createResilienceProject(postsAt(COUNT, 1));
    const root = project.dir;
    const pid = await deadPid();
    await mkdir(join(root, ".wf-sync"), { recursive: true });
    await writeFile(
      join(root, ".wf-sync/lock"),
      JSON.stringify({ pid, hostname: hostname(), startedAt: "2026-01-01T00:00:00.000Z", command: "sync" }),
    );
    const run = await startCli(["sync"], { cwd: root, env: sandboxEnv(sandbox.baseUrl) }).done;
    expect(run.stderr).toContain(
      `.wf-sync/lock: taking over the lock of wf-sync sync (pid ${pid}, started 2026-01-01T00:00:00.000Z), which is no longer running.`,
    );
    expect(run.code).toBe(0);
    expect(findProblems(sandbox, postsAt(COUNT, 1))).toEqual([]);
    expect(existsSync(join(root, ".wf-sync/lock"))).toBe(false);
  });

  it.each([
    ["SIGTERM once", ["SIGTERM"], 143],
    ["SIGINT twice (leave at once)", ["SIGINT", "SIGINT"], 130],
  ] as const)("releases the lock on %s", async (_name, signals, exitCode) => {
    await using sandbox = await slowSandbox();
    await using project = await createResilienceProject(postsAt(COUNT, 1));
    const root = project.dir;
    const run = startCli(["sync"], { cwd: root, env: sandboxEnv(sandbox.baseUrl) });
    expect(await writesReached(sandbox, 1, run)).toBe(true);
    expect(existsSync(join(root, ".wf-sync/lock"))).toBe(true);
    for (const signal of signals) {
      run.child.kill(signal);
      await new Promise((wake) => setTimeout(wake, 50));
    }
    const done = await run.done;
    expect(done.code).toBe(exitCode);
    expect(existsSync(join(root, ".wf-sync/lock"))).toBe(false);
  });
});
