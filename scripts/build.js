// Builds dist/ for this checkout (never shipped: package.json `files` holds dist only).
//   node scripts/build.js --clean      from `prepack`: a fresh dist/ for the tarball
//   node scripts/build.js --if-stale   from `presync`: build when dist/ is missing or older than
//                                      the sources, so `npm install && npm run sync` works
//                                      without an install script (which would run in every
//                                      project that installs the tarball).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const dist = join(root, "dist");
const marker = join(dist, "cli", "bin.js");

function newestSourceMs() {
  const sources = ["package.json", "tsconfig.json", "tsconfig.build.json"].map((name) => join(root, name));
  for (const entry of readdirSync(join(root, "src"), { recursive: true, withFileTypes: true }))
    if (entry.isFile() && entry.name.endsWith(".ts")) sources.push(join(entry.parentPath, entry.name));
  return Math.max(...sources.filter((file) => existsSync(file)).map((file) => statSync(file).mtimeMs));
}

const args = new Set(process.argv.slice(2));
if (args.has("--if-stale") && existsSync(marker) && statSync(marker).mtimeMs >= newestSourceMs())
  process.exit(0);
if (args.has("--clean")) rmSync(dist, { recursive: true, force: true });
if (args.has("--if-stale")) process.stderr.write("Building dist/ (missing or older than src/)…\n");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
if (!existsSync(tsc)) {
  process.stderr.write(
    "TypeScript is not installed here: run `npm install` in the wf-sync checkout first.\n",
  );
  process.exit(2);
}
const result = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
