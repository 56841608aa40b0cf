import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { startSandbox } from "../../src/sandbox/index.ts";
import type { RecordedRequest, Sandbox, SandboxOptions, SandboxSeed } from "../../src/sandbox/index.ts";
import { FIXTURES } from "./project.ts";

const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

/** Reads a fixture's sandbox seed (`test/fixtures/<name>/seed.json` unless another file is named). */
export async function fixtureSeed(name: string, file = "seed.json"): Promise<SandboxSeed> {
  return JSON.parse(await readFile(resolve(FIXTURES, name, file), "utf8")) as SandboxSeed;
}

/** Starts the emulator on 127.0.0.1 port 0 with a seed; `await using` closes it. */
export async function startTestSandbox(
  seed: SandboxSeed,
  options: Omit<SandboxOptions, "port" | "seed"> = {},
): Promise<Sandbox> {
  return startSandbox({ port: 0, seed, quiet: true, ...options });
}

/** The write requests (POST/PATCH/PUT/DELETE) the sandbox saw. */
export function writeRequests(sandbox: Sandbox): RecordedRequest[] {
  return sandbox.requests.filter((request) => WRITE_METHODS.has(request.method));
}

/** "METHOD path" of every request, for readable failure messages. */
export function describeRequests(requests: readonly RecordedRequest[]): string[] {
  return requests.map((request) => `${request.method} ${request.path}`);
}

/** Item ids named in a write request's body (`items[].id`, `itemIds`) or path. */
export function itemIdsOf(request: RecordedRequest): string[] {
  const ids = new Set<string>();
  const body = request.body as
    { items?: Array<{ id?: unknown }>; itemIds?: unknown[]; id?: unknown } | null | undefined;
  for (const item of body?.items ?? []) if (typeof item.id === "string") ids.add(item.id);
  for (const id of body?.itemIds ?? []) if (typeof id === "string") ids.add(id);
  const fromPath = /\/items\/([0-9a-f]{24})(?:\/|$)/.exec(request.path)?.[1];
  if (fromPath) ids.add(fromPath);
  return [...ids];
}

/** Staged items of a collection by slug. */
export function itemsBySlug(
  sandbox: Sandbox,
  collectionId: string,
): Map<string, ReturnType<Sandbox["items"]>[number]> {
  return new Map(sandbox.items(collectionId).map((item) => [String(item.fieldData["slug"]), item]));
}

/** Live items' slugs of a collection, sorted. */
export function liveSlugs(sandbox: Sandbox, collectionId: string): string[] {
  return sandbox
    .liveItems(collectionId)
    .map((item) => String(item.fieldData["slug"]))
    .sort();
}
