/**
 * The sandbox follows what Webflow documents by default (API-NOTES §2.3, §3.3, §5, §6), and
 * keeps its older, undocumented behaviours behind options.
 */
import { describe, expect, it } from "vitest";
import { serveSandbox, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { EN, FR, POSTS, SITE_ID, client, post, seed } from "./helpers.ts";

const UNFETCHABLE = "https://images.invalid/cover.png";
const FETCHABLE = "https://example.com/cover.png";

describe("sandbox, documented behaviour", () => {
  it("answers validation errors without an index by default", async () => {
    await using sandbox = await startSandbox({ seed });
    const response = await client(sandbox.baseUrl)("POST", `/collections/${POSTS}/items`, {
      items: [{ fieldData: post("a") }, { fieldData: post("b", { price: "x" }) }],
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: "validation_error", message: "Validation Error" });
    expect(response.body.details).toEqual([{ param: "fieldData.price", description: "Expected a number" }]);
  });

  it("drops an unfetchable file by default (skipInvalidFiles=true) and keeps the rest of the item", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const created = await call("POST", `/collections/${POSTS}/items/live`, {
      fieldData: post("a", {
        cover: { url: UNFETCHABLE },
        gallery: [{ url: UNFETCHABLE }, { url: FETCHABLE }],
        attachment: { fileId: "0123456789abcdef01234567" },
      }),
    });
    expect(created.status).toBe(202);
    const [item] = sandbox.liveItems(POSTS);
    expect(item?.fieldData["cover"]).toBeUndefined();
    expect(item?.fieldData["attachment"]).toBeUndefined();
    expect(item?.fieldData["gallery"]).toEqual([expect.objectContaining({ url: FETCHABLE })]);
    expect(item?.fieldData["name"]).toBe("Post a");

    const patched = await call("PATCH", `/collections/${POSTS}/items`, {
      items: [{ id: created.body.id, fieldData: { name: "Renamed", cover: { url: UNFETCHABLE } } }],
    });
    expect(patched.status).toBe(200);
    expect(sandbox.items(POSTS)[0]?.fieldData).toMatchObject({ name: "Renamed" });
    expect(sandbox.items(POSTS)[0]?.fieldData["cover"]).toBeUndefined();
  });

  it("rejects the whole request for an unfetchable file with skipInvalidFiles=false", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const refused = await call("POST", `/collections/${POSTS}/items?skipInvalidFiles=false`, {
      items: [{ fieldData: post("a") }, { fieldData: post("b", { cover: { url: UNFETCHABLE } }) }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([
      { param: "fieldData.cover", description: `Invalid file: Could not fetch the file at '${UNFETCHABLE}'` },
    ]);
    expect(sandbox.items(POSTS)).toEqual([]);

    const fine = await call("POST", `/collections/${POSTS}/items/live?skipInvalidFiles=false`, {
      fieldData: post("c", { cover: { url: FETCHABLE } }),
    });
    expect(fine.status).toBe(202);
    const update = await call("PATCH", `/collections/${POSTS}/items/live?skipInvalidFiles=false`, {
      items: [{ id: fine.body.id, fieldData: { cover: { url: UNFETCHABLE } } }],
    });
    expect(update.status).toBe(400);
    expect(sandbox.liveItems(POSTS)[0]?.fieldData["cover"]).toMatchObject({ url: FETCHABLE });
  });

  it("takes an isFetchable rule", async () => {
    await using sandbox = await startSandbox({ seed, isFetchable: (url) => !url.includes("private") });
    const response = await client(sandbox.baseUrl)(
      "POST",
      `/collections/${POSTS}/items?skipInvalidFiles=false`,
      {
        fieldData: post("a", { cover: { url: "https://example.com/private.png" } }),
      },
    );
    expect(response.status).toBe(400);
  });

  it("removes and unpublishes only the primary locale unless cmsLocaleIds names others", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const created = await call("POST", `/collections/${POSTS}/items/bulk`, {
      cmsLocaleIds: [EN, FR],
      fieldData: [post("a"), post("b")],
    });
    const [a, b] = [...new Set(created.body.items.map((item: { id: string }) => item.id))] as string[];
    await call("POST", `/collections/${POSTS}/items/publish`, {
      items: [
        { id: a, cmsLocaleIds: [EN, FR] },
        { id: b, cmsLocaleIds: [EN, FR] },
      ],
    });
    expect(sandbox.liveItems(POSTS, { cmsLocaleId: FR })).toHaveLength(2);

    await call("DELETE", `/collections/${POSTS}/items/live`, { items: [{ id: a }] });
    expect(sandbox.liveItems(POSTS, { cmsLocaleId: EN }).map((item) => item.id)).toEqual([b]);
    expect(sandbox.liveItems(POSTS, { cmsLocaleId: FR })).toHaveLength(2);
    await call("DELETE", `/collections/${POSTS}/items/live`, { items: [{ id: a, cmsLocaleIds: [EN, FR] }] });
    expect(sandbox.liveItems(POSTS, { cmsLocaleId: FR }).map((item) => item.id)).toEqual([b]);

    await call("DELETE", `/collections/${POSTS}/items`, { items: [{ id: b }] });
    expect(
      sandbox
        .items(POSTS, { cmsLocaleId: FR })
        .map((item) => item.id)
        .sort(),
    ).toEqual([a, b].sort());
    await call("DELETE", `/collections/${POSTS}/items`, { items: [{ id: b, cmsLocaleIds: [FR] }] });
    expect(sandbox.items(POSTS, { cmsLocaleId: FR }).map((item) => item.id)).toEqual([a]);
  });

  it("moves lastUpdated on every staged or live write of an item's content", async () => {
    await using sandbox = await startSandbox({ seed });
    const call = client(sandbox.baseUrl);
    const stamps: string[] = [];
    const stamp = () => stamps.push(sandbox.items(POSTS)[0]?.lastUpdated ?? "");
    const { body: item } = await call("POST", `/collections/${POSTS}/items`, { fieldData: post("a") });
    stamp();
    await call("PATCH", `/collections/${POSTS}/items`, {
      items: [{ id: item.id, fieldData: { name: "B" } }],
    });
    stamp();
    await call("POST", `/collections/${POSTS}/items/publish`, { itemIds: [item.id] });
    await call("PATCH", `/collections/${POSTS}/items/live`, {
      items: [{ id: item.id, fieldData: { name: "C" } }],
    });
    stamp();
    for (let index = 1; index < stamps.length; index++)
      expect(Date.parse(stamps[index] as string)).toBeGreaterThan(Date.parse(stamps[index - 1] as string));
  });
});

describe("wf-sync sandbox (serveSandbox)", () => {
  async function served(options: Parameters<typeof serveSandbox>[0]) {
    const controller = new AbortController();
    let listening: Sandbox | undefined;
    const done = serveSandbox({
      seed,
      log: () => undefined,
      signal: controller.signal,
      ...options,
      onListening: (sandbox) => {
        listening = sandbox;
      },
    });
    while (!listening) await new Promise((resolve) => setImmediate(resolve));
    return { sandbox: listening, stop: () => (controller.abort(), done) };
  }

  it("applies Webflow's 60 requests a minute by default", async () => {
    const { sandbox, stop } = await served({});
    const response = await client(sandbox.baseUrl)("GET", `/sites/${SITE_ID}`);
    expect(response.headers.get("x-ratelimit-limit")).toBe("60");
    expect(response.headers.get("x-ratelimit-remaining")).toBe("59");
    await stop();
  });

  it("takes another limit, and answers past it with 429 and Retry-After", async () => {
    const { sandbox, stop } = await served({ requestsPerMinute: 2 });
    const call = client(sandbox.baseUrl);
    expect((await call("GET", `/sites/${SITE_ID}`)).status).toBe(200);
    expect((await call("GET", `/sites/${SITE_ID}`)).status).toBe(200);
    const refused = await call("GET", `/sites/${SITE_ID}`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ code: "too_many_requests" });
    await stop();
  });

  it("serves the documented live PATCH unless told otherwise", async () => {
    for (const liveUpdateAlsoStaged of [false, true]) {
      const { sandbox, stop } = await served({ requestsPerMinute: 0, liveUpdateAlsoStaged });
      const call = client(sandbox.baseUrl);
      const { body: item } = await call("POST", `/collections/${POSTS}/items/live`, { fieldData: post("a") });
      await call("PATCH", `/collections/${POSTS}/items/live`, {
        items: [{ id: item.id, fieldData: { name: "New" } }],
      });
      expect(sandbox.items(POSTS)[0]?.fieldData["name"]).toBe(liveUpdateAlsoStaged ? "New" : "Post a");
      await stop();
    }
  });
});
