// Issue 4: every Webflow field type end to end — the exact JSON the sandbox stores for valid
// values, and every way a value can be wrong failing that item alone with file:line and key.
import { describe, expect, it } from "vitest";
import { failureFor, syncWith } from "../helpers/cli.ts";
import { FIELDS_FIXTURE, OPTION_IDS, PEOPLE, POSTS, SITE } from "../helpers/fixtures.ts";
import { copyFixture } from "../helpers/project.ts";
import {
  assetNamed,
  describeRequests,
  fixtureSeed,
  itemsBySlug,
  liveSlugs,
  startTestSandbox,
  writeRequests,
} from "../helpers/sandbox.ts";

describe("every field type reaches Webflow in the exact form it takes", () => {
  it("stores each type's value, sends it in that form, and a second run writes nothing", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);

    const first = await syncWith(sandbox, project);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);

    const people = itemsBySlug(sandbox, PEOPLE);
    const posts = itemsBySlug(sandbox, POSTS);
    const ada = people.get("ada")?.id;
    const grace = people.get("grace")?.id;
    const red = assetNamed(sandbox, SITE, "red.png");
    const green = assetNamed(sandbox, SITE, "green.png");
    const blue = assetNamed(sandbox, SITE, "blue.png");
    const slides = assetNamed(sandbox, SITE, "slides.pdf");

    const every = posts.get("every-field");
    const { "post-body": body, ...fields } = every?.fieldData ?? {};
    expect(fields).toEqual({
      name: "Every field",
      slug: "every-field",
      "post-summary": "One value of each field type.", // PlainText, through the `fields` mapping
      subtitle: "2024", // a YAML number written to PlainText becomes text
      intro: "<p>Hi <em>there</em></p>", // RichText as written
      cover: { fileId: red.id, url: red.hostedUrl, alt: "A red square" }, // Image: local file, uploaded
      gallery: [
        { fileId: green.id, url: green.hostedUrl, alt: null }, // MultiImage: a local file…
        {
          fileId: expect.stringMatching(/^[0-9a-f]{24}$/),
          url: "https://example.com/remote.jpg",
          alt: "A remote picture",
        }, // …and a URL Webflow fetches
      ],
      video: "https://vimeo.com/76979871", // VideoLink
      website: "https://example.com/about", // Link
      contact: "jane@example.com", // Email, trimmed, mapped from `email`
      phone: "+1 (555) 010-9999", // Phone
      rating: 7, // Number (integer)
      ratio: -3.5, // Number (decimal)
      "published-on": "2024-03-05T12:30:00.000Z", // DateTime with an offset, sent in UTC
      featured: true, // Switch from `yes`
      accent: "#1a2b3c", // Color
      category: OPTION_IDS.engineering, // Option: name, any case → id
      slides: { fileId: slides.id, url: slides.hostedUrl, alt: null }, // File
      author: ada, // Reference by slug
      "co-authors": [grace, ada], // MultiReference: a relative path and slugs, in order, each once
    });
    // A body image is uploaded and the figure points at the hosted file.
    expect(String(body)).toContain(`<img src="${blue.hostedUrl}" loading="lazy" alt="A blue square">`);
    expect(String(body)).toMatch(/^<p>A body with an image:<\/p><figure [^>]*data-rt-type="image"/);

    // Option names match case-insensitively; an empty PlainText is left out (cleared).
    expect(posts.get("minimal")?.fieldData).toEqual({
      name: "Minimal",
      slug: "minimal",
      "post-summary": "Only what is required.",
      featured: false,
      category: OPTION_IDS.design,
      "post-body": "<p>Short.</p>",
    });

    // What was sent, not only what was stored: the create carries Webflow's write forms, and the
    // references to items created later in the run follow in an update of that item.
    const sent = writeRequests(sandbox).flatMap((request) => {
      const body = request.body as {
        items?: Array<{ id?: string; fieldData?: Record<string, unknown> }>;
        id?: string;
        fieldData?: Record<string, unknown>;
      } | null;
      return (body?.items ?? (body?.fieldData ? [body] : [])).map((item) => ({
        request: `${request.method} ${request.path}`,
        id: item.id,
        fieldData: item.fieldData ?? {},
      }));
    });
    const created = sent.find((item) => item.fieldData["slug"] === "every-field");
    expect(created?.request).toBe(`POST /v2/collections/${POSTS}/items/live`);
    expect(created?.fieldData).toEqual({
      ...fields,
      "post-body": body,
      cover: { fileId: red.id, url: red.hostedUrl, alt: "A red square" },
      gallery: [
        { fileId: green.id, url: green.hostedUrl },
        { url: "https://example.com/remote.jpg", alt: "A remote picture" },
      ],
      slides: { fileId: slides.id, url: slides.hostedUrl },
      author: undefined,
      "co-authors": undefined,
    });
    const referenceUpdate = sent.filter((item) => item.id === every?.id);
    // The second pass writes the references to both copies: staged, then live.
    expect(referenceUpdate).toEqual(
      ["items", "items/live"].map((path) => ({
        request: `PATCH /v2/collections/${POSTS}/${path}`,
        id: every?.id,
        fieldData: expect.objectContaining({ author: ada, "co-authors": [grace, ada] }),
      })),
    );

    sandbox.requests.length = 0;
    const second = await syncWith(sandbox, project);
    expect(second.code).toBe(0);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });

  it("keeps draft and archived items out of the live site while their fields and references sync", async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    expect((await syncWith(sandbox, project)).code).toBe(0);

    const people = itemsBySlug(sandbox, PEOPLE);
    const posts = itemsBySlug(sandbox, POSTS);
    const green = assetNamed(sandbox, SITE, "green.png");
    expect(posts.get("work-in-progress")).toMatchObject({
      isDraft: true,
      isArchived: false,
      fieldData: { author: people.get("grace")?.id, cover: { fileId: green.id, url: green.hostedUrl } },
    });
    expect(posts.get("old-news")).toMatchObject({
      isDraft: false,
      isArchived: true,
      fieldData: { "co-authors": [people.get("ada")?.id] },
    });
    expect(liveSlugs(sandbox, POSTS)).toEqual(["every-field", "minimal"]);
  });
});

