/**
 * `npm run bench`: every benchmark of the project, one after the other. The network benchmark
 * (bench/network.ts, rate-limited sandbox) runs when it is present; the files benchmark always.
 * BENCH_FILES sets the number of generated Markdown files (default 10 000).
 */
import { runFilesBench } from "./files.ts";

const log = (line: string) => process.stdout.write(`${line}\n`);

// Imported by name at run time so this file builds before (or without) the network benchmark.
const networkModule = "./network.js";
try {
  const network = (await import(networkModule)) as { runNetworkBench?: (options: { log: typeof log }) => Promise<unknown> };
  if (network.runNetworkBench) {
    await network.runNetworkBench({ log });
    log("");
  }
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
}

await runFilesBench({ files: Number(process.env["BENCH_FILES"] ?? "") || undefined, log });
