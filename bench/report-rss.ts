/**
 * Preloaded (`node --import`) into the wf-sync CLI by the files benchmark: at exit, writes the
 * process's peak RSS and CPU time to the file named by BENCH_RSS_FILE, so the CLI is measured
 * as users run it. The other children print `usage()` themselves.
 */
import { writeFileSync } from "node:fs";
import { usage } from "./usage.ts";

const target = process.env["BENCH_RSS_FILE"];
if (target) {
  process.on("exit", () => {
    writeFileSync(target, JSON.stringify(usage()));
  });
}