/** One bad value: the frontmatter key, the YAML after `key: `, and what the error must mention. */
type BadValue = [key: string, yaml: string, mentions?: string];

const BAD_VALUES: Record<string, BadValue[]> = {
  PlainText: [
    ["subtitle", "true"],
    ["subtitle", "[a, b]"],
    ["subtitle", "{ a: 1 }"],
    ["subtitle", "twenty-one characters"], // maxLength 20
    ["summary", '""', "required"],
  ],
  RichText: [
    ["intro", "42"],
    ["intro", "[a]"],
    ["intro", '"<p>thirty-one characters of text!!</p>"'], // maxLength 30, tags not counted
  ],
  Email: [
    ["email", "no-at.example.com"],
    ["email", "jane@localhost"],
    ["email", "mailto:jane@example.com"],
    ["email", "jane doe@example.com"],
    ["email", "42"],
  ],
  Phone: [
    ["phone", "555-CALL-NOW"],
    ["phone", '"()"'],
    ["phone", "5550100"],
  ],
  Link: [
    ["website", "example.com"],
    ["website", "/about"],
    ["website", "ftp://example.com/file"],
    ["website", "https://exa mple.com"],
    ["website", "42"],
  ],
  VideoLink: [
    ["video", "https://www.youtube.com/@somechannel"],
    ["video", "youtube.com/watch?v=dQw4w9WgXcQ"],
    ["video", "42"],
  ],
  Color: [
    ["accent", "1a2b3c", "#"],
    ["accent", "not-a-colour"],
    ["accent", "42"],
  ],
  Number: [
    ["rating", '"7"'],
    ["rating", "1,000"],
    ["rating", ".nan"],
    ["rating", ".inf"],
    ["rating", "7.5"],
    ["rating", "-3"],
    ["rating", "0"],
    ["rating", "11"],
    ["ratio", "0"],
  ],
  DateTime: [
    ["published-on", "2024-02-30"],
    ["published-on", "Jan 5, 2024"],
    ["published-on", "05/01/2024"],
    ["published-on", "1700000000"],
    ["published-on", "2024-03-05 25:00"],
  ],
  Switch: [
    ["featured", "on"],
    ["featured", "1"],
    ["featured", "y"],
  ],
  Option: [
    ["category", "Gardening", "Engineering"],
    ["category", "DESIGN", "case"],
  ],
  Reference: [
    ["author", "nobody", "nobody"],
    ["author", "../people/nobody.md", "../people/nobody.md"],
    ["author", "[ada, grace]"],
  ],
  MultiReference: [
    ["co-authors", "[ada, nobody, ghost]", "ghost"],
    ["co-authors", "[{ a: 1 }]"],
  ],
  Image: [
    ["cover", '"data:image/png;base64,iVBORw0KGgo="'],
    ["cover", "ftp://example.com/a.png"],
    ["cover", "//cdn.example.com/a.png"],
    ["cover", "{ src: ../media/red.png, caption: x }"],
    ["cover", "{ src: ../media/red.png, alt: 42 }"],
    ["cover", "../media/missing.png", "missing.png"],
    ["cover", "../media/slides.pdf", ".pdf"],
  ],
  MultiImage: [
    ["gallery", '[../media/red.png, "data:image/png;base64,iVBORw0KGgo="]'],
    ["gallery", "[../media/missing.png]", "missing.png"],
  ],
  File: [
    ["slides", "../media/notes.exe", ".exe"],
    ["slides", "{ src: ../media/slides.pdf, foo: 1 }"],
  ],
  User: [["created-by", "someone"]],
  flags: [
    ["draft", "maybe"],
    ["archived", "1"],
  ],
};

