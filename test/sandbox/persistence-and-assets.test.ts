import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.ts";
import { POSTS, SITE_ID, client, post, seed } from "./helpers.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wf-sandbox-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("state file", () => {
  it("persists items across a restart and merges a later seed without dropping them", async () => {
    const statePath = join(dir, ".wf-sync", "sandbox.json");
    let itemId: string;
    {
      await using sandbox = await startSandbox({ seed, statePath });
      const call = client(sandbox.baseUrl);
      itemId = (await call("POST", `/collections/${POSTS}/items/live`, { fieldData: post("kept") })).body.id;
      // Written before the answer: the file already holds the item.
      expect(await readFile(statePath, "utf8")).toContain(itemId);
    }
    expect((await readdir(join(dir, ".wf-sync"))).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    const extended = structuredClone(seed);
    extended.sites[0]?.collections.push({
      id: "bbbbbbbbbbbbbbbbbbbbbbbb",
      displayName: "Tags",
      slug: "tags",
      fields: [{ slug: "color", type: "Color" }],
    });
    extended.sites[0]?.collections[1]?.fields.push({ slug: "extra", type: "PlainText" });
    await using again = await startSandbox({ seed: extended, statePath });
    expect(again.items(POSTS).map((item) => item.id)).toEqual([itemId]);
    expect(again.liveItems(POSTS).map((item) => item.id)).toEqual([itemId]);
    const call = client(again.baseUrl);
    const tags = await call("GET", "/collections/bbbbbbbbbbbbbbbbbbbbbbbb");
    expect(tags.body.fields.map((field: { slug: string }) => field.slug)).toEqual(["name", "slug", "color"]);
    const posts = await call("GET", `/collections/${POSTS}`);
    expect(posts.body.fields.map((field: { slug: string }) => field.slug)).toContain("extra");
    // Slug index survives the restart.
    expect((await call("POST", `/collections/${POSTS}/items`, { fieldData: post("kept") })).status).toBe(400);
  });
});

async function createAsset(
  baseUrl: string,
  fileName: string,
  bytes: Buffer,
  hash = createHash("md5").update(bytes).digest("hex"),
) {
  const response = await client(baseUrl)("POST", `/sites/${SITE_ID}/assets`, { fileName, fileHash: hash });
  return response;
}

async function upload(details: Record<string, string>, uploadUrl: string, bytes: Buffer, fileLast = true) {
  const form = new FormData();
  if (!fileLast) form.append("file", new Blob([new Uint8Array(bytes)]), "x.png");
  for (const [key, value] of Object.entries(details)) form.append(key, value);
  if (fileLast)
    form.append("file", new Blob([new Uint8Array(bytes)], { type: details["content-type"] }), "x.png");
  return fetch(uploadUrl, { method: "POST", body: form });
}

describe("assets", () => {
  it("runs the upload flow end to end and serves the hosted file", async () => {
    const statePath = join(dir, "sandbox.json");
    const bytes = Buffer.from("\x89PNG fake image bytes");
    let hostedUrl: string;
    {
      await using sandbox = await startSandbox({ seed, statePath });
      const created = await createAsset(sandbox.baseUrl, "cover.png", bytes);
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        contentType: "image/png",
        uploadUrl: `http://127.0.0.1:${sandbox.port}/upload/${created.body.id}`,
        uploadDetails: {
          success_action_status: "201",
          key: `${SITE_ID}/${created.body.id}_cover.png`,
          "content-type": "image/png",
        },
        hostedUrl: `http://127.0.0.1:${sandbox.port}/files/${SITE_ID}/${created.body.id}_cover.png`,
        originalFileName: "cover.png",
      });
      const uploaded = await upload(created.body.uploadDetails, created.body.uploadUrl, bytes);
      expect(uploaded.status).toBe(201);
      await uploaded.text();
      hostedUrl = created.body.hostedUrl;
      const served = await fetch(hostedUrl);
      expect(served.status).toBe(200);
      expect(served.headers.get("content-type")).toBe("image/png");
      expect(Buffer.from(await served.arrayBuffer())).toEqual(bytes);

      const call = client(sandbox.baseUrl);
      const listed = await call("GET", `/sites/${SITE_ID}/assets`);
      expect(listed.body.pagination).toEqual({ limit: 100, offset: 0, total: 1 });
      expect(listed.body.assets[0]).toMatchObject({
        id: created.body.id,
        size: bytes.length,
        siteId: SITE_ID,
      });
      expect((await call("GET", `/assets/${created.body.id}`)).body).toMatchObject({
        id: created.body.id,
        hostedUrl,
      });
      expect(sandbox.assets(SITE_ID)).toEqual([
        expect.objectContaining({ id: created.body.id, isUploaded: true }),
      ]);

      // An item may reference the asset by fileId; url comes back as the hosted URL.
      const item = await call("POST", `/collections/${POSTS}/items`, {
        fieldData: post("with-cover", { cover: { fileId: created.body.id, alt: "Cover" } }),
      });
      expect(item.body.fieldData.cover).toEqual({ fileId: created.body.id, url: hostedUrl, alt: "Cover" });
    }
    // Bytes survive a restart; the port differs, so ask the new sandbox for the URL.
    await using again = await startSandbox({ statePath });
    const [asset] = again.assets();
    expect(asset?.isUploaded).toBe(true);
    const served = await fetch(asset?.hostedUrl ?? "");
    expect(Buffer.from(await served.arrayBuffer())).toEqual(bytes);
  });

  it("refuses bytes whose MD5 differs from fileHash, and a file that is not last", async () => {
    await using sandbox = await startSandbox({ seed });
    const bytes = Buffer.from("real bytes");
    const created = await createAsset(sandbox.baseUrl, "doc.pdf", bytes, "0".repeat(32));
    const mismatch = await upload(created.body.uploadDetails, created.body.uploadUrl, bytes);
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain("BadDigest");
    expect(sandbox.assets()[0]?.isUploaded).toBe(false);
    expect((await fetch(created.body.hostedUrl)).status).toBe(404);

    const good = await createAsset(sandbox.baseUrl, "doc.pdf", bytes);
    const notLast = await upload(good.body.uploadDetails, good.body.uploadUrl, bytes, false);
    expect(notLast.status).toBe(400);
    await notLast.text();
  });

  it("validates asset creation", async () => {
    await using sandbox = await startSandbox({ seed });
    const response = await client(sandbox.baseUrl)("POST", `/sites/${SITE_ID}/assets`, {
      fileName: "x.png",
      fileHash: "nope",
    });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([expect.objectContaining({ param: "fileHash" })]);
  });
});
