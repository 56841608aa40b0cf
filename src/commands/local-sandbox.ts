import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ResolvedConfig } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { slugify } from "../core/slugify.ts";
import { startSandbox, type Sandbox, type SandboxSeed, type SeedCollection } from "../sandbox/index.ts";
import { loadCollectionFiles } from "../pipeline/discover/discover.ts";
import { RESERVED_FRONTMATTER_KEYS } from "../core/map-fields.ts";

/** Site id the sandbox uses when the config names none. */
export const SANDBOX_SITE_ID = "5a0d5a0d5a0d5a0d5a0d5a0d";

const CONTROL_KEYS = RESERVED_FRONTMATTER_KEYS;

function inferType(values: unknown[]): string | undefined {
  const present = values.filter((value) => value !== null && value !== undefined);
  if (present.length === 0) return "PlainText";
  if (present.every((value) => typeof value === "boolean")) return "Switch";
  if (present.every((value) => typeof value === "number")) return "Number";
  if (
    present.every(
      (value) =>
        value instanceof Date ||
        (typeof value === "string" && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)),
    )
  )
    return "DateTime";
  if (present.every((value) => typeof value === "string")) return "PlainText";
  return undefined;
}

/**
 * Describes a sandbox site for a config that has no seed file: every collection with `name`,
 * `slug`, its body field, and one field per mapped or pass-through frontmatter key, typed from
 * the values found in the files (Switch, Number, DateTime, else PlainText).
 */
export async function inferSandboxSeed(config: ResolvedConfig): Promise<SandboxSeed> {
  const collections: SeedCollection[] = [];
  for (const collection of config.collections) {
    const files = await loadCollectionFiles(config.root, collection);
    const valuesByField = new Map<string, unknown[]>();
    for (const file of files) {
      for (const [key, value] of Object.entries(file.entry?.data ?? {})) {
        if (CONTROL_KEYS.has(key) && !(key in collection.fields)) continue;
        const slug = collection.fields[key] ?? key;
        if (slug === "name" || slug === "slug" || slugify(slug) !== slug) continue;
        valuesByField.set(slug, [...(valuesByField.get(slug) ?? []), value]);
      }
    }
    for (const slug of Object.values(collection.fields))
      if (!valuesByField.has(slug) && slug !== "name" && slug !== "slug") valuesByField.set(slug, []);
    const fields: SeedCollection["fields"] = [];
    if (collection.body) fields.push({ slug: collection.body, type: "RichText", displayName: "Body" });
    for (const [slug, values] of valuesByField) {
      if (slug === collection.body) continue;
      const type = inferType(values);
      if (type) fields.push({ slug, type, displayName: slug });
    }
    collections.push({
      id: collection.collectionId,
      displayName: collection.name,
      slug: slugify(collection.name) || "items",
      fields,
    });
  }
  return { sites: [{ id: config.siteId ?? SANDBOX_SITE_ID, displayName: "wf-sync sandbox", collections }] };
}

/** Reads the config's sandbox seed file, or infers one. */
export async function sandboxSeedFor(config: ResolvedConfig): Promise<SandboxSeed> {
  if (!config.sandboxSeed) return inferSandboxSeed(config);
  const path = resolve(config.root, config.sandboxSeed);
  try {
    return JSON.parse(await readFile(path, "utf8")) as SandboxSeed;
  } catch (error) {
    throw new ConfigError(
      `the sandbox seed cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      { location: { file: config.sandboxSeed } },
    );
  }
}

/**
 * Starts the built-in sandbox for this project: state in .wf-sync/sandbox.json, a throwaway token.
 * `isReadOnly` (a dry run, which must write nothing locally) serves a scratch copy of that state.
 */
export async function startLocalSandbox(
  config: ResolvedConfig,
  options: { isReadOnly?: boolean } = {},
): Promise<{ sandbox: Sandbox; token: string; statePath: string; close: () => Promise<void> }> {
  const token = randomBytes(16).toString("hex");
  const statePath = resolve(config.root, ".wf-sync/sandbox.json");
  const seed = await sandboxSeedFor(config);
  // The sandbox's asset URLs contain its origin, so a port that stays the same for a project
  // keeps those URLs (and with them the items) stable from run to run; any free port will do.
  const preferredPort =
    42_000 + (parseInt(createHash("sha256").update(config.root).digest("hex").slice(0, 6), 16) % 4000);
  const start = async (path: string): Promise<Sandbox> => {
    try {
      return await startSandbox({ port: preferredPort, statePath: path, seed, tokens: [token] });
    } catch {
      return startSandbox({ port: 0, statePath: path, seed, tokens: [token] });
    }
  };
  if (!options.isReadOnly) {
    const sandbox = await start(statePath);
    return { sandbox, token, statePath, close: () => sandbox.close() };
  }
  const scratch = await mkdtemp(join(tmpdir(), "wf-sync-dry-run-"));
  if (existsSync(statePath)) await cp(statePath, join(scratch, "sandbox.json"));
  const filesDir = statePath.replace(/\.json$/, ".files");
  if (existsSync(filesDir)) await cp(filesDir, join(scratch, "sandbox.files"), { recursive: true });
  const sandbox = await start(join(scratch, "sandbox.json"));
  return {
    sandbox,
    token,
    statePath,
    close: async () => {
      await sandbox.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
