/**
 * Network benchmark (issue 3): syncs N generated items into the sandbox under a scaled rate
 * limit, first created then all updated, and reports write requests per item, item throughput
 * against the bound 100 × limit / window (half that for updates, which write the staged and
 * then the live copy), 429s and failed items. Then the same under 10 % 5xx
 * and 5 % dropped connections (half after the write was applied), a run under a limit tight
 * enough that the rate limit, not the machine, sets the pace, and a naive baseline (one live
 * POST/PATCH per item at concurrency 4) doing the same work, for the ratio of wall times.
 */
import pLimit from "p-limit";
import { setTimeout as sleep } from "node:timers/promises";
import { startSandbox, type FaultOptions, type Sandbox } from "../src/sandbox/index.ts";
import {
  bodyMarker,
  createNetworkProject,
  expectedFields,
  findProblems,
  NETWORK_COLLECTION_ID,
  networkSeed,
  postsAt,
  syncProject,
  type PostSpec,
} from "./network-project.ts";

export interface NetworkBenchOptions {
  items: number;
  limit: number;
  windowMs: number;
  /** Requests per window for the run where the limit sets the pace. */
  tightLimit: number;
  isBaselineRun: boolean;
  log: (line: string) => void;
}

interface PhaseResult {
  name: string;
  items: number;
  wallMs: number;
  /** From the first write request to the end of the run: the part the rate limit governs. */
  pushMs: number;
  writes: number;
  rateLimited: number;
  failed: number;
  problems: string[];
  limit: number;
  windowMs: number;
  /** Write requests each batch of 100 items needs by design: 1 to create, 2 to update (staged, then live). */
  requestsPerBatch: number;
}

const ITEMS_PER_REQUEST = 100;

function boundPerSecond(limit: number, windowMs: number): number {
  return (ITEMS_PER_REQUEST * limit * 1000) / windowMs;
}

function countWrites(sandbox: Sandbox): number {
  return sandbox.requests.filter((request) => request.method !== "GET").length;
}

/** A phase's bound: an update writes each batch twice (staged, then live; docs/webflow-model.md). */
function phaseBound(phase: PhaseResult): number {
  return boundPerSecond(phase.limit, phase.windowMs) / phase.requestsPerBatch;
}

/**
 * Items per second while pushing, against the phase's bound. The push time gets one request
 * slot (window / limit) added, so that a run paced exactly at the limit scores 100 %.
 */
function pushFraction(phase: PhaseResult): number {
  const seconds = (phase.pushMs + phase.windowMs / phase.limit) / 1000;
  return phase.items / seconds / phaseBound(phase);
}

/** One sync of a project at a version; measured from outside, as a user would see it. */
async function measuredSync(options: {
  name: string;
  root: string;
  sandbox: Sandbox;
  specs: PostSpec[];
  limit: number;
  windowMs: number;
  requestsPerBatch: number;
}): Promise<PhaseResult> {
  const { sandbox } = options;
  const writesBefore = countWrites(sandbox);
  const refusedBefore = sandbox.stats.rateLimited;
  const requestsBefore = sandbox.requests.length;
  const started = Date.now();
  const report = await syncProject(options.root, sandbox, { retryBaseMs: 100 });
  const ended = Date.now();
  const firstWrite = sandbox.requests.slice(requestsBefore).find((request) => request.method !== "GET");
  return {
    name: options.name,
    items: options.specs.length,
    wallMs: ended - started,
    pushMs: ended - (firstWrite?.at ?? started),
    writes: countWrites(sandbox) - writesBefore,
    rateLimited: sandbox.stats.rateLimited - refusedBefore,
    failed: report.totals.failed,
    problems: findProblems(sandbox, options.specs),
    limit: options.limit,
    windowMs: options.windowMs,
    requestsPerBatch: options.requestsPerBatch,
  };
}

