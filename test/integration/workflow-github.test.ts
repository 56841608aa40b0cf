import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Sandbox } from "../../src/sandbox/index.ts";
import { BIN, githubStepEnv, lines, runCli, sandboxEnv, stepSummaryFile } from "../helpers/cli.ts";
import { NOTES, NOTES_CONFIG, notesSeed } from "../helpers/fixtures.ts";
import { REPO_ROOT, tempProject } from "../helpers/project.ts";
import { describeRequests, startTestSandbox, writeRequests } from "../helpers/sandbox.ts";

function notes(count: number): Record<string, string> {
  const files: Record<string, string> = { "wf-sync.config.ts": NOTES_CONFIG };
  for (let index = 1; index <= count; index++)
    files[`notes/note-${index}.md`] =
      `---\ntitle: Note ${index}\nsummary: About ${index}\n---\nText ${index}.\n`;
  return files;
}

describe("under GitHub Actions", () => {
  it("prints ::error / ::warning annotations with file and line, and writes the plan and the result to the step summary", async () => {
    await using sandbox = await startTestSandbox(notesSeed);
    const files = notes(2);
    files["notes/bad.md"] = "---\ntitle: Bad\nsummary: [unclosed\n---\nText.\n";
    files["notes/odd.md"] = "---\ntitle: Odd\ncolour: red\n---\nText.\n";
    await using project = await tempProject(files);
    const cwd = project.dir;
    const { env, summary } = await githubStepEnv(sandbox.baseUrl, { CI: "true" });

    const plan = await runCli(["sync", "--dry-run"], { cwd, env });
    expect(plan.code).toBe(1);
    expect(lines(plan.stdout)).toContainEqual(
      expect.stringMatching(/^::error file=notes\/bad\.md,line=3,col=\d+::Invalid YAML in frontmatter/),
    );
    expect(lines(plan.stdout)).toContainEqual(
      expect.stringMatching(
        /^::warning file=notes\/odd\.md,line=3::colour: not a field of collection "notes"/,
      ),
    );
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    const planned = await readFile(summary, "utf8");
    expect(planned).toContain("### wf-sync plan (dry run: nothing was written)");
    expect(planned).toContain("| collection | to create | to update | unchanged | to remove | failed |");
    expect(planned).toContain("| notes | 3 | 0 | 0 | 0 | 1 |");
    expect(planned).toContain("| notes | create | note-1 | notes/note-1.md |  |");
    expect(planned).toMatch(/\| notes \| ❌ invalid \| {2}\| notes\/bad\.md \| 3: Invalid YAML/);

    await writeFile(join(cwd, "notes/bad.md"), "---\ntitle: Bad no more\n---\nText.\n");
    expect((await runCli(["sync"], { cwd, env })).code).toBe(0);
    await writeFile(join(cwd, "notes/note-2.md"), "---\ntitle: Note 2\nsummary: Changed\n---\nText 2.\n");
    await writeFile(summary, "");
    const update = await runCli(["sync"], { cwd, env });
    expect(update.code).toBe(0);
    const synced = await readFile(summary, "utf8");
    expect(synced).toContain("### wf-sync sync");
    expect(synced).toContain("| notes | 0 | 1 | 3 | 0 | 0 |");
    expect(synced).toContain(
      '| notes | update | note-2 | notes/note-2.md | summary: "About 2" → "Changed" |',
    );
    expect(synced).toMatch(
      /Synced: 0 created, 1 updated, 3 unchanged, 0 removed, 0 failed in [\d.]+ s \(\d+ requests, 0 rate-limit waits\)\./,
    );
  });

  it("prints no annotations outside GitHub Actions", async () => {
    await using sandbox = await startTestSandbox(notesSeed);
    await using project = await tempProject({ ...notes(1), "notes/bad.md": "---\ntitle: [x\n---\n" });
    const cwd = project.dir;
    const run = await runCli(["sync", "--dry-run"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(run.code).toBe(1);
    expect([...lines(run.stdout), ...lines(run.stderr)].some((line) => line.startsWith("::"))).toBe(false);
    expect(run.stderr).toContain("notes/bad.md:2:");
  });
});

describe("output", () => {
  const ESC = "\x1b[";

  it("uses colour on a terminal, never with NO_COLOR, never off a terminal", async () => {
    await using sandbox = await startTestSandbox(notesSeed);
    await using project = await tempProject(notes(2));
    const cwd = project.dir;
    const tty = await runCli(["sync", "--dry-run"], {
      cwd,
      env: sandboxEnv(sandbox.baseUrl),
      isStdoutTty: true,
    });
    expect(tty.stdout).toContain(ESC);
    const noColor = await runCli(["sync", "--dry-run"], {
      cwd,
      env: sandboxEnv(sandbox.baseUrl, "test-token", { NO_COLOR: "1" }),
      isStdoutTty: true,
      isStderrTty: true,
    });
    expect([...lines(noColor.stdout), ...lines(noColor.stderr)].join("\n")).not.toContain(ESC);
    const pipe = await runCli(["sync", "--dry-run"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect([...lines(pipe.stdout), ...lines(pipe.stderr)].join("\n")).not.toContain(ESC);
    const withoutTimes = (text: string) => text.replace(/[\d.]+ s/g, "_ s");
    expect(withoutTimes(noColor.stdout)).toBe(withoutTimes(pipe.stdout));
  });

  it("draws a progress bar on a terminal for long runs, and plain lines off one", async () => {
    await using sandbox = await startTestSandbox(notesSeed);
    await using project = await tempProject(notes(25));
    const cwd = project.dir;
    let progress = "";
    const onStderrRaw = (text: string) => (progress += text);
    const tty = await runCli(["sync"], {
      cwd,
      env: sandboxEnv(sandbox.baseUrl),
      isStderrTty: true,
      onStderrRaw,
    });
    expect(tty.code).toBe(0);
    expect(progress).toMatch(/\d+\/25 writes/);

    await using other = await startTestSandbox(notesSeed);
    await using plainProject = await tempProject(notes(25));
    const plainCwd = plainProject.dir;
    progress = "";
    const plain = await runCli(["sync"], { cwd: plainCwd, env: sandboxEnv(other.baseUrl), onStderrRaw });
    expect(progress).toBe("");
    expect(lines(plain.stdout).filter((line) => line.startsWith("created notes/"))).toHaveLength(25);
  });

  it("--quiet prints the final line only; --verbose also lists unchanged items; the summary has time, requests and rate-limit waits", async () => {
    await using sandbox = await startTestSandbox(notesSeed);
    await using project = await tempProject(notes(3));
    const cwd = project.dir;
    const quiet = await runCli(["--quiet", "sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(lines(quiet.stdout)).toHaveLength(1);
    expect(lines(quiet.stdout)[0]).toMatch(
      /^Synced: 3 created, 0 updated, 0 unchanged, 0 removed, 0 failed in [\d.]+ s \(\d+ requests, 0 rate-limit waits\)\.$/,
    );
    const verbose = await runCli(["--verbose", "sync"], { cwd, env: sandboxEnv(sandbox.baseUrl) });
    expect(lines(verbose.stdout)).toEqual([
      "unchanged notes/note-1 notes/note-1.md",
      "unchanged notes/note-2 notes/note-2.md",
      "unchanged notes/note-3 notes/note-3.md",
      "collection  created  updated  unchanged  removed  failed",
      expect.stringMatching(/^notes +0 +0 +3 +0 +0$/),
      expect.stringMatching(/^Synced: 0 created, 0 updated, 3 unchanged/),
      // Files written moments ago are read and hashed (never trusted by their stat alone), not parsed.
      "Files: 3 (3 read, 3 unchanged and not parsed, 0 parsed, 0 rendered).",
    ]);
  });

  it("lists init and pull in the help", async () => {
    await using project = await tempProject();
    const cwd = project.dir;
    const help = await runCli(["--help"], { cwd });
    expect(help.code).toBe(0);
    const text = help.stdout;
    expect(text).toMatch(/\n\s+pull \[options\]\s+write the site's items as Markdown files/);
    expect(text).toMatch(/\n\s+init \[options\]\s+read a site's collections/);
  });
});

describe("the composite action", () => {
  interface Step {
    name?: string;
    uses?: string;
    shell?: string;
    run?: string;
    env?: Record<string, string>;
    "working-directory"?: string;
  }
  interface Action {
    runs: { using: string; steps: Step[] };
    inputs: Record<string, { required?: boolean; default?: string }>;
  }

  async function readAction(): Promise<Action> {
    return parse(await readFile(resolve(REPO_ROOT, "action.yml"), "utf8")) as Action;
  }

  it("is valid YAML for a composite action whose run step calls the wf-sync CLI", async () => {
    const action = await readAction();
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs).sort()).toEqual([
      "allow-removals",
      "collections",
      "config",
      "dry-run",
      "webflow-api-token",
      "working-directory",
    ]);
    expect(action.inputs["webflow-api-token"]?.required).toBe(true);
    const step = action.runs.steps.find((candidate) => candidate.name === "wf-sync sync");
    expect(step?.shell).toBe("bash");
    expect(step?.env?.["WEBFLOW_API_TOKEN"]).toBe("${{ inputs.webflow-api-token }}");
    expect(step?.run).toContain('"$WF_SYNC_TOOL/node_modules/.bin/wf-sync" "${args[@]}"');
    // The tool is the packed tarball, installed without dev dependencies, and cached.
    const install = action.runs.steps.find((candidate) => candidate.name?.startsWith("Install wf-sync"));
    expect(install?.run).toContain("npm pack");
    expect(install?.run).toContain("--omit=dev");
    expect(action.runs.steps.some((candidate) => candidate.uses?.startsWith("actions/cache@"))).toBe(true);
    // Inputs go through the environment, never into the script text.
    for (const candidate of action.runs.steps) expect(candidate.run ?? "").not.toContain("${{");
  });

  /** Runs the action's sync step as GitHub would: bash, its env, the action's checkout at GITHUB_ACTION_PATH. */
  async function runActionStep(options: {
    sandbox: Sandbox;
    cwd: string;
    inputs: Record<string, string>;
    summary: string;
  }) {
    const step = (await readAction()).runs.steps.find((candidate) => candidate.name === "wf-sync sync");
    if (!step?.run || !step.env) throw new Error("the action has no sync step");
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does).`);
    // Where the install step puts the tool: here a bin link to this checkout's build.
    const tool = await mkdtemp(join(tmpdir(), "wf-sync-tool-"));
    await mkdir(join(tool, "node_modules/.bin"), { recursive: true });
    const wrapper = join(tool, "node_modules/.bin/wf-sync");
    await writeFile(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    await chmod(wrapper, 0o755);
    const env: Record<string, string> = {
      PATH: process.env["PATH"] ?? "",
      GITHUB_ACTION_PATH: REPO_ROOT,
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: options.summary,
      CI: "true",
      WEBFLOW_API_BASE_URL: options.sandbox.baseUrl,
    };
    for (const [key, value] of Object.entries(step.env)) {
      env[key] = value
        .replace(/\$\{\{ inputs\.([\w-]+) \}\}/g, (_match, name: string) => options.inputs[name] ?? "")
        .replace("${{ steps.tool.outputs.dir }}", tool);
    }
    try {
      const { stdout } = await promisify(execFile)("bash", ["-e", "-c", step.run], {
        cwd: options.cwd,
        env,
        timeout: 30_000,
      });
      return { code: 0, stdout };
    } catch (error) {
      const failure = error as { code?: number; stdout?: string };
      return { code: failure.code ?? -1, stdout: failure.stdout ?? "" };
    } finally {
      await rm(tool, { recursive: true, force: true });
    }
  }

  it("runs the same CLI: a dry run posts the plan to the summary, a real run syncs", async () => {
    await using sandbox = await startTestSandbox(notesSeed);
    await using project = await tempProject(notes(2));
    const cwd = project.dir;
    const summary = await stepSummaryFile();
    const inputs = {
      "webflow-api-token": "test-token",
      config: "wf-sync.config.ts",
      "dry-run": "true",
      collections: "notes",
      "allow-removals": "false",
    };

    const dry = await runActionStep({ sandbox, cwd, inputs, summary });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Planned: 2 created");
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
    expect(await readFile(summary, "utf8")).toContain("| notes | create | note-2 | notes/note-2.md |  |");

    const real = await runActionStep({ sandbox, cwd, inputs: { ...inputs, "dry-run": "false" }, summary });
    expect(real.code).toBe(0);
    expect(sandbox.liveItems(NOTES)).toHaveLength(2);
  });
});
