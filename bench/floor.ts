/**
 * The floor of the files benchmark (issue 11, item 7), as a process of its own that loads
 * nothing but Node's built-ins: list the files with `readdirSync(dir, { recursive: true })`,
 * then read each with `readFileSync` and SHA-256 it, one after the other. Any incremental tool
 * must do at least this much (a no-op may beat it by trusting stat stamps, but none does less
 * at start-up). `node bench-build/bench/floor.js <dir>` prints one JSON line: peak RSS, detail.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { usage } from "./usage.ts";

const dir = process.argv[2] ?? ".";
let files = 0;
let bytes = 0;
for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
  if (!name.endsWith(".md")) continue;
  const data = readFileSync(join(dir, name));
  createHash("sha256").update(data).digest("hex");
  files++;
  bytes += data.length;
}
const detail = `${files} files, ${(bytes / 1e6).toFixed(1)} MB`;
process.stdout.write(`${JSON.stringify({ ...usage(), detail })}\n`);
