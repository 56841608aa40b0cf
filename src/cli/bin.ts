#!/usr/bin/env node
import { main } from "./main.ts";

const controller = new AbortController();
let interruptedBy: "SIGINT" | "SIGTERM" | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // A second signal means "now": leave at once with the conventional code.
    if (interruptedBy) process.exit(signal === "SIGINT" ? 130 : 143);
    interruptedBy = signal;
    controller.abort();
  });
}
process.exitCode = await main({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  stderrRaw: (text) => process.stderr.write(text),
  stderrColumns: process.stderr.columns,
  isStdoutTty: process.stdout.isTTY,
  isStderrTty: process.stderr.isTTY,
  signal: controller.signal,
  interruptedBy: () => interruptedBy,
});
