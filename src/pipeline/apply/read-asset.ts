import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";

export { contentTypeFor } from "../../core/content-types.ts";

/** Size of a local file, or undefined when it does not exist. */
export async function assetSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a local asset and its MD5 (Webflow's `fileHash`, hex). */
export async function readAsset(path: string): Promise<{ bytes: Uint8Array; md5: string }> {
  const bytes = await readFile(path);
  return { bytes, md5: createHash("md5").update(bytes).digest("hex") };
}
