/**
 * Temp projects for the tests: a copy of a fixture under test/fixtures, or files given inline.
 * Every test project is a TempProject; `await using` removes it.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Absolute path of test/fixtures. */
export const FIXTURES = resolve(REPO_ROOT, "test/fixtures");

/** Files of a project: path relative to it → text or bytes. */
export type ProjectFiles = Record<string, string | Uint8Array>;

/** A project in a temp dir; `await using` removes it. */
export interface TempProject extends AsyncDisposable {
  dir: string;
  /** Absolute path of a file inside the project. */
  path(file: string): string;
  read(file: string): Promise<string>;
  /** Writes a file, making its folders. */
  write(file: string, content: string | Uint8Array): Promise<void>;
  /** Writes each of `files`, making their folders. */
  writeAll(files: ProjectFiles): Promise<void>;
  /** Replaces `search` with `replacement` in a file; throws when `search` is absent (so a test edit can't silently miss). */
  edit(file: string, search: string, replacement: string): Promise<void>;
  remove(file: string): Promise<void>;
  /** Every file under the project, as paths relative to it (forward slashes), sorted. */
  files(): Promise<string[]>;
}

/** Copies `test/fixtures/<name>` to a fresh temp dir. */
export async function copyFixture(name: string): Promise<TempProject> {
  const dir = await mkdtemp(join(tmpdir(), `wf-sync-${name}-`));
  await cp(resolve(FIXTURES, name), dir, { recursive: true });
  return projectIn(dir);
}

/** A fresh temp dir holding `files` (none by default); `name` goes into the dir's name. */
export async function tempProject(files: ProjectFiles = {}, name = "project"): Promise<TempProject> {
  const project = projectIn(await mkdtemp(join(tmpdir(), `wf-sync-${name}-`)));
  await project.writeAll(files);
  return project;
}

function projectIn(dir: string): TempProject {
  const path = (file: string) => resolve(dir, file);
  const write = async (file: string, content: string | Uint8Array) => {
    await mkdir(dirname(path(file)), { recursive: true });
    await writeFile(path(file), content);
  };
  return {
    dir,
    path,
    read: (file) => readFile(path(file), "utf8"),
    write,
    async writeAll(files) {
      for (const [file, content] of Object.entries(files)) await write(file, content);
    },
    async edit(file, search, replacement) {
      const text = await readFile(path(file), "utf8");
      if (!text.includes(search)) throw new Error(`${file} does not contain ${JSON.stringify(search)}`);
      await writeFile(path(file), text.replace(search, replacement));
    },
    remove: (file) => rm(path(file), { force: true }),
    async files() {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"))
        .sort();
    },
    async [Symbol.asyncDispose]() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Files under `dir` whose bytes contain `needle`, relative to `dir`. */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const bytes = await readFile(file);
    if (bytes.includes(needle)) found.push(relative(dir, file));
  }
  return found;
}
