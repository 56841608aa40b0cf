import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileDigestCache, RACY_MARGIN_MS, stampOf } from "./file-digests.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wf-sync-digests-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a file and sets its mtime an hour back, as a file untouched since the last run. */
async function oldFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  // Whole seconds, so a test can put exactly this mtime back.
  const hourAgo = Math.floor(Date.now() / 1000) - 3600;
  await utimes(path, hourAgo, hourAgo);
  return path;
}

describe("file digest cache", () => {
  it("answers for a file whose stamp is unchanged, and survives the stored form", async () => {
    const path = await oldFile("a.md", "# A\n");
    const cache = createFileDigestCache(undefined);
    cache.remember("a.md", stampOf(path), "digest-a");
    expect(cache.hasChanged).toBe(true);
    const next = createFileDigestCache(cache.toStored());
    expect(next.lookup("a.md", stampOf(path))).toBe("digest-a");
    expect(next.hasChanged).toBe(false);
  });

  it("misses when the bytes were rewritten, even with the same size and the old mtime put back", async () => {
    const path = await oldFile("a.md", "# A\n");
    const stamp = stampOf(path);
    const cache = createFileDigestCache(undefined);
    cache.remember("a.md", stamp, "digest-a");
    await new Promise((done) => setTimeout(done, 20));
    await writeFile(path, "# B\n");
    const seconds = (stamp?.mtimeMs ?? 0) / 1000;
    await utimes(path, seconds, seconds);
    expect(stampOf(path)?.mtimeMs).toBe(stamp?.mtimeMs);
    expect(cache.lookup("a.md", stampOf(path))).toBeUndefined();
  });

  it("does not remember a file written within the racy margin of the stat before its read", async () => {
    const path = join(dir, "fresh.md");
    await writeFile(path, "fresh\n");
    const cache = createFileDigestCache(undefined);
    cache.remember("fresh.md", stampOf(path), "digest-fresh");
    expect(cache.hasChanged).toBe(false);
    expect(cache.lookup("fresh.md", stampOf(path))).toBeUndefined();
    // The same file, stat'ed (and read) well after it was written, is remembered.
    const later = stampOf(path);
    if (!later) throw new Error("fresh.md has no stamp");
    cache.remember("fresh.md", { ...later, takenAt: later.mtimeMs + RACY_MARGIN_MS + 1 }, "digest-fresh");
    expect(cache.lookup("fresh.md", stampOf(path))).toBe("digest-fresh");
  });

  it("forgets an entry whose file became too fresh to trust, and keeps only the paths asked for", async () => {
    const a = await oldFile("a.md", "a");
    const b = await oldFile("b.md", "b");
    const first = createFileDigestCache(undefined);
    first.remember("a.md", stampOf(a), "digest-a");
    first.remember("b.md", stampOf(b), "digest-b");
    expect(Object.keys(first.toStored(new Set(["b.md"])))).toEqual(["b.md"]);

    await writeFile(a, "A");
    const next = createFileDigestCache(first.toStored());
    next.remember("a.md", stampOf(a), "digest-A");
    expect(next.hasChanged).toBe(true);
    expect(Object.keys(next.toStored())).toEqual(["b.md"]);
  });

  it("has no stamp for a missing file or a folder", () => {
    expect(stampOf(join(dir, "missing.md"))).toBeUndefined();
    expect(stampOf(dir)).toBeUndefined();
  });
});