/** Creates N items, then updates all of them, under the given limit and faults. */
async function createThenUpdate(options: {
  label: string;
  items: number;
  limit: number;
  windowMs: number;
  faults?: FaultOptions;
}): Promise<{ phases: PhaseResult[]; confirmWrites: number; confirmRequests: string[] }> {
  await using sandbox = await startSandbox({
    port: 0,
    seed: networkSeed,
    quiet: true,
    rateLimit: { limit: options.limit, windowMs: options.windowMs },
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const project = await createNetworkProject(postsAt(options.items, 1));
  try {
    const common = { root: project.root, sandbox, limit: options.limit, windowMs: options.windowMs };
    const created = await measuredSync({
      ...common,
      name: `${options.label} create`,
      requestsPerBatch: 1,
      specs: postsAt(options.items, 1),
    });
    await project.write(postsAt(options.items, 2));
    const updated = await measuredSync({
      ...common,
      name: `${options.label} update`,
      requestsPerBatch: 2,
      specs: postsAt(options.items, 2),
    });
    sandbox.setFaults(undefined);
    const before = countWrites(sandbox);
    const requestsBefore = sandbox.requests.length;
    await syncProject(project.root, sandbox);
    // A no-op: what it sent, by method and path (the goal: the schema read alone).
    const confirmRequests = sandbox.requests
      .slice(requestsBefore)
      .map((request) => `${request.method} ${request.path}`);
    return { phases: [created, updated], confirmWrites: countWrites(sandbox) - before, confirmRequests };
  } finally {
    await project.remove();
  }
}

/** The naive way: one live POST per item, then one live PATCH per item, four at a time, waiting out each 429. */
async function naiveBaseline(options: {
  items: number;
  limit: number;
  windowMs: number;
}): Promise<{ createMs: number; updateMs: number; requests: number; rateLimited: number }> {
  await using sandbox = await startSandbox({
    port: 0,
    seed: networkSeed,
    quiet: true,
    rateLimit: { limit: options.limit, windowMs: options.windowMs },
  });
  const base = `${sandbox.baseUrl}/collections/${NETWORK_COLLECTION_ID}/items`;
  const headers = { authorization: "Bearer bench-token", "content-type": "application/json" };
  const fieldDataOf = (spec: PostSpec) => ({ ...expectedFields(spec), body: `<p>${bodyMarker(spec)}</p>` });
  async function send(method: string, url: string, body: unknown): Promise<Record<string, unknown>> {
    for (;;) {
      const response = await fetch(url, { method, headers, body: JSON.stringify(body) });
      const text = await response.text();
      if (response.status === 429) {
        await sleep(Number(response.headers.get("retry-after") ?? "60") * 1000);
        continue;
      }
      if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${text}`);
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    }
  }
  const limit = pLimit(4);
  const ids = new Map<number, string>();
  let started = performance.now();
  await Promise.all(
    postsAt(options.items, 1).map((spec) =>
      limit(async () => {
        const created = await send("POST", `${base}/live`, { fieldData: fieldDataOf(spec) });
        ids.set(spec.index, String(created["id"]));
      }),
    ),
  );
  const createMs = performance.now() - started;
  started = performance.now();
  await Promise.all(
    postsAt(options.items, 2).map((spec) =>
      limit(() =>
        send("PATCH", `${base}/${ids.get(spec.index) ?? ""}/live`, { fieldData: fieldDataOf(spec) }),
      ),
    ),
  );
  const updateMs = performance.now() - started;
  return { createMs, updateMs, requests: sandbox.requests.length, rateLimited: sandbox.stats.rateLimited };
}

function formatRow(cells: Array<string | number>, widths: number[]): string {
  return cells
    .map((cell, index) =>
      index === 0 ? String(cell).padEnd(widths[index] ?? 0) : String(cell).padStart(widths[index] ?? 0),
    )
    .join("  ");
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(0)} %`;
}

export async function runNetworkBench(options: NetworkBenchOptions): Promise<{ isGoalMet: boolean }> {
  const { items, limit, windowMs, log } = options;
  log(
    `network benchmark: ${items} items, rate limit ${limit} requests / ${windowMs} ms (bound ${boundPerSecond(limit, windowMs).toFixed(0)} items/s to create, half that to update: staged, then live)`,
  );

  const plain = await createThenUpdate({ label: "batched", items, limit, windowMs });
  log(`  running under 10 % 5xx and 5 % dropped connections...`);
  const faulty = await createThenUpdate({
    label: "faults",
    items,
    limit,
    windowMs,
    faults: {
      seed: 42,
      serverErrorRate: 0.1,
      dropBeforeRate: 0.025,
      dropAfterRate: 0.025,
      onlyWrites: false,
    },
  });
  log(
    `  running under a limit of ${options.tightLimit} requests / ${windowMs} ms, so that the limit sets the pace...`,
  );
  const tight = await createThenUpdate({ label: "tight limit", items, limit: options.tightLimit, windowMs });

  const header = [
    "phase",
    "items",
    "wall s",
    "push s",
    "writes",
    "writes/item",
    "push items/s",
    "of bound",
    "429s",
    "failed",
    "wrong items",
  ];
  const rows = [...plain.phases, ...faulty.phases, ...tight.phases].map((phase) => {
    const fraction = pushFraction(phase);
    return [
      phase.name,
      phase.items,
      (phase.wallMs / 1000).toFixed(1),
      (phase.pushMs / 1000).toFixed(1),
      phase.writes,
      (phase.writes / phase.items).toFixed(4),
      (fraction * phaseBound(phase)).toFixed(0),
      percent(fraction),
      phase.rateLimited,
      phase.failed,
      phase.problems.length,
    ];
  });
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => String(row[column]).length)),
  );
  log("");
  log(formatRow(header, widths));
  for (const row of rows) log(formatRow(row, widths));
  for (const phase of [...plain.phases, ...faulty.phases, ...tight.phases]) {
    for (const problem of phase.problems.slice(0, 5)) log(`  ${phase.name}: ${problem}`);
  }
  log(
    "(push = first write request to the end of the run; wall includes reading and rendering the files. Above 100 %: the limit did not bind.)",
  );
  log(
    `confirming runs after the batched / faulty / tight runs sent ${plain.confirmWrites} / ${faulty.confirmWrites} / ${tight.confirmWrites} writes`,
  );

  const batchedMs = plain.phases.reduce((sum, phase) => sum + phase.wallMs, 0);
  if (options.isBaselineRun) {
    log(`  running the naive baseline (one live POST/PATCH per item, concurrency 4)...`);
    const baseline = await naiveBaseline({ items, limit, windowMs });
    const baselineMs = baseline.createMs + baseline.updateMs;
    log(
      `naive baseline: create ${(baseline.createMs / 1000).toFixed(1)} s, update ${(baseline.updateMs / 1000).toFixed(1)} s, ${baseline.requests} requests, ${baseline.rateLimited} 429s; ` +
        `batched ${(batchedMs / 1000).toFixed(1)} s: baseline / batched wall time = ${(baselineMs / batchedMs).toFixed(1)}×`,
    );
  }

  const all = [...plain.phases, ...faulty.phases, ...tight.phases];
  const writesPerItem = Math.max(...plain.phases.map((phase) => phase.writes / phase.items));
  const tightFraction = Math.min(...tight.phases.map((phase) => pushFraction(phase)));
  const goals: Array<[string, boolean]> = [
    [
      // A changed live item costs a staged and a live PATCH (docs/webflow-model.md): two bulk requests per 100.
      `write requests per changed item ≤ 0.021 for N ≥ 1,000 (${writesPerItem.toFixed(4)} for N = ${items})`,
      writesPerItem <= 0.021,
    ],
    [
      `a no-op sends only the schema read (${plain.confirmRequests.join(", ") || "nothing"})`,
      plain.confirmRequests.length === 1 &&
        plain.confirmRequests[0] === `GET /v2/collections/${NETWORK_COLLECTION_ID}`,
    ],
    [
      `item throughput where the limit sets the pace ≥ 90 % of the bound (${percent(tightFraction)})`,
      tightFraction >= 0.9,
    ],
    [
      `zero failed items (${all.reduce((sum, phase) => sum + phase.failed, 0)})`,
      all.every((phase) => phase.failed === 0),
    ],
    [
      `every item exactly once with the right content (${all.reduce((sum, phase) => sum + phase.problems.length, 0)} wrong)`,
      all.every((phase) => phase.problems.length === 0),
    ],
    [
      `after the faulty run a second run writes nothing (${faulty.confirmWrites})`,
      faulty.confirmWrites === 0,
    ],
  ];
  log("");
  for (const [goal, isMet] of goals) log(`${isMet ? "✔" : "✘"} ${goal}`);
  return { isGoalMet: goals.every(([, isMet]) => isMet) };
}
