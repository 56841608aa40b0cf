/**
 * Preloaded (`node --import`) into the wf-sync CLI by the files benchmark: at exit, writes the
 * process's peak RSS to the file named by BENCH_RSS_FILE, so the CLI is measured as users run it.
 */
import { writeFileSync } from "node:fs";

const target = process.env["BENCH_RSS_FILE"];
if (target) {
  process.on("exit", () => {
    writeFileSync(target, JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024 }));
  });
}
