import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.ts";
import { AUTHORS, OPTION_NEWS, POSTS, client, post, seed } from "./helpers.ts";

describe("auth and routing", () => {
  it("answers 401 with Webflow's body for a missing or unknown token", async () => {
    await using sandbox = await startSandbox({ seed, tokens: ["good"] });
    const missing = await fetch(`${sandbox.baseUrl}/sites`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      code: "not_authorized",
      message: "Request not authorized",
      externalReference: null,
      details: [],
    });
    expect((await client(sandbox.baseUrl, "bad")("GET", "/sites")).status).toBe(401);
    expect((await client(sandbox.baseUrl, "good")("GET", "/sites")).status).toBe(200);
  });

  it("accepts any non-empty bearer token when no tokens are configured", async () => {
    await using sandbox = await startSandbox({ seed });
    expect((await client(sandbox.baseUrl, "whatever")("GET", "/sites")).status).toBe(200);
  });

  it("answers 404 resource_not_found for unknown collections, items and sites", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    for (const path of [
      "/collections/000000000000000000000000/items",
      `/collections/${POSTS}/items/000000000000000000000000`,
      "/sites/nope",
    ]) {
      const response = await call("GET", path);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({
        code: "resource_not_found",
        externalReference: null,
        details: [],
      });
    }
  });

  it("answers 400 bad_request to malformed JSON", async () => {
    await using sandbox = await startSandbox({ seed });
    const response = await client(sandbox.baseUrl)("POST", `/collections/${POSTS}/items`, "{not json");
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      code: "bad_request",
      message: "Bad Request: Request is malformed",
      externalReference: null,
      details: [],
    });
  });

  it("records every request with its status", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    await call("POST", `/collections/${POSTS}/items`, { fieldData: post("a") });
    await call("GET", `/collections/${POSTS}/items?slug=a`);
    expect(sandbox.requests).toMatchObject([
      {
        method: "POST",
        path: `/v2/collections/${POSTS}/items`,
        status: 202,
        body: { fieldData: { slug: "a" } },
      },
      { method: "GET", path: `/v2/collections/${POSTS}/items`, query: { slug: "a" }, status: 200 },
    ]);
    sandbox.requests.length = 0;
    expect(sandbox.requests).toEqual([]);
  });
});

describe("create and list", () => {
  it("creates staged drafts with 202 and pages through 250 items", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const single = await call("POST", `/collections/${POSTS}/items`, { fieldData: post("first") });
    expect(single.status).toBe(202);
    expect(single.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      isDraft: true,
      isArchived: false,
      lastPublished: null,
      fieldData: { slug: "first" },
    });

    for (let batch = 0; batch < 3; batch++) {
      const count = batch < 2 ? 100 : 49;
      const items = Array.from({ length: count }, (_, index) => ({ fieldData: post(`p-${batch}-${index}`) }));
      const response = await call("POST", `/collections/${POSTS}/items`, { items });
      expect(response.status).toBe(202);
      expect(response.body.items).toHaveLength(count);
      expect(response.body.items[0].id).toMatch(/^[0-9a-f]{24}$/);
    }

    const pages = [];
    for (let offset = 0; offset < 250; offset += 100) {
      const page = await call("GET", `/collections/${POSTS}/items?offset=${offset}&limit=500`);
      expect(page.body.pagination).toEqual({ limit: 100, offset, total: 250 });
      pages.push(page.body.items.length);
    }
    expect(pages).toEqual([100, 100, 50]);
    const defaultPage = await call("GET", `/collections/${POSTS}/items`);
    expect(defaultPage.body.pagination).toEqual({ limit: 100, offset: 0, total: 250 });
  });

  it("filters by slug and name and sorts", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    await call("POST", `/collections/${POSTS}/items`, {
      items: ["b", "a", "c"].map((slug) => ({ fieldData: post(slug) })),
    });
    const bySlug = await call("GET", `/collections/${POSTS}/items?slug=a`);
    expect(bySlug.body.items.map((item: { fieldData: { slug: string } }) => item.fieldData.slug)).toEqual([
      "a",
    ]);
    expect(bySlug.body.pagination.total).toBe(1);
    const byName = await call("GET", `/collections/${POSTS}/items?name=${encodeURIComponent("Post c")}`);
    expect(byName.body.items).toHaveLength(1);
    const none = await call("GET", `/collections/${POSTS}/items?slug=zzz`);
    expect(none.body).toEqual({ items: [], pagination: { limit: 100, offset: 0, total: 0 } });
    const sorted = await call("GET", `/collections/${POSTS}/items?sortBy=slug&sortOrder=desc`);
    expect(sorted.body.items.map((item: { fieldData: { slug: string } }) => item.fieldData.slug)).toEqual([
      "c",
      "b",
      "a",
    ]);
  });

  it("refuses lists over 100 elements with bad_request", async () => {
    await using sandbox = await startSandbox({ seed });
    const items = Array.from({ length: 101 }, (_, index) => ({ fieldData: post(`x${index}`) }));
    const response = await client(sandbox.baseUrl)("POST", `/collections/${POSTS}/items`, { items });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("bad_request");
    expect(sandbox.items(POSTS)).toEqual([]);
  });

  it("stores {url} images as {fileId, url, alt} and normalises dates", async () => {
    await using sandbox = await startSandbox({ seed });
    const response = await client(sandbox.baseUrl)("POST", `/collections/${POSTS}/items`, {
      fieldData: post("img", {
        cover: { url: "https://example.com/a.png" },
        "published-on": "2024-01-05",
        gallery: [{ url: "https://example.com/b.png", alt: "B" }],
      }),
    });
    expect(response.status).toBe(202);
    expect(response.body.fieldData.cover).toEqual({
      fileId: expect.stringMatching(/^[0-9a-f]{24}$/),
      url: "https://example.com/a.png",
      alt: null,
    });
    expect(response.body.fieldData.gallery).toEqual([
      { fileId: expect.any(String), url: "https://example.com/b.png", alt: "B" },
    ]);
    expect(response.body.fieldData["published-on"]).toBe("2024-01-05T00:00:00.000Z");
  });
});