describe("each way a value can be wrong fails that item alone", () => {
  const cases = Object.entries(BAD_VALUES).flatMap(([type, rows]) =>
    rows.map(([key, yaml, mentions], index) => ({
      type,
      key,
      yaml,
      mentions,
      file: `content/posts/bad-${type.toLowerCase()}-${index + 1}.md`,
    })),
  );

  it(`names file, line and key for all ${cases.length} bad values, sends none of them, exits 1, and stays idempotent`, async () => {
    await using sandbox = await startTestSandbox(await fixtureSeed(FIELDS_FIXTURE));
    await using project = await copyFixture(FIELDS_FIXTURE);
    await project.write("content/media/notes.exe", "MZ not a document");
    for (const bad of cases) {
      const summary = bad.key === "summary" ? "" : "summary: A bad value follows.\n";
      // The bad key sits on line 4 (line 3 when there is no summary line).
      await project.write(
        bad.file,
        `---\ntitle: Bad ${bad.type}\n${summary}${bad.key}: ${bad.yaml}\n---\nBody.\n`,
      );
    }

    const result = await syncWith(sandbox, project);
    expect(result.code).toBe(1);
    for (const bad of cases) {
      const line = failureFor(result.stderr, bad.file);
      const where = `${bad.file}:${bad.key === "summary" ? 3 : 4}: ${bad.key}: `;
      expect.soft(line, `${bad.type} ${bad.key}: ${bad.yaml}`).toContain(where);
      if (bad.mentions) expect.soft(line, `${bad.type} ${bad.key}: ${bad.yaml}`).toContain(bad.mentions);
    }
    expect(result.stdout).toContain(`${cases.length} failed`);

    // The good items synced; nothing of a bad file was sent.
    expect([...itemsBySlug(sandbox, POSTS).keys()].sort()).toEqual([
      "every-field",
      "minimal",
      "old-news",
      "work-in-progress",
    ]);
    expect(JSON.stringify(writeRequests(sandbox).map((request) => request.body))).not.toContain("Bad ");
    expect(
      sandbox
        .assets()
        .map((asset) => asset.originalFileName)
        .sort(),
    ).toEqual(["blue.png", "green.png", "red.png", "slides.pdf"]);

    sandbox.requests.length = 0;
    const again = await syncWith(sandbox, project);
    expect(again.code).toBe(1);
    expect(describeRequests(writeRequests(sandbox))).toEqual([]);
  });
});
