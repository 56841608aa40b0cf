/**
 * `npm run bench`: runs the benchmarks one after another (not part of `npm test`).
 * Options: --items N (default 1000), --limit R and --window MS (default 60 requests per
 * 3000 ms), --tight-limit R (default 2), --no-baseline (skip the naive baseline, which takes
 * N × 2 / (limit / window) seconds), --only network|files. The files benchmark (issue 7,
 * src/bench/files.ts) takes BENCH_FILES (default 10 000).
 */
import { parseArgs } from "node:util";
import { runNetworkBench } from "./network.ts";

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "1000" },
    limit: { type: "string", default: "60" },
    window: { type: "string", default: "3000" },
    "tight-limit": { type: "string", default: "2" },
    "no-baseline": { type: "boolean", default: false },
    only: { type: "string" },
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
  // The files benchmark runs its phases as child processes of its compiled self, so it is
  // imported from dist/ (npm run bench builds first), by a name tsc does not resolve.
  const filesModule = "../dist/bench/files.js";
  const files = (await import(filesModule)) as {
    runFilesBench: (options: { files?: number | undefined; log: (line: string) => void }) => Promise<unknown>;
  };
  await files.runFilesBench({ files: Number(process.env["BENCH_FILES"] ?? "") || undefined, log });
}

process.exitCode = isGoalMet ? 0 : 1;