describe("validation", () => {
  async function rejected(fieldData: Record<string, unknown>) {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    await call("POST", `/collections/${AUTHORS}/items`, { fieldData: { name: "Ann", slug: "ann" } });
    await call("POST", `/collections/${POSTS}/items`, { fieldData: post("taken") });
    const response = await call("POST", `/collections/${POSTS}/items`, { fieldData });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: "validation_error",
      message: "Validation Error",
      externalReference: null,
    });
    expect(sandbox.items(POSTS)).toHaveLength(1);
    return response.body.details;
  }

  it.each([
    [
      "missing name",
      { slug: "x", subtitle: "s" },
      { param: "fieldData.name", description: "Field is required" },
    ],
    [
      "missing slug",
      { name: "X", subtitle: "s" },
      { param: "fieldData.slug", description: "Field is required" },
    ],
    [
      "missing required custom field",
      { name: "X", slug: "x" },
      { param: "fieldData.subtitle", description: "Field is required" },
    ],
    [
      "bad slug",
      post("Héllo world"),
      { param: "fieldData.slug", description: expect.stringContaining("Slug") },
    ],
    ["slug starting with a hyphen", post("-x"), { param: "fieldData.slug" }],
    [
      "duplicate slug",
      post("taken"),
      { param: "slug", description: "Unique value is already in database: 'taken'" },
    ],
    [
      "unknown field",
      post("x", { colour: "red" }),
      { param: "colour", description: "Field not described in schema" },
    ],
    ["string for a number", post("x", { price: "12" }), { param: "fieldData.price" }],
    [
      "decimal for an integer",
      post("x", { price: 1.5 }),
      { param: "fieldData.price", description: "Must be an integer" },
    ],
    ["number above maxValue", post("x", { price: 5000 }), { param: "fieldData.price" }],
    [
      "string for a switch",
      post("x", { featured: "yes" }),
      { param: "fieldData.featured", description: "Expected a boolean" },
    ],
    ["unparseable date", post("x", { "published-on": "tomorrow" }), { param: "fieldData.published-on" }],
    ["number for plain text", post("x", { summary: 5 }), { param: "fieldData.summary" }],
    [
      "too long text",
      post("x", { summary: "x".repeat(21) }),
      { param: "fieldData.summary", description: "Must be at most 20 characters long" },
    ],
    [
      "option name instead of id",
      post("x", { kind: "News" }),
      { param: "fieldData.kind", description: "Not a valid option id: 'News'" },
    ],
    [
      "reference to a missing item",
      post("x", { author: "000000000000000000000000" }),
      { param: "fieldData.author", description: expect.stringContaining("not found") },
    ],
    [
      "multi-reference that is not an array",
      post("x", { "co-authors": "abc" }),
      { param: "fieldData.co-authors" },
    ],
    ["image without url or fileId", post("x", { cover: { alt: "x" } }), { param: "fieldData.cover" }],
    [
      "multi-image that is not an array",
      post("x", { gallery: { url: "https://example.com/a.png" } }),
      { param: "fieldData.gallery" },
    ],
    ["number for a link", post("x", { website: 3 }), { param: "fieldData.website" }],
  ])("rejects %s", async (_label, fieldData, detail) => {
    const details = await rejected(fieldData);
    expect(details).toContainEqual(expect.objectContaining(detail));
  });

  it("accepts every field type with valid values", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const author = await call("POST", `/collections/${AUTHORS}/items`, {
      fieldData: { name: "Ann", slug: "ann" },
    });
    const response = await call("POST", `/collections/${POSTS}/items`, {
      fieldData: post("ok", {
        summary: "short",
        body: "<p>Hi</p>",
        price: 12,
        featured: true,
        "published-on": "2024-05-01T10:00:00.000Z",
        kind: OPTION_NEWS,
        author: author.body.id,
        "co-authors": [author.body.id],
        website: "https://example.com",
        contact: "a@example.com",
        tint: "#ff0000",
        attachment: { url: "https://example.com/a.pdf" },
      }),
    });
    expect(response.status).toBe(202);
    expect(response.body.fieldData).toMatchObject({
      price: 12,
      kind: OPTION_NEWS,
      author: author.body.id,
      "co-authors": [author.body.id],
    });
  });

  it("rejects a whole batch when one element is invalid, naming it by index when asked to", async () => {
    await using sandbox = await startSandbox({ seed, detailIndex: true });
    const response = await client(sandbox.baseUrl)("POST", `/collections/${POSTS}/items`, {
      items: [{ fieldData: post("a") }, { fieldData: post("b", { price: "x" }) }, { fieldData: post("a") }],
    });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([
      { param: "fieldData.price", description: "Expected a number", index: 1 },
      { param: "slug", description: "Unique value is already in database: 'a'", index: 2 },
    ]);
    expect(sandbox.items(POSTS)).toEqual([]);
  });

  it("refuses a PATCH to another item's slug but allows a swap within one batch", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const created = await call("POST", `/collections/${POSTS}/items`, {
      items: [{ fieldData: post("a") }, { fieldData: post("b") }],
    });
    const [a, b] = created.body.items as Array<{ id: string }>;
    const clash = await call("PATCH", `/collections/${POSTS}/items/${a?.id}`, { fieldData: { slug: "b" } });
    expect(clash.status).toBe(400);
    expect(clash.body.details).toEqual([
      { param: "slug", description: "Unique value is already in database: 'b'" },
    ]);
    const same = await call("PATCH", `/collections/${POSTS}/items/${a?.id}`, {
      fieldData: { slug: "a", name: "Renamed" },
    });
    expect(same.status).toBe(200);
    const swap = await call("PATCH", `/collections/${POSTS}/items`, {
      items: [
        { id: a?.id, fieldData: { slug: "b" } },
        { id: b?.id, fieldData: { slug: "a" } },
      ],
    });
    expect(swap.status).toBe(200);
    expect(sandbox.items(POSTS).map((item) => [item.id, item.fieldData["slug"]])).toEqual([
      [a?.id, "b"],
      [b?.id, "a"],
    ]);
  });

  it("answers 404 to a PATCH list naming a missing item and applies nothing", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const created = await call("POST", `/collections/${POSTS}/items`, { fieldData: post("a") });
    const response = await call("PATCH", `/collections/${POSTS}/items`, {
      items: [
        { id: created.body.id, fieldData: { name: "Changed" } },
        { id: "000000000000000000000000", fieldData: { name: "Nope" } },
      ],
    });
    expect(response.status).toBe(404);
    expect(sandbox.items(POSTS)[0]?.fieldData["name"]).toBe("Post a");
  });
});

