// Helpers for test/integration/fields-*.test.ts (issue 4): the fields-all fixture's ids, and
// small readers of the sandbox's state (locale ids, assets, uploads) for exact assertions.
import type { Sandbox, SandboxAsset } from "../../src/sandbox/index.ts";
import { runCli, sandboxEnv, type CliRun } from "./cli.ts";
import type { TempProject } from "./project.ts";

export const FIELDS_FIXTURE = "fields-all";
export const SITE = "66f000000000000000000001";
export const PEOPLE = "66f0000000000000000000a1";
export const POSTS = "66f0000000000000000000a2";
export const PAGES = "66f0000000000000000000a3";
export const OPTION_IDS = {
  engineering: "66f00000000000000000e001",
  product: "66f00000000000000000e002",
  design: "66f00000000000000000e003",
} as const;

/** `wf-sync <args>` in-process against a test sandbox. */
export function syncWith(
  sandbox: Sandbox,
  project: TempProject,
  args: readonly string[] = ["sync"],
): Promise<CliRun> {
  return runCli(args, { cwd: project.dir, env: sandboxEnv(sandbox.baseUrl) });
}

/** The site's cmsLocaleIds by tag, read through the API as the tool reads them. */
export async function cmsLocaleIds(sandbox: Sandbox): Promise<Record<string, string>> {
  const response = await fetch(`${sandbox.baseUrl}/sites/${SITE}`, {
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

/** The one asset of the site uploaded under `fileName`; fails when there is none or several. */
export function assetNamed(sandbox: Sandbox, fileName: string): SandboxAsset {
  const found = sandbox.assets(SITE).filter((asset) => asset.originalFileName === fileName);
  if (found.length !== 1) throw new Error(`expected one asset named ${fileName}, found ${found.length}`);
  return found[0] as SandboxAsset;
}

/** Asset-creating requests (`POST /sites/{id}/assets`) and byte uploads (`POST /upload/…`) the sandbox saw. */
export function assetTraffic(sandbox: Sandbox): { creates: string[]; uploads: number } {
  const creates = sandbox.requests
    .filter((request) => request.method === "POST" && request.path === `/v2/sites/${SITE}/assets`)
    .map((request) => String((request.body as { fileName?: unknown } | null)?.fileName));
  const uploads = sandbox.requests.filter(
    (request) => request.method === "POST" && request.path.startsWith("/upload/"),
  ).length;
  return { creates: creates.sort(), uploads };
}

/** The `✖` line of stderr that names `file`, or undefined. */
export function failureFor(stderr: string, file: string): string | undefined {
  return stderr.split("\n").find((line) => line.startsWith(`✖ ${file}:`) || line.startsWith(`✖ ${file} `));
}
