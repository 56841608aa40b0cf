import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { UsageError } from "../errors.ts";

const run = promisify(execFile);

/** Which version of the files to check: a commit (`--ref`) or the index (`--staged`). */
export type GitSource = { ref: string } | { isStaged: true };

/** A folder holding the project's files as committed at a ref (or as staged); removed by `close`. */
export interface GitSnapshot {
  /** The snapshot's counterpart of the working directory. */
  cwd: string;
  /** Which files these are, for the result line: `at <ref>` or `as staged`. */
  label: string;
  close: () => Promise<void>;
}

interface TreeEntry {
  mode: string;
  blob: string;
  /** Path relative to the repository's top, POSIX separators. */
  path: string;
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run("git", args, { cwd, maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? "").trim();
    throw new UsageError(`git ${args[0]} failed: ${stderr.split("\n")[0] || String(error)}`, {
      cause: error,
      hint: "--ref and --staged read the files from Git: run them inside a Git repository, with a ref that exists.",
    });
  }
}

/** Files under `prefix` at `source`, from `git ls-tree` (a ref) or `git ls-files --stage` (the index). */
async function listTree(top: string, source: GitSource, prefix: string): Promise<TreeEntry[]> {
  const pathspec = prefix === "" ? [] : ["--", prefix];
  if ("ref" in source) {
    const commit = (await git(top, ["rev-parse", "--verify", "--quiet", `${source.ref}^{commit}`])).trim();
    const text = await git(top, ["ls-tree", "-r", "-z", "--full-tree", commit, ...pathspec]);
    return text
      .split("\0")
      .filter(Boolean)
      .flatMap((line) => {
        // <mode> SP <type> SP <object> TAB <path>
        const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(line);
        return match && match[2] === "blob" ? [{ mode: match[1]!, blob: match[3]!, path: match[4]! }] : [];
      });
  }
  const text = await git(top, ["ls-files", "--stage", "-z", ...pathspec]);
  return text
    .split("\0")
    .filter(Boolean)
    .flatMap((line) => {
      // <mode> SP <object> SP <stage> TAB <path>; a conflicted file (stage 1–3) is checked as "ours".
      const match = /^(\d+) ([0-9a-f]+) (\d)\t(.*)$/s.exec(line);
      return match && (match[3] === "0" || match[3] === "2") && match[1] !== "160000"
        ? [{ mode: match[1]!, blob: match[2]!, path: match[4]! }]
        : [];
    });
}

/** The contents of many blobs through one `git cat-file --batch`. */
function readBlobs(top: string, blobs: readonly string[]): Promise<Map<string, Buffer>> {
  return new Promise((done, fail) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd: top, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.resume();
    child.on("error", fail);
    child.on("close", (code) => {
      if (code !== 0) return fail(new UsageError(`git cat-file failed (exit ${code}).`));
      const output = Buffer.concat(chunks);
      const contents = new Map<string, Buffer>();
      let offset = 0;
      while (offset < output.length) {
        const headerEnd = output.indexOf(0x0a, offset);
        const [blob, , size] = output.subarray(offset, headerEnd).toString("utf8").split(" ");
        const length = Number(size);
        contents.set(blob ?? "", output.subarray(headerEnd + 1, headerEnd + 1 + length));
        offset = headerEnd + 1 + length + 1;
      }
      done(contents);
    });
    child.stdin.end(`${[...new Set(blobs)].join("\n")}\n`);
  });
}

/** Copies `file` (relative to both folders) from `from` to `to` unless `to` has it already. */
export async function copyIfMissing(options: { from: string; to: string; file: string }): Promise<void> {
  const source = resolve(options.from, options.file);
  const target = resolve(options.to, options.file);
  if (!target.startsWith(`${options.to}${sep}`) || existsSync(target) || !existsSync(source)) return;
  await mkdir(dirname(target), { recursive: true });
  await cp(source, target);
}

/**
 * Writes the files of the working directory's project as they are at `source` into a temp
 * folder, for `wf-sync check --ref` / `--staged` (a hook checks what is committed or pushed,
 * not the working tree). Files the project keeps out of Git but needs to check offline are
 * taken from the working tree when the snapshot lacks them: `extraFiles` (the schema cache,
 * and the config when it is not committed).
 */
export async function snapshotFromGit(options: {
  cwd: string;
  source: GitSource;
  /** Paths relative to `cwd` copied from the working tree when the snapshot has none. */
  extraFiles: readonly string[];
}): Promise<GitSnapshot> {
  const top = (await git(options.cwd, ["rev-parse", "--show-toplevel"])).trim();
  const prefix = (await git(options.cwd, ["rev-parse", "--show-prefix"])).trim();
  const entries = await listTree(top, options.source, prefix);
  const contents = await readBlobs(
    top,
    entries.map((entry) => entry.blob),
  );
  const dir = await mkdtemp(join(tmpdir(), "wf-sync-ref-"));
  try {
    for (const entry of entries) {
      const target = join(dir, ...entry.path.split("/"));
      await mkdir(dirname(target), { recursive: true });
      const content = contents.get(entry.blob) ?? Buffer.alloc(0);
      if (entry.mode === "120000") await symlink(content.toString("utf8"), target);
      else await writeFile(target, content);
    }
    const cwd = join(dir, ...prefix.split("/").filter(Boolean));
    await mkdir(cwd, { recursive: true });
    for (const file of options.extraFiles) await copyIfMissing({ from: options.cwd, to: cwd, file });
    const label = "ref" in options.source ? `at ${options.source.ref}` : "as staged";
    return { cwd, label, close: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
