/**
 * Hugo's build options (issue 13): a file Hugo neither renders nor lists — `headless: true`,
 * or `build: { render: never, list: never }` in its own frontmatter or cascaded from an
 * `_index.md` above it (as Hugo's documentation does for its `_common/` snippets) — is not a
 * page. It is left out of the sync with a warning saying why, instead of failing for a missing
 * title or being published. Files Hugo lists but does not render (a glossary's terms) are content
 * and sync as usual. Read only for files being built: the `_index.md` files above one are read
 * once per run, on first need.
 */
import { readFile } from "node:fs/promises";
import { posix, resolve } from "node:path";
import { parseEntry } from "../../core/parse-entry.ts";
import type { Entry, SyncWarning } from "../../core/types.ts";

type BuildOptions = { render?: unknown; list?: unknown };

/** Why a file is not a page, for the warning; undefined when it is one. */
export type NotAPage = { reason: string } | undefined;

const isOff = (value: unknown) => value === "never" || value === false;

/** `build` (or the older `_build`) of a frontmatter mapping, when it is a mapping. */
function buildOf(data: Record<string, unknown> | undefined): BuildOptions | undefined {
  const build = data?.["build"] ?? data?.["_build"];
  return typeof build === "object" && build !== null && !Array.isArray(build)
    ? (build as BuildOptions)
    : undefined;
}

/** The `build` a `cascade` hands to every page below it (a mapping, or a list of them without a target). */
function cascadedBuild(data: Record<string, unknown>): BuildOptions | undefined {
  const cascade = data["cascade"];
  const layers = Array.isArray(cascade) ? cascade : [cascade];
  for (const layer of layers) {
    if (typeof layer !== "object" || layer === null) continue;
    const record = layer as Record<string, unknown>;
    if (record["_target"] !== undefined || record["target"] !== undefined) continue;
    const build = buildOf(record);
    if (build) return build;
  }
  return undefined;
}

const isNeverBuilt = (build: BuildOptions | undefined) =>
  build !== undefined && isOff(build.render) && isOff(build.list);

/**
 * Decides, for files of one collection, whether Hugo would make them pages. Only `_index.md`
 * files that are sources of the collection are read (so confined like every source).
 */
export function createPageRules(root: string, sources: ReadonlySet<string>) {
  const cascades = new Map<string, Promise<BuildOptions | undefined>>();
  const cascadeAt = (folder: string): Promise<BuildOptions | undefined> => {
    let found = cascades.get(folder);
    if (!found) {
      const path = posix.join(folder, "_index.md");
      found = !sources.has(path)
        ? Promise.resolve(undefined)
        : readFile(resolve(root, path), "utf8")
            .then((text) => cascadedBuild(parseEntry(path, text).data))
            // An _index.md that cannot be read or parsed fails as a source of its own; it cascades nothing.
            .catch(() => undefined);
      cascades.set(folder, found);
    }
    return found;
  };
  return async function notAPage(entry: Entry): Promise<NotAPage> {
    if (entry.data["headless"] === true) return { reason: "it is a headless bundle (headless: true)" };
    const own = buildOf(entry.data);
    if (own)
      return isNeverBuilt(own) ? { reason: "its build options say render: never, list: never" } : undefined;
    // The nearest cascade wins; a branch bundle's own _index.md takes its cascade too.
    const folders = entry.file.split("/").slice(0, -1);
    for (let depth = folders.length; depth > 0; depth--) {
      const folder = folders.slice(0, depth).join("/");
      const build = await cascadeAt(folder);
      if (!build) continue;
      return isNeverBuilt(build)
        ? { reason: `${posix.join(folder, "_index.md")} cascades render: never, list: never to it` }
        : undefined;
    }
    return undefined;
  };
}

/** The warning for a file left out as not a page. */
export function notAPageWarning(file: string, why: NonNullable<NotAPage>): SyncWarning {
  return {
    kind: "not-a-page",
    message: `Hugo never renders or lists this file (${why.reason}), so it is not a page and was not synced. Exclude it in the collection's \`exclude\` to silence this.`,
    location: { file },
  };
}