describe("publishing model", () => {
  it("refuses a live PATCH of a never-published item with 409, then accepts it after publish", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const { body: item } = await call("POST", `/collections/${POSTS}/items`, { fieldData: post("a") });
    const conflict = await call("PATCH", `/collections/${POSTS}/items/live`, {
      items: [{ id: item.id, fieldData: { name: "Live" } }],
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({
      code: "conflict",
      message:
        "Conflict: Conflict with server data: Live PATCH updates can't be applied to items that have never been published",
      externalReference: null,
      details: [],
    });
    expect(
      (await call("PATCH", `/collections/${POSTS}/items/${item.id}/live`, { fieldData: { name: "Live" } }))
        .status,
    ).toBe(409);

    const published = await call("POST", `/collections/${POSTS}/items/publish`, {
      itemIds: [item.id, "000000000000000000000000"],
    });
    expect(published.status).toBe(202);
    expect(published.body).toEqual({
      publishedItemIds: [item.id],
      errors: ["Staging item ID 000000000000000000000000 not found."],
    });

    const patched = await call("PATCH", `/collections/${POSTS}/items/live`, {
      items: [{ id: item.id, fieldData: { name: "Live" } }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.items[0]).toMatchObject({
      id: item.id,
      isDraft: false,
      fieldData: { name: "Live", slug: "a" },
    });
    expect(sandbox.liveItems(POSTS)[0]?.fieldData["name"]).toBe("Live");
    // As Webflow documents it, the live PATCH left the staged copy alone.
    expect(sandbox.items(POSTS)[0]?.fieldData["name"]).toBe("Post a");
  });

  it("writes the staged copy on live PATCH too when liveUpdateAlsoStaged is set", async () => {
    await using sandbox = await startSandbox({ seed, liveUpdateAlsoStaged: true });
    const call = client(sandbox.baseUrl);
    const { body: item } = await call("POST", `/collections/${POSTS}/items/live`, { fieldData: post("a") });
    await call("PATCH", `/collections/${POSTS}/items/${item.id}/live`, { fieldData: { name: "Both" } });
    expect(sandbox.liveItems(POSTS)[0]?.fieldData["name"]).toBe("Both");
    expect(sandbox.items(POSTS)[0]?.fieldData["name"]).toBe("Both");
  });

  it("separates staged and live lists", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const live = await call("POST", `/collections/${POSTS}/items/live`, { fieldData: post("live") });
    expect(live.status).toBe(202);
    expect(live.body).toMatchObject({ isDraft: false, lastPublished: expect.any(String) });
    const staged = await call("POST", `/collections/${POSTS}/items`, { fieldData: post("staged") });
    await call("PATCH", `/collections/${POSTS}/items/${live.body.id}`, {
      fieldData: { name: "Pending edit" },
    });

    const stagedList = await call("GET", `/collections/${POSTS}/items`);
    expect(stagedList.body.items.map((item: { id: string }) => item.id)).toEqual([
      live.body.id,
      staged.body.id,
    ]);
    const liveList = await call("GET", `/collections/${POSTS}/items/live`);
    expect(liveList.body.items).toHaveLength(1);
    expect(liveList.body.items[0].fieldData.name).toBe("Post live");
    expect((await call("GET", `/collections/${POSTS}/items/${staged.body.id}/live`)).status).toBe(404);
    expect((await call("GET", `/collections/${POSTS}/items/${live.body.id}`)).body.fieldData.name).toBe(
      "Pending edit",
    );
  });

  it("unpublishes: live gone, isDraft true, lastPublished null, staged kept", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const { body: a } = await call("POST", `/collections/${POSTS}/items/live`, { fieldData: post("a") });
    const { body: b } = await call("POST", `/collections/${POSTS}/items/live`, { fieldData: post("b") });
    expect((await call("DELETE", `/collections/${POSTS}/items/${a.id}/live`)).status).toBe(204);
    expect((await call("DELETE", `/collections/${POSTS}/items/live`, { items: [{ id: b.id }] })).status).toBe(
      204,
    );
    expect(sandbox.liveItems(POSTS)).toEqual([]);
    expect(sandbox.items(POSTS)).toMatchObject([
      { id: a.id, isDraft: true, lastPublished: null },
      { id: b.id, isDraft: true, lastPublished: null },
    ]);
    expect(
      (await call("PATCH", `/collections/${POSTS}/items/${a.id}/live`, { fieldData: { name: "x" } })).status,
    ).toBe(409);
  });

  it("deletes staged items singly and in bulk", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const { body } = await call("POST", `/collections/${POSTS}/items`, {
      items: [{ fieldData: post("a") }, { fieldData: post("b") }, { fieldData: post("c") }],
    });
    const [a, b, c] = body.items as Array<{ id: string }>;
    expect((await call("DELETE", `/collections/${POSTS}/items/${a?.id}`)).status).toBe(204);
    expect((await call("DELETE", `/collections/${POSTS}/items`, { items: [{ id: b?.id }] })).status).toBe(
      204,
    );
    expect(sandbox.items(POSTS).map((item) => item.id)).toEqual([c?.id]);
    expect((await call("DELETE", `/collections/${POSTS}/items/${a?.id}`)).status).toBe(404);
    // The slug is free again.
    expect((await call("POST", `/collections/${POSTS}/items`, { fieldData: post("a") })).status).toBe(202);
  });

  it("publishes queued items on site publish, once per minute", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const { body: queued } = await call("POST", `/collections/${POSTS}/items`, {
      isDraft: false,
      fieldData: post("queued"),
    });
    await call("POST", `/collections/${POSTS}/items`, { fieldData: post("draft") });
    const siteId = seed.sites[0]?.id;
    const noDomains = await call("POST", `/sites/${siteId}/publish`, {});
    expect(noDomains.status).toBe(400);
    expect(noDomains.body.code).toBe("no_domains");
    expect((await call("POST", `/sites/${siteId}/publish`, { customDomains: ["nope"] })).body.code).toBe(
      "invalid_domain",
    );
    const ok = await call("POST", `/sites/${siteId}/publish`, { publishToWebflowSubdomain: true });
    expect(ok.status).toBe(202);
    expect(sandbox.liveItems(POSTS).map((item) => item.id)).toEqual([queued.id]);
    const again = await call("POST", `/sites/${siteId}/publish`, { publishToWebflowSubdomain: true });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});
