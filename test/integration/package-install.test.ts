// Issue 15, item 6: wf-sync installs like any npm tool. `npm pack` once (of the dist/ that
// `npm test` has just built), then the tarball goes into an empty project, from npm's cache
// where it can (--prefer-offline; CI's `npm ci` fills that cache), with no build step and no
// dev dependencies. Its bin runs, and a typed wf-sync.config.ts type-checks with TypeScript
// in ESM and CommonJS projects, with every moduleResolution, with and without a tsconfig.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/project.ts";

const run = promisify(execFile);
const TSC = resolve(REPO_ROOT, "node_modules/typescript/bin/tsc");
const NPM_CLI = process.env["npm_execpath"];

/** Runs npm with this Node: the npm that runs the tests when there is one, else the one on PATH. */
async function npm(args: string[], cwd: string): Promise<string> {
  const command = NPM_CLI?.endsWith(".js") ? process.execPath : "npm";
  const argv = NPM_CLI?.endsWith(".js") ? [NPM_CLI, ...args] : args;
  const { stdout } = await run(command, argv, {
    cwd,
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
    env: {
      ...process.env,
      npm_config_audit: "false",
      npm_config_fund: "false",
      npm_config_update_notifier: "false",
    },
  });
  return stdout;
}

/** tsc's diagnostics for the project in `cwd` (tsc exits non-zero on errors; its stdout says which). */
async function typeCheck(cwd: string, args: string[]): Promise<string> {
  try {
    await run(process.execPath, [TSC, ...args], { cwd, timeout: 120_000 });
    return "";
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

const CONFIG = `import { defineConfig, type UserConfig } from "wf-sync";

const blog: UserConfig["collections"][number] = {
  name: "blog",
  collectionId: "580e63fc8c9a982ac9b8b745",
  include: "content/blog/*.md",
  fields: { date: "published-on" },
};

export default defineConfig({ collections: [blog], onDelete: "keep" });
`;

let work: string;
let project: string;

beforeAll(async () => {
  if (!existsSync(resolve(REPO_ROOT, "dist/cli/bin.js")))
    throw new Error("run `npm run build` first (npm test does)");
  work = await mkdtemp(join(tmpdir(), "wf-sync-pack-"));
  // dist/ is already built; `prepack` would build it again.
  await npm(["pack", "--ignore-scripts", "--silent", "--pack-destination", work], REPO_ROOT);
  const [tarball] = (await readdir(work)).filter((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack wrote no tarball");
  project = join(work, "project");
  await run(process.execPath, ["-e", `require("fs").mkdirSync(${JSON.stringify(project)})`]);
  await npm(["init", "-y"], project);
  await npm(["install", "--prefer-offline", "--save-dev", join(work, tarball)], project);
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the packed tarball in an empty project", () => {
  it("holds the built CLI and no install script, and brings no dev dependency", async () => {
    const installed = JSON.parse(
      await readFile(join(project, "node_modules/wf-sync/package.json"), "utf8"),
    ) as {
      scripts?: Record<string, string>;
    };
    for (const hook of ["preinstall", "install", "postinstall", "prepare"])
      expect(installed.scripts?.[hook]).toBeUndefined();
    expect(existsSync(join(project, "node_modules/wf-sync/dist/cli/bin.js"))).toBe(true);
    expect(existsSync(join(project, "node_modules/wf-sync/src"))).toBe(false);
    for (const devOnly of ["typescript", "vitest", "eslint", "prettier"])
      expect(existsSync(join(project, "node_modules", devOnly))).toBe(false);
  });

  it("runs as `npx wf-sync`: --help, init and sync against the demo site", async () => {
    const bin = join(project, "node_modules/.bin/wf-sync");
    const env = { PATH: process.env["PATH"] ?? "", HOME: project };
    const help = await run(bin, ["--help"], { cwd: project, env });
    expect(help.stdout).toContain("Usage: wf-sync [options] [command]");
    const init = await run(bin, ["init", "--sandbox"], { cwd: project, env });
    // npm init -y makes a CommonJS package: the config is a .mts file, an ES module there.
    expect(init.stdout).toContain("Wrote wf-sync.config.mts");
    const config = await readFile(join(project, "wf-sync.config.mts"), "utf8");
    expect(config).toContain('import { defineConfig } from "wf-sync";');
    expect(config).toContain("  sandbox: true,");
    const sync = await run(bin, ["sync", "--quiet"], { cwd: project, env });
    expect(sync.stdout).toMatch(/^Synced: 2 created, .* 0 failed/m);
    await rm(join(project, "wf-sync.config.mts"));
  });

  // zod's types make each check take seconds, so the list is what differs: each resolution
  // once, and each module kind once.
  const options = (moduleResolution: string, module: string) => ({
    moduleResolution,
    module,
    strict: true,
    ignoreDeprecations: "6.0",
  });
  // What `tsc --init` writes (verbatimModuleSyntax): in a CommonJS package a .ts file is
  // CommonJS, where `export default` is an error (TS1295), so the config is a .mts file there;
  // `wf-sync init` writes that name in a CommonJS package.
  const tscInit = {
    module: "nodenext",
    target: "esnext",
    types: [],
    strict: true,
    verbatimModuleSyntax: true,
  };
  const variants: Array<{ type: "module" | "commonjs"; file: string; tsconfig?: Record<string, unknown> }> = [
    { type: "module", file: "wf-sync.config.ts" },
    { type: "commonjs", file: "wf-sync.config.ts" },
    { type: "module", file: "wf-sync.config.ts", tsconfig: options("node10", "commonjs") },
    { type: "module", file: "wf-sync.config.ts", tsconfig: options("node16", "node16") },
    { type: "module", file: "wf-sync.config.ts", tsconfig: options("bundler", "esnext") },
    { type: "commonjs", file: "wf-sync.config.ts", tsconfig: options("nodenext", "nodenext") },
    { type: "commonjs", file: "wf-sync.config.mts", tsconfig: tscInit },
  ];

  it.each(variants)(
    "type-checks a config: $type package, $file, $tsconfig",
    { timeout: 180_000 },
    async (variant) => {
      const dir = join(work, `variant-${variants.indexOf(variant)}`);
      await run(process.execPath, ["-e", `require("fs").mkdirSync(${JSON.stringify(dir)})`]);
      // The installed project's node_modules, shared by a link so each variant is its own package.
      await run("ln", ["-s", join(project, "node_modules"), join(dir, "node_modules")]);
      await writeFile(
        join(dir, "package.json"),
        JSON.stringify({ name: "consumer", private: true, type: variant.type }),
      );
      await writeFile(join(dir, variant.file), CONFIG);
      if (variant.tsconfig) {
        await writeFile(
          join(dir, "tsconfig.json"),
          JSON.stringify({ compilerOptions: { ...variant.tsconfig, noEmit: true }, files: [variant.file] }),
        );
      }
      const diagnostics = await typeCheck(dir, variant.tsconfig ? ["-p", "."] : ["--noEmit", variant.file]);
      expect(diagnostics).toBe("");
    },
  );

  it("the types are real: a misspelt key fails the type-check", { timeout: 180_000 }, async () => {
    const dir = join(work, "variant-typo");
    await run(process.execPath, ["-e", `require("fs").mkdirSync(${JSON.stringify(dir)})`]);
    await run("ln", ["-s", join(project, "node_modules"), join(dir, "node_modules")]);
    await writeFile(
      join(dir, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module" }),
    );
    await writeFile(join(dir, "wf-sync.config.ts"), CONFIG.replace('onDelete: "keep"', 'onDelte: "keep"'));
    expect(await typeCheck(dir, ["--noEmit", "wf-sync.config.ts"])).toMatch(
      /wf-sync\.config\.ts\(10,\d+\): error TS\d+: .*'onDelte'/,
    );
  });
});
