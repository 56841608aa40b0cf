/**
 * The emulator in tests: start it with a seed, and read what it holds and what it was sent
 * (items by slug, write requests, assets, locale ids) for exact assertions.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { startSandbox } from "../../src/sandbox/index.ts";
import type {
  RecordedRequest,
  Sandbox,
  SandboxAsset,
  SandboxOptions,
  SandboxSeed,
} from "../../src/sandbox/index.ts";
import { FIXTURES } from "./project.ts";

const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

/** Reads a fixture's sandbox seed (`test/fixtures/<name>/seed.json` unless another file is named). */
export async function fixtureSeed(name: string, file = "seed.json"): Promise<SandboxSeed> {
  return JSON.parse(await readFile(resolve(FIXTURES, name, file), "utf8")) as SandboxSeed;
}

/** Starts the emulator on 127.0.0.1 port 0 with a seed, quietly; `await using` closes it. */
export async function startTestSandbox(
  seed: SandboxSeed,
  options: Omit<SandboxOptions, "port" | "seed"> = {},
): Promise<Sandbox> {
  return startSandbox({ port: 0, seed, quiet: true, ...options });
}

/** The write requests (POST/PATCH/PUT/DELETE: API calls and byte uploads) the sandbox saw. */
export function writeRequests(sandbox: Sandbox): RecordedRequest[] {
  return sandbox.requests.filter((request) => WRITE_METHODS.has(request.method));
}

/** "METHOD path" of every request, for readable failure messages. */
export function describeRequests(requests: readonly RecordedRequest[]): string[] {
  return requests.map((request) => `${request.method} ${request.path}`);
}

/** Resolves true once `count` write requests have reached the sandbox, false if `run` ends first. */
export async function writesReached(
  sandbox: Sandbox,
  count: number,
  run: { done: Promise<unknown> },
): Promise<boolean> {
  let hasEnded = false;
  void run.done.then(() => (hasEnded = true));
  while (!hasEnded) {
    if (writeRequests(sandbox).length >= count) return true;
    await new Promise((wake) => setTimeout(wake, 1));
  }
  return false;
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

/** A site's cmsLocaleIds by tag, read through the API as the tool reads them. */
export async function cmsLocaleIds(sandbox: Sandbox, siteId: string): Promise<Record<string, string>> {
  const response = await fetch(`${sandbox.baseUrl}/sites/${siteId}`, {
    headers: { authorization: "Bearer test-token" },
  });
  const site = (await response.json()) as {
    locales: {
      primary: { tag: string; cmsLocaleId: string };
      secondary: Array<{ tag: string; cmsLocaleId: string }>;
    };
  };
  sandbox.requests.pop(); // this look-up is the test's, not the tool's
  return Object.fromEntries(
    [site.locales.primary, ...site.locales.secondary].map((locale) => [locale.tag, locale.cmsLocaleId]),
  );
}

/** The one asset of a site uploaded under `fileName`; fails when there is none or several. */
export function assetNamed(sandbox: Sandbox, siteId: string, fileName: string): SandboxAsset {
  const found = sandbox.assets(siteId).filter((asset) => asset.originalFileName === fileName);
  if (found.length !== 1) throw new Error(`expected one asset named ${fileName}, found ${found.length}`);
  return found[0] as SandboxAsset;
}

/** Asset-creating requests (`POST /sites/{id}/assets`) and byte uploads (`POST /upload/…`) the sandbox saw. */
export function assetTraffic(sandbox: Sandbox, siteId: string): { creates: string[]; uploads: number } {
  const creates = sandbox.requests
    .filter((request) => request.method === "POST" && request.path === `/v2/sites/${siteId}/assets`)
    .map((request) => String((request.body as { fileName?: unknown } | null)?.fileName));
  const uploads = sandbox.requests.filter(
    (request) => request.method === "POST" && request.path.startsWith("/upload/"),
  ).length;
  return { creates: creates.sort(), uploads };
}
