// Issue 4: a two-locale collection. pages/*.md is the primary locale, pages/fr/*.md the fr-FR
// translation: the fr variant holds the translation, keys it leaves out fall back to the primary.
import { describe, expect, it } from "vitest";
import { failureFor, syncWith } from "../helpers/cli.ts";
import { FIELDS_FIXTURE, PAGES, PEOPLE, SITE } from "../helpers/fixtures.ts";
import { copyFixture } from "../helpers/project.ts";
import {
  assetNamed,
  cmsLocaleIds,
  describeRequests,
  fixtureSeed,
  itemIdsOf,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";
import type { Sandbox } from "../../src/sandbox/index.ts";

function variants(sandbox: Sandbox, cmsLocaleId: string) {
  return new Map(sandbox.items(PAGES, { cmsLocaleId }).map((item) => [String(item.fieldData["slug"]), item]));
}

describe("a collection in two locales", () => {
  it("writes the translation into the fr-FR variant, falls back to the primary for the rest, and is idempotent", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    const locales = await cmsLocaleIds(sandbox, SITE);
    const en = locales["en-US"] as string;
    const fr = locales["fr-FR"] as string;

    const first = await syncWith(sandbox, project);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);

    const green = assetNamed(sandbox, SITE, "green.png");
    const ada = sandbox.items(PEOPLE).find((item) => item.fieldData["slug"] === "ada")?.id;
    const english = variants(sandbox, en);
    const french = variants(sandbox, fr);
    const aboutId = english.get("about")?.id;
    expect(french.get("about")?.id).toBe(aboutId); // one item, two variants
    expect(english.get("about")?.fieldData).toEqual({
      name: "About us",
      slug: "about",
      tagline: "We build things",
      "footer-note": "Made in Lyon",
      hero: { fileId: green.id, url: green.hostedUrl, alt: "A green square" },
      order: 1,
      owner: ada,
      content: "<p>We are a small team.</p>",
    });
    expect(french.get("about")?.fieldData).toEqual({
      name: "À propos",
      slug: "about",
      tagline: "Nous construisons des choses",
      // Left out of the translation: the primary's values, the image and the reference (a path) included.
      "footer-note": "Made in Lyon",
      hero: { fileId: green.id, url: green.hostedUrl, alt: "A green square" },
      order: 1,
      owner: ada,
      content: "<p>Nous sommes une petite équipe.</p>",
    });
    // A page with no translation exists in both locales with the primary content; both are live.
    expect(french.get("contact")?.fieldData).toEqual(english.get("contact")?.fieldData);
    expect(
      sandbox
        .liveItems(PAGES, { cmsLocaleId: fr })
        .map((item) => item.fieldData["name"])
        .sort(),
    ).toEqual(["Contact", "À propos"]);
    expect(
      sandbox
        .liveItems(PAGES, { cmsLocaleId: en })
        .map((item) => item.fieldData["name"])
        .sort(),
    ).toEqual(["About us", "Contact"]);

    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);

    // Editing only the translation writes only the fr-FR variant of that item.
    await project.edit(
      "content/pages/fr/about.md",
      "tagline: Nous construisons des choses",
      "tagline: Nous fabriquons des choses",
    );
    const englishBefore = sandbox.items(PAGES, { cmsLocaleId: en });
    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(0);
    const writes = writeRequests(sandbox);
    expect(writes.flatMap(itemIdsOf)).toEqual(writes.map(() => aboutId));
    for (const write of writes) {
      const body = write.body as { items?: Array<{ cmsLocaleId?: string; cmsLocaleIds?: string[] }> };
      for (const item of body.items ?? [])
        expect(item.cmsLocaleId ?? item.cmsLocaleIds).toEqual(item.cmsLocaleId ? fr : [fr]);
    }
    expect(variants(sandbox, fr).get("about")?.fieldData["tagline"]).toBe("Nous fabriquons des choses");
    expect(
      sandbox.liveItems(PAGES, { cmsLocaleId: fr }).find((item) => item.id === aboutId)?.fieldData["tagline"],
    ).toBe("Nous fabriquons des choses");
    expect(sandbox.items(PAGES, { cmsLocaleId: en })).toEqual(englishBefore);

    // A primary value the translation inherits reaches both variants.
    await project.edit("content/pages/about.md", "footer-note: Made in Lyon", "footer-note: Made in Nantes");
    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(0);
    expect(variants(sandbox, en).get("about")?.fieldData["footer-note"]).toBe("Made in Nantes");
    expect(variants(sandbox, fr).get("about")?.fieldData["footer-note"]).toBe("Made in Nantes");
    expect(variants(sandbox, fr).get("about")?.fieldData["tagline"]).toBe("Nous fabriquons des choses");

    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it("fails a translation with a bad value alone, naming the translation's file and line", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    await project.edit(
      "content/pages/fr/about.md",
      "tagline: Nous construisons des choses",
      'tagline: Nous construisons des choses\norder: "premier"',
    );
    const fr = (await cmsLocaleIds(sandbox, SITE))["fr-FR"] as string;

    const result = await syncWith(sandbox, project);
    expect(result.code).toBe(1);
    expect(failureFor(result.stderr, "content/pages/fr/about.md")).toMatch(
      /^✖ content\/pages\/fr\/about\.md:4: order: /,
    );
    // The primary item and its fr variant exist (created in both locales), holding the primary content.
    expect(variants(sandbox, fr).get("about")?.fieldData["name"]).toBe("About us");
  });

  it("keeps a draft page and its translation off the live site in both locales, and an archived one too", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    await project.write(
      "content/pages/draft.md",
      "---\ntitle: Coming soon\ndraft: true\ntagline: Soon\n---\nSoon.\n",
    );
    await project.write("content/pages/fr/draft.md", "---\ntitle: Bientôt\n---\nBientôt.\n");
    await project.write("content/pages/gone.md", "---\ntitle: Gone\narchived: true\n---\nGone.\n");
    const locales = await cmsLocaleIds(sandbox, SITE);
    const fr = locales["fr-FR"] as string;
    const en = locales["en-US"] as string;

    const result = await syncWith(sandbox, project);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(variants(sandbox, en).get("draft")).toMatchObject({
      isDraft: true,
      fieldData: { name: "Coming soon" },
    });
    expect(variants(sandbox, fr).get("draft")).toMatchObject({
      isDraft: true,
      fieldData: { name: "Bientôt", tagline: "Soon" },
    });
    expect(variants(sandbox, en).get("gone")).toMatchObject({ isArchived: true });
    for (const cmsLocaleId of [en, fr]) {
      expect(
        sandbox
          .liveItems(PAGES, { cmsLocaleId })
          .map((item) => item.fieldData["slug"])
          .sort(),
      ).toEqual(["about", "contact"]);
    }

    sandbox.requests.length = 0;
    expect((await syncWith(sandbox, project)).code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it('anchors a translation by its path below the locale folder under slugFrom: "path"', async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    await project.edit(
      "wf-sync.config.ts",
      'include: "content/pages/*.md",',
      'include: "content/pages/**/*.md",\n      slugFrom: "path",',
    );
    await project.edit(
      "wf-sync.config.ts",
      '"fr-FR": "content/pages/fr/*.md"',
      '"fr-FR": "content/pages/fr/**/*.md"',
    );
    // Two primary pages share a file name in different folders; each has its own translation.
    for (const [path, title] of [
      ["content/pages/guide/setup.md", "Guide setup"],
      ["content/pages/admin/setup.md", "Admin setup"],
      ["content/pages/fr/guide/setup.md", "Installation du guide"],
      ["content/pages/fr/admin/setup.md", "Installation admin"],
    ] as const) {
      await project.write(path, `---\ntitle: ${title}\n---\n${title}.\n`);
    }
    const fr = (await cmsLocaleIds(sandbox, SITE))["fr-FR"] as string;

    const run = await syncWith(sandbox, project);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const french = variants(sandbox, fr);
    expect(french.get("guide-setup")?.fieldData["name"]).toBe("Installation du guide");
    expect(french.get("admin-setup")?.fieldData["name"]).toBe("Installation admin");
    expect(french.get("about")?.fieldData["name"]).toBe("À propos");
  });
});
