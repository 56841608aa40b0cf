/**
 * Golden files: each test/fixtures/render/<case>.md renders to exactly <case>.html, with
 * options from <case>.options.json when present and the warnings in <case>.warnings.txt
 * (absent when there are none). `UPDATE_GOLDEN=1 npx vitest run test/render` rewrites them;
 * review the diff by eye before committing.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createMarkdownRenderer, type RenderOptions } from "../../src/core/render-markdown.ts";
import type { SyncWarning } from "../../src/core/types.ts";
import { findViolations } from "./allowed-html.ts";
import { fixtureContext } from "./fixture-context.ts";

const directory = fileURLToPath(new URL("../fixtures/render/", import.meta.url));
const cases = readdirSync(directory)
  .filter((name) => name.endsWith(".md"))
  .map((name) => name.slice(0, -".md".length))
  .sort();
const shouldUpdate = process.env["UPDATE_GOLDEN"] === "1";

function optionsOf(name: string): RenderOptions {
  const path = `${directory}${name}.options.json`;
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as RenderOptions) : {};
}

function formatWarnings(warnings: readonly SyncWarning[]): string {
  return warnings
    .map(
      ({ kind, message, location }) =>
        `${location?.file}:${location?.line ?? "?"}:${location?.column ?? "?"} ${kind} ${message}\n`,
    )
    .join("");
}

function render(name: string): { html: string; warnings: string; options: RenderOptions } {
  const options = optionsOf(name);
  const markdown = readFileSync(`${directory}${name}.md`, "utf8");
  const result = createMarkdownRenderer(options).render(
    markdown,
    fixtureContext(`test/fixtures/render/${name}.md`),
  );
  return { html: result.html, warnings: formatWarnings(result.warnings), options };
}

describe("golden rich-text fixtures", () => {
  it("has a fixture for every case", () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  it.each(cases)("%s.md renders to %s.html", (name) => {
    const { html, warnings } = render(name);
    const htmlPath = `${directory}${name}.html`;
    const warningsPath = `${directory}${name}.warnings.txt`;
    if (shouldUpdate) {
      writeFileSync(htmlPath, `${html}\n`);
      if (warnings === "") rmSync(warningsPath, { force: true });
      else writeFileSync(warningsPath, warnings);
    }
    expect(`${html}\n`).toBe(readFileSync(htmlPath, "utf8"));
    expect(warnings).toBe(existsSync(warningsPath) ? readFileSync(warningsPath, "utf8") : "");
  });
});

describe("every fixture stays inside Webflow's rich-text element set", () => {
  // rawHtml "keep" sends trusted inline HTML as written, so it is outside this promise by design.
  const checked = cases.filter((name) => optionsOf(name).rawHtml !== "keep");

  it.each(checked)("%s", (name) => {
    expect(findViolations(render(name).html)).toEqual([]);
  });

  it("the checker itself catches what it must", () => {
    expect(findViolations("<p>a</p>\n<table></table><div><pre></pre></div><ul> <li>x</li></ul>")).toEqual([
      'whitespace text "\\n" between blocks in <#root>',
      "<table> is not in Webflow's rich-text set",
      "<div> outside a figure that is not an embed",
      "<pre> is not in Webflow's rich-text set",
      'whitespace text " " between blocks in <ul>',
    ]);
    expect(findViolations('<p><img src="x" alt="" loading="lazy"></p><p class="x">y</p>')).toEqual([
      "<img> outside a figure",
      "<p> has attribute className",
    ]);
  });
});
