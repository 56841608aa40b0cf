import { describe, expect, it } from "vitest";
import { ConfigSchema } from "./config.ts";

interface Def {
  type: string;
  catchall?: { _zod: { def: { type: string } } };
  [part: string]: unknown;
}

/** Every object schema reachable from `schema`, with the path that leads to it. */
function objectSchemas(schema: unknown, path = "config", seen = new Set<unknown>()): Array<[string, Def]> {
  const def = (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
  if (!def || seen.has(schema)) return [];
  seen.add(schema);
  const found: Array<[string, Def]> = [];
  if (def.type === "object") {
    found.push([path, def]);
    for (const [key, value] of Object.entries(def["shape"] as Record<string, unknown>))
      found.push(...objectSchemas(value, `${path}.${key}`, seen));
  }
  for (const part of ["innerType", "in", "out", "element", "valueType"])
    if (def[part]) found.push(...objectSchemas(def[part], path, seen));
  for (const option of (def["options"] as unknown[] | undefined) ?? [])
    found.push(...objectSchemas(option, path, seen));
  return found;
}

describe("ConfigSchema", () => {
  it("rejects unknown keys in every object, so a typo is never ignored", () => {
    const objects = objectSchemas(ConfigSchema);
    expect(objects.map(([path]) => path)).toEqual(
      expect.arrayContaining(["config", "config.collections", "config.collections.richText"]),
    );
    const loose = objects.filter(([, def]) => def.catchall?._zod.def.type !== "never").map(([path]) => path);
    expect(loose).toEqual([]);
  });
});
