import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.ts";
import { sanitizeRichText } from "../../src/sandbox/rich-text.ts";
import { EN, FR, POSTS, SITE_ID, client, post, seed } from "./helpers.ts";

describe("locales", () => {
  it("describes primary and secondary locales on GET /sites/{id}", async () => {
    await using sandbox = await startSandbox({ seed });
    const { body } = await client(sandbox.baseUrl)("GET", `/sites/${SITE_ID}`);
    expect(body.locales.primary).toMatchObject({
      cmsLocaleId: EN,
      tag: "en-US",
      subdirectory: "",
      enabled: true,
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
    expect(body.locales.secondary).toEqual([
      expect.objectContaining({ cmsLocaleId: FR, tag: "fr-FR", subdirectory: "fr-fr" }),
    ]);
  });

  it("gives a site without locales a primary en-US locale with a stable id", async () => {
    const plain = { sites: [{ id: "aaaaaaaaaaaaaaaaaaaaaaaa", displayName: "Plain", collections: [] }] };
    await using first = await startSandbox({ seed: plain });
    await using second = await startSandbox({ seed: plain });
    const a = (await client(first.baseUrl)("GET", "/sites/aaaaaaaaaaaaaaaaaaaaaaaa")).body;
    const b = (await client(second.baseUrl)("GET", "/sites/aaaaaaaaaaaaaaaaaaaaaaaa")).body;
    expect(a.locales.primary.tag).toBe("en-US");
    expect(a.locales.secondary).toEqual([]);
    expect(a.locales.primary.cmsLocaleId).toBe(b.locales.primary.cmsLocaleId);
  });

  it("bulk-creates one item in two locales sharing an id, and lists by locale", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const response = await call("POST", `/collections/${POSTS}/items/bulk`, {
      cmsLocaleIds: [EN, FR],
      fieldData: [post("hello"), post("world")],
    });
    expect(response.status).toBe(202);
    const items = response.body.items as Array<{
      id: string;
      cmsLocaleId: string;
      isDraft: boolean;
      lastPublished: null;
    }>;
    expect(items.map((item) => item.cmsLocaleId)).toEqual([EN, FR, EN, FR]);
    expect(items[0]?.id).toBe(items[1]?.id);
    expect(items[2]?.id).toBe(items[3]?.id);
    expect(items[0]?.id).not.toBe(items[2]?.id);
    expect(items.every((item) => item.isDraft && item.lastPublished === null)).toBe(true);

    expect((await call("GET", `/collections/${POSTS}/items`)).body.pagination.total).toBe(2);
    expect(
      (await call("GET", `/collections/${POSTS}/items?cmsLocaleId=${FR}`)).body.items[0].cmsLocaleId,
    ).toBe(FR);
    expect(
      (await call("GET", `/collections/${POSTS}/items?cmsLocaleId=${EN},${FR}`)).body.pagination.total,
    ).toBe(4);

    // A PATCH without cmsLocaleId touches the primary locale only.
    await call("PATCH", `/collections/${POSTS}/items/${items[0]?.id}`, { fieldData: { name: "Bonjour" } });
    expect(sandbox.items(POSTS)[0]?.fieldData["name"]).toBe("Bonjour");
    expect(sandbox.items(POSTS, { cmsLocaleId: FR })[0]?.fieldData["name"]).toBe("Post hello");

    // Publishing one locale leaves the other unpublished.
    await call("POST", `/collections/${POSTS}/items/publish`, {
      items: [{ id: items[0]?.id, cmsLocaleIds: [FR] }],
    });
    expect(sandbox.liveItems(POSTS, { cmsLocaleId: FR }).map((item) => item.id)).toEqual([items[0]?.id]);
    expect(sandbox.liveItems(POSTS)).toEqual([]);
  });

  it("checks slug uniqueness per locale and rejects unknown locales", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    await call("POST", `/collections/${POSTS}/items`, { cmsLocaleId: FR, fieldData: post("same") });
    expect((await call("POST", `/collections/${POSTS}/items`, { fieldData: post("same") })).status).toBe(202);
    const clash = await call("POST", `/collections/${POSTS}/items/bulk`, {
      cmsLocaleIds: [FR],
      fieldData: post("same"),
    });
    expect(clash.body.details).toEqual([
      { param: "slug", description: "Unique value is already in database: 'same'" },
    ]);
    const unknown = await call("POST", `/collections/${POSTS}/items`, {
      cmsLocaleId: "nope",
      fieldData: post("x"),
    });
    expect(unknown.status).toBe(400);
  });
});

describe("rich text", () => {
  it.each([
    ["bare <pre> emptied", "<p>a</p><pre><code>x = 1</code></pre><p>b</p>", "<p>a</p><pre></pre><p>b</p>"],
    ["<table> removed", "<p>a</p><table><tr><td>1</td></tr></table><p>b</p>", "<p>a</p><p>b</p>"],
    [
      "nested tables removed whole",
      "<table><tr><td><table><tr><td>1</td></tr></table></td></tr></table>x",
      "x",
    ],
    [
      "embed kept verbatim",
      '<div class="w-embed"><pre><code>x</code></pre><table></table></div>',
      '<div class="w-embed"><pre><code>x</code></pre><table></table></div>',
    ],
    [
      "embed with nested divs kept",
      '<div class="w-embed w-script"><div><pre>a</pre></div></div><pre>b</pre>',
      '<div class="w-embed w-script"><div><pre>a</pre></div></div><pre></pre>',
    ],
    ["ordinary divs are not embeds", "<div><pre>a</pre></div>", "<div><pre></pre></div>"],
    ["plain html untouched", "<h2>T</h2><ul><li>x</li></ul>", "<h2>T</h2><ul><li>x</li></ul>"],
  ])("%s", (_label, input, expected) => {
    expect(sanitizeRichText(input)).toBe(expected);
  });

  it("applies the rules to RichText values over HTTP", async () => {
    await using sandbox = await startSandbox({ seed });
    const body =
      '<p>Intro</p><pre><code>npm i</code></pre><div class="w-embed"><pre><code>kept</code></pre></div>';
    const response = await client(sandbox.baseUrl)("POST", `/collections/${POSTS}/items`, {
      fieldData: post("rt", { body }),
    });
    expect(response.body.fieldData.body).toBe(
      '<p>Intro</p><pre></pre><div class="w-embed"><pre><code>kept</code></pre></div>',
    );
    // PlainText is stored as sent.
    expect(sandbox.items(POSTS)[0]?.fieldData["name"]).toBe("Post rt");
  });
});
