import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalFileError } from "../../errors.ts";
import { asLocalFileError } from "./local-fault.ts";
import { createManifestWriter, emptyManifest, readManifest, writeFileAtomic } from "./manifest-store.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wf-sync-manifest-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An error as Node's fs gives it for a full disk or a read-only file system. */
function osError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, write`), { code, errno: -28, syscall: "write" });
}

describe("local file-system faults at the manifest", () => {
  it("reads a manifest that is a folder as a LocalFileError naming the path (EISDIR), not a crash", async () => {
    const path = join(dir, "manifest.json");
    await mkdir(path);
    const error = await readManifest(path, "t").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LocalFileError);
    expect(error).toMatchObject({ code: "WF_LOCAL_FILE", osCode: "EISDIR", exitCode: 2 });
    expect((error as Error).message).toBe(
      `${path}: cannot read the manifest: it is a folder, where a file belongs (EISDIR).`,
    );
  });

  it("writes atomically into a path under a regular file as EEXIST, and over a folder as EISDIR, leaving no temporary file", async () => {
    await writeFile(join(dir, "blocker"), "a file");
    const underFile = await writeFileAtomic(join(dir, "blocker/manifest.json"), "{}").catch(
      (e: unknown) => e,
    );
    // mkdir meets the file first (EEXIST).
    expect(underFile).toMatchObject({ code: "WF_LOCAL_FILE", osCode: "EEXIST" });
    await mkdir(join(dir, "folder.json"));
    await writeFile(join(dir, "folder.json/inside"), "x");
    const overFolder = await writeFileAtomic(join(dir, "folder.json"), "{}").catch((e: unknown) => e);
    expect(overFolder).toBeInstanceOf(LocalFileError);
    expect(overFolder).toMatchObject({ osCode: "EISDIR" });
    expect((await readdir(dir)).sort()).toEqual(["blocker", "folder.json"]);
  });

  it.each(["ENOSPC", "EROFS", "EACCES"])(
    "stops every later save at the first %s, keeping the last good manifest",
    async (code) => {
      const path = join(dir, "manifest.json");
      const manifest = emptyManifest("t");
      let writes = 0;
      const writer = createManifestWriter(path, manifest, {
        write: async (target, text) => {
          writes++;
          if (writes > 1) throw osError(code);
          await writeFileAtomic(target, text);
        },
      });
      manifest.assets["a"] = { fileId: "1", url: "u", fileName: "a.png" };
      await writer.save();
      const good = await readFile(path, "utf8");
      manifest.assets["b"] = { fileId: "2", url: "u", fileName: "b.png" };
      const first = await writer.save().catch((e: unknown) => e);
      expect(first).toBeInstanceOf(LocalFileError);
      expect(first).toMatchObject({ osCode: code, exitCode: 2 });
      expect((first as Error).message).toMatch(new RegExp(`^${path}: cannot write: .* \\(${code}\\)\\.$`));
      manifest.assets["c"] = { fileId: "3", url: "u", fileName: "c.png" };
      expect(await writer.save().catch((e: unknown) => e)).toBe(first);
      expect(writes).toBe(2);
      expect(await readFile(path, "utf8")).toBe(good);
      expect(JSON.parse(good)).toMatchObject({ assets: { a: { fileId: "1" } } });
    },
  );

  it("leaves errors that are not the machine's state alone (they stay bugs)", () => {
    const bug = new TypeError("x is undefined");
    expect(asLocalFileError(bug, { path: "p", action: "write" })).toBe(bug);
    expect(
      asLocalFileError(Object.assign(new Error("?"), { code: "ERR_SOMETHING" }), {
        path: "p",
        action: "write",
      }),
    ).not.toBeInstanceOf(LocalFileError);
    expect(existsSync(dir)).toBe(true);
  });
});
