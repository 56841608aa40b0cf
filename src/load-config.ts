import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { ConfigSchema, type ResolvedConfig } from "./config.ts";
import { ConfigError } from "./errors.ts";
import {
  codeFrame,
  explainConfigIssues,
  formatConfigProblems,
  locateLoadError,
  loadErrorReason,
} from "./explain-config-error.ts";

/** Config file names looked for in the working directory, in this order. */
export const CONFIG_FILE_NAMES = [
  "wf-sync.config.ts",
  "wf-sync.config.mts",
  "wf-sync.config.js",
  "wf-sync.config.mjs",
];

/** Finds the config file: the one given with --config, else the first known name in `cwd`. */
export function findConfigFile(cwd: string, explicit?: string): string {
  if (explicit) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) {
      throw new ConfigError(`${explicit}: config file not found.`, {
        hint: "Check the path given to --config.",
      });
    }
    if (!/\.(ts|mts|js|mjs)$/.test(file)) {
      throw new ConfigError(`${explicit}: a config must be a .ts, .mts, .js or .mjs file.`);
    }
    return file;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = resolve(cwd, name);
    if (existsSync(file)) return file;
  }
  throw new ConfigError(`No wf-sync.config.ts found in ${cwd}.`, {
    hint: "Run `wf-sync init` to write one, or pass --config <file>.",
  });
}

/**
 * What a config's `import { defineConfig } from "wf-sync"` resolves to, anywhere: a module holding
 * only that helper, since importing the whole package through jiti costs seconds per load.
 */
function packageEntry(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const built = resolve(here, "define-config.js");
  return existsSync(built) ? built : resolve(here, "define-config.ts");
}

function configCacheDir(configFile: string): string {
  return join(dirname(configFile), ".wf-sync", "cache");
}

/**
 * jiti, which is CommonJS, through `require`: imported as an ES module, Node would first scan
 * its 190 kB for named exports, a tenth of an unchanged run's start-up.
 */
function loadJiti(): typeof import("jiti") {
  return createRequire(import.meta.url)("jiti") as typeof import("jiti");
}

/** Imports a config file through jiti, with its transpiled form cached in `fsCache` when given. */
function importConfig(configFile: string, fsCache: string | false): Promise<unknown> {
  const jiti = loadJiti().createJiti(import.meta.url, {
    moduleCache: false,
    fsCache,
    interopDefault: true,
    alias: { "wf-sync": packageEntry() },
  });
  return jiti.import(configFile, { default: true });
}

/**
 * Makes `.wf-sync/cache/` and fills it with the transpiled config, for the next run (see
 * `isCached`); called after a successful sync. When the folder was already there, this run's
 * load has used and filled it.
 */
export async function enableConfigCache(config: ResolvedConfig): Promise<void> {
  const dir = configCacheDir(config.configFile);
  if (existsSync(dir)) return;
  try {
    await mkdir(dir, { recursive: true });
    await importConfig(config.configFile, dir);
  } catch {
    // Only a cache: the sync has succeeded, and the next run transpiles the config again.
  }
}

/**
 * Imports `wf-sync.config.ts` with jiti (Node 20 cannot import .ts) and validates it.
 * Every failure is a ConfigError naming the file.
 */
export async function loadConfig(
  cwd: string,
  options: {
    configFile?: string | undefined;
    /**
     * Use the transpiled config kept in `.wf-sync/cache/` beside it (and keep it there), so a
     * run skips the TypeScript transform (about 0.2 s). Only once a sync made that folder
     * (`enableConfigCache`), so a project where no sync has succeeded gets no file from it.
     * Off for commands that must not write (dry run, check).
     */
    isCached?: boolean;
  } = {},
): Promise<ResolvedConfig> {
  const configFile = findConfigFile(cwd, options.configFile);
  // A folder of the project's own, never a shared temp dir: what is cached there gets executed.
  const cacheDir = configCacheDir(configFile);
  // Errors name the file once, as their location, relative to where the command runs.
  const shown = relative(cwd, configFile);
  const file = shown && !shown.startsWith("..") && !isAbsolute(shown) ? shown : configFile;
  const sourceText = readText(configFile);
  let loaded: unknown;
  try {
    loaded = await importConfig(configFile, options.isCached && existsSync(cacheDir) ? cacheDir : false);
  } catch (error) {
    const where = locateLoadError(error, configFile);
    const frame = where && sourceText !== undefined ? `\n${codeFrame(sourceText, where)}` : "";
    throw new ConfigError(`the config could not be loaded: ${loadErrorReason(error, configFile)}${frame}`, {
      cause: error,
      location: { file, ...where },
      hint: where
        ? undefined
        : "The file must `export default` an object (optionally wrapped in defineConfig).",
    });
  }
  const parsed = ConfigSchema.safeParse(loaded);
  if (!parsed.success) {
    const problems = explainConfigIssues({
      issues: parsed.error.issues,
      schema: ConfigSchema,
      value: loaded,
      sourceText,
    });
    const first = problems.find((problem) => problem.line !== undefined);
    throw new ConfigError(`the config is not valid:\n${formatConfigProblems(problems)}`, {
      location: { file, line: first?.line, column: first?.column },
    });
  }
  const names = new Set<string>();
  for (const collection of parsed.data.collections) {
    if (names.has(collection.name)) {
      throw new ConfigError(`two collections are named "${collection.name}".`, {
        location: { file },
        hint: "Collection names are used with --collection and must be unique.",
      });
    }
    names.add(collection.name);
  }
  for (const dir of parsed.data.staticDirs) {
    if (!existsSync(resolve(dirname(configFile), dir))) {
      throw new ConfigError(`${configFile}: staticDirs: the folder ${dir} does not exist.`, {
        location: { file: configFile },
        hint: "Paths in staticDirs are relative to the config's folder.",
      });
    }
  }
  return { ...parsed.data, root: dirname(configFile), configFile };
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
