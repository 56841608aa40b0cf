/**
 * `npm run bench`: runs the benchmarks one after another (not part of `npm test`). It builds
 * the CLI (dist/) and compiles bench/ with src/ into bench-build/ (tsconfig.bench.json, not
 * published), then runs bench-build/bench/run.js, so no timed child pays for a transpiler.
 * Options: --items N (default 1000), --limit R and --window MS (default 60 requests per
 * 3000 ms), --tight-limit R (default 2), --no-baseline (skip the naive baseline, which takes
 * N × 2 / (limit / window) seconds), --only network|files|pathological, --runs N (default 5: floor, no-op
 * and edit are reported by their median) and --render-runs N (default 3). The files benchmark
 * (files.ts) takes BENCH_FILES (default 10 000).
 */
import { parseArgs } from "node:util";
import { runFilesBench } from "./files.ts";
import { runNetworkBench } from "./network.ts";
import { runPathologicalBench } from "./pathological.ts";

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "1000" },
    limit: { type: "string", default: "60" },
    window: { type: "string", default: "3000" },
    "tight-limit": { type: "string", default: "2" },
    "no-baseline": { type: "boolean", default: false },
    only: { type: "string" },
    runs: { type: "string", default: "5" },
    "render-runs": { type: "string", default: "3" },
  },
});

const log = (line: string) => console.log(line);
let isGoalMet = true;

if (!values.only || values.only === "network") {
  const network = await runNetworkBench({
    items: Number(values.items),
    limit: Number(values.limit),
    windowMs: Number(values.window),
    tightLimit: Number(values["tight-limit"]),
    isBaselineRun: !values["no-baseline"],
    log,
  });
  isGoalMet &&= network.isGoalMet;
}

if (!values.only || values.only === "files") {
  if (!values.only) log("");
  const files = await runFilesBench({
    files: Number(process.env["BENCH_FILES"] ?? "") || undefined,
    runs: Number(values.runs),
    renderRuns: Number(values["render-runs"]),
    log,
  });
  isGoalMet &&= Object.entries(files.ratios).every(
    ([name, ratio]) => ratio.isMet || name.includes("remark only"),
  );
}

if (!values.only || values.only === "pathological") {
  if (!values.only) log("");
  log("Pathological inputs: one file's parse + render at 1×, 10× and 100× its base size (issue 14).");
  runPathologicalBench({ log });
}

process.exitCode = isGoalMet ? 0 : 1;
